"""The published PDF checked as the workbook is: the six realworld packages (tests/data/realworld/*/source.pdf)
give the labelled inconsistencies and 尾差 the transcribed workbooks give (tests/test_realworld.py's LABELLED),
no other 强制, with nearly all the identities; findings say the page and box; the marked-up copy's notes
sit on the cited figures; a package in two PDFs is read as one; hostile PDFs are refused within bounds."""

from __future__ import annotations

import json
import re
import resource
import shutil
import subprocess
import sys
import time

import pytest

import hostile_pdfs
import realworld
from budget_disclosure.checking.findings import ERROR, ROUNDING
from budget_disclosure.checking.service import check_book
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from budget_disclosure.xlio.pdf_book import PdfBook
from conftest import DATA
from test_realworld import LABELLED, _matches

UNLABELLED = DATA / "unlabelled"


def _pdf(case: str):
    return realworld.CASES[case] / "source.pdf"


@pytest.mark.parametrize("case", realworld.ALL_CASES)
def test_a_published_pdf_gives_what_its_transcription_gives(case, tmp_path):
    family, real, rounding = LABELLED[case]
    report = check_book(PdfBook([_pdf(case)]))
    assert report.package.profile == family, report.package.evidence
    assert not _matches(report.findings, real, ERROR), [(f.rule, f.message) for f in report.findings]
    assert not _matches(report.findings, rounding, ROUNDING)
    workbook = check_book(OpenpyxlBook.open(realworld.build(case, tmp_path / f"{case}.xlsx")))
    assert report.coverage.evaluated >= 0.95 * workbook.coverage.evaluated, (report.coverage.ratio, workbook.coverage.ratio)
    assert report.complete and all(t.recognised for t in report.coverage.tables)
    located = [f for f in report.findings if f.cells]
    assert located and all(f.places.get(f.marked) for f in located)  # every finding with a cell has its page


