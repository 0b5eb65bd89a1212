"""The rule book on real workbooks: the reference package, every rule's fixtures, mutations of
every amount cell, acknowledgements, JSON output and the generated rule book."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from budget_disclosure.checking.findings import ERROR, ROUNDING
from budget_disclosure.checking.output import rules_markdown
from budget_disclosure.checking.registry import all_rules
from budget_disclosure.checking.service import check_book
from budget_disclosure.cli import main
from budget_disclosure.layout.inputs import DETAIL_SHEET, INFO_SHEET
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from conftest import ROOT
from edits import apply_edit, restore

RULES = all_rules()


@pytest.fixture(scope="module")
def reference(filled_path):
    book = OpenpyxlBook.open(filled_path)
    return book, check_book(book)


TABLE_RULES = ("BD1", "BD2", "BD3", "BD4", "BD5", "BD6")


def test_reference_package_passes_with_exactly_its_four_rounding_residues(filled_path):
    report = check_book(OpenpyxlBook.open(filled_path), select=TABLE_RULES)
    assert not [f for f in report.findings if f.severity != ROUNDING], [f.message for f in report.findings]
    assert report.has_detail and report.verdict.startswith("通过")
    residues = {(f.table, f.cell) for f in report.findings}
    # 合计 (D6 合计, E6 人员经费), 302 (D16 合计, F16 公用经费), 303 (D31 合计, E31 人员经费)
    assert residues == {("T6", "D6"), ("T6", "E6"), ("T6", "D16"), ("T6", "F16"), ("T6", "D31"), ("T6", "E31")}
    assert all(f.rule == "BD107" and abs(f.difference) == Decimal("0.01") for f in report.findings)
    assert all("二者相等" in f.detail_note for f in report.findings)  # the true 元 figures agree


def test_check_cli_exit_codes_and_flagged_cell(filled_copy, tmp_path, capsys):
    assert main(["check", str(filled_copy)]) == 0
    assert "尾差" in capsys.readouterr().out
    from openpyxl import load_workbook
    wb = load_workbook(filled_copy)
    wb["表3 支出总表"]["D9"].value = 1291.05  # 行政运行 合计
    wb.save(filled_copy)
    out = tmp_path / "flagged.xlsx"
    assert main(["check", str(filled_copy), "--flag", "-o", str(out)]) == 1
    flagged = load_workbook(out)
    cell = flagged["表3 支出总表"]["D9"]
    assert cell.fill.fgColor.rgb.endswith("FF8080")  # 疑似出错: several identities point at this cell
    assert "BD108" in cell.comment.text and "1,291.00" in cell.comment.text
    assert cell.value == 1291.05  # values are never changed
    assert "校验结果" in flagged.sheetnames and flagged["校验结果"]["A1"].value.startswith("校验结论：不通过")
    names = {r[2]: r[3] for r in flagged["校验结果"].iter_rows(values_only=True) if r[2] and str(r[2]).startswith("BD")}
    assert names["BD108"] == "支出总表每行合计应等于各类支出之和", names  # the Chinese title, not t3-kinds
    links = [c.hyperlink.location or c.hyperlink.target for row in flagged["校验结果"].iter_rows() for c in row
             if c.hyperlink]
    assert any("'表3 支出总表'!D9" in (l or "") for l in links)
    assert main(["check", str(tmp_path / "missing.xlsx")]) == 2


def test_json_output_shape(filled_path, capsys):
    assert main(["check", str(filled_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    entry = data["files"][0]
    assert entry["unit"] == "101 张家口市人民代表大会常务委员会办公室" and entry["year"] == 2024
    finding = next(f for f in entry["findings"] if f["rule"] == "BD107")
    assert set(finding) >= {"rule", "name", "severity", "table", "sheet", "cell", "message", "expected", "actual",
                            "difference"}
    assert finding["severity"] == "info" and finding["difference"] in ("0.01", "-0.01")
    assert data["summary"]["info"] == 6 and data["summary"]["error"] == 0 and data["summary"]["warning"] == 3


def test_the_rest_of_the_package_reports_exactly_the_seeds_real_defects(reference):
    """Beyond the tables: the published package's 资金支出计划 of three projects never reach 100 %."""
    _, report = reference
    assert report.verdict.startswith("通过")
    others = [(f.rule, f.severity, f.cell) for f in report.findings if f.rule != "BD107"]
    assert others == [("BD704", "提示", "G3"), ("BD704", "提示", "G4"), ("BD704", "提示", "G6")]


