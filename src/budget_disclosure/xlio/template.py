"""Build the official template workbook from the declarative layouts.

``python -m budget_disclosure.xlio.template`` regenerates ``workbook_templates/``; a test
checks that the committed file equals a fresh build (values, merges, styles, print setup).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import budget_disclosure.xlio.openpyxl_import  # noqa: F401 - before openpyxl: see there
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from budget_disclosure.engine.derive import DERIVATIONS
from budget_disclosure.engine.model import BudgetDetail, PackageHeader
from budget_disclosure.layout import inputs as I
from budget_disclosure.layout import tables as L
from budget_disclosure.layout.families import profile
from budget_disclosure.xlio import styles
from budget_disclosure.xlio.inputs_io import CODES_SHEET
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from budget_disclosure.xlio.package_io import prepare_sheets
from budget_disclosure.xlio.tables_io import page_header_cells, write_table, year_column

TEMPLATE_NAME = "部门预算公开模板.xlsx"
EXCEL_LAST_ROW = 1_048_576  # the drop-downs of 预算明细 reach every row a sheet allows (one range: no cost per row)
FIXED_TIMESTAMP = datetime(2024, 1, 1)

GUIDE_LINES = (
    "部门预算公开模板（budget-disclosure）",
    "",
    "1. 在“单位信息”填写部门（单位）编码、名称和预算年度。",
    "2. 在“预算明细”从第2行起粘贴预算管理一体化系统导出的预算明细：每行一条，金额单位为元。",
    "   资金来源、支出类型可从下拉列表选择；功能分类填到项级（7位），经济分类填到款级（5位）。",
    "3. 运行“生成报表”（或命令行 budget-disclosure fill 文件.xlsx），九张公开表自动生成。",
    "   生成只写入九张表的数据区；单位信息、预算明细以及您自己添加的工作表都不会被改动。",
    "4. 内置科目表不完整：不在表中的科目显示为“未核验”，不是错误。可在“科目代码表”补充编码和名称，",
    "   或用 --codes 提供当年官方《政府收支分类科目》。",
    "5. 金额按元精确汇总，每个单元格单独四舍五入到万元两位小数，因此合计与明细之和可能相差0.01（尾差），",
    "   这与预算系统打印的结果一致。",
)


def prepare_table_sheet(book: OpenpyxlBook, spec: L.TableSpec) -> None:
    ws = book.wb.create_sheet(spec.sheet)
    width = spec.width
    book.write_block(spec.sheet, L.TITLE_ROW, 1, [[spec.title] + [None] * (width - 1)])
    ws.merge_cells(start_row=L.TITLE_ROW, start_column=1, end_row=L.TITLE_ROW, end_column=width)
    book.style_block(spec.sheet, L.TITLE_ROW, 1, L.TITLE_ROW, width, styles.TITLE)
    ws.row_dimensions[L.TITLE_ROW].height = 30

    book.write_block(spec.sheet, L.PAGE_HEADER_ROW, 1, [page_header_cells(spec, None)])
    book.style_block(spec.sheet, L.PAGE_HEADER_ROW, 1, L.PAGE_HEADER_ROW, width, styles.PAGE_HEADER)
    year_col = year_column(spec)
    book.style_block(spec.sheet, L.PAGE_HEADER_ROW, year_col, L.PAGE_HEADER_ROW, year_col, styles.PAGE_HEADER_CENTER)
    book.style_block(spec.sheet, L.PAGE_HEADER_ROW, width, L.PAGE_HEADER_ROW, width, styles.PAGE_HEADER_RIGHT)

    top = L.HEADER_TOP
    book.write_block(spec.sheet, top, 1, [list(r) for r in spec.header])
    book.style_block(spec.sheet, top, 1, top + len(spec.header) - 1, width, styles.HEADER)
    for r in range(top, top + len(spec.header)):
        ws.row_dimensions[r].height = 30
    for r1, c1, r2, c2 in spec.header_merges():
        ws.merge_cells(start_row=top + r1 - 1, start_column=c1, end_row=top + r2 - 1, end_column=c2)
    numbers_row = L.column_number_row(spec)
    book.write_block(spec.sheet, numbers_row, 1, [["栏次"] + list(range(1, len(spec.print_columns) + 1))])
    book.style_block(spec.sheet, numbers_row, 1, numbers_row, width, styles.COLUMN_NUMBER)

    ws.column_dimensions["A"].width = 6
    for index, column in enumerate(spec.print_columns, start=2):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = ws.cell(L.first_data_row(spec), 1)
    ws.print_title_rows = f"1:{numbers_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if spec.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _prepare_input_sheets(book: OpenpyxlBook) -> None:
    wb = book.wb
    guide = wb.active
    guide.title = I.GUIDE_SHEET
    book.write_block(I.GUIDE_SHEET, 1, 1, [[line] for line in GUIDE_LINES])
    book.style_block(I.GUIDE_SHEET, 1, 1, 1, 1, styles.GUIDE_TITLE)
    guide.column_dimensions["A"].width = 110

    info = wb.create_sheet(I.INFO_SHEET)
    book.write_block(I.INFO_SHEET, 1, 1, [["项目", "内容"]] + [[label, None] for _, label in I.INFO_FIELDS])
    book.style_block(I.INFO_SHEET, 1, 1, 1, 2, styles.INPUT_HEADER)
    book.style_block(I.INFO_SHEET, 2, 1, 1 + len(I.INFO_FIELDS), 2, styles.INPUT_CELL)
    book.style_block(I.INFO_SHEET, 2, 2, 3, 2, styles.INPUT_CODE)
    book.write_block(I.INFO_SHEET, 1 + [k for k, _ in I.INFO_FIELDS].index("detail_unit") + 1, 2, [["元"]])
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 70

    detail = wb.create_sheet(I.DETAIL_SHEET)
    n = len(I.DETAIL_COLUMNS)
    book.write_block(I.DETAIL_SHEET, I.DETAIL_HEADER_ROW, 1, [[c.header for c in I.DETAIL_COLUMNS]])
    book.style_block(I.DETAIL_SHEET, 1, 1, 1, n, styles.INPUT_HEADER)
    last = EXCEL_LAST_ROW
    for index, column in enumerate(I.DETAIL_COLUMNS, start=1):
        letter = get_column_letter(index)
        detail.column_dimensions[letter].width = column.width
        style = styles.INPUT_AMOUNT if column.is_amount else styles.INPUT_CODE if column.is_code else None
        if style:
            # a column format, not one per cell: Excel and LibreOffice give it to every cell typed or
            # pasted there, and the workbook stays small (thousands of empty formatted cells cost
            # every open and save)
            detail.column_dimensions[letter].number_format = style.number_format if not style.text else "@"
        if column.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle=column.header,
                                error=f"请从下拉列表选择{column.header}")
            dv.add(f"{letter}{I.DETAIL_FIRST_ROW}:{letter}{last}")
            detail.add_data_validation(dv)
    detail.freeze_panes = "A2"
    detail.auto_filter.ref = f"A1:{get_column_letter(n)}1"

    codes = wb.create_sheet(CODES_SHEET)
    book.write_block(CODES_SHEET, 1, 1, [["编码", "名称", "说明：可补充内置科目表中没有的科目（功能分类类/款/项，经济分类类/款），生成报表时优先使用本表"]])
    book.style_block(CODES_SHEET, 1, 1, 1, 2, styles.INPUT_HEADER)
    codes.column_dimensions["A"].width = 14
    codes.column_dimensions["B"].width = 36


def build_template() -> OpenpyxlBook:
    """A new workbook: guide, input sheets, and the nine tables with headers and fixed rows."""
    book = OpenpyxlBook(Workbook())
    _prepare_input_sheets(book)
    empty = BudgetDetail(PackageHeader("", "", 0), ())
    prepare_sheets(book)
    for spec in L.TABLES:
        prepare_table_sheet(book, spec)
        if spec.fixed_rows:
            blank = DERIVATIONS[spec.key](empty, lambda kind, code: "")
            write_table(book, spec, blank.__class__(blank.key, blank.header, blank.rows, ""), None)
    props = book.wb.properties
    props.creator = "budget-disclosure"
    props.created = props.modified = FIXED_TIMESTAMP
    props.title = "部门预算公开模板"
    return book


def build_profile_template(name: str) -> OpenpyxlBook:
    """An empty workbook in a family's layout (a 决算 package, another province's 预算): each table
    with its title, page header, printed header, 栏次 and fixed lines — to be typed or pasted into,
    then checked and exported. Fill derives only our own layout, so there are no input sheets."""
    prof = profile(name)
    book = OpenpyxlBook(Workbook())
    book.wb.remove(book.wb.active)
    for key in prof.roles:
        spec = prof.tables[key]
        prepare_table_sheet(book, spec)
        first = L.first_data_row(spec)
        if spec.fixed_rows:
            label_columns = [label for label, _ in spec.sides]
            for r, labels in enumerate(spec.fixed_rows):
                for side, text in enumerate(labels):
                    if text and side < len(label_columns):
                        book.write_block(spec.sheet, first + r, label_columns[side] + 2, [[text]])
        elif spec.kind in ("hierarchy", "panels"):
            name_col = next(i for i, c in enumerate(spec.columns) if c.kind == L.NAME) + 2
            book.write_block(spec.sheet, first, name_col, [["合计"]])
    props = book.wb.properties
    props.creator = "budget-disclosure"
    props.created = props.modified = FIXED_TIMESTAMP
    props.title = f"部门{prof.document}公开模板（{prof.title}）"
    return book


def main(argv: list[str] | None = None) -> int:
    out_dir = Path((argv or sys.argv[1:] or ["workbook_templates"])[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / TEMPLATE_NAME
    build_template().save(target)
    print(f"已生成模板：{target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
