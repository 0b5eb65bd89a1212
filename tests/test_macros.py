"""Ribbon macros through xlwings' own remote engine, in-process: what the real xlwings Server
tests (test_server.py, which compare fill / check / clear / export with the CLI over HTTP) leave
to a quicker path — messages, errors, dispatch, flags crossing between macro and CLI.

The book JSON is built from a real .xlsx; the actions the macro returns are replayed onto a copy
with openpyxl. Only actions the Office.js client of xlwings Server replays are allowed.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from budget_disclosure.xl import macros, ribbon
from remote import book_json, run_macro


@pytest.fixture(autouse=True)
def licence(monkeypatch):
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")


def snapshot(path: Path, skip=("_bd_flags",)) -> dict:
    """Values, fills and notes of every sheet (the flags' bookkeeping sheet aside)."""
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                fill = c.fill.fgColor.rgb if c.fill and c.fill.patternType == "solid" else None
                note = c.comment.text if c.comment else None
                if c.value is not None or fill or note:
                    cells[c.coordinate] = (c.value, fill, note)
        out[ws.title] = cells
    return out


def _broken(filled_path, tmp_path) -> Path:
    path = tmp_path / "broken.xlsx"
    shutil.copy(filled_path, path)
    wb = load_workbook(path)
    wb["表3 支出总表"]["D9"].value = 1291.05
    wb.save(path)
    return path


def test_bad_input_reaches_the_accountant_as_a_chinese_message(tmp_path):
    from helpers import line, make_book
    src = make_book(tmp_path / "bad.xlsx", [line("2010101", "30101", "一百元")])
    actions, message = run_macro(src, macros.fill)
    assert [a["func"] for a in actions] == ["alert"]
    assert "预算明细!K2" in actions[0]["args"][0] and "Traceback" not in actions[0]["args"][0]
    assert actions[0]["args"][1] == "预算公开"


def test_unexpected_errors_are_messages_not_tracebacks(tmp_path):
    from openpyxl import Workbook
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    actions, message = run_macro(path, macros.fill)
    assert [a["func"] for a in actions] == ["alert"] and "单位信息" in message


def test_export_refuses_while_errors_are_open(filled_path, tmp_path):
    actions, message = run_macro(_broken(filled_path, tmp_path), macros.export)
    assert "不能导出" in message


def test_ribbon_dispatches_every_button_id(filled_path):
    import xlwings as xw
    for control_id in ribbon.HANDLERS:
        book = xw.Book(json=book_json(filled_path))
        assert ribbon.on_ribbon(control_id, book)
    book = xw.Book(json=book_json(filled_path))
    ribbon.on_ribbon("nope", book)
    assert "未知的按钮" in book.json()["actions"][-1]["args"][0]


def test_check_macro_reads_each_sheet_at_most_twice(filled_path, monkeypatch):
    from budget_disclosure.xlio.xlwings_port import XlwingsBook
    reads: Counter = Counter()
    original = XlwingsBook.read_block

    def counting(self, sheet, *args):
        reads[sheet] += 1
        return original(self, sheet, *args)

    monkeypatch.setattr(XlwingsBook, "read_block", counting)
    run_macro(filled_path, macros.check)
    assert reads and max(reads.values()) <= 2, reads