@pytest.fixture(scope="module")
def shared_book(filled_path):
    """One loaded copy of the filled example that the rule fixtures edit and restore in turn."""
    return OpenpyxlBook.open(filled_path)


@pytest.mark.parametrize("rule", [r for r in RULES if r.breaks], ids=lambda r: r.code)
def test_every_rule_fires_on_its_failing_fixture_and_not_on_the_passing_one(rule, filled_path, reference, shared_book):
    _, clean = reference
    if rule.fixes:
        fixed = OpenpyxlBook.open(filled_path)
        for edit in rule.fixes:
            apply_edit(fixed.wb, clean.package, edit)
        passing = check_book(fixed, select=(rule.code,)).findings
    else:  # the untouched example is the passing fixture: its report is shared by every rule
        passing = [f for f in clean.findings if f.rule == rule.code]
    assert not [f for f in passing if f.severity != ROUNDING], [f.message for f in passing]
    removes = any(edit.remove_table for edit in rule.breaks)
    book = OpenpyxlBook.open(filled_path) if removes else shared_book
    changed, originals = [], {}
    for edit in rule.breaks:
        changed += apply_edit(book.wb, clean.package, edit, originals)
    try:
        report = check_book(book, select=(rule.code,))  # the edited workbook, checked as loaded in memory
    finally:
        restore(book.wb, originals)
    fired = [f for f in report.findings if f.rule == rule.code and f.severity == rule.severity]
    assert fired, f"{rule.code} did not fire; findings: {[f.message for f in report.findings]}"
    if changed:
        flagged = {a for f in fired for a in f.cells}
        assert flagged & set(changed) or rule.code in ("BD404", "BD501", "BD502", "BD504", "BD507"), (rule.code, changed)


def test_columns_not_found_is_reported(filled_path, tmp_path):
    from openpyxl import load_workbook
    wb = load_workbook(filled_path)
    ws = wb["表2 收入总表"]
    for row in (3, 5):
        ws.cell(row, 13).value = None  # 上年结转 header (merged over rows 3–4) and its 栏次
    path = tmp_path / "t.xlsx"
    wb.save(path)
    report = check_book(OpenpyxlBook.open(path))
    assert any(f.rule == "BD507" and "上年结转" in f.message for f in report.findings)


def _amount_cells(report):
    return [(t.key, key, cell) for t in report.package.tables.values() for key, cell in t.cells.items()
            if cell.value not in (None, Decimal(0))]


@pytest.mark.parametrize("with_detail", [False, True], ids=["tables-only", "with-detail"])
def test_changing_any_amount_by_two_cents_is_an_error_at_that_cell(filled_path, with_detail):
    book = OpenpyxlBook.open(filled_path)
    if not with_detail:
        book.remove_sheet(DETAIL_SHEET)
        book.remove_sheet(INFO_SHEET)
    baseline = check_book(book, select=TABLE_RULES)  # the table rules: the 情况说明 has its own tests
    assert not baseline.blocking
    cells = _amount_cells(baseline)
    assert len(cells) > 200
    # the two runs share the cells as a checkerboard (the detail run the "white" squares, the tables-only
    # run the "black"): every amount of every table is mutated once, every column and row in both runs
    cells = [c for c in cells if (c[2].address.row + c[2].address.col) % 2 == (0 if with_detail else 1)]
    missed, elsewhere = [], []
    for n, (table, key, cell) in enumerate(cells):
        deltas = (Decimal("0.02") if n % 2 == 0 or with_detail else Decimal("-0.02"),)  # both signs, over the cells
        ws = book.wb[cell.address.sheet]
        target = ws.cell(cell.address.row, cell.address.col)
        original = target.value
        for delta in deltas:
            target.value = float(Decimal(repr(original)) + delta) if isinstance(original, float) else original + delta
            report = check_book(book, select=TABLE_RULES)
            errors = [f for f in report.findings if f.severity == ERROR]
            if not any(cell.address in f.cells for f in errors):
                missed.append((str(cell.address), table, key, str(delta)))
            # what the accountant is shown: the marked cells, one per finding (the suspect where one is named)
            if {f.marked for f in errors} != {cell.address}:
                elsewhere.append((str(cell.address), sorted(str(f.marked) for f in errors)))
        target.value = original
    assert not missed, f"{len(missed)} of {len(cells)} mutated cells not flagged as errors: {missed[:10]}"
    # with the 元 detail the mutated cell is proven wrong, so every finding points at it alone; from the
    # tables only, a cell in a single identity (a part of one sum) cannot be told from that sum's total
    allowed = 0 if with_detail else len(cells) // 5
    assert len(elsewhere) <= allowed, (len(elsewhere), len(cells), elsewhere[:10])


