"""Rules across documents: this year's package against last year's published package (``check --previous``,
scope "previous"), and a 决算 against the published 预算 of its year (``check --budget``, scope "budget").
Each compares two readings from two documents — both named, with the rounding interval used."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from budget_disclosure.checking.across import PairContext
from budget_disclosure.checking.findings import ERROR, ROUNDING, WARNING, Finding
from budget_disclosure.checking.narrative_facts import NUMBER, to_wan, unmask
from budget_disclosure.checking.narrative_paths import decimals, functional_names, printed_interval, subjects
from budget_disclosure.checking.registry import rule
from budget_disclosure.checking.stated_changes import StatedChange, stated_changes
from budget_disclosure.engine.intervals import Interval, half_unit
from budget_disclosure.engine.money import ZERO, AmountError, parse_amount
from budget_disclosure.layout.package_inputs import LAST_YEAR_SOURCES, SUBJECT_SOURCE


def _wan(value: Decimal) -> str:
    return f"{value:,.2f}"


_LAST_CODE = re.compile(r"上年为“(\d{3,7})\s*([^”]*)”")


def _comparisons(ctx: PairContext) -> list[tuple[StatedChange, object, list]]:
    """Each stated comparison with last year's 预算, the text's place, and what it is about in both
    documents; counted and skipped (with the reason) where it cannot be told."""
    def compute():
        statement = ctx.this.report.statement
        out = []
        year = ctx.this.year
        for change in stated_changes([text for _, text in statement]):
            if change.basis != "预算":
                ctx.skip(f"与上年{change.basis}比较（上年预算公开包中没有{change.basis}）")
                continue
            if change.year is not None and year is not None and change.year != year - 1:
                ctx.skip("比较的不是上一年（见 BD809）")
                continue
            refs = ctx.subject_refs(change.text, change.now_start, change.now_wan, decimals(change.now))
            if not refs:
                ctx.skip("所说的金额未能对应到表中的格", change.wording)
                continue
            # “（上年为“2040405 公诉和审判监督”）”: the text names last year's 科目 of a re-coded one
            named = _LAST_CODE.search(unmask(change.text[change.now_start:change.start]))
            counterparts = [ctx.counterpart((k, named.group(1), c) if named and r.isdigit() else (k, r, c), named.group(2)
                                            if named and r.isdigit() else "") for k, r, c in refs]
            usable = [c for c in counterparts if not c.why]
            if not usable:
                ctx.skip(counterparts[0].why, change.wording)
                continue
            out.append((change, statement[change.paragraph][0], refs, usable))
        return out
    if not hasattr(ctx, "_comparisons"):
        ctx._comparisons = compute()
    return ctx._comparisons


@rule("BD931", "previous-year-base", ERROR, "“比上年增减”的上年数应等于上年公开的数", scope="previous")
def previous_year_base(ctx: PairContext) -> Iterator[Finding]:
    """依据：说明写“A万元，比上年增加（减少）C万元”或“与上年持平”时，所比的上年数 A − C（持平：A）就是上年公开包
    同一项目（同一表的同一行、同一科目）的数（财预〔2016〕143号：说明增减变化；上年数以上年公开的预算为准）。
    按印出位数计算上年数的舍入范围，与上年表中印出数的舍入范围不相交：超出一个末位数为强制，以内为尾差；上年表中
    该科目只能按名称找到（科目编码调整）、上年表未列该科目，或上年该数在上年公开包中本身与其他数不一致（上年校验的强制涉及
    该格）时，为提示。与上年执行数、决算数的比较不在上年预算公开包中，不核对。
    失败示例：2018 年“项目支出预算数为6333.96万元。与上年相比增加480万元”，2017 年公开表项目支出 5671.96（应增加 662.00）。
    通过示例：2018 年“基本支出预算数为7877.76万元。与上年相比增加211.08万元”，2017 年公开表基本支出 7666.68。"""
    for change, where, refs, usable in _comparisons(ctx):
        ctx.evaluated += 1
        base = change.base_interval
        best = min(usable, key=lambda c: base.distance(c.interval))
        gap = base.distance(best.interval)
        if gap == ZERO:
            continue
        places = max(change.places, 0)
        rounding = gap <= Decimal(1).scaleb(-places)
        uncertain = best.by_name or best.renamed or best.cell is None  # the 科目 may not be the same one
        doubtful = best.cell is not None and best.cell.address in ctx.other_errors()  # last year's own check disputes it
        severity = ROUNDING if rounding else WARNING if uncertain or doubtful else ERROR
        how = f"按此上年数应为 {change.now}" + ("" if change.sign == 0 else f" {'−' if change.sign > 0 else '+'} {change.change}") \
              + f" = {_wan(change.base)} 万元（按印出数的舍入范围 {base.shown(2)}）"
        other = ctx.other.describe(best.ref, best.cell)
        printed = "未列该科目（为 0）" if best.cell is None else f"印 {best.cell.text or _wan(best.value)}"
        note = ("（该科目按名称对应，编码不同）" if best.by_name else f"（上年该编码的名称为“{best.renamed}”：科目已调整，"
                f"不一定是同一科目）" if best.renamed else "（科目可能已调整）" if best.cell is None else
                "（上年公开包中该数本身与其他数不一致，见其校验结果）" if doubtful else "")
        this_cells = [c.address for r in refs if (c := _this_cell(ctx, r)) is not None]
        yield ctx.finding(f"{'尾差：' if rounding else ''}“{change.wording}”：{how}；上年公开包 {other} {printed}"
                          f"{note}，相差 {_wan(change.base - best.value)} 万元", [where], severity,
                          span=(change.now_start, change.end),
                          expected=best.value, actual=change.base, difference=change.base - best.value,
                          compared=this_cells)


def _this_cell(ctx: PairContext, ref):
    t = ctx.this.package.tables.get(ref[0])
    return t.cell(ref[1], ref[2]) if t is not None else None


@rule("BD932", "large-change-reason", WARNING, "比上年变化超过阈值的，说明中应写明原因", scope="previous")
def large_change_reason(ctx: PairContext) -> Iterator[Finding]:
    """依据：情况说明应说明增减变化的原因（财预〔2016〕143号）；变化幅度超过阈值（默认 50%，--change-threshold）而
    说明在该句及下一句都没有写原因（“主要原因是…”“主要用于…”“由于…”）时提示。变化率按说明自己的数计算
    （增减额 ÷ (本年数 − 增减额)）；上年数对不对由 BD931 核对。
    失败示例：“单位预留机动经费预算数为1685.72万元。与上年相比增加1557.29万元，增长1312.56%。”其后未写原因。
    通过示例：“提租补贴（项）1549.82万元，与上年相比增加531.81万元，增加52.24%。主要原因是……”。"""
    for change, where, refs, usable in _comparisons(ctx):
        if change.sign == 0:
            continue
        base = change.base  # the change as the text states it (whether its base is last year's is BD931's)
        if base <= ZERO:
            continue
        rate = abs(change.change_wan) / base * 100
        if rate > ctx.change_threshold and not change.reason_given():
            yield ctx.finding(f"“{change.wording}”：比上年{'增加' if change.sign > 0 else '减少'} {rate:.2f}%"
                              f"（{_wan(abs(change.change_wan))} ÷ {_wan(base)}），超过 {ctx.change_threshold}%，"
                              f"说明中该句和下一句都未写原因", [where], span=(change.now_start, change.end))




@rule("BD933", "previous-year-inputs", ERROR, "上年预算表填写的上年数应等于上年公开包中的数", scope="previous")
def previous_year_inputs(ctx: PairContext) -> Iterator[Finding]:
    """依据：“上年预算”表的上年基本支出、项目支出、三公经费各项是说明“比上年增减”的基数，应取自上年公开的预算
    （上年支出总表合计行、上年“三公”经费表、机关运行经费）；“上年科目”表的每个科目应等于上年一般公共预算财政拨款
    支出表的该科目，不应漏列；上年年度应为本年的上一年。同一个数抄录两处：按较粗一处的半个末位数比较，都印到分时
    相差 0.01 万元也是强制；科目只能按名称对应或上年该编码名称不同时为提示。
    失败示例：上年基本支出填 1800.00，上年公开的支出总表基本支出合计 1850.00。
    通过示例：fill --previous 从上年公开包填写的上年预算表。"""
    given = ctx.this.report.last_year_inputs
    if not given and not ctx.this.report.last_year_subjects:
        return
    year, year_cell = given.get("上年年度", (None, None))
    if year not in (None, "") and ctx.other.year is not None and str(year).split(".")[0] != str(ctx.other.year):
        yield ctx.finding(f"上年预算表“上年年度”填 {year}，上年公开包为 {ctx.other.year} 年", [year_cell],
                          expected=str(ctx.other.year), actual=str(year))
    for key, refs in LAST_YEAR_SOURCES.items():
        value, cell = given.get(key, (None, None))
        try:
            typed = parse_amount(value)
        except AmountError:
            continue
        if typed is None:
            continue
        found = next((c for c in map(ctx.counterpart, refs) if not c.why), None)
        if found is None:
            ctx.skip(ctx.counterpart(refs[0]).why)
            continue
        yield from _copied(ctx, f"上年预算表“{key}”", typed, cell, found)
    subjects = ctx.this.report.last_year_subjects
    if subjects:
        yield from _subjects_copied(ctx, subjects)


def _copied(ctx: PairContext, what: str, typed: Decimal, cell, found) -> Iterator[Finding]:
    """One amount copied from last year's package: equal as printed, within the coarser one's half unit
    (a figure typed to the cent against one printed in 元 or whole 万元) — 0.01 apart is no rounding."""
    ctx.evaluated += 1
    allowed = max(found.cell.half_unit if found.cell is not None else ZERO, Decimal("0.005"))
    if abs(typed - found.value) <= allowed:
        return
    other = ctx.other.describe(found.ref, found.cell)
    printed = "未列该科目（为 0）" if found.cell is None and found.ref[1].isdigit() else f"为 {_wan(found.value)}"
    doubtful = found.cell is not None and found.cell.address in ctx.other_errors()
    why = ("（科目按名称对应或已调整）" if found.by_name or found.renamed else
           "（上年公开包中该数本身与其他数不一致，见其校验结果）" if doubtful else "")
    yield ctx.finding(f"{what}填 {_wan(typed)}，上年公开包 {other} {printed}，相差 {_wan(typed - found.value)} 万元"
                      f"（同一数抄录两处，舍入范围 ±{allowed}）{why}", [cell], WARNING if why else None,
                      expected=found.value, actual=typed, difference=typed - found.value)


def _subjects_copied(ctx: PairContext, subjects) -> Iterator[Finding]:
    """The 上年科目 sheet, row by row, against last year's 一般公共预算支出表; and every 科目 that table
    prints and the sheet leaves out."""
    key, column = SUBJECT_SOURCE
    listed = set()
    for code, name, value, cell in subjects:
        try:
            typed = parse_amount(value)
        except AmountError:
            continue
        listed.add(code)
        found = ctx.counterpart((key, code, column), name)
        if found.why:
            ctx.skip(found.why)
            continue
        yield from _copied(ctx, f"上年科目表“{code} {name}”", typed or ZERO, cell, found)
    table = ctx.other.package.tables.get(key)
    if table is None or not table.placed:
        return
    left_out = [(c, r) for c, r in table.rows.items() if c.isdigit() and c not in listed and table.value(c, column) != ZERO]
    if left_out:
        ctx.evaluated += 1
        sheet_cell = subjects[0][3]
        yield ctx.finding(f"上年科目表缺少上年公开包 {ctx.other.file} {table.spec.title}中的 {len(left_out)} 个科目："
                          + "、".join(f"{c} {r.label} {table.value(c, column):,.2f}" for c, r in left_out[:8])
                          + ("等" if len(left_out) > 8 else ""), [sheet_cell], expected=len(left_out), actual=0)


# -- a 决算 against the 预算 of its year ------------------------------------------------------------------
_FIRST_BUDGET = re.compile(r"年初预算(?:数)?为" + NUMBER + r"万元")
_WHOLE = re.compile(r"(?:一般公共预算)?财政拨款(?:支出)?")


@rule("BD941", "final-initial-budget", ERROR, "决算说明中的年初预算数应等于同年公开的预算数", scope="budget")
def final_initial_budget(ctx: PairContext) -> Iterator[Finding]:
    """依据：决算的“年初预算数”是当年人大批准、年初公开的预算数（部门决算报表编制说明：年初预算数按年初批复数填列）。
    决算说明写“××（项）……年初预算为A万元”时，A 应等于同年预算公开包一般公共预算财政拨款支出表该科目的合计；
    写一般公共预算财政拨款支出“年初预算为A万元”时，应等于该表合计。按两处印出位数的舍入范围比较。
    失败示例：2024 年决算“行政运行（项）……年初预算为50.00万元”，2024 年预算公开的行政运行为 51.32。
    通过示例：决算说明所写年初预算数都与同年预算公开表一致。"""
    names = functional_names(ctx.this.package)
    for where, text in ctx.this.report.statement:
        for m in _FIRST_BUDGET.finditer(text):
            before = text[:m.start()]
            found = [s for s in subjects(before, names) if s.code]
            cut = max(before.rfind("。"), before.rfind("；"))
            subject = found[-1] if found and found[-1].start > cut - 40 else None
            if subject is not None:
                ref, what = ("T5", subject.code, "合计"), f"“{subject.text}”"
            elif _WHOLE.search(before[max(cut, 0):]):
                ref, what = ("T5", "", "合计"), "一般公共预算财政拨款支出"
            else:
                ctx.skip("年初预算数未能对应到科目")
                continue
            found_cell = ctx.counterpart(ref)
            if found_cell.why:
                ctx.skip(found_cell.why)
                continue
            ctx.evaluated += 1
            stated = to_wan(m.group(1), "万元")
            stated_i = printed_interval(m.group(1))
            gap = stated_i.distance(found_cell.interval)
            if gap == ZERO:
                continue
            rounding = gap <= Decimal(1).scaleb(-decimals(m.group(1)))
            other = ctx.other.describe(found_cell.ref, found_cell.cell)
            printed = "未列该科目（为 0）" if found_cell.cell is None else f"为 {_wan(found_cell.value)}"
            uncertain = found_cell.by_name or found_cell.renamed or found_cell.cell is None or \
                found_cell.cell.address in ctx.other_errors()  # the 预算's own check disputes that figure
            severity = ROUNDING if rounding else WARNING if uncertain else ERROR
            yield ctx.finding(f"{'尾差：' if rounding else ''}决算说明{what}写“年初预算为{m.group(1)}万元”，同年预算公开包 "
                              f"{other} {printed}，相差 {_wan(stated - found_cell.value)} 万元（舍入范围 "
                              f"±{half_unit(decimals(m.group(1)))}）", [where], severity, expected=found_cell.value,
                              actual=stated)


_SANGONG_ITEMS = ("三公经费小计", "因公出国(境)费", "公务用车购置及运维费", "公务用车购置费", "公务用车运行维护费", "公务接待费")


@rule("BD942", "final-sangong-budget", WARNING, "决算三公表的预算数与同年公开的三公预算不同", scope="budget")
def final_sangong_budget(ctx: PairContext) -> Iterator[Finding]:
    """依据：决算“三公”经费表的预算数是全年预算数，含年中追加、调整（部门决算报表编制说明），可以与年初公开的预算
    不同；不同时提示，由说明写明调整原因。
    失败示例：决算三公表公务接待费预算数 3.00，同年预算公开的公务接待费 2.00。
    通过示例：两处相同。"""
    final = ctx.this.package.tables.get("T9")
    if final is None or not final.placed:
        return
    for item in _SANGONG_ITEMS:
        cell = final.cell(item, "预算数") or next((c for (_, column), c in final.cells.items()
                                                   if column == f"{item}|预算数"), None)
        if cell is None or cell.value is None:
            continue
        budget = ctx.counterpart(("T9", item, "合计"))
        if budget.why:
            ctx.skip(budget.why)
            continue
        ctx.evaluated += 1
        if Interval(cell.value - cell.half_unit, cell.value + cell.half_unit).distance(budget.interval) == ZERO:
            continue
        other = ctx.other.describe(budget.ref, budget.cell)
        yield ctx.finding(f"决算三公表“{item}”预算数 {_wan(cell.value)}，同年预算公开包 {other} 为 {_wan(budget.value)}，"
                          f"差 {_wan(cell.value - budget.value)} 万元（全年预算可含调整：请在说明中写明）", [cell.address],
                          expected=budget.value, actual=cell.value)


@rule("BD943", "final-budget-subjects", WARNING, "决算与同年预算的科目应能对应", scope="budget")
def final_budget_subjects(ctx: PairContext) -> Iterator[Finding]:
    """依据：决算一般公共预算财政拨款支出表按科目列示年初预算安排的支出；决算有而预算没有的项级科目（年中追加）、
    预算有而决算没有的（未执行）应在说明中解释。列出两边不同的项级科目。
    失败示例：2024 年预算有 2010350 事业运行 12.00，决算表无此科目且说明未提及。
    通过示例：两边的项级科目相同。"""
    final = ctx.this.package.tables.get("T5")
    budget = ctx.other.package.tables.get("T5")
    if final is None or budget is None or not final.placed or not budget.placed:
        return
    ctx.evaluated += 1
    leaf = lambda t: {k: r.label for k, r in t.rows.items() if k.isdigit() and len(k) == 7 and t.value(k, "合计") != ZERO}
    ours, theirs = leaf(final), leaf(budget)
    extra = sorted(set(ours) - set(theirs))
    gone = sorted(set(theirs) - set(ours))
    if extra:
        yield ctx.finding("决算有、同年预算公开包没有的项级科目（年中追加？）：" + "、".join(f"{k} {ours[k]}" for k in extra[:12])
                          + ("等" if len(extra) > 12 else ""), [final.rows[extra[0]].address])
    if gone:
        yield ctx.finding(f"同年预算公开包（{ctx.other.file}）有、决算没有的项级科目（未执行？）：" +
                          "、".join(f"{k} {theirs[k]}" for k in gone[:12]) + ("等" if len(gone) > 12 else ""),
                          [final.title])
