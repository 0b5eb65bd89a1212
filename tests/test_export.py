"""Export of the reference package: values-only workbook, Word, PDF with a correct 目录, open data
and a manifest; refusal while 强制 errors are open."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from budget_disclosure.cli import main
from budget_disclosure.export.fonts import FontError, find_body_font
from budget_disclosure.layout.tables import TABLES
from conftest import run_soffice, soffice

try:
    find_body_font()
    HAS_FONT = True
except FontError:
    HAS_FONT = False
pytestmark = pytest.mark.skipif(not HAS_FONT and not __import__("os").environ.get("BD_REQUIRE_LIBREOFFICE"),
                                reason="no embeddable CJK font (.ci/run installs fonts-arphic-uming)")


def _printed_figures(published) -> set[str]:
    return {cell for t in published for row in t["rows"] for cell in row[1:] if re.fullmatch(r"\d+\.\d\d", cell)}


def test_pdf_has_a_toc_whose_page_numbers_are_right(exported, published):
    from pypdf import PdfReader
    reader = PdfReader(str(exported / "部门预算公开.pdf"))
    pages = [p.extract_text() for p in reader.pages]
    toc = reader.pages[0].extract_text(extraction_mode="layout")  # a 目录 line: title …… page
    assert "目录" in toc
    for spec in TABLES:
        m = re.search(re.escape(spec.title) + r"[ .·]*(\d+)\s*$", toc, re.MULTILINE)
        assert m, f"{spec.title} missing from the 目录"
        page = int(m.group(1))
        assert spec.title in pages[page - 1], f"{spec.title} is not on page {page}"
        assert f"第 {page} 页" in pages[page - 1]
    text = "\n".join(pages)
    missing = [f for f in _printed_figures(published) if f not in text]
    assert not missing, missing


def test_pdf_embeds_every_font(exported):
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) not installed")
    listing = subprocess.run(["pdffonts", str(exported / "部门预算公开.pdf")], capture_output=True, text=True).stdout
    fonts = listing.splitlines()[2:]
    assert fonts and all(" yes yes " in line for line in fonts), listing  # no stray base-14 Helvetica
    assert not [line for line in fonts if line.startswith(("Helvetica", "Times", "Courier"))]


def _pdftotext(path, *args) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_pdf_cover_toc_leaders_and_unbroken_numbers(exported, published):
    pdf = exported / "部门预算公开.pdf"
    first = _pdftotext(pdf, "-f", "1", "-l", "1", "-layout")
    assert any(line.strip() == "2024 年部门预算信息公开" for line in first.splitlines())  # the year keeps its 年
    # so does the 情况说明's title: the unit on one line, "2024 年部门预算信息公开情况说明" whole on the next
    everything = _pdftotext(pdf, "-layout").splitlines()
    assert any(line.strip() == "2024 年部门预算信息公开情况说明" for line in everything)
    # list items as an official document writes them ("1、…"), not with the "- " the example's text carries
    assert not [line for line in everything if line.lstrip().startswith("- ")]
    assert any(line.strip().startswith("1、加强制度建设") for line in everything)
    for spec in TABLES:  # dot leaders for the tables as for the 情况说明's sections
        assert re.search(re.escape(spec.title) + r"(?:\s*\.){8,}", first), spec.title
    lines = [line.strip() for line in _pdftotext(pdf, "-layout").splitlines()]
    # every amount of the nine tables stands whole on one line (never "202.2" / "5")
    words = {w for line in lines for w in line.split()}
    missing = [f for f in _printed_figures(published) if f not in words]
    assert not missing, missing[:10]


def test_balanced_lines_never_leave_a_lone_character():
    import random
    from reportlab.pdfbase import pdfmetrics
    from budget_disclosure.export.pdf import _balanced_lines, _register_fonts
    body, _ = _register_fonts()
    rng = random.Random(7)
    pool = "财政拨款收入支出对附属单位补助上解上级经营事业一般公共预算基本项目"
    for _ in range(300):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(2, 14)))
        width = rng.uniform(2.2, 12) * 8  # 2.2 to 12 characters of 8 pt
        lines = _balanced_lines(text, body, 8, width)
        assert "".join(lines) == text
        assert all(pdfmetrics.stringWidth(line, body, 8) <= width for line in lines), (text, width, lines)
        if len(lines) > 1:
            assert min(len(line) for line in lines) >= 2 or width < 3 * 8, (text, width, lines)


def test_values_only_workbook(exported, published):
    wb = load_workbook(exported / "公开表.xlsx")
    assert wb.sheetnames == [t.sheet for t in TABLES]
    assert all(ws.sheet_state == "visible" for ws in wb.worksheets)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f" and cell.comment is None and not cell.hyperlink
        assert not ws.defined_names
    assert not wb._external_links and wb.properties.lastModifiedBy is None and wb.properties.creator == "budget-disclosure"
    with __import__("zipfile").ZipFile(exported / "公开表.xlsx") as z:
        assert not [n for n in z.namelist() if "vba" in n.lower() or "comments" in n.lower()]
    t3 = wb["表3 支出总表"]
    assert [c.value for c in t3[9]][:4] == [4, "2010101", "行政运行", 1291]


def test_text_that_looks_like_a_formula_is_stored_as_text(tmp_path):
    from decimal import Decimal
    from budget_disclosure.export.printable import PrintTable
    from budget_disclosure.export.workbook import write_values_workbook
    table = PrintTable(TABLES[2], "901 测试局", 2025, ((1, "2010101", "=HYPERLINK(\"x\")", Decimal("1.00"), None,
                                                       None, None, None, None),), "")
    write_values_workbook([table], tmp_path / "v.xlsx")
    cell = load_workbook(tmp_path / "v.xlsx")["表3 支出总表"]["C6"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


def test_docx_has_a_toc_field_page_numbers_and_landscape_tables(exported):
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    document = docx.Document(str(exported / "部门预算公开.docx"))
    body = document.element.body
    instructions = [t.text.strip() for t in body.iter(qn("w:instrText"))]
    assert any(i.startswith("TOC") for i in instructions)
    # the TOC field's shown result is the 目录 itself (as the PDF lays it out), not a request to update it:
    # every table title with its page, in order
    pdf_pages = {}
    for line in subprocess.run(["pdftotext", "-f", "1", "-l", "2", "-layout", str(exported / "部门预算公开.pdf"), "-"],
                               capture_output=True, text=True).stdout.splitlines():
        if m := re.match(r"\s*(\S.*?)[\s.·…]+(\d+)\s*$", line):
            pdf_pages[m.group(1).rstrip(".· ")] = int(m.group(2))
    entries = [p.text.split("\t") for p in document.paragraphs[2:2 + len(TABLES)]]
    assert [e[0] for e in entries] == [spec.title for spec in TABLES]
    assert all(int(page) == pdf_pages.get(title, int(page)) for title, page in entries) and len(pdf_pages) >= 9
    assert document.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    footer = document.sections[0].footer
    assert "PAGE" in [t.text.strip() for t in footer._element.iter(qn("w:instrText"))]
    assert all(s.footer.is_linked_to_previous for s in document.sections[1:])  # one page count throughout
    wide = {spec.title for spec in TABLES if spec.landscape}
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert set(spec.title for spec in TABLES) <= set(headings)  # table titles are headings: the TOC lists them
    orientations = [s.orientation for s in document.sections]
    assert orientations.count(WD_ORIENT.LANDSCAPE) == len(wide)
    styles = document.styles
    fonts = {name: styles[name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
             for name in ("Normal", "Title", "Heading 1", "Heading 3")}
    assert fonts == {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading 1": "黑体", "Heading 3": "楷体_GB2312"}


@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed (.ci/run installs it)")
def test_docx_pages_as_libreoffice_writer_prints_them(exported, tmp_path):
    result = run_soffice(["--convert-to", "pdf", "--outdir", str(tmp_path), str(exported / "部门预算公开.docx")],
                         tmp_path)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "部门预算公开.pdf"
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert len(sizes) >= 20
    landscape = [i for i, (w, h) in enumerate(sizes, 1) if float(w) > float(h)]
    assert landscape and len(landscape) < len(sizes)  # the wide tables, and only those
    for page in (2, len(sizes)):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                              capture_output=True, text=True).stdout
        assert re.search(rf"—\s*{page}\s*—", text), (page, text[-200:])  # the footer's page number
    everything = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "2145.22" in everything and "部门预算财政拨款“三公”经费支出表" in everything
    # Writer shows the 目录's entries as written (no field update needed): each table title with a page number
    contents = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                              text=True).stdout
    assert "更新目录" not in contents
    for spec in TABLES:
        assert re.search(re.escape(spec.title) + r"[.\s…·]*\d+", contents), (spec.title, contents)


def test_docx_reopens_with_fonts_and_tables(exported):
    import docx
    from docx.oxml.ns import qn
    document = docx.Document(str(exported / "部门预算公开.docx"))
    assert len(document.tables) >= 9  # the nine, then the 情况说明's own tables
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2024年预算收支安排2604.79万元，较2023年预算减少351.83万元" in text  # bound, and consistent
    assert "机关运行经费共计安排352.85万元" in text and "“三公”经费预算安排56.54万元" in text
    t6 = document.tables[5]
    assert t6.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert "2145.22" in [c.text for c in t6.rows[3].cells]  # 2 header rows, 栏次, then 合计


def test_open_data_is_a_valid_data_package_with_bom_csvs(exported, tmp_path):
    from frictionless import validate
    for path in exported.glob("*.csv"):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path.name  # Excel on Chinese Windows reads UTF-8
    descriptor = json.loads((exported / "datapackage.json").read_text("utf-8"))
    assert descriptor.pop("profile") == "fiscal-data-package"
    # frictionless would fetch the Fiscal Data Package profile from the web; the data and the table
    # schemas (types, headers, missing values) are what it checks here, offline
    for path in exported.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["title", "type", "note"])[:5]
    assert report.stats["tasks"] == 9
    directions = {key: m["direction"] for key, m in descriptor["model"]["measures"].items()}
    assert {d for k, d in directions.items() if k.startswith("t2_income:")} == {"revenue"}
    assert directions["t1_income_expenditure_summary:收入预算数"] == "revenue"
    assert directions["t1_income_expenditure_summary:支出预算数"] == "expenditure"
    assert directions["t4_appropriation_summary:收入金额"] == "revenue"
    assert directions["t3_expenditure:合计"] == "expenditure"


def test_open_data_and_manifest(exported, published):
    with open(exported / "t6_general_basic_economic.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["序号", "科目编码", "科目名称", "合计", "人员经费", "公用经费"]
    assert rows[1][3:] == ["2145.22", "1792.37", "352.85"]
    package = json.loads((exported / "datapackage.json").read_text("utf-8"))
    assert package["profile"] == "fiscal-data-package" and len(package["resources"]) == 9
    amount_fields = [f for r in package["resources"] for f in r["schema"]["fields"] if f.get("columnType") == "value"]
    assert amount_fields and all(f["unit"] == "万元" for f in amount_fields)
    assert all(m["currency"] == "CNY" and m["factor"] == 10000 for m in package["model"]["measures"].values())
    manifest = json.loads((exported / "manifest.json").read_text("utf-8"))
    assert manifest["verdict"].startswith("通过") and "BD107" in manifest["rules"]
    # what was and was not checked, in the package a reviewer receives
    assert manifest["coverage"]["identities_checked"] == manifest["coverage"]["identities_total"] > 600
    assert manifest["findings"] == {"强制": 0, "提示": 3, "尾差": 6} and manifest["acknowledged"] == []
    for entry in manifest["files"]:
        assert hashlib.sha256((exported / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]


def test_export_refuses_while_errors_are_open_unless_forced(filled_copy, tmp_path, capsys):
    wb = load_workbook(filled_copy)
    wb["表3 支出总表"]["D9"].value = 1291.05
    wb.save(filled_copy)
    out = tmp_path / "out"
    assert main(["export", str(filled_copy), "-o", str(out)]) == 1
    assert "拒绝导出" in capsys.readouterr().err and not out.exists()
    assert main(["export", str(filled_copy), "-o", str(out), "--force"]) == 0
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["forced"] and manifest["open_errors"]


def test_a_workbook_without_tables_is_not_exported_even_forced(tmp_path, capsys):
    from openpyxl import Workbook
    path = tmp_path / "none.xlsx"
    Workbook().save(path)
    assert main(["export", str(path), "-o", str(tmp_path / "out"), "--force"]) == 2
    assert "找不到任何部门预算公开表" in capsys.readouterr().err and not (tmp_path / "out").exists()


def _pages_by_table(pdf, skip_first: bool) -> list[tuple[str, bool]]:
    """(table title, landscape) of every page whose text starts a table or continues the last one."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    pages, current = [], None
    for number, (w, h) in enumerate(sizes, 1):
        if skip_first and number == 1:
            continue  # cover and 目录
        text = _pdftotext(pdf, "-f", str(number), "-l", str(number)).replace(" ", "")
        if "情况说明" in text and not any(spec.title in text for spec in TABLES):
            break
        current = next((spec.title for spec in TABLES if spec.title in text), current)
        pages.append((current, float(w) > float(h)))
    return pages


