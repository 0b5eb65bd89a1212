"""The 情况说明, generated in the seed's structure (一 … 十一) with every number bound to the
tables: no number is typed twice. Returns blocks that the sheet, Word and PDF writers render:

    ("title", text) ("h1", text) ("h2", text) ("p", text) ("table", caption, header rows, rows)
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from budget_disclosure.engine.comparison import (
    OPTIONAL_KINDS, SPENDING_KINDS, Change, last_year_number, rate, sangong_change, spending_changes, subject_changes,
)
from budget_disclosure.engine.money import ZERO, parse_amount
from budget_disclosure.engine.package_texts import PackageTexts
from budget_disclosure.layout import package_inputs as P

Block = tuple
Value = Callable[[str, str, str], Decimal]  # (table, row key, canonical column) → printed 万元

# Canonical lines (profiles/lines.toml) of 表1 and 表9 the text repeats.
_T1 = {"一般公共预算": "一般公共预算拨款收入", "政府性基金": "政府性基金预算拨款收入", "国有资本经营": "国有资本经营预算拨款收入",
       "财政专户": "财政专户管理资金收入", "单位资金": "单位资金", "本年收入合计": "本年收入合计",
       "上年结转结余": "上年结转结余", "收入总计": "收入总计"}
_T9 = {"合计": "合计", "因公出国（境）费": "因公出国(境)费", "公务用车购置及运维费": "公务用车购置及运维费",
       "公务用车购置费": "公务用车购置费", "公务用车运行维护费": "公务用车运行维护费", "公务接待费": "公务接待费"}
OPENING = ("按照《中华人民共和国预算法》、《地方预决算公开操作规程》和《关于进一步推进预算公开工作的实施意见》规定，"
           "现将{unit} {year} 年部门预算公开如下：")


def w(value: Decimal) -> str:
    """A 万元 figure as the text prints it."""
    return f"{value:.2f}"


@dataclass(frozen=True)
class Figures:
    """The table figures the 情况说明 repeats (万元, as printed)."""

    income: dict[str, Decimal]
    spending: Decimal
    basic: Decimal
    project: Decimal
    general_basic: Decimal
    personnel: Decimal
    operating: Decimal
    sangong: dict[str, Decimal]
    kinds: dict[str, Decimal]  # 支出总表 合计 by 支出类型 (基本支出 … 对附属单位补助支出)
    # 一般公共预算支出表 by 科目: (code, name, 合计 万元) of its 类, 款 and 项 rows, in order
    subjects: tuple[tuple[str, str, Decimal], ...] = ()

    @classmethod
    def from_tables(cls, value: Value, subjects: tuple[tuple[str, str, Decimal], ...] = ()) -> "Figures":
        kinds = {k: value("T3", "", k) for k in SPENDING_KINDS}
        return cls(
            income={k: value("T1", key, "收入预算数") for k, key in _T1.items()},
            spending=value("T3", "", "合计"), basic=kinds["基本支出"], project=kinds["项目支出"],
            general_basic=value("T6", "", "合计"), personnel=value("T6", "", "人员经费"), operating=value("T6", "", "公用经费"),
            sangong={k: value("T9", key, "合计") for k, key in _T9.items()},
            kinds=kinds, subjects=subjects,
        )


def direction(change: Decimal) -> str:
    return "增加" if change > 0 else "减少" if change < 0 else "持平"


def _amount(value: object) -> Decimal:
    try:
        return parse_amount(value) or ZERO
    except ValueError:
        return ZERO


def _given_amount(value: object) -> Decimal | None:
    try:
        return parse_amount(value)
    except ValueError:
        return None


def _versus(now: Decimal, before: Decimal) -> str:
    """“，比上年预算增加C万元，增长z%” (no rate from a base of 0); “，与上年预算持平”."""
    delta = now - before
    if delta == ZERO:
        return "，与上年预算持平"
    text = f"，比上年预算{direction(delta)}{w(abs(delta))}万元"
    return text + (f"，{'增长' if delta > 0 else '下降'}{w(abs(rate(delta, before)))}%" if before > ZERO else "")


def last_year_subjects(texts: PackageTexts) -> list[tuple[str, str, Decimal]]:
    """The 上年科目 sheet's figures (a row without a number: not given)."""
    return [(code, name, v) for code, name, value, _ in texts.last_year_subjects if (v := _given_amount(value)) is not None]


