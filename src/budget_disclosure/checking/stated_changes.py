"""The comparisons with last year a 情况说明 states, as written: "A万元，与上年相比增加C万元，增长z%",
"比2023年预算减少C万元", "与上年度持平". Each one gives the amount it is about (the nearest amount
before the comparison, in the same paragraph), the change (signed; zero for 持平) and the rate, all
as printed, so that the base it implies (A − C) can be compared with what was published last year.

Comparisons with last year's 执行数 or 决算 are not comparisons with last year's published 预算: they
are kept apart (``basis``) and not compared with it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from budget_disclosure.checking.narrative_facts import NUMBER, UNIT, mask_quoted, to_wan
from budget_disclosure.checking.narrative_paths import decimals, printed_interval
from budget_disclosure.engine.intervals import Interval

# 与上年相比 / 与上年度 / 比上年预算 / 较上年 / 比2023年预算 / 较2023年 / 与2023年预算数相比 …
_YEAR = r"(?:上年|上一年|(\d{4})年)(?:度)?"
_BASIS = r"(当年预算执行数|预算执行数|执行数|预算数|预算|决算数|决算|数)?"
COMPARED = re.compile(r"(?:与" + _YEAR + _BASIS + r"(?:相比|比较)?|(?:比|较)" + _YEAR + _BASIS + r")[，,]?"
                      r"([^。；;，,\d]{0,16}?)"
                      r"(?:(增加|减少|增长|下降)了?" + NUMBER + UNIT + r"(?:[，,]\s*(增长|增加|减少|下降)了?" + NUMBER + r"\s*%)?"
                      r"|(持平|保持不变|无变化|一致|相同))")
_AMOUNT = re.compile(NUMBER + UNIT)
_REASON = re.compile(r"主要(?:原因|是|为|用于|系|由于)|原因(?:是|为|：|:)|由于|因")


@dataclass(frozen=True)
class StatedChange:
    paragraph: int  # index into the paragraphs it was read from
    text: str  # the paragraph, quotes masked (positions as in the paragraph)
    now_start: int  # where the amount it is about starts
    now: str  # that amount as printed
    now_unit: str
    change: str  # the change as printed ("0" for 持平)
    sign: int  # +1 增加, −1 减少, 0 持平
    change_unit: str
    rate: str | None  # the rate as printed, when stated
    year: int | None  # the year it compares with, when it names one (None: 上年)
    basis: str  # 预算 (the published budget), 执行数 or 决算
    start: int  # the comparison's span in the paragraph
    end: int

    @property
    def now_wan(self) -> Decimal:
        return to_wan(self.now, self.now_unit)

    @property
    def change_wan(self) -> Decimal:
        return to_wan(self.change, self.change_unit) * self.sign

    @property
    def base_interval(self) -> Interval:
        """Every base the printed figures allow: the amount's interval less the change's."""
        now = printed_interval(self.now, self.now_unit)
        if self.sign == 0:
            return now
        change = printed_interval(self.change, self.change_unit).scaled(Decimal(self.sign))
        return now - change

    @property
    def base(self) -> Decimal:
        return self.now_wan - self.change_wan

    @property
    def places(self) -> int:
        """The precision the base is stated to: the coarser of the two printed figures (in 万元)."""
        shift = {"元": 4, "万元": 0, "亿元": -4}
        now = decimals(self.now) + shift[self.now_unit]
        return now if self.sign == 0 else min(now, decimals(self.change) + shift[self.change_unit])

    @property
    def wording(self) -> str:
        return self.text[self.now_start:self.end]

    def reason_given(self) -> bool:
        """A reason follows the comparison in its sentence or the next one."""
        rest = self.text[self.end:]
        ends = [i for i, ch in enumerate(rest) if ch in "。；;"]
        window = rest[:ends[1] + 1] if len(ends) > 1 else rest
        return bool(_REASON.search(window))


def _unclear(text: str, now: re.Match, start: int) -> bool:
    """Whether the amount before a comparison may not be what it compares: a 其中 between them (the
    comparison is about a part named after it: "2604.79万元，其中：基本支出与2024年持平"), or a
    comparison opening its sentence after a sentence of several amounts ("…公务接待费3.11万元。比2024年
    减少…": about the whole sentence, not its last figure)."""
    gap = text[now.end():start]
    if "其中" in gap:
        return True
    stop = max(gap.rfind("。"), gap.rfind("；"), gap.rfind(";"))
    if stop < 0:
        return False
    sentence_start = text.rfind("。", 0, now.start()) + 1  # a sentence's clauses (；) are one sentence here
    return len(_AMOUNT.findall(text, sentence_start, now.end() + stop)) > 1


def _basis(word: str | None) -> str:
    if not word:
        return "预算"
    return "执行数" if "执行" in word else "决算" if "决算" in word else "预算"


def stated_changes(paragraphs: list[str]) -> list[StatedChange]:
    """Every comparison with an earlier year the paragraphs state, with the amount it is about."""
    out = []
    for index, raw in enumerate(paragraphs):
        text = mask_quoted(raw)
        for m in COMPARED.finditer(text):
            if "（" in m.group(5) or "(" in m.group(5):
                continue  # "增加（减少）0万元": a template's words left in, nothing stated
            before = [a for a in _AMOUNT.finditer(text, 0, m.start())]
            if not before:
                continue
            now = before[-1]
            if _unclear(text, now, m.start()):
                continue
            year_text = m.group(1) or m.group(3)
            basis = _basis(m.group(2) or m.group(4))
            if m.group(11):
                change, sign, unit, rate = "0", 0, now.group(2), None
            else:
                word = m.group(6)
                sign = 1 if word in ("增加", "增长") else -1
                change, unit, rate = m.group(7), m.group(8), m.group(10)
                if rate is not None and m.group(9) in ("减少", "下降"):
                    rate = "-" + rate
            out.append(StatedChange(index, text, now.start(), now.group(1), now.group(2), change, sign, unit, rate,
                                    int(year_text) if year_text else None, basis, m.start(), m.end()))
    return out
