"""Produced workbooks opened by a real spreadsheet application: LibreOffice Calc, headless.

LibreOffice renders each cell with its number format, which openpyxl cannot: the CSV export
"as shown" of the filled example must print exactly the published figures (1291.00, not 1291).
"""

from __future__ import annotations

import csv
import os
import subprocess
import unicodedata

import pytest

from budget_disclosure.layout.tables import TABLES, first_data_row
from conftest import ROOT, run_soffice, soffice

if soffice() is None and os.environ.get("BD_REQUIRE_LIBREOFFICE"):
    raise RuntimeError("LibreOffice is required here (BD_REQUIRE_LIBREOFFICE=1) but soffice is not on PATH")
pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed (.ci/run installs it)")

# field sep ',', quote '"', UTF-8, from line 1, …, save cell contents as shown, all sheets (-1)
ALL_SHEETS_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_filled_tables_print_the_published_figures(filled_path, published, tmp_path):
    result = run_soffice(["--convert-to", ALL_SHEETS_AS_SHOWN, "--outdir", str(tmp_path), str(filled_path)], tmp_path)
    assert result.returncode == 0, result.stderr
    for spec, expected in zip(TABLES, published):
        path = tmp_path / f"{filled_path.stem}-{spec.sheet}.csv"
        assert path.exists(), f"LibreOffice did not export {spec.sheet}: {sorted(p.name for p in tmp_path.iterdir())}"
        rows = list(csv.reader(path.open(encoding="utf-8")))
        assert rows[0][0] == spec.title
        data = [r for r in rows[first_data_row(spec) - 1:] if any(r) and not r[0].startswith("注：")]
        assert [[_fold(c) for c in r] for r in data] == [[_fold(c) for c in r] for r in expected["rows"]], spec.sheet


def test_workbooks_convert_to_pdf_with_every_table(filled_path, tmp_path):
    """The template and the filled example, in one LibreOffice run (its start is the slow part)."""
    template = ROOT / "workbook_templates" / "部门预算公开模板.xlsx"
    result = run_soffice(["--convert-to", "pdf", "--outdir", str(tmp_path), str(template), str(filled_path)], tmp_path)
    assert result.returncode == 0, result.stderr
    for source in (template, filled_path):
        pdf = tmp_path / (source.stem + ".pdf")
        assert pdf.exists() and pdf.stat().st_size > 10_000, source
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for spec in TABLES:
            assert spec.title in text, (source, spec.title)
        if source == filled_path:
            assert "2145.22" in text and "1291.00" in text


def test_the_statement_sheet_prints_as_readable_pages(filled_path, tmp_path):
    from openpyxl import load_workbook
    wb = load_workbook(filled_path)
    ws = wb["情况说明"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows.replace("$", "") == "1:1"
    assert all(ws.cell(r, 2).alignment.wrap_text for r in range(2, ws.max_row + 1))
    for name in wb.sheetnames:
        if name != "情况说明":
            del wb[name]
    only = tmp_path / "statement.xlsx"
    wb.save(only)
    result = run_soffice(["--convert-to", "pdf", "--outdir", str(tmp_path), str(only)], tmp_path)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "statement.pdf"
    pages = int(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.split("Pages:")[1].split()[0])
    assert pages <= 8  # was 36 pages of cut-off fragments
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    paragraphs = ["".join(str(ws_cell.value).split()) for ws_cell in load_workbook(only)["情况说明"]["B"][1:]
                  if isinstance(ws_cell.value, str) and len(ws_cell.value) > 80]
    assert paragraphs and all(p in text for p in paragraphs)  # every long paragraph printed whole


def test_the_findings_sheet_prints_landscape_with_its_header_repeated(filled_copy):
    from openpyxl import load_workbook
    from budget_disclosure.cli import main
    assert main(["check", str(filled_copy), "--in-place", "-q"]) == 0
    ws = load_workbook(filled_copy)["校验结果"]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "序号")
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows.replace("$", "") == f"{header}:{header}"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.cell(header + 1, 7).alignment.wrap_text
