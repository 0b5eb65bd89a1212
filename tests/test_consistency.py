"""The tool never contradicts itself: what fill writes (tables and 情况说明), check accepts and
export publishes — on the bundled example with each edit that once made it contradict itself."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from budget_disclosure.checking.findings import ERROR, WARNING
from budget_disclosure.checking.service import check_book
from budget_disclosure.cli import main
from budget_disclosure.layout.inputs import DETAIL_SHEET
from budget_disclosure.layout.package_inputs import REASONS
from budget_disclosure.statement import sheet_paragraphs
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from helpers import example_book, example_line, set_input, table_rows


def fill_and_check(tmp_path, source, *fill_args):
    out = tmp_path / "filled.xlsx"
    assert main(["fill", str(source), "-o", str(out), *fill_args]) == 0
    report = check_book(OpenpyxlBook.open(out))
    return out, report


def errors(report):
    return [(f.rule, str(f.marked), f.message) for f in report.findings if f.severity == ERROR]


def paragraph(path, start: str) -> str:
    return next(t for _, t in sheet_paragraphs(OpenpyxlBook.open(path)) if t.startswith(start))


def test_general_basic_in_brackets_is_not_read_as_all_basic_spending(tmp_path):
    """一般公共预算基本支出 is a part of 基本支出, not another statement of it."""
    source = example_book(tmp_path / "x.xlsx", [example_line("2010101", "30201", 10000, "事业收入", "基本支出·公用经费")])
    out, report = fill_and_check(tmp_path, source)
    assert "其中一般公共预算基本支出2145.22万元" in paragraph(out, "收支预算总表支出栏")
    assert "基本支出2146.22万元" in paragraph(out, "收支预算总表支出栏")
    assert not errors(report)


def _two_units(wb) -> None:
    ws = wb[DETAIL_SHEET]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 8).value == "项目支出":
            ws.cell(row, 1).value, ws.cell(row, 2).value = "101002", "张家口市人大代表服务中心"


def test_a_unit_package_is_checked_against_that_units_lines(tmp_path):
    source = example_book(tmp_path / "x.xlsx", edit=_two_units)
    out, report = fill_and_check(tmp_path, source, "--unit", "101002")
    assert not errors(report)
    assert report.has_detail and report.unit.startswith("101002")
    t3 = {r[1]: r for r in table_rows(out, "T3")}
    assert Decimal(str(t3[None][3])) == Decimal("459.57")  # the unit's 项目支出 only
    # the 项目绩效目标 sheet is the department's: the unit's package lists and sums only its own projects
    assert not [f for f in report.findings if f.rule in ("BD701", "BD702")]
    # the check still compares against the unit's lines: a wrong cell is found
    wb = load_workbook(out)
    wb["表3 支出总表"]["D6"].value = 459.67
    wb.save(out)
    report = check_book(OpenpyxlBook.open(out))
    assert any(f.rule == "BD601" and f.marked.a1 == "D6" for f in report.findings)


def test_a_table_of_amounts_under_50_yuan_is_not_empty_for_fill_nor_for_check(tmp_path):
    source = example_book(tmp_path / "x.xlsx", [example_line("2010101", "30201", 30, "政府性基金预算拨款",
                                                             "基本支出·公用经费")])
    out, report = fill_and_check(tmp_path, source)
    t7 = table_rows(out, "T7")
    assert [r[1] for r in t7] == [None, "201", "20101", "2010101"]  # rows printed, 0.00 each, no 空表 note
    assert all(Decimal(str(v)) == 0 for r in t7 for v in r[3:5] if v is not None)
    assert not errors(report)


def _no_appropriation(wb) -> None:
    ws = wb[DETAIL_SHEET]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 7).value:
            ws.cell(row, 7).value = "事业收入"
    set_input(wb, REASONS.name, REASONS.columns[2], "本年无财政拨款")


def test_no_appropriation_at_all_prints_table_4_as_an_empty_table(tmp_path):
    source = example_book(tmp_path / "x.xlsx", edit=_no_appropriation)
    out, report = fill_and_check(tmp_path, source)
    wb = load_workbook(out)
    notes = [c.value for row in wb["表4 财政拨款收支总表"].iter_rows() for c in row if isinstance(c.value, str)
             and c.value.startswith("注：")]
    assert notes == ["注：无财政拨款收支预算，空表列示。"]
    assert not errors(report)


def test_a_missing_reason_is_said_at_fill_time_and_by_the_check(tmp_path, capsys):
    source = example_book(tmp_path / "x.xlsx", edit=lambda wb: _no_appropriation(wb) or set_input(
        wb, REASONS.name, REASONS.columns[2], None))
    out, report = fill_and_check(tmp_path, source)
    assert "请填写“三公经费增减原因”" in capsys.readouterr().err
    assert not errors(report)  # a missing reason is no disagreement of two figures: a 提示, said once
    assert [f.rule for f in report.findings if f.rule == "BD803" and f.severity == WARNING] == ["BD803"]


def _rename_project(wb) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "人大代表培训经费":
                    cell.value = "人大代表培训经费2"


def test_a_project_name_ending_in_a_digit_never_runs_into_its_amount(tmp_path):
    source = example_book(tmp_path / "x.xlsx", edit=_rename_project)
    out, report = fill_and_check(tmp_path, source)
    assert "1、“人大代表培训经费2”35.00万元" in paragraph(out, "收支预算总表支出栏")
    assert not errors(report)
    # and a wrong amount next to it is still found
    wb = load_workbook(out)
    ws = wb["情况说明"]
    for row in ws.iter_rows(min_col=2, max_col=2):
        if isinstance(row[0].value, str) and "培训经费2”35.00" in row[0].value:
            row[0].value = row[0].value.replace("培训经费2”35.00", "培训经费2”36.00")
    wb.save(out)
    assert "BD806" in [r for r, _, _ in errors(check_book(OpenpyxlBook.open(out)))]


def test_other_kinds_of_spending_are_stated_and_the_total_change_adds_up(tmp_path):
    source = example_book(tmp_path / "x.xlsx", [example_line("2010101", "30201", 500000, "经营收入", "经营支出")],
                          edit=lambda wb: set_input(wb, REASONS.name, REASONS.columns[4], "新增培训服务经营活动"))
    out, report = fill_and_check(tmp_path, source)
    spending = paragraph(out, "收支预算总表支出栏")
    assert "2024年支出预算2654.79万元" in spending and "经营支出50.00万元" in spending
    change = paragraph(out, "2024年预算收支安排")
    # 2654.79 − (2350.13 + 606.49) = −301.83 = −204.91 − 146.92 + 50.00
    assert "较2023年预算减少301.83万元" in change and "经营支出增加50.00万元，主要为新增培训服务经营活动" in change
    assert not errors(report)
    assert main(["export", str(out), "-o", str(tmp_path / "pkg")]) == 0


def test_the_duties_heading_is_printed_once_and_a_doubled_paragraph_is_noticed(tmp_path, filled_copy):
    texts = [t for _, t in sheet_paragraphs(OpenpyxlBook.open(filled_copy))]
    assert texts.count("部门职责：") == 1
    wb = load_workbook(filled_copy)
    ws = wb["部门职责"]
    ws.insert_rows(2)
    ws["A2"] = "部门职责："  # the accountant types the heading into the input sheet too
    del wb["情况说明"]
    wb.save(filled_copy)
    out, report = fill_and_check(tmp_path, filled_copy)
    assert [t for _, t in sheet_paragraphs(OpenpyxlBook.open(out))].count("部门职责：") == 1
    wb = load_workbook(out)
    ws = wb["情况说明"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "部门职责：")
    ws.insert_rows(row + 1)
    ws.cell(row + 1, 1).value, ws.cell(row + 1, 2).value = "段落", "部门职责："
    wb.save(out)
    report = check_book(OpenpyxlBook.open(out))
    assert any(f.rule == "BD804" and "上一段" in f.message for f in report.findings)


def test_one_mistyped_amount_points_at_that_cell(filled_copy, tmp_path, capsys):
    wb = load_workbook(filled_copy)
    wb["表3 支出总表"]["D9"].value = 1291.05  # 行政运行 合计
    wb.save(filled_copy)
    report = check_book(OpenpyxlBook.open(filled_copy))
    failed = [f for f in report.findings if f.severity == ERROR]
    assert len(failed) >= 3 and all(f.marked.a1 == "D9" and f.suspect is not None for f in failed)
    out = tmp_path / "flagged.xlsx"
    assert main(["check", str(filled_copy), "--flag", "-o", str(out)]) == 1
    said = int(capsys.readouterr().out.split("已标记 ")[1].split(" ")[0])
    flagged = load_workbook(out)
    coloured = [(ws.title, c.coordinate) for ws in flagged.worksheets for row in ws.iter_rows() for c in row
                if c.comment is not None and c.comment.author == "budget-disclosure 校验"]
    assert said == len(coloured)  # the count printed is the count marked
    table3 = [c for s, c in coloured if s == "表3 支出总表"]
    assert table3 == ["D9"]  # the identities' other cells are listed as 相关, not coloured
    note = flagged["表3 支出总表"]["D9"].comment.text
    assert note.startswith("【疑似出错】") and "相关单元格" in note


@pytest.fixture(scope="module")
def all_units(tmp_path_factory):
    """fill --all-units of the example with two units, once for this module."""
    tmp = tmp_path_factory.mktemp("all-units")
    source = example_book(tmp / "x.xlsx", edit=_two_units)
    out = tmp / "packages"
    assert main(["fill", str(source), "--all-units", "-o", str(out), "-q"]) == 0
    return out


def test_each_package_of_all_units_is_the_fill_of_that_unit_alone(all_units, tmp_path):
    """--all-units reads the inputs once and derives every package from them: each package's tables
    and 情况说明 are what `fill --unit` of that unit alone writes."""
    from budget_disclosure.layout.tables import TABLES
    from budget_disclosure.xlio.tables_io import read_table_values

    def printed(path):
        book = OpenpyxlBook.open(path)
        return [read_table_values(book, spec) for spec in TABLES], sheet_paragraphs(book)

    source = all_units.parent / "x.xlsx"
    packages = sorted(all_units.iterdir())  # 单位_101001, 单位_101002, 部门_101: the department and one unit
    for package in (packages[-1], packages[1]):
        unit = package.name.split("_")[1]
        alone = tmp_path / f"{unit}.xlsx"
        args = ["fill", str(source), "-o", str(alone), "-q"] + (["--unit", unit] if package.name.startswith("单位") else [])
        assert main(args) == 0
        assert printed(package) == printed(alone), package.name


@pytest.fixture
def packages(all_units, tmp_path):
    target = tmp_path / "packages"
    shutil.copytree(all_units, target)
    return target


def test_all_units_writes_every_package_and_the_department_equals_their_sum(packages, capsys):
    out = packages
    names = sorted(p.name for p in out.iterdir())
    assert names == ["单位_101001_张家口市人民代表大会常务委员会办公室本级.xlsx", "单位_101002_张家口市人大代表服务中心.xlsx",
                     "部门_101_张家口市人民代表大会常务委员会办公室.xlsx"]
    capsys.readouterr()
    assert main(["check", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.count("== ") == 3 and "不通过" not in text
    unit = out / names[1]
    wb = load_workbook(unit)
    wb["表3 支出总表"]["D9"].value += 1  # 2010104 人大会议 in the unit's own package
    wb.save(unit)
    assert main(["check", str(out), "--format", "json"]) == 1
    import json
    files = {Path(f["path"]).name: f for f in json.loads(capsys.readouterr().out)["files"]}
    department = [f for f in files[names[2]]["findings"] if f["rule"] == "BD901"]
    assert len(department) == 1 and "101002" in department[0]["message"] and "表3 支出总表!D9" in department[0]["message"]
    assert department[0]["cell"] == "D10"  # the department's own row of 2010104


def test_a_department_whose_unit_package_is_missing_is_not_compared(packages, capsys):
    out = packages
    (out / "单位_101002_张家口市人大代表服务中心.xlsx").unlink()
    capsys.readouterr()
    assert main(["check", str(out)]) == 0
    assert "所属单位 101002 的公开包不在本次校验的文件中" in capsys.readouterr().out


def test_a_table_missing_from_a_unit_package_is_not_compared_and_said_so(packages, capsys):
    out = packages
    unit = out / "单位_101002_张家口市人大代表服务中心.xlsx"
    wb = load_workbook(unit)
    del wb["表9 三公经费支出表"]
    wb.save(unit)
    capsys.readouterr()
    main(["check", str(out), "--format", "json"])
    import json
    files = {Path(f["path"]).name: f for f in json.loads(capsys.readouterr().out)["files"]}
    department = files["部门_101_张家口市人民代表大会常务委员会办公室.xlsx"]["findings"]
    said = [f for f in department if f["rule"] == "BD901"]
    assert len(said) == 1 and said[0]["severity"] == "warning" and "不适用" in said[0]["message"]
