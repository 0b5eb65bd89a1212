"""The published document as a whole: its 目录 against its pages (BD521), the sections the 操作规程
asks for (BD522), years that do not belong (BD523), template leftovers (BD813) — on real PDFs, on our
own export with pages moved, and on outlines where the expected answer is known by construction."""

from __future__ import annotations

import re
import subprocess

import pytest

from budget_disclosure.checking.context import CheckContext
from budget_disclosure.checking.findings import WARNING
from budget_disclosure.checking.registry import all_rules
from budget_disclosure.checking.rules.document import FINAL_SECTIONS, SECTIONS
from budget_disclosure.checking.service import check_book
from budget_disclosure.reading.model import Address, Outline, ReadPackage, TocLine
from budget_disclosure.xlio.pdf_book import PdfBook
from conftest import DATA

RULES = {r.code: r for r in all_rules()}
REALWORLD = DATA / "realworld"
UNLABELLED = DATA / "unlabelled"


def _run(code: str, outlines: list[Outline], document: str = "预算") -> list:
    ctx = CheckContext(ReadPackage({}, profile="final" if document == "决算" else "hebei"), None)
    ctx.outlines = outlines
    ctx.rule = RULES[code]
    return list(RULES[code].check(ctx))


def _outline(toc: list[tuple[str, int | None]], headings: list[tuple[str, int]], numbered: bool = True,
             file: str = "a.pdf") -> Outline:
    lines = [TocLine(title, page, Address("目录", n, 1)) for n, (title, page) in enumerate(toc, 1)]
    paragraphs = [(Address("说明", n, 1), text) for n, (text, _) in enumerate(headings, 1)]
    return Outline(file, lines, headings, numbered, paragraphs)


BODY = [("第一部分 部门概况", 3), ("一、主要职能", 3), ("本部门的主要职能是……", 3), ("二、机构设置", 4),
        ("第二部分 部门预算表", 5), ("2025年上海市某局部门财务收支预算总表", 5), ("2025年上海市某局部门收入预算总表", 6),
        ("第三部分 名词解释", 8)]
TOC = [("第一部分部门概况", 3), ("一、主要职能", 3), ("二、机构设置", 4), ("第二部分部门预算表", 5),
       ("1.2025年部门财务收支预算总表", 5), ("2.2025年部门收入预算总表", 6), ("第三部分名词解释", 8)]


def test_a_toc_that_agrees_with_its_pages_gives_nothing():
    assert _run("BD521", [_outline(TOC, BODY)]) == []
    # worded as real 目录 word it: 年度/年, the unit's name, 及/和, brackets, a heading wrapped on two lines
    toc = [("二、2019年主要工作任务及目标", None), ("三、部门机构设置和预算单位构成情况", None),
           ("五、财政拨款基本支出预算表", None), ("第三部分江苏省某厅2019年度部门预算情况说明", None)]
    body = [("二、2019年度部门主要工作任务及目标", 4), ("三、部门机构设置及预算单位构成情况", 4),
            ("公开06表财政拨款基本支出预算表（经济科目）部门：江苏省某厅 单位：万元", 11),
            ("第三部分 江苏省某厅", 17), ("2019年度部门预算情况说明", 17)]
    assert _run("BD521", [_outline(toc, body, numbered=False)]) == []


@pytest.mark.parametrize("change, expected", [
    (("page", 5, 7), ("在第 7 页", "第 6 页")),  # 收入预算总表 said to be on page 7: it is on 6
    (("title", 6, "第三部分名称解释"), ("名称解释", "名词解释")),  # worded otherwise than the heading
    (("title", 2, "二、人员编制情况"), ("人员编制情况", "找不到")),  # nowhere in the body
    (("swap", 4, 5), ("收入预算总表", "次序")),  # two tables listed in the other order
])
def test_each_toc_fault_is_said_once_at_its_entry(change, expected):
    toc = list(TOC)
    kind, n, value = change
    if kind == "page":
        toc[n] = (toc[n][0], value)
    elif kind == "title":
        toc[n] = (value, toc[n][1])
    else:
        toc[n], toc[value] = toc[value], toc[n]
    found = _run("BD521", [_outline(toc, BODY)])
    assert len(found) == 1, [f.message for f in found]
    finding = found[0]
    assert finding.severity == WARNING and all(word in finding.message for word in expected), finding.message
    assert finding.cells == [Address("目录", n + 1 if kind != "swap" else n + 2, 1)] or kind == "swap"


def test_a_toc_counting_pages_after_its_cover_is_compared_by_its_own_count():
    """Pages that print no numbers: the 目录 counts from some page; only an entry off that count is said."""
    body = [(text, page + 2) for text, page in BODY]  # two pages of cover and 目录 before page 1
    assert _run("BD521", [_outline(TOC, body, numbered=False)]) == []
    toc = list(TOC)
    toc[6] = (toc[6][0], 9)
    found = _run("BD521", [_outline(toc, body, numbered=False)])
    assert [f.cells for f in found] == [[Address("目录", 7, 1)]] and "页次第 8 页" in found[0].message


