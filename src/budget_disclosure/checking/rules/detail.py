"""Tables against the 预算明细 they were filled from (when the workbook holds it)."""

from __future__ import annotations

from budget_disclosure.checking.findings import ERROR
from budget_disclosure.checking.registry import Edit, rule
from budget_disclosure.engine.money import ZERO, yuan_to_wan


@rule("BD601", "table-matches-detail", ERROR, "表中数字应与预算明细汇总的结果一致",
      breaks=[Edit("T3", "2010101", 2, "0.05")])
def table_matches_detail(ctx):
    """依据：九张表是预算明细的汇总，每格 = 明细按元汇总后四舍五入到万元（本工具“生成报表”的口径）。
    工作簿含预算明细时逐格核对；改动过的表格、未重新生成的表格都会在这里暴露。
    失败示例：明细汇总 行政运行 1291.00，表中写 1291.05。
    通过示例：生成后未改动的表。"""
    if not ctx.exact:
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