@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed (.ci/run installs it)")
def test_printing_the_nine_tables_gives_the_pages_of_the_pdf(filled_path, exported, tmp_path):
    wb = load_workbook(filled_path)
    for name in wb.sheetnames:
        if name not in {spec.sheet for spec in TABLES}:
            del wb[name]
    tables = tmp_path / "tables.xlsx"
    wb.save(tables)
    result = run_soffice(["--convert-to", "pdf", "--outdir", str(tmp_path), str(tables)], tmp_path)
    assert result.returncode == 0, result.stderr
    printed = _pages_by_table(tmp_path / "tables.pdf", skip_first=False)
    assert printed == _pages_by_table(exported / "部门预算公开.pdf", skip_first=True)  # pages and orientation
    assert {t for t, _ in printed} == {spec.title for spec in TABLES}


def test_open_data_neutralises_formula_text_but_keeps_numbers():
    from decimal import Decimal
    from budget_disclosure.export.opendata import csv_text
    from budget_disclosure.export.printable import PrintTable
    row = (1, "2010101", "=HYPERLINK(\"http://x\")", Decimal("-1.00"), None, None, None, None, None)
    text = csv_text(PrintTable(TABLES[2], "901 测试局", 2025, (row,), ""))
    cells = list(csv.reader(text.splitlines()))[1]
    assert cells[2] == "'=HYPERLINK(\"http://x\")" and cells[3] == "-1.00"
    for start in ("+1+1", "-cmd", "@SUM(A1)", "\ttab", "\rcr"):
        assert next(csv.reader([csv_text(PrintTable(TABLES[2], "", 2025, ((1, "201", start),), ""))
                                .splitlines()[1]]))[2].startswith("'"), start