def test_a_finding_says_its_page_and_what_is_printed_there():
    run = subprocess.run([sys.executable, "-m", "budget_disclosure", "check", str(_pdf("01")), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    data = json.loads(run.stdout)["files"][0]
    rounding = [f for f in data["findings"] if f["rule"] == "BD107" and "21201" in f["message"]]
    assert rounding and all(f["page"] in (10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24, 25) for f in rounding)
    first = rounding[0]
    assert len(first["bbox"]) == 4 and first["bbox"][0] < first["bbox"][2] and "第 " in first["where"]
    text = subprocess.run([sys.executable, "-m", "budget_disclosure", "check", str(_pdf("01"))], capture_output=True,
                          text=True, timeout=120).stdout
    assert re.search(r"强制 BD807 第 \d+ 页 说明第 \d+ 段：说明中的科目“卫生健康支出（款）”", text)
    assert re.search(r"尾差 BD107 第 1\d 页 部门收入预算总表 “212 城乡社区支出” 合计列", text)


def _displayed(rect, rotation: int, height: float) -> tuple[float, float, float, float]:
    """A user-space rectangle (bottom-left origin, before /Rotate) as the page is displayed (top-left
    origin): written here from the PDF specification, apart from the product's own transform."""
    llx, lly, urx, ury = rect
    if rotation == 90:  # turned a quarter clockwise: user x runs down the page, user y across it
        return lly, llx, ury, urx
    return llx, height - ury, urx, height - lly


def _text_under(pdf_path, page_number: int, rect) -> str:
    """The characters (read by pdfplumber, in the page as displayed) whose centres lie in a highlight."""
    import pdfplumber
    from pypdf import PdfReader

    page = PdfReader(str(pdf_path)).pages[page_number - 1]
    rotation, height = int(page.get("/Rotate", 0) or 0), float(page.mediabox.height)
    x0, top, x1, bottom = _displayed(rect, rotation, height)
    with pdfplumber.open(pdf_path) as pdf:
        chars = pdf.pages[page_number - 1].chars
    return "".join(c["text"] for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom)


@pytest.mark.parametrize("name", ["15_sh-putuo-sfj-2026-budget-unit.pdf", "02_js-renda-2019-budget-dept-b.pdf"])
def test_the_annotated_copy_marks_the_cited_figures(name, tmp_path):
    """Each highlight's rectangle holds the figure its note cites (a landscape page, and an A3 page
    turned by /Rotate); the original file is not touched."""
    from pypdf import PdfReader

    source = tmp_path / name
    shutil.copy(UNLABELLED / name, source)
    before = source.read_bytes()
    run = subprocess.run([sys.executable, "-m", "budget_disclosure", "check", str(source), "--annotate"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    marked = source.with_name(f"{source.stem}.校验.pdf")
    assert source.read_bytes() == before and marked.exists()
    checked = 0
    for number, page in enumerate(PdfReader(str(marked)).pages, 1):
        for annotation in page.get("/Annots") or []:
            a = annotation.get_object()
            if a["/Subtype"] != "/Highlight":
                continue
            # the cell the note names: a 科目 code ("“20406 司法”", its 类 part where the code is printed in 类|款|项
            # columns) or its name, or the figure a finding cites
            cited = re.search(r"第 \d+ 页 [^“]*“(\d{3,7}) ([^”]*)”(?: (\S+)列)?", a["/Contents"])
            if cited is None:
                continue
            inside = _text_under(marked, number, [float(v) for v in a["/Rect"]]).replace(" ", "")
            code, name, column = cited.groups()
            if column:  # an amount cell: the highlight holds a printed figure
                assert re.fullmatch(r"-?[\d,]+(\.\d+)?", inside), (number, a["/Contents"][:80], inside[:40])
            else:  # the row's code or name cell
                assert code[:3] in inside or name[:4] in inside, (number, a["/Contents"][:80], inside[:40])
            checked += 1
    assert checked >= 3


def test_a_package_published_as_two_pdfs_is_read_as_one(tmp_path):
    folder = tmp_path / "portal"
    folder.mkdir()
    for name in ("06_js-zhengxie-2019-budget-dept-a.pdf", "06_js-zhengxie-2019-budget-dept-b.pdf",
                 "04_js-shengweiban-2019-budget-dept-a.pdf", "04_js-shengweiban-2019-budget-dept-b.pdf"):
        shutil.copy(UNLABELLED / name, folder / name)
    run = subprocess.run([sys.executable, "-m", "budget_disclosure", "check", str(folder), "--format", "json"],
                         capture_output=True, text=True, timeout=240)
    files = json.loads(run.stdout)["files"]
    assert sorted(f["path"].split("/")[-1] for f in files) == [
        "04_js-shengweiban-2019-budget-dept-b.pdf", "06_js-zhengxie-2019-budget-dept-b.pdf"]
    for f in files:
        assert " + " in f["path"] and f["path"].split(" + ")[0].endswith("-a.pdf")  # the 说明 named with its tables
        assert not any("找不到情况说明" in n for n in f["notes"]) and f["coverage"]["identities_checked"] > 100


@pytest.mark.parametrize("kind", sorted(hostile_pdfs.ALL))
def test_a_hostile_pdf_is_refused_within_bounds(kind, tmp_path):
    path = hostile_pdfs.ALL[kind](tmp_path)
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run = subprocess.run([sys.executable, "-m", "budget_disclosure", "check", str(path)], capture_output=True,
                         text=True, timeout=120)
    assert time.monotonic() - started < 30
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak < 600 * 1024 or peak == before  # KiB: the child stayed well under the bounds
    said = run.stdout + run.stderr
    assert run.returncode == 2 and "Traceback" not in said and path.name in said, said
    expected = {"not a pdf": "不是 PDF", "truncated": "不完整或已损坏", "password": "打开密码",
                "huge page count": "10,000,000 页", "bomb": "压缩炸弹", "scanned": "不做文字识别",
                "deep nesting": "找不到任何部门预算公开表"}[kind]
    assert expected in said, said


def test_scripts_and_attachments_are_said_never_run(tmp_path):
    report = check_book(PdfBook([hostile_pdfs.scripted(tmp_path)]))
    assert any("JavaScript" in n and "未执行" in n for n in report.notes)
    assert any("嵌入的文件" in n for n in report.notes)
    assert report.package.profile == "shanghai" and report.coverage.evaluated > 1000  # and the package is read as usual