def test_acknowledged_error_no_longer_blocks_but_is_listed(filled_copy, capsys):
    from openpyxl import load_workbook
    wb = load_workbook(filled_copy)
    wb["表6 一般公共预算基本支出表"]["E9"].value = 50.53  # 30110 人员经费 +0.10
    ack = wb.create_sheet("出错说明")
    ack.append(["规则编码", "单元格", "出错说明"])
    ack.append(["BD113", "表6 一般公共预算基本支出表!E9", "批复数如此，已与财政局核对"])
    ack.append(["BD107", "E7", "同上"])
    ack.append(["BD601", "", "明细待更新"])
    wb.save(filled_copy)
    report = check_book(OpenpyxlBook.open(filled_copy))
    errors = [f for f in report.findings if f.severity == ERROR]
    assert errors and all(f.acknowledged for f in errors), [(f.rule, f.cell) for f in errors if not f.acknowledged]
    assert report.verdict.startswith("通过")
    assert main(["check", str(filled_copy)]) == 0
    assert "已说明" in capsys.readouterr().out


def test_clear_restores_the_unflagged_workbook(filled_copy, tmp_path):
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill
    from helpers import sheet_snapshot
    wb = load_workbook(filled_copy)
    ws = wb["表3 支出总表"]
    ws["D9"].value = 1291.05
    ws["D9"].fill = PatternFill("solid", fgColor="FF00B050")  # the user's own fill and note
    ws["D9"].comment = Comment("会计自己的批注", "张会计")
    wb.save(filled_copy)
    before = {name: sheet_snapshot(filled_copy, name) for name in load_workbook(filled_copy).sheetnames}
    assert main(["check", str(filled_copy), "--in-place"]) == 1
    assert main(["check", str(filled_copy), "--in-place"]) == 1  # re-running replaces earlier flags
    flagged = load_workbook(filled_copy)
    assert "会计自己的批注" in flagged["表3 支出总表"]["D9"].comment.text
    assert main(["clear", str(filled_copy)]) == 0
    after_wb = load_workbook(filled_copy)
    assert after_wb.sheetnames == list(before)
    for name in before:
        assert sheet_snapshot(filled_copy, name) == before[name], name
    assert after_wb["表3 支出总表"]["D9"].comment.author == "张会计"