def _subject_blocks(subjects, texts: PackageTexts, year: int, last_year: int) -> list[Block]:
    """一般公共预算财政拨款支出 by 项 against last year's (the 上年科目 sheet): the 科目 path as the tables
    print it, this year's figure and the change; a 科目 new this year, one re-coded (said with last year's
    code and name) and one gone since, each named as such."""
    before = last_year_subjects(texts)
    names = {code: name for code, name, _ in subjects}
    lines = []
    for change in subject_changes(list(subjects), before):
        if change.now is None:
            lines.append(f"{last_year}年预算的“{change.code} {change.name}”{w(change.before)}万元，{year}年未安排。")
            continue
        path = "".join(f"{names.get(change.code[:n], '')}（{level}）" for n, level in ((3, "类"), (5, "款"), (7, "项")))
        if change.before is None:
            lines.append(f"{path}{w(change.now)}万元，为{year}年新增科目。")
            continue
        old = f"（上年为“{change.old[0]} {change.old[1]}”）" if change.old else ""
        reason = texts.subject_reasons.get(change.code, "").rstrip("。")
        because = f"，主要原因是{reason}" if reason and change.delta else ""
        lines.append(f"{path}{w(change.now)}万元{old}{_versus(change.now, change.before)}{because}。")
    return [("p", "一般公共预算财政拨款支出按功能分类科目比上年增减：")] + [("p", line) for line in lines]


def _change_sentence(change: Change, last_year: int) -> str:
    if change.delta == 0:
        return f"{change.what}与{last_year}年持平。"
    text = f"{change.what}{direction(change.delta)}{w(abs(change.delta))}万元"
    return text + (f"，主要为{change.reason.rstrip('。')}。" if change.reason else "。")


def distinct_names(projects: list[tuple[str, str, Decimal]]) -> list[tuple[str, Decimal]]:
    """(name as the text writes it, amount) of each project: two projects of one name (different 项目编码)
    are each written with their code — “人大代表培训经费（13070024P00004810005W）” — so that neither the
    reader nor the check takes one for the other."""
    from collections import Counter

    shared = Counter(name for _, name, _ in projects)
    return [(f"{name}（{code}）" if shared[name] > 1 and code and code != name else name, amount)
            for code, name, amount in projects]


def quoted(name: str) -> str:
    """A name in a sentence, quoted so that a name ending in a digit never runs into the amount after it."""
    return f"“{name}”"


def duty_paragraphs(duties: list[str]) -> list[str]:
    """The 部门职责 paragraphs without one that only repeats the heading the statement prints itself."""
    return [plain_item(p) for p in duties if p.strip().rstrip("：:").strip() != "部门职责"]


_BULLET = re.compile(r"^\s*[-*•·]\s+(?=\S)")


def plain_item(paragraph: str) -> str:
    """A list item as an official document writes it ("1、…"), without the "- " a text copied from a web
    page or a markdown file put before it."""
    return _BULLET.sub("", paragraph)


