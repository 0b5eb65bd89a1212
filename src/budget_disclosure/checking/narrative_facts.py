"""What the 情况说明 may state, computed from the tables and inputs, and how to find statements
in its sentences: amounts in 元/万元/亿元, changes with their direction word, rates."""

from __future__ import annotations

import re
from decimal import Decimal

from budget_disclosure.engine.money import ZERO, AmountError, parse_amount
from budget_disclosure.engine.comparison import OPTIONAL_KINDS
from budget_disclosure.engine.narrative import Figures, quoted
from budget_disclosure.layout import package_inputs as P

NUMBER = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
UNIT = r"(亿元|万元|元)"
SCALE = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}


def to_wan(number: str, unit: str) -> Decimal:
    return Decimal(number.replace(",", "")) * SCALE[unit]


def _amount(value: object) -> Decimal:
    try:
        return parse_amount(value) or ZERO
    except AmountError:
        return ZERO


def level_facts(figures: Figures, texts, projects: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """(label as the text writes it, the figure it must equal), longest labels first."""
    inc, s = figures.income, figures.sangong
    facts = [
        ("一般公共预算收入", inc["一般公共预算"]), ("基金预算收入", inc["政府性基金"]), ("国有资本经营预算收入", inc["国有资本经营"]),
        ("财政专户核拨收入", inc["财政专户"]), ("财政专户管理资金收入", inc["财政专户"]), ("单位资金收入", inc["单位资金"]),
        ("上年结转结余", inc["上年结转结余"]), ("预算收入", inc["收入总计"]), ("支出预算", figures.spending),
        ("预算收支安排", figures.spending), ("基本支出", figures.basic), ("人员经费", figures.personnel),
        ("一般公共预算基本支出", figures.general_basic),
        ("日常公用经费", figures.operating), ("机关运行经费共计安排", figures.operating), ("项目支出", figures.project),
        ("“三公”经费预算安排", s["合计"]), ("三公经费预算安排", s["合计"]), ("因公出国（境）费", s["因公出国（境）费"]),
        ("公务用车购置及运维费", s["公务用车购置及运维费"]), ("公务用车购置费为", s["公务用车购置费"]),
        ("公务用车购置费", s["公务用车购置费"]), ("公务用车运维费", s["公务用车运行维护费"]),
        ("公务用车运行维护费", s["公务用车运行维护费"]), ("公务接待费", s["公务接待费"]),
    ]
    if texts is not None:
        if texts.procurement:
            facts.append(("政府采购预算总额", sum((_amount(i.get("合计")) for i in texts.procurement), ZERO)))
        if texts.assets:
            parts = [k for k in P.ASSET_ROWS[1:-1] if not k.startswith("其中")]
            facts.append(("固定资产金额为", sum((_amount(texts.assets.get(k, (None, None))[1]) for k in parts), ZERO)))
    facts += [(k, figures.kinds.get(k)) for k in OPTIONAL_KINDS]
    facts = [(label, value) for label, value in facts if value is not None]  # absent: not checked
    for name, amount in projects:
        facts.append((mask_quoted(quoted(name)), amount))
        if not name[-1:].isdigit():  # unquoted, as people write it; a trailing digit would run into the amount
            facts.append((name, amount))
    return sorted(facts, key=lambda f: -len(f[0]))


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|《[^》]*》|「[^」]*」|‘[^’]*’")


def mask_quoted(text: str) -> str:
    """Digits inside quotes and 《》 are part of a name or title, never an amount: mask them,
    each digit to its own private-use character (names stay distinct; same length, so positions
    stay valid)."""
    return _QUOTED.sub(lambda m: m.group(0).translate(_MASK), text)


_MASK = {ord(str(d)): 0xE000 + d for d in range(10)}
_UNMASK = {v: k for k, v in _MASK.items()}


def unmask(text: str) -> str:
    return text.translate(_UNMASK)


_AMOUNT = re.compile(NUMBER + UNIT)
_CONNECTORS = ("预算安排", "共计", "安排", "为", "")


_BOUNDARY = set("，,。；;：:、（(）)．“\"‘《 \n\t")
_BOUNDARY_WORDS = ("其中", "年", "年度", "中", "为", "部门", "单位", "本部门", "本单位", "共计", "全年", "安排", "和", "及", "与",
                   "包括", "含", "是", "即", "的", "其", "主要为", "用于")


def at_boundary(text: str, start: int, names: tuple[str, ...] = ()) -> bool:
    """A label starts a phrase: at the start, after punctuation or a digit, after 其中 / 年 / 部门 …
    or the unit's own name — never inside a longer word ("支出预算" in "基本支出预算")."""
    if start == 0:
        return True
    ch = text[start - 1]
    if ch in _BOUNDARY or ch.isdigit() or ch.isascii() or ch in "\ue000\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008\ue009":
        return True
    before = text[:start]
    return before.endswith(_BOUNDARY_WORDS) or any(n and before.endswith(n) for n in names)


def find_levels(text: str, facts: list[tuple[str, Decimal]], names: tuple[str, ...] = ()
                ) -> list[tuple[str, Decimal, Decimal, int, str]]:
    """(label, stated 万元, expected, position, number as printed) for every "<label>[为|共计|安排]<number><unit>".

    Each amount in the text is attributed to the longest label that ends right before it (a longer
    label claims the statement from a shorter one inside it) and starts a phrase (``at_boundary``).
    Works from the amounts backwards, so the cost does not grow with the number of labels (a
    department may list a thousand projects)."""
    expected_of: dict[str, Decimal] = {}
    for label, expected in facts:
        expected_of.setdefault(label, expected)
    lengths = sorted({len(label) for label in expected_of}, reverse=True)
    found = []
    for m in _AMOUNT.finditer(text):
        best = None
        for connector in _CONNECTORS:
            end = m.start() - len(connector)
            if connector and text[end:m.start()] != connector:
                continue
            label = next((text[end - n:end] for n in lengths if n <= end and text[end - n:end] in expected_of
                          and at_boundary(text, end - n, names)), None)
            if label is not None and (best is None or len(label) > len(best[0])):
                best = (label, end - len(label))
        if best is not None:
            label, start = best
            found.append((label, to_wan(m.group(1), m.group(2)), expected_of[label], start, m.group(1)))
    return found


CHANGE = re.compile(r"(增加|减少)了?" + NUMBER + UNIT)  # "减少了X万元" too
SAME = re.compile(r"持平")
REASON = re.compile(r"主要(?:原因)?(?:是|为|：|:)\s*([^。；]*)")
RATE = re.compile(r"(增长|下降|增加|减少)了?" + NUMBER + r"\s*%")
LAST_AMOUNT = re.compile(r"上年(?:预算)?(?:数)?(?:为)?" + NUMBER + UNIT)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=。)", text) if s.strip()]
