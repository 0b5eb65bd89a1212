"""Tables against the 预算明细 they were filled from (when the workbook holds it)."""

from __future__ import annotations

from budget_disclosure.checking.findings import ERROR, WARNING
from budget_disclosure.checking.registry import Edit, rule
from decimal import Decimal

from budget_disclosure.engine.issues import column_number
from budget_disclosure.engine.money import YUAN_PER_WAN, ZERO, yuan_to_wan

BALANCE_STEP = Decimal("0.01")


def yuan_to_wan_exact(value: Decimal) -> Decimal:
    return value / YUAN_PER_WAN


@rule("BD601", "table-matches-detail", ERROR, "表中数字应与预算明细汇总的结果一致",
      breaks=[Edit("T3", "2010101", "合计", "0.05")])
def table_matches_detail(ctx):
    """依据：九张表是预算明细的汇总，每格 = 明细按元汇总后四舍五入到万元（本工具“生成报表”的口径）。
    工作簿含预算明细时逐格核对；改动过的表格、未重新生成的表格都会在这里暴露。舍位平衡生成的表（“舍位说明”），
    每格与明细真实数相差不超过 0.01 万元即相符。
    失败示例：明细汇总 行政运行 1291.00，表中写 1291.05。
    通过示例：生成后未改动的表。"""
    if not ctx.exact:
        return
    if ctx.ungenerated:  # nothing generated yet: one finding, not one per cell of nine tables
        first = next(iter(ctx.package.tables.values()), None)
        yield ctx.finding("", f"{len(ctx.package.tables)} 张表都还没有数字，预算明细中已有金额：表格尚未生成，"
                          "请先运行“生成报表”（budget-disclosure fill）", [first.title] if first else [])
        return
    missing_tables = set()
    for (key, row, col), exact in ctx.exact.items():
        t = ctx.table(key)
        if t is None or exact == ZERO:
            continue
        expected = yuan_to_wan(exact)
        cell = t.cell(row, col)
        if cell is None and t.is_empty():
            missing_tables.add(key)
            continue
        actual = cell.value if cell is not None and cell.value is not None else ZERO
        if ctx.balanced and abs(actual - yuan_to_wan_exact(exact)) <= BALANCE_STEP:
            continue  # 舍位平衡: within 0.01 万元 of the true 元 figure, as the 舍位说明 lists
        if actual != expected:
            ref = (key, row, col)
            yield ctx.finding(key, f"{ctx.describe(ref)}：按预算明细应为 {expected:.2f}（{exact:,.2f} 元），实际为 {actual:.2f}",
                              [ctx.address(ref) or t.title], expected=expected, actual=actual,
                              difference=actual - expected)
    for (key, row, col), cell in ((k, c) for t in ctx.package.tables.values() for k, c in
                                  (((t.key, r, c2), cell) for (r, c2), cell in t.cells.items())):
        if cell.value not in (None, ZERO) and (key, row, col) not in ctx.exact and key not in missing_tables:
            yield ctx.finding(key, f"{ctx.describe((key, row, col))}：预算明细中没有对应金额，实际为 {cell.value:.2f}",
                              [cell.address], expected=ZERO, actual=cell.value, difference=cell.value)
    for key in sorted(missing_tables):
        t = ctx.table(key)
        yield ctx.finding(key, f"{t.spec.title}没有数据，但预算明细中有对应金额：请先运行“生成报表”", [t.title])


@rule("BD711", "detail-amount-looks-wrong", WARNING, "预算明细中看起来不对的金额：负数、“-”、与其他明细相差数千倍",
      breaks=[Edit("@预算明细", "2101101", 10, value=127.97)])
def detail_amount_looks_wrong(ctx):
    """依据：预算明细的金额以元为单位（部门预算公开表由预算明细汇总）。负数、写作“-”的金额（该行未计入），以及比本部门明细
    一般金额（中位数）大或小数千倍的金额，多半是录入错误（元与万元混用、多输或少输位数），提示核对。
    失败示例：行政单位医疗 1,279,700 元写成 127.97（按万元填写），是中位数的万分之一。
    通过示例：参考包的 44 条明细，金额都在同一量级。"""
    from budget_disclosure.layout.inputs import DETAIL_SHEET
    from budget_disclosure.reading.model import Address

    for problem in ctx.detail_unusual:
        row = int("".join(ch for ch in problem.cell if ch.isdigit()) or 0)
        index = column_number("".join(ch for ch in problem.cell if ch.isalpha()))
        yield ctx.finding("", problem.message, [Address(DETAIL_SHEET, row, index)] if row and index else [])
