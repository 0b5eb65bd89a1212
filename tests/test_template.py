"""The committed template is exactly what the layout specs generate, and has the promised shape."""

from __future__ import annotations

from openpyxl import load_workbook

from budget_disclosure.layout.inputs import DETAIL_COLUMNS, DETAIL_SHEET
from budget_disclosure.layout.tables import TABLES, column_number_row
from budget_disclosure.xlio.template import TEMPLATE_NAME, build_template
from conftest import ROOT
from helpers import sheet_snapshot

COMMITTED = ROOT / "workbook_templates" / TEMPLATE_NAME


def test_committed_template_equals_a_fresh_build(tmp_path):
    fresh = tmp_path / TEMPLATE_NAME
    build_template().save(fresh)
    committed_wb, fresh_wb = load_workbook(COMMITTED), load_workbook(fresh)
    assert committed_wb.sheetnames == fresh_wb.sheetnames
    for name in fresh_wb.sheetnames:
        assert sheet_snapshot(COMMITTED, name) == sheet_snapshot(fresh, name), (
            f"{name} differs: run `budget-disclosure template` and commit workbook_templates/")
        a, b = committed_wb[name], fresh_wb[name]
        assert a.print_title_rows == b.print_title_rows
        assert a.page_setup.orientation == b.page_setup.orientation
        assert [d.width for d in a.column_dimensions.values()] == [d.width for d in b.column_dimensions.values()]


def test_table_sheets_are_print_ready_and_laid_out_like_the_seed(published):
    wb = load_workbook(COMMITTED)
    for spec, expected in zip(TABLES, published):
        ws = wb[spec.sheet]
        assert ws["A1"].value == spec.title
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows.replace("$", "") == f"1:{column_number_row(spec)}"
        assert [c.value for c in ws[column_number_row(spec)]][1:] == [int(n) for n in expected["column_numbers"]]
        assert ws.cell(3, 1).value == "序号"


def test_detail_sheet_offers_drop_downs_for_enumerated_columns():
    ws = load_workbook(COMMITTED)[DETAIL_SHEET]
    assert [c.value for c in ws[1]] == [c.header for c in DETAIL_COLUMNS]
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "一般公共预算拨款" in lists["G"] and "上年结转（单位资金）" in lists["G"]
    assert "基本支出·人员经费" in lists["H"]
    assert all(len(f) <= 257 for f in lists.values())  # Excel's 255-character limit for inline lists


def test_detail_dropdowns_cover_every_row_a_sheet_allows():
    """The 资金来源 / 支出类型 drop-downs of 预算明细 reach row 1,048,576 (a department of 300,000 lines still
    has them on its last line), as one range per column."""
    from openpyxl import load_workbook

    from budget_disclosure.layout.inputs import DETAIL_COLUMNS, DETAIL_FIRST_ROW, DETAIL_SHEET

    sheet = load_workbook(COMMITTED)[DETAIL_SHEET]
    ranges = {str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    from openpyxl.utils import get_column_letter

    expected = {f"{get_column_letter(i)}{DETAIL_FIRST_ROW}:{get_column_letter(i)}1048576"
                for i, c in enumerate(DETAIL_COLUMNS, 1) if c.choices}
    assert expected and ranges == expected
