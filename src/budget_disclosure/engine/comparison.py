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
CHANGE_THRESHOLD = Decimal(50)  # % of last year's: a change beyond it is explained in the text


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


# -- by 科目: this year's 一般公共预算财政拨款支出 against last year's, 项 by 项 ----------------------------------
@dataclass(frozen=True)
class SubjectChange:
    """A 项 this year and last year (``before`` None: new this year; ``now`` None: gone since). ``old``:
    last year's code and name when the 科目 was re-coded (found by its name under another code)."""

    code: str
    name: str
    now: Decimal | None
    before: Decimal | None
    old: tuple[str, str] | None = None

    @property
    def delta(self) -> Decimal:
        return (self.now or ZERO) - (self.before or ZERO)


def _same(a: str, b: str) -> bool:
    strip = str.maketrans("", "", " 　()（）")
    x, y = a.translate(strip), b.translate(strip)
    return x == y or x.removesuffix("支出") == y.removesuffix("支出")


def subject_changes(now: list[tuple[str, str, Decimal]], before: list[tuple[str, str, Decimal]]) -> list[SubjectChange]:
    """The 项 (seven-digit 科目) of this year, in order, each with last year's figure: by code; a code
    that is new this year whose name is that of a code gone since is the same 科目 re-coded; then every
    项 of last year with no counterpart this year, as gone. Zero rows are neither listed nor compared."""
    leaves_now = [(c, n, v) for c, n, v in now if len(c) == 7 and v != ZERO]
    leaves_before = {c: (n, v) for c, n, v in before if len(c) == 7 and v != ZERO}
    matched: set[str] = set()
    out = []
    for code, name, value in leaves_now:
        if code in leaves_before:
            matched.add(code)
            out.append(SubjectChange(code, name, value, leaves_before[code][1]))
    codes_now = {c for c, _, _ in leaves_now}
    new = [(c, n) for c, n, _ in leaves_now if c not in leaves_before]
    gone = {c: n for c, (n, _) in leaves_before.items() if c not in codes_now}
    for code, name, value in leaves_now:
        if code in leaves_before:
            continue
        # re-coded: the one 科目 gone since with this name in the same 类 (行政运行 is a 项 of many 款: a
        # name shared by several new or gone 科目 of the 类 says nothing)
        olds = [c for c, n in gone.items() if c[:3] == code[:3] and _same(n, name)]
        twins = [c for c, n in new if c[:3] == code[:3] and _same(n, name)]
        old = olds[0] if len(olds) == 1 and len(twins) == 1 and olds[0] not in matched else None
        if old is not None:
            matched.add(old)
            out.append(SubjectChange(code, name, value, leaves_before[old][1], (old, leaves_before[old][0])))
        else:
            out.append(SubjectChange(code, name, value, None))
    order = {c: i for i, (c, _, _) in enumerate(leaves_now)}
    out.sort(key=lambda c: order[c.code])
    out += [SubjectChange(c, n, None, v) for c, (n, v) in leaves_before.items() if c not in matched]
    return out


def unexplained(changes: list[SubjectChange], reasons: dict[str, str]) -> list[tuple[SubjectChange, Decimal]]:
    """The 项 whose change exceeds the threshold (as a % of last year's) with no reason given."""
    out = []
    for change in changes:
        if change.now is None or not change.before or change.code in reasons:
            continue
        moved = abs(rate(change.delta, change.before))
        if moved > CHANGE_THRESHOLD:
            out.append((change, moved))
    return out


def rate(change: Decimal, base: Decimal) -> Decimal:
    """The change as a percentage of last year's, to two decimals (as the text prints it)."""
    from decimal import ROUND_HALF_UP

    return (change / base * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