def test_select_and_ignore(filled_path, capsys):
    assert main(["check", str(filled_path), "--format", "json", "--ignore", "BD1", "--ignore", "BD704"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["files"][0]["findings"] == []
    assert main(["check", str(filled_path), "--format", "json", "--select", "BD107"]) == 0
    assert len(json.loads(capsys.readouterr().out)["files"][0]["findings"]) == 6


def test_generated_rule_book_is_current():
    committed = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert committed == rules_markdown() + "\n" or committed == rules_markdown(), \
        "run `budget-disclosure rules --format md > docs/rules.md`"
    for rule in RULES:
        assert "依据" in rule.doc and "失败示例" in rule.doc and "通过示例" in rule.doc, rule.code


def test_flags_on_merged_cells_go_to_the_merge_anchor(filled_copy, tmp_path):
    from openpyxl import load_workbook
    from helpers import sheet_snapshot
    wb = load_workbook(filled_copy)
    ws = wb["表3 支出总表"]
    ws["D9"].value = 1291.05
    ws.merge_cells("D9:E9")  # typed by hand over the data area
    wb.save(filled_copy)
    before = sheet_snapshot(filled_copy, "表3 支出总表")
    flagged = tmp_path / "flagged.xlsx"
    assert main(["check", str(filled_copy), "--flag", "-o", str(flagged)]) == 1
    ws = load_workbook(flagged)["表3 支出总表"]
    assert ws["D9"].comment is not None and "BD601" in ws["D9"].comment.text  # E9's findings are there too
    assert main(["clear", str(flagged)]) == 0
    assert sheet_snapshot(flagged, "表3 支出总表") == before


def test_a_stray_far_away_cell_is_named_and_not_read(filled_copy, capsys):
    from openpyxl import load_workbook
    wb = load_workbook(filled_copy)
    wb["表3 支出总表"]["XFD1"] = "x"
    wb["预算明细"]["A1048576"] = "y"
    wb.save(filled_copy)
    report = check_book(OpenpyxlBook.open(filled_copy))
    assert not report.blocking  # column detection and the detail are not thrown off
    assert any(n.startswith("表3 支出总表!XFD1：远离表格内容的单元格") for n in report.notes)
    assert any(n.startswith("预算明细!A1048576：") for n in report.notes)
    assert main(["fill", str(filled_copy)]) == 0
    assert "预算明细!A1048576：远离表格内容的单元格（“y”），未读取" in capsys.readouterr().err


def test_one_leaf_amount_printed_differently_in_two_tables_is_an_error_a_total_s_drift_is_not(filled_path, reference):
    """A 项 figure is a rounding of one amount wherever it is printed: 1291.00 in 表3 and 1291.01 in 表5 cannot
    both be right (强制, both cells named) — while 表5's row 合计 against its edited 基本支出 stays 尾差."""
    from budget_disclosure.checking.registry import Edit

    _, clean = reference
    book = OpenpyxlBook.open(filled_path)
    changed = apply_edit(book.wb, clean.package, Edit("T5", "2010101", "基本支出", "0.01"), {})
    report = check_book(book, select=("BD218", "BD112"))
    same = [f for f in report.findings if f.rule == "BD218"]
    assert same and all(f.severity == ERROR for f in same), [(f.rule, f.severity, f.message) for f in report.findings]
    assert set(changed) <= {a for f in same for a in f.cells} and "应当相同" in same[0].message
    row_sum = [f for f in report.findings if f.rule == "BD112" and "2010101" in f.message]
    assert row_sum and all(f.severity == ROUNDING for f in row_sum)


def test_rows_a_table_does_not_know_are_said_once_per_table_with_their_range(filled_path, tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(filled_path)
    ws = wb["表1 收支总表"]
    for r in range(6, 11):
        ws.cell(r, 2).value = f"未知收入项目{r}"
    path = tmp_path / "rows.xlsx"
    wb.save(path)
    found = [f for f in check_book(OpenpyxlBook.open(path), select=("BD506",)).findings if f.table == "T1"]
    assert len(found) == 1 and "有 5 行无法识别" in found[0].message and "B6～B10" in found[0].message, \
        [f.message for f in found]


def test_a_workbook_never_generated_is_told_to_generate_not_given_nine_tables_of_errors(example_path):
    report = check_book(OpenpyxlBook.open(example_path))
    errors = [f for f in report.findings if f.severity == ERROR]
    assert len(errors) == 1 and errors[0].rule == "BD601" and "请先运行“生成报表”" in errors[0].message
    assert any("表格尚未生成" in n for n in report.notes)
    assert {f.rule for f in report.findings} <= {"BD601", "BD703", "BD704", "BD705", "BD706", "BD707", "BD708",
                                                 "BD710", "BD711"}


def test_after_one_typo_the_cause_comes_first_and_each_finding_quotes_the_suspect_s_figure(filled_path, tmp_path):
    """表3 F10 226.09 → 262.09: BD601 (the 预算明细 proves it) first; the identities it broke, marked on F10,
    say what F10 prints besides their own totals' figures."""
    from openpyxl import load_workbook

    wb = load_workbook(filled_path)
    wb["表3 支出总表"]["F10"].value = 262.09
    path = tmp_path / "typo.xlsx"
    wb.save(path)
    errors = [f for f in check_book(OpenpyxlBook.open(path)).findings if f.severity == ERROR]
    assert errors[0].rule == "BD601" and all(f.marked.a1 == "F10" for f in errors)
    for f in errors[1:]:
        assert "262.09" in f.message, f.message
