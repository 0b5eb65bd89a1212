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


@pytest.mark.parametrize("which", ["template", "filled"])
def test_workbooks_convert_to_pdf_with_every_table(which, filled_path, tmp_path):
    source = ROOT / "workbook_templates" / "部门预算公开模板.xlsx" if which == "template" else filled_path
    result = run_soffice(["--convert-to", "pdf", "--outdir", str(tmp_path), str(source)], tmp_path)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / (source.stem + ".pdf")
    assert pdf.exists() and pdf.stat().st_size > 10_000
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for spec in TABLES:
        assert spec.title in text
    if which == "filled":
        assert "2145.22" in text and "1291.00" in text
