"""The checker reads tables laid out unlike our template: budget-system exports and hand-typed
workbooks (built here from the reference example's derived tables)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook

from budget_disclosure.checking.findings import ERROR
from budget_disclosure.checking.service import check_book
from budget_disclosure.engine.codes import Classifications
from budget_disclosure.engine.derive import derive_all
from budget_disclosure.engine.detail import read_detail
from budget_disclosure.engine.money import yuan_to_wan
from budget_disclosure.layout.tables import AMOUNT, TABLES
from budget_disclosure.xlio.inputs_io import read_raw_input
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook

UNIT = "张家口市人民代表大会常务委员会办公室"
NO_STATEMENT = "找不到情况说明（没有成段文字的工作表；可用 --statement 指定 .docx）：情况说明的核对不适用"


@pytest.fixture(scope="module")
def derived(example_path):
    result = read_detail(read_raw_input(OpenpyxlBook.open(example_path)), Classifications.bundled())
    return derive_all(result.detail, result.name_of)


def _header(spec, split_codes: bool):
    if not (split_codes and spec.hierarchy):
        return [list(r) for r in spec.header]
    parts = ["类", "款", "项"] if spec.hierarchy == "functional" else ["类", "款"]
    group = ["科目编码"] + [""] * (len(parts) - 1)
    return [["序号", *group, "科目名称", *spec.header[0][3:]], ["", *parts, "", *spec.header[1][3:]]]


def _code_cells(code: str, n_parts: int) -> list[object]:
    pieces = [code[:3], code[3:5], code[5:7]][:n_parts]
    return [p or None for p in pieces]


def write_table(ws, top: int, left: int, spec, table, *, in_yuan: bool, split_codes: bool, title_prefix: str,
                stated_unit: str | None = None, rows_slice=slice(None), with_title=True) -> int:
    """Write one table at (top, left) in a foreign layout; returns the next free row."""
    r = top
    if with_title:
        ws.cell(r, left, f"{title_prefix}{spec.title}")
        ws.cell(r + 1, left, f"编制单位：{UNIT}")
        ws.cell(r + 1, left + 3, "预算年度：2024年")
        ws.cell(r + 1, left + 5, f"单位：{stated_unit or ('元' if in_yuan else '万元')}")
        r += 2
    for header_row in _header(spec, split_codes):
        for c, text in enumerate(header_row):
            ws.cell(r, left + c, text or None)
        r += 1
    r += 1  # a blank row between header and data
    n_parts = 3 if spec.hierarchy == "functional" else 2
    for i, row in enumerate(list(table.rows)[rows_slice], 1):
        cells: list[object] = [i]
        for col, value in zip(spec.columns, row.cells):
            if col.kind == "code" and split_codes:
                cells += _code_cells(value, n_parts) if value else [None] * n_parts
            elif col.kind == AMOUNT:
                if value is None:
                    cells.append(None)
                elif in_yuan:
                    cells.append(f"{value:,.2f}")  # text with thousands separators
                else:
                    cells.append(float(yuan_to_wan(value)))
            else:
                cells.append(value or None)
        for c, value in enumerate(cells):
            ws.cell(r, left + c, value)
        r += 1
    if table.note and rows_slice == slice(None):
        ws.cell(r, left, table.note)
        r += 1
    return r + 2


def build_foreign_workbook(path, derived, *, in_yuan=True, split_codes=True, slip_table: str | None = None):
    wb = Workbook()
    wb.remove(wb.active)
    names = {"T1": "收支", "T2": "Sheet2", "T3": "支出", "T4": "财拨", "T5": "一般公共", "T9": "三公"}
    for spec in TABLES:
        table = derived[spec.key]
        if spec.key in ("T6", "T7", "T8"):
            continue
        ws = wb.create_sheet(names[spec.key])
        stated = "万元" if spec.key == slip_table else None
        write_table(ws, 2, 2, spec, table, in_yuan=in_yuan or spec.key == slip_table, split_codes=split_codes,
                    title_prefix="2024年", stated_unit=stated)
    # 表6 spread over two sheets, the header repeated on the second (a page break).
    t6 = TABLES[5]
    first = wb.create_sheet("基本支出(1)")
    write_table(first, 1, 1, t6, derived["T6"], in_yuan=in_yuan, split_codes=split_codes, title_prefix="",
                rows_slice=slice(0, 15))
    second = wb.create_sheet("基本支出(2)")
    write_table(second, 1, 1, t6, derived["T6"], in_yuan=in_yuan, split_codes=split_codes, title_prefix="",
                rows_slice=slice(15, None), with_title=False)
    # 表7 and 表8 (both empty) on one sheet.
    both = wb.create_sheet("基金和国资")
    nxt = write_table(both, 1, 1, TABLES[6], derived["T7"], in_yuan=in_yuan, split_codes=split_codes, title_prefix="")
    write_table(both, nxt, 1, TABLES[7], derived["T8"], in_yuan=in_yuan, split_codes=split_codes, title_prefix="")
    wb.save(path)
    return path


def test_budget_system_export_in_yuan_with_split_codes_reads_and_passes(derived, tmp_path):
    path = build_foreign_workbook(tmp_path / "export.xlsx", derived)
    report = check_book(OpenpyxlBook.open(path))
    assert set(report.package.tables) == {t.key for t in TABLES}, report.notes
    assert report.notes == [NO_STATEMENT]  # the tables only: the one thing not checked is said once
    assert not report.blocking, [f.message for f in report.blocking]
    t6 = report.package.tables["T6"]
    assert t6.sheets == ["基本支出(1)", "基本支出(2)"] and len(t6.rows) == 30
    assert t6.money_unit == "元" and t6.value("302", "合计") == Decimal("352.854")  # exact 元, shown in 万元
    t3 = report.package.tables["T3"]
    assert "2010101" in t3.rows and t3.rows["2010101"].label == "行政运行"
    assert report.package.tables["T7"].note.startswith("注：无") and report.package.tables["T8"].note
    assert report.year == 2024 and UNIT in report.unit


def test_a_changed_amount_in_a_foreign_layout_is_flagged_at_its_cell(derived, tmp_path):
    from openpyxl import load_workbook
    path = build_foreign_workbook(tmp_path / "export.xlsx", derived)
    report = check_book(OpenpyxlBook.open(path))
    cell = report.package.tables["T3"].cell("2010104", "合计")
    wb = load_workbook(path)
    ws = wb[cell.address.sheet]
    assert ws.cell(cell.address.row, cell.address.col).value == "2,260,900.00"
    ws.cell(cell.address.row, cell.address.col).value = "2,261,100.00"  # +200 元 = 0.02 万元
    wb.save(path)
    report = check_book(OpenpyxlBook.open(path))
    assert any(f.severity == ERROR and cell.address in f.cells for f in report.findings)


def test_hand_typed_wan_layout_without_column_numbers(derived, tmp_path):
    path = build_foreign_workbook(tmp_path / "typed.xlsx", derived, in_yuan=False, split_codes=False)
    report = check_book(OpenpyxlBook.open(path))
    assert report.notes == [NO_STATEMENT] and not report.blocking, [f.message for f in report.blocking]
    # The published 尾差 of the 基本支出表 show up as info, as in our own layout.
    assert {f.cell for f in report.findings if f.severity == "尾差"} and all(
        f.table == "T6" for f in report.findings)


def test_unit_slip_is_one_finding_not_dozens(derived, tmp_path):
    path = build_foreign_workbook(tmp_path / "slip.xlsx", derived, in_yuan=False, split_codes=False, slip_table="T3")
    report = check_book(OpenpyxlBook.open(path))
    slips = [f for f in report.findings if f.rule == "BD504"]
    assert len(slips) == 1 and slips[0].table == "T3"
    others = [f for f in report.blocking if f.rule != "BD504"]
    assert others == [], [f.message for f in others]


def test_missing_tables_are_said_by_table(derived, tmp_path):
    from openpyxl import load_workbook
    path = build_foreign_workbook(tmp_path / "partial.xlsx", derived)
    wb = load_workbook(path)
    del wb["三公"]
    wb.save(path)
    report = check_book(OpenpyxlBook.open(path))
    assert any("三公" in n for n in report.notes)
    assert [f.table for f in report.findings if f.rule == "BD501"] == ["T9"]