def test_the_published_pdf_checks_as_the_workbook_it_came_from(filled_path, exported):
    """The tool never contradicts itself: the PDF export publishes is read back into the same tables
    (every figure where the workbook has it), every identity checked, the same 尾差, no 强制, and its
    目录 agrees with its pages."""
    from budget_disclosure.checking.findings import ERROR, ROUNDING
    from budget_disclosure.checking.service import check_book
    from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
    from budget_disclosure.xlio.pdf_book import PdfBook

    pdf = check_book(PdfBook([exported / "部门预算公开.pdf"]))
    book = check_book(OpenpyxlBook.open(filled_path))
    assert pdf.count(ERROR) == 0 and pdf.complete, [(f.rule, f.message) for f in pdf.findings if f.severity == ERROR]
    assert sorted(pdf.package.tables) == sorted(book.package.tables)
    for key, table in book.package.tables.items():
        printed = {(r, c): cell.value for (r, c), cell in pdf.package.tables[key].cells.items() if cell.value}
        assert printed == {(r, c): cell.value for (r, c), cell in table.cells.items() if cell.value}, key
    rounding = sorted(f.message for f in pdf.findings if f.severity == ROUNDING)
    assert rounding == sorted(f.message for f in book.findings if f.severity == ROUNDING) and rounding
    # every finding the same, word for word (the 绩效目标表 read from the printed cards: BD704's three 提示)
    assert sorted((f.rule, f.severity, f.message) for f in pdf.findings) == \
        sorted((f.rule, f.severity, f.message) for f in book.findings)
    assert {t.title: t.evaluated for t in pdf.coverage.tables} == {t.title: t.evaluated for t in book.coverage.tables}
    assert not [f for f in pdf.findings if f.rule.startswith("BD52")], [f.message for f in pdf.findings]
