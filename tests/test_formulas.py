"""Packages typed by hand total with =SUM(...): they check exactly like their values-only twin,
from Excel's cached results, from LibreOffice's recalculation, or — with neither — with the
formula cells not read and their rules not applicable (never compared as 0)."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from budget_disclosure.checking.findings import ERROR
from budget_disclosure.checking.service import check_book
from budget_disclosure.cli import main
from budget_disclosure.xlio import openpyxl_port
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from conftest import run_soffice, soffice
from helpers import SUM_TOTALS, with_sum_formulas

def verdict(path):
    report = check_book(OpenpyxlBook.open(path))
    return report, sorted((f.rule, f.severity, str(f.marked)) for f in report.findings)


def test_cached_results_are_read_like_values(filled_path, tmp_path, monkeypatch):
    if soffice() is None:
        pytest.skip("LibreOffice makes the cached results here, as Excel does")
    formulas = tmp_path / "formulas.xlsx"
    assert with_sum_formulas(filled_path, formulas) > 40
    twin_dir = tmp_path / "twin"
    twin_dir.mkdir()
    shutil.copy(filled_path, twin_dir / "values.xlsx")
    # both saved as a spreadsheet saves them (formulas with their results), in one LibreOffice run
    result = run_soffice(["--convert-to", "xlsx", "--outdir", str(tmp_path / "saved"), str(formulas),
                          str(twin_dir / "values.xlsx")], tmp_path)
    assert result.returncode == 0, result.stderr
    saved = tmp_path / "saved" / "formulas.xlsx"
    monkeypatch.setattr(openpyxl_port, "recalculated", lambda path: pytest.fail("cached results must suffice"))
    twin = verdict(tmp_path / "saved" / "values.xlsx")[1]  # the values-only twin, saved the same way
    assert [f for f in twin if f[1] == ERROR] == []
    report, findings = verdict(saved)
    assert findings == twin and not report.blocking


def test_formulas_without_results_are_recalculated_when_libreoffice_is_there(filled_path, tmp_path):
    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    formulas = tmp_path / "formulas.xlsx"
    with_sum_formulas(filled_path, formulas)
    assert verdict(formulas)[1] == verdict(filled_path)[1]  # exactly like its values-only twin
    before = formulas.read_bytes()
    flagged = tmp_path / "flagged.xlsx"
    wb = load_workbook(formulas)
    wb["表3 支出总表"]["E9"].value = 1291.05  # a part of a SUM total: the total follows, the detail does not
    wb.save(formulas)
    before = formulas.read_bytes()
    assert main(["check", str(formulas), "--flag", "-o", str(flagged)]) == 1
    assert formulas.read_bytes() == before
    assert load_workbook(flagged)["表3 支出总表"]["D9"].value == "=SUM(E9:I9)"  # flags keep the formula


def test_without_results_the_formula_cells_are_not_read_and_never_zero(filled_path, tmp_path, monkeypatch):
    formulas = tmp_path / "formulas.xlsx"
    count = with_sum_formulas(filled_path, formulas)
    monkeypatch.setattr(openpyxl_port, "recalculated", lambda path: None)  # no LibreOffice on this machine
    report = check_book(OpenpyxlBook.open(formulas))
    assert not report.blocking, [(f.rule, str(f.marked), f.message) for f in report.blocking][:5]
    said = [n for n in report.notes if "公式单元格没有计算结果" in n]
    assert len(said) == 2 and any("表3" in n or "支出总表" in n for n in said)
    unread = sum(len(t.unread) for t in report.package.tables.values())
    assert unread == count
    assert all(not f.cells or all(c.col != 4 or c.sheet not in SUM_TOTALS for c in f.cells)
               for f in report.findings if f.severity == ERROR)


def test_fill_reads_formula_amounts_of_the_detail(example_path, tmp_path, monkeypatch):
    wb = load_workbook(example_path)
    ws = wb["预算明细"]
    ws["K2"] = f"={ws['K2'].value}/2+{ws['K2'].value}/2"  # the same amount, as a formula
    source = tmp_path / "x.xlsx"
    wb.save(source)
    monkeypatch.setattr(openpyxl_port, "recalculated", lambda path: None)
    assert main(["fill", str(source), "-o", str(tmp_path / "y.xlsx")]) == 2  # no result, nothing to compute with
    monkeypatch.undo()
    if shutil.which("soffice") or shutil.which("libreoffice"):
        assert main(["fill", str(source), "-o", str(tmp_path / "y.xlsx")]) == 0
