"""Desktop Excel: the ribbon's flags are written per sheet in a few calls (union ranges for the
colours, one call of the add-in's VBA helper for the notes and one for the originals), not per
cell — and they are the CLI's flags. Excel itself does not run here: tests/desktop_fake.py stands
in for it and counts every call."""

from __future__ import annotations

import shutil

from openpyxl import load_workbook

from budget_disclosure.cli import main
from budget_disclosure.xl import macros
from desktop_fake import FakeDesktopBook

TABLE = "表3 支出总表"


def _grids(path):
    wb = load_workbook(path, data_only=True)
    return {ws.title: {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in wb.worksheets}


def _mutated(filled_path, tmp_path, cells: list[str]):
    path = tmp_path / f"m{len(cells)}.xlsx"
    shutil.copy(filled_path, path)
    wb = load_workbook(path)
    for address in cells:
        wb[TABLE][address].value = (wb[TABLE][address].value or 0) + 0.05
    wb.save(path)
    return path


def test_desktop_flags_take_a_few_calls_per_sheet_and_are_the_clis(filled_path, tmp_path):
    one, six = ["D9"], ["D9", "D10", "D11", "D12", "E9", "E10"]
    few = FakeDesktopBook(_grids(_mutated(filled_path, tmp_path, one)))
    assert macros.check(few).startswith("校验不通过")
    src = _mutated(filled_path, tmp_path, six)
    book = FakeDesktopBook(_grids(src))
    assert macros.check(book).startswith("校验不通过")
    marked = len(book.sheets[TABLE].notes)
    assert marked > len(few.sheets[TABLE].notes)
    assert book.calls[TABLE] <= few.calls[TABLE] + 2, (few.calls[TABLE], book.calls[TABLE], marked)
    assert book.kinds["run BDSetNotes"] >= 1 and book.kinds["get note"] == 0 and book.kinds["set color"] <= 8
    cli = tmp_path / "cli.xlsx"  # the same flags as the CLI's, cell for cell
    shutil.copy(src, cli)
    assert main(["check", str(cli), "--in-place"]) == 1
    theirs = load_workbook(cli)[TABLE]
    expected = {(c.row, c.column): c.comment.text for row in theirs.iter_rows() for c in row if c.comment}
    assert book.sheets[TABLE].notes == expected
    coloured = {(c.row, c.column): c.fill.fgColor.rgb[-6:] for row in theirs.iter_rows() for c in row
                if c.fill.patternType == "solid"}
    assert {cell: fill.lstrip("#").upper() for cell, fill in book.sheets[TABLE].fills.items() if fill} == coloured