def test_entries_printed_in_the_other_file_of_the_package_are_found_there():
    text = _outline([("第一部分部门概况", None), ("一、收支预算总表", None), ("二、收入预算总表", None),
                     ("第三部分部门预算情况说明", None)], [("第一部分 部门概况", 2), ("第三部分 部门预算情况说明", 5),
                                                    ("一、收支预算总表情况说明", 5)])
    tables = Outline("b.pdf", [], [("收支预算总表公开表一部门：江苏省某厅 单位：万元", 1), ("收入预算总表公开表二", 2)])
    assert _run("BD521", [text, tables]) == []
    tables.headings[1] = ("收入决算表公开表二", 2)
    found = _run("BD521", [text, tables])
    assert len(found) == 1 and "b.pdf" in found[0].message and "不一致" in found[0].message, [f.message for f in found]


def test_a_page_moved_in_our_own_export_is_said_as_the_order(exported, tmp_path):
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(str(exported / "部门预算公开.pdf"))
    writer = PdfWriter()
    order = list(range(len(reader.pages)))
    order[2], order[3] = order[3], order[2]  # 收入总表 printed after 支出总表
    for i in order:
        writer.add_page(reader.pages[i])
    moved = tmp_path / "moved.pdf"
    with open(moved, "wb") as out:
        writer.write(out)
    found = [f for f in check_book(PdfBook([moved])).findings if f.rule == "BD521"]
    assert len(found) == 1 and "次序" in found[0].message, [f.message for f in found]
    assert re.search(r"部门预算(收入|支出)总表", found[0].message)


def _pdftotext(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("path", [REALWORLD / "03_sh-putuo-shgzb-2024-dept-final" / "source.pdf",
                                  REALWORLD / "04_js-renda-2017-dept-budget" / "source.pdf",
                                  UNLABELLED / "08_js-gaoyuan-2018-budget-dept.pdf",
                                  UNLABELLED / "14_sh-putuo-czj-2025-budget-dept.pdf"], ids=lambda p: p.parent.name[:2] + p.name[:2])
def test_the_sections_said_missing_are_those_poppler_finds_no_words_for(path):
    """Independent reading: the sections BD522 misses are those whose words poppler's text of the whole
    file lacks (the 决算 quantities are asked only where 三公 money was spent)."""
    report = check_book(PdfBook([path]))
    said = {re.search(r"“(.+?)”的说明", f.message).group(1) for f in report.findings if f.rule == "BD522"}
    whole = re.sub(r"\s+", "", _pdftotext(path))
    three = report.package.tables.get("T9")
    sections = SECTIONS + (FINAL_SECTIONS if report.package.profile == "final" and not three.is_empty() else ())
    assert said == {name for name, pattern in sections if not re.search(pattern, whole)}


def test_sections_are_asked_only_of_a_published_document(filled_path):
    from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook

    assert not [f for f in check_book(OpenpyxlBook.open(filled_path)).findings if f.rule in ("BD521", "BD522")]


def test_a_choice_left_from_the_template_is_a_hint_at_its_sentence():
    """“增加（减少）” printed as the template wrote it: a 提示 (BD813), at the paragraph that prints it."""
    report = check_book(PdfBook([UNLABELLED / "01_js-renda-2018-budget-dept.pdf"]))
    hints = [f for f in report.findings if f.rule == "BD813" and f.severity == WARNING]
    assert hints and all("增加（减少）" in f.message for f in hints)
    text = re.sub(r"\s+", "", _pdftotext(UNLABELLED / "01_js-renda-2018-budget-dept.pdf"))
    assert len(hints) <= text.count("增加（减少）")
    assert all(f.places for f in hints)  # on the page that prints it


def test_a_text_figure_wrong_against_a_table_names_both_readings_on_their_pages():
    """The 强制 contract: a text figure compared with the tables names the table cells it was compared with
    (as 相关, located on their page), besides the sentence — and the message gives the rounding interval."""
    path = UNLABELLED / "09_js-jianchayuan-2017-budget-dept.pdf"
    book = PdfBook([path])
    report = check_book(book)
    shares = [f for f in report.findings if f.rule == "BD810" and f.severity == "强制"]
    assert len(shares) == 3
    for f in shares:
        assert len(f.compared) == 2 and all(f.places.get(c) for c in f.compared)
        printed = {book.read_block(c.sheet, c.row, c.col, c.row, c.col)[0][0] for c in f.compared}
        assert "584.35" in printed and "舍入范围" in f.message
    amounts = [f for f in report.findings if f.rule == "BD801" and f.severity == "强制"]
    assert amounts and all(f.compared and f.places.get(f.compared[0]) for f in amounts)
