"""Worksheet functions (xlwings UDFs). Each is a one-line call into ``udf_core``.

    =BD_NAME("2010101")                       → 行政运行
    =BD_AMOUNT("表3", "2010101", "合计")        → 1291.00 (from this workbook's 预算明细)
    =BD_FOOT(D6, D7:D30)                      → "" / "尾差 0.01" / "差 0.05"
    =BD_TABLE("表6")                          → the 基本支出表 rows, spilling (Excel 365)

On Office.js (xlwings Server) functions cannot reach other sheets, so BD_AMOUNT and BD_TABLE
also take the 预算明细 range (header row included) as their last argument.
No cell of the shipped templates uses these functions: the templates open without the add-in.
"""

from __future__ import annotations

import xlwings as xw

from budget_disclosure.xl import udf_core


def _detail_of(caller) -> list[list[object]]:
    from budget_disclosure.layout.inputs import DETAIL_SHEET
    from budget_disclosure.xlio.xlwings_port import XlwingsBook

    port = XlwingsBook(caller.sheet.book)
    rows, cols = port.extent(DETAIL_SHEET)
    return port.read_block(DETAIL_SHEET, 1, 1, rows, cols)


def _tables(detail, caller):
    values = detail if detail else _detail_of(caller)
    return udf_core.tables_from_values([list(r) for r in values])


@xw.func(category="预算公开")
@xw.arg("code", doc="功能分类或经济分类科目编码")
def BD_NAME(code, year=None):
    """科目编码的官方名称（内置科目表；查不到时为“（未核验）”）。"""
    return udf_core.official_name(code, year)


@xw.func(category="预算公开")
@xw.arg("detail", ndim=2, doc="（可选）预算明细区域，含表头行")
def BD_AMOUNT(table, code, column, detail=None, caller=None):
    """由预算明细计算的公开表单元格（万元）。"""
    try:
        return udf_core.amount(_tables(detail, caller), table, code, column)
    except Exception as exc:  # a cell shows the reason, not a traceback
        return f"错误：{exc}"


@xw.func(category="预算公开")
@xw.arg("parts", ndim=2)
def BD_FOOT(total, parts):
    """合计是否等于各项之和：相等为空，舍入以内为“尾差 0.01”，否则“差 X”。"""
    return udf_core.foot(total, [v for row in parts for v in row])


@xw.func(category="预算公开")
@xw.arg("detail", ndim=2, doc="（可选）预算明细区域，含表头行")
def BD_TABLE(table, detail=None, caller=None):
    """由预算明细生成的整张公开表（动态数组）。"""
    try:
        return udf_core.table_rows(_tables(detail, caller), table)
    except Exception as exc:
        return [[f"错误：{exc}"]]