def generate(unit: str, year: int, figures: Figures, texts: PackageTexts,
             projects: list[tuple[str, Decimal]], compare: bool = True) -> list[Block]:
    """``projects``: (name, 万元) of the 项目支出 in the order they are listed; ``compare``: state the
    changes against the 上年预算 sheet (False for a unit's own package: that sheet is the department's)."""
    compared = texts if compare else None
    last_year = last_year_number(texts, year)
    blocks: list[Block] = [("title", f"{unit} {year} 年部门预算信息公开情况说明"),
                           ("p", OPENING.format(unit=unit, year=year))]

    blocks.append(("h1", "一、部门职责及机构设置情况"))
    blocks.append(("p", "部门职责："))
    blocks += [("p", p) for p in duty_paragraphs(texts.duties)]
    blocks.append(("p", "机构设置："))
    blocks.append(("table", "部门机构设置情况", [list(P.ORGANISATION.columns)], texts.organisation))

    blocks.append(("h1", "二、部门预算安排的总体情况"))
    blocks.append(("p", f"按照预算管理有关规定，目前部门预算的编制实行综合预算管理，即全部收入和支出都反映在预算中。"
                        f"{unit}机关及所属事业单位的收支包含在部门预算中。"))
    inc = figures.income
    blocks.append(("h2", "1、收入说明"))
    blocks.append(("p", f"反映本部门当年全部收入。{year}年预算收入{w(inc['收入总计'])}万元，其中：一般公共预算收入"
                        f"{w(inc['一般公共预算'])}万元，基金预算收入{w(inc['政府性基金'])}万元，国有资本经营预算收入"
                        f"{w(inc['国有资本经营'])}万元，财政专户核拨收入{w(inc['财政专户'])}万元，单位资金收入"
                        f"{w(inc['单位资金'])}万元，上年结转结余{w(inc['上年结转结余'])}万元。"))
    blocks.append(("h2", "2、支出说明"))
    if figures.general_basic == figures.basic:
        basic = f"其中基本支出{w(figures.basic)}万元，包括人员经费{w(figures.personnel)}万元和日常公用经费{w(figures.operating)}万元"
    else:
        basic = (f"其中基本支出{w(figures.basic)}万元（其中一般公共预算基本支出{w(figures.general_basic)}万元，包括人员经费"
                 f"{w(figures.personnel)}万元和日常公用经费{w(figures.operating)}万元）")
    listed = "；".join(f"{i}、{quoted(name)}{w(amount)}万元" for i, (name, amount) in enumerate(projects, 1))
    project = f"项目支出{w(figures.project)}万元" + (f"，主要为{listed}" if listed else "")
    others = "".join(f"；{k}{w(figures.kinds[k])}万元" for k in OPTIONAL_KINDS if figures.kinds.get(k, ZERO) != ZERO)
    blocks.append(("p", f"收支预算总表支出栏、基本支出表、项目支出表按经济分类和支出功能分类科目编制，反映{unit}年度部门预算中"
                        f"支出预算的总体情况。{year}年支出预算{w(figures.spending)}万元，{basic}；{project}{others}。"))
    blocks.append(("h2", "3、比上年增减情况"))
    changes = spending_changes(figures.kinds, compared)
    if changes is None:
        blocks.append(("p", f"{year}年预算收支安排{w(figures.spending)}万元。"))
    else:
        total, parts = changes[0], changes[1:]
        if total.delta == 0:
            head = f"{year}年预算收支安排{w(figures.spending)}万元，与{last_year}年预算持平"
        else:
            head = (f"{year}年预算收支安排{w(figures.spending)}万元，较{last_year}年预算{direction(total.delta)}"
                    f"{w(abs(total.delta))}万元")
        blocks.append(("p", f"{head}，其中：{''.join(_change_sentence(c, last_year) for c in parts)}"))
    if compared is not None and texts.last_year_subjects and figures.subjects:
        blocks += _subject_blocks(figures.subjects, texts, year, last_year)

    blocks.append(("h1", "三、机关运行经费安排情况"))
    use = texts.reasons.get(P.REASONS.columns[3], "")
    operating_before = _given_amount(texts.last_year.get("上年机关运行经费（万元）")) if compared is not None else None
    blocks.append(("p", f"{year}年，我部门机关运行经费共计安排{w(figures.operating)}万元"
                        + (_versus(figures.operating, operating_before) if operating_before is not None else "")
                        + (f"，主要用于{use.rstrip('。')}。" if use else "。")))

    blocks.append(("h1", "四、财政拨款“三公”经费预算情况及增减变化原因"))
    s = figures.sangong
    sangong_delta = sangong_change(s["合计"], compared)
    sangong = (f"{year}年，我部门财政拨款“三公”经费预算安排{w(s['合计'])}万元，其中因公出国（境）费{w(s['因公出国（境）费'])}万元；"
               f"公务用车购置及运维费{w(s['公务用车购置及运维费'])}万元（其中：公务用车购置费为{w(s['公务用车购置费'])}万元，"
               f"公务用车运维费{w(s['公务用车运行维护费'])}万元）；公务接待费{w(s['公务接待费'])}万元。")
    if sangong_delta is not None and sangong_delta.delta == 0:
        sangong += f"与{last_year}年持平，无增减变化。"
    elif sangong_delta is not None:
        reason = sangong_delta.reason
        sangong += (f"比{last_year}年{direction(sangong_delta.delta)}{w(abs(sangong_delta.delta))}万元"
                    + (f"，主要原因是{reason.rstrip('。')}。" if reason else "。"))
    blocks.append(("p", sangong))

    blocks.append(("h1", "五、部门整体绩效目标"))
    blocks += [("h2", p) if p.startswith("（") and (p.endswith("目标") or len(p) < 16) else ("p", p)
               for p in map(plain_item, texts.performance)]
    blocks.append(("h1", "六、部门主管专项资金预算安排情况及绩效目标"))
    blocks.append(("p", texts.other.get(P.OTHER.columns[0], "") or "我部门无部门主管专项资金。"))

    blocks.append(("h1", "七、部门项目预算安排情况及绩效目标"))
    titles = [name for name, _ in distinct_names([(p.code, p.name, ZERO) for p in texts.projects])]
    for i, (p, title) in enumerate(zip(texts.projects, titles), 1):
        plan = "　".join(f"{k}{_percent(v)}" for k, v in p.plan.items() if v is not None)
        rows = [["项目编码", p.code, "项目名称", p.name, "", ""],
                ["预算数", w(p.budget or ZERO), "其中：财政资金", w(p.fiscal or ZERO), "其他资金", w(p.other) if p.other else ""],
                ["资金用途", p.use, "", "", "", ""],
                ["资金支出计划（%）", plan, "", "", "", ""],
                ["绩效目标", p.goal, "", "", "", ""],
                ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]]
        rows += [[i_.get(c, "") for c in P.INDICATORS.columns[1:]] for i_ in p.indicators]
        blocks.append(("table", f"{i}、{title}绩效目标表", [], rows))

    blocks.append(("h1", "八、政府采购预算情况"))
    total = sum((_amount(item.get("合计")) for item in texts.procurement), ZERO)
    blocks.append(("p", f"{year}年，我部门政府采购预算总额{w(total)}万元。" if texts.procurement
                   else f"{year}年，我部门无政府采购预算。"))
    if texts.procurement:
        header = [list(P.PROCUREMENT.columns)]
        money_columns = P.PROCUREMENT.columns[7:]
        totals = ["合计", "", "", "", "", "", ""] + [w(sum((_amount(i.get(c)) for i in texts.procurement), ZERO))
                                                     for c in money_columns]
        money = set(money_columns) | {"预算资金"}
        rows = [totals] + [[w(_amount(item.get(c))) if c in money and item.get(c) not in (None, "") else _cell(item.get(c))
                            for c in P.PROCUREMENT.columns] for item in texts.procurement]
        blocks.append(("table", "部门政府采购预算（单位：万元）", header, rows))
        if texts.other.get(P.OTHER.columns[1]):
            blocks.append(("p", texts.other[P.OTHER.columns[1]]))

    blocks.append(("h1", "九、国有资产信息"))
    assets = texts.assets
    parts = [k for k in P.ASSET_ROWS[1:-1] if not k.startswith("其中")]
    asset_total = sum((_amount(assets.get(k, (None, None))[1]) for k in parts), ZERO)
    planned = _amount(assets.get(P.ASSET_ROWS[-1], (None, None))[1])
    as_of = _cell(assets.get(P.ASSET_ROWS[0], (None, None))[0])
    blocks.append(("p", f"{unit}（含所属单位）上年末固定资产金额为{w(asset_total)}万元（详见下表）。"
                        f"本年度拟购置固定资产总额为{w(planned)}万元。"))
    rows = [["资产总额", "", w(asset_total)]] + [[k, _cell(assets.get(k, ("", ""))[0]), _cell(assets.get(k, ("", ""))[1])]
                                             for k in P.ASSET_ROWS[1:-1]]
    blocks.append(("table", f"部门固定资产占用情况表（截止时间：{as_of}）", [["项 目", "数量", "价值（金额单位：万元）"]], rows))

    blocks.append(("h1", "十、名词解释"))
    blocks += [("p", f"{i}、{term}：{text}") for i, (term, text) in enumerate(texts.glossary, 1)]
    blocks.append(("h1", "十一、其他需要说明的事项"))
    blocks.append(("p", texts.other.get(P.OTHER.columns[2], "") or "我部门无其他需要说明的事项。"))
    return blocks


def _percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}" if not value.is_integer() else str(int(value))
    return str(value)

