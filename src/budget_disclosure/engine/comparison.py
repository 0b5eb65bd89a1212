"""This year against last year: the changes the 情况说明 states (比上年增减), computed in one
place for the generator and the narrative check, so the two cannot disagree.

Last year's figures come from the 上年预算 input sheet (万元). 基本支出 and 项目支出 must be
given for any comparison to be made (absent is not zero: without them nothing is compared);
经营支出, 上解上级支出 and 对附属单位补助支出 are rare, so a blank one counts as 0, as the
sheet's hint says. The 三公 comparison needs all four items.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budget_disclosure.engine.money import ZERO, AmountError, parse_amount
from budget_disclosure.engine.package_texts import PackageTexts
from budget_disclosure.layout import package_inputs as P

BASIC, PROJECT, OPERATION, REMIT, SUBSIDY = "基本支出", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出"
SPENDING_KINDS = (BASIC, PROJECT, OPERATION, REMIT, SUBSIDY)
OPTIONAL_KINDS = (OPERATION, REMIT, SUBSIDY)
_C, _R = P.LAST_YEAR.columns, P.REASONS.columns
LAST_KEY = dict(zip(SPENDING_KINDS, (_C[1], _C[2], _C[7], _C[8], _C[9])))
REASON_KEY = dict(zip(SPENDING_KINDS, (_R[0], _R[1], _R[4], _R[5], _R[6])))
SANGONG = "三公经费"
REASON_KEY[SANGONG] = _R[2]
SANGONG_ITEMS = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
TOTAL = "总额"


@dataclass(frozen=True)
class Change:
    what: str  # 基本支出 … / 三公经费 / 总额
    now: Decimal
    before: Decimal
    reason: str = ""

    @property
    def delta(self) -> Decimal:
        return self.now - self.before


def _given(texts: PackageTexts, key: str) -> Decimal | None:
    value = texts.last_year.get(key)
    try:
        return parse_amount(value)
    except AmountError:
        return None


def last_year_number(texts: PackageTexts | None, year: int) -> int:
    value = _given(texts, _C[0]) if texts is not None else None
    return int(value) if value else year - 1


def spending_changes(now: dict[str, Decimal], texts: PackageTexts | None) -> list[Change] | None:
    """The total first, then each kind stated (基本, 项目 always; the others where this or last
    year has any). ``now``: this year's printed 万元 by kind. None: no comparison possible."""
    if texts is None:
        return None
    before = {k: _given(texts, LAST_KEY[k]) for k in SPENDING_KINDS}
    if before[BASIC] is None or before[PROJECT] is None:
        return None
    parts = [Change(k, now.get(k, ZERO), before[k] or ZERO, texts.reasons.get(REASON_KEY[k], ""))
             for k in SPENDING_KINDS
             if k in (BASIC, PROJECT) or now.get(k, ZERO) != ZERO or (before[k] or ZERO) != ZERO]
    total = Change(TOTAL, sum((c.now for c in parts), ZERO), sum((c.before for c in parts), ZERO))
    return [total, *parts]


def sangong_change(now: Decimal, texts: PackageTexts | None) -> Change | None:
    if texts is None:
        return None
    items = [_given(texts, f"上年{k}（万元）") for k in SANGONG_ITEMS]
    if any(v is None for v in items):
        return None
    return Change(SANGONG, now, sum(items, ZERO), texts.reasons.get(REASON_KEY[SANGONG], ""))


def missing_reasons(changes: list[Change]) -> list[Change]:
    """Changes (other than the total, whose reasons are its parts') stated without a reason."""
    return [c for c in changes if c.what != TOTAL and c.delta != ZERO and len(c.reason.strip().rstrip("。")) < 2]
