"""Across documents: this year's package against last year's published package (check --previous, fill
--previous, a folder's documents of one unit by year) and a 决算 against the 预算 of its year (--budget).
Real pairs from tests/data; our own pairs built by fill from the example, one year apart."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from budget_disclosure.checking.stated_changes import stated_changes
from budget_disclosure.cli import main
from conftest import DATA

UNLABELLED = DATA / "unlabelled"
PROCURATORATE_2017 = UNLABELLED / "09_js-jianchayuan-2017-budget-dept.pdf"
PROCURATORATE_2018 = UNLABELLED / "10_js-jianchayuan-2018-budget-dept.pdf"
COURT_2017 = UNLABELLED / "07_js-gaoyuan-2017-budget-dept.pdf"


# -- the comparisons a text states, as real documents word them ------------------------------------
def test_comparisons_are_read_as_real_documents_word_them():
    found = stated_changes([
        "（1）一般公共预算收入预算15897.44万元，与上年相比增加2248.37万元，增长16.47%。",
        "此外，基本支出预算数为7877.76万元。与上年相比增加211.08万元，增长2.75%。",
        "1．因公出国（境）费预算支出222.5万元，与上年度持平。",
        "财政拨款支出预算15621.11万元，比2023年预算减少876.75万元；政府性基金拨款支出预算0.00万元，比2023年预算持平。",
        "2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少57.14%。",
        "（2）政府性基金收入预算0万元，与上年相比增加（减少）0万元，增长（减少）0%。",
    ])
    got = [(c.paragraph, c.now, c.sign, c.change, c.rate, c.year, c.basis) for c in found]
    assert got == [
        (0, "15897.44", 1, "2248.37", "16.47", None, "预算"),
        (1, "7877.76", 1, "211.08", "2.75", None, "预算"),  # the comparison opens the next sentence
        (2, "222.5", 0, "0", None, None, "预算"),
        (3, "15621.11", -1, "876.75", None, 2023, "预算"),
        (3, "0.00", 0, "0", None, 2023, "预算"),
    ]  # 执行数 gives a rate only (and is not last year's published 预算); "增加（减少）0" is a template's words
    assert found[0].base == Decimal("13649.07")
    assert found[0].base_interval.low == Decimal("13649.06") and found[0].base_interval.high == Decimal("13649.08")


def test_a_comparison_whose_subject_is_unclear_is_not_bound_to_the_nearest_amount():
    assert stated_changes(["2025年预算收支安排2604.79万元，与2024年预算持平，其中：基本支出与2024年持平。"])[1:] == []
    three = "“三公”经费预算安排56.54万元，其中因公出国（境）费0.00万元；公务接待费3.11万元。与2024年持平，无增减变化。"
    assert stated_changes([three]) == []  # about the whole sentence, not its last figure


# -- real documents one year apart ---------------------------------------------------------------------
def test_check_previous_on_a_real_pair(capsys):
    """江苏省人民检察院 2018 against its 2017 package: three sentences say 财政拨款 21,940.96万元 grew by
    3,958.98万元 — a base of 17,981.98; the 2017 package prints 17,981.68 (p12, p14), as does the 2018
    document's own 一般公共预算收入 sentence ("增加3,959.28万元"). 2040405 was re-defined between the years
    (公诉和审判监督 → 公诉、审判、侦查、执行等检察监督支出): a 提示, never a 强制. Both sides named with pages."""
    code = main(["check", str(PROCURATORATE_2018), "--previous", str(PROCURATORATE_2017), "--select", "BD93",
                 "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    findings = out["files"][0]["findings"]
    errors = [f for f in findings if f["severity"] == "error"]
    assert [f["rule"] for f in errors] == ["BD931"] * 3
    for f in errors:
        assert "3,958.98" in f["message"] and "17,981.98" in f["message"] and "印 17,981.68" in f["message"]
        assert "09_js-jianchayuan-2017-budget-dept.pdf 第 1" in f["message"] and f["page"] in (25, 26, 28)
    renamed = [f for f in findings if f["severity"] == "warning" and "科目已调整" in f["message"]]
    assert len(renamed) == 1 and "2040405 公诉和审判监督" in renamed[0]["message"]
    [comparison] = out["comparisons"]
    assert comparison["kind"] == "上年" and comparison["year"] == 2017 and comparison["compared"] == 19


def test_previous_of_another_unit_is_refused(capsys):
    code = main(["check", str(PROCURATORATE_2018), "--previous", str(COURT_2017), "--select", "BD93"])
    assert code == 2
    err = capsys.readouterr().err
    assert "江苏省高级人民法院" in err and "不是同一单位" in err


# -- our own packages, one year apart ---------------------------------------------------------------
def _next_year(example_path: Path, target: Path) -> Path:
    book = load_workbook(example_path)
    sheet = book["单位信息"]
    row = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "预算年度")
    sheet.cell(row, 2).value = int(sheet.cell(row, 2).value) + 1
    book.save(target)
    return target


@pytest.fixture(scope="module")
def year_pair(example_path, filled_path, tmp_path_factory) -> tuple[Path, Path]:
    """2025 filled with --previous from the 2024 package fill wrote (the example)."""
    folder = tmp_path_factory.mktemp("years")
    source = _next_year(example_path, folder / "x2025.xlsx")
    out = folder / "y2025.xlsx"
    assert main(["fill", str(source), "-o", str(out), "--previous", str(filled_path)]) == 0
    return filled_path, out


def _report(capsys, *args) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["check", *map(str, args), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_fill_previous_takes_last_year_from_the_published_package(year_pair):
    last, this = year_pair
    rows = {r[0]: r[1] for r in load_workbook(this)["上年预算"].iter_rows(min_row=2, values_only=True) if r[0]}
    before = load_workbook(last, data_only=True)
    t3 = before["表3 支出总表"]
    total_row = next(r for r in range(1, 20) if any(str(t3.cell(r, c).value or "").replace(" ", "").replace("\u3000", "")
                                                     == "合计" for c in (1, 2, 3)))
    assert rows["上年年度"] == 2024
    assert Decimal(str(rows["上年基本支出（万元）"])) == Decimal(str(t3.cell(total_row, 5).value))
    assert Decimal(str(rows["上年项目支出（万元）"])) == Decimal(str(t3.cell(total_row, 6).value))


def test_what_fill_previous_writes_check_previous_accepts(year_pair, capsys):
    last, this = year_pair
    code, out = _report(capsys, this, "--previous", last)
    findings = out["files"][0]["findings"]
    assert not [f for f in findings if f["rule"].startswith("BD9") and f["severity"] == "error"], findings
    [comparison] = out["comparisons"]
    assert comparison["compared"] >= 10 and comparison["not_compared"] == {}, comparison


def test_a_wrong_last_year_figure_is_found_at_its_cell(year_pair, tmp_path, capsys):
    """One edit of the 上年预算 sheet: BD933 names that cell and last year's 支出总表 cell."""
    last, this = year_pair
    edited = tmp_path / "edited.xlsx"
    book = load_workbook(this)
    sheet = book["上年预算"]
    row = next(r for r in range(2, 20) if sheet.cell(r, 1).value == "上年项目支出（万元）")
    sheet.cell(row, 2).value = float(Decimal(str(sheet.cell(row, 2).value)) + Decimal("12.34"))
    book.save(edited)
    code, out = _report(capsys, edited, "--previous", last, "--select", "BD93")
    [finding] = [f for f in out["files"][0]["findings"] if f["rule"] == "BD933"]
    assert code == 1 and finding["severity"] == "error"
    assert finding["cells"] == [f"上年预算!B{row}"], finding
    assert "部门预算支出总表“合计”项目支出" in finding["message"] and "相差 12.34" in finding["message"]


def test_a_wrong_change_in_the_text_is_found_at_its_sentence(year_pair, tmp_path, capsys):
    """One edit of the generated 情况说明 (the total's change): BD931 names the sentence and last year's cell."""
    last, this = year_pair
    edited = tmp_path / "edited.xlsx"
    book = load_workbook(this)
    sheet = book["情况说明"]
    hit = None
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "预算收支安排" in cell.value and "2024年预算" in cell.value:
                hit = cell
    assert hit is not None
    text = hit.value
    if "持平" in text.split("，其中")[0]:
        hit.value = text.replace("与2024年预算持平", "较2024年预算增加10.00万元", 1)
    else:
        import re
        hit.value = re.sub(r"(较2024年预算(?:增加|减少))(\d+\.\d\d)", lambda m: m.group(1) + f"{Decimal(m.group(2)) + 10:.2f}",
                           text, count=1)
    book.save(edited)
    code, out = _report(capsys, edited, "--previous", last, "--select", "BD93")
    found = [f for f in out["files"][0]["findings"] if f["rule"] == "BD931"]
    assert code == 1 and len(found) == 1 and found[0]["severity"] == "error", found
    assert "部门预算收支总表“本年支出合计”" in found[0]["message"]


# -- a 决算 against the 预算 of its year ----------------------------------------------------------------
def test_budget_comparison_reads_the_final_texts_initial_budget():
    """The rules of --budget on the real 决算 (上海 社工部 2024, its text: "一般公共预算财政拨款支出年初预算为 0
    万元") against a 预算 of the same unit and year built from the real 万里 2025 package's reading: its 合计
    set to what the 决算 says (passes), then to 12.34 (BD941 强制, both figures named)."""
    from dataclasses import replace

    from budget_disclosure.batch import CheckOptions, check_one
    from budget_disclosure.checking.across import PairContext, Side
    from budget_disclosure.checking.registry import selected
    from budget_disclosure.xlio.open import open_book

    def report(path):
        return check_one(path, CheckOptions(), lambda p: open_book(p, for_reading_only=True)).report

    final = report(DATA / "realworld" / "03_sh-putuo-shgzb-2024-dept-final" / "source.pdf")
    budget = report(DATA / "realworld" / "01_sh-putuo-wanli-2025-dept-budget" / "source.pdf")
    t5 = budget.package.tables["T5"]

    def run(total: Decimal):
        t5.cells[("", "合计")] = replace(t5.cells[("", "合计")], value=total)
        ctx = PairContext(Side("决算.pdf", final), Side("预算.pdf", budget), "budget")
        out = []
        for rule in selected(("BD941",), scope="budget"):
            ctx.rule = rule
            out += [f for f in rule.check(ctx) if f]
        return ctx, out

    ctx, passing = run(Decimal("0"))
    assert passing == [] and ctx.evaluated == 1
    _, failing = run(Decimal("12.34"))
    [finding] = failing
    assert finding.severity == "强制" and "年初预算为0万元" in finding.message and "12.34" in finding.message
    assert finding.where[finding.cells[0]].startswith("第 ")


# -- random consistent year pairs: 0 强制; one edit of a last-year figure: found once, at its cell -------------
def _year_pairs():
    import random

    from test_property_departments import DEPARTMENTS, SEED

    rng = random.Random(SEED + 23)
    return [(n, rng.random()) for n in range(DEPARTMENTS)]


@pytest.mark.parametrize("number,draw", _year_pairs(), ids=lambda v: f"pair{v}" if isinstance(v, int) else "")
def test_random_year_pairs_agree_and_one_edit_is_found(number, draw):
    """Two random departments of one unit (same code and name), 2024 and 2025 (科目 kept, new and gone between
    them): the 2025 package's 上年预算 and 上年科目 are taken from the 2024 package as fill wrote it (fill
    --previous's reading), its 情况说明 generated from them, 项 by 项; the comparison gives no 强制. Then each
    last-year figure in turn is moved by 0.02 万元 (a copied figure, 0.01 apart is no rounding): one BD933 at
    that figure's cell; the text that restates the moved figure may also be found (BD931), nothing else."""
    import random

    from budget_disclosure.checking.service import check_book, compare_documents
    from budget_disclosure.fill import fill_book
    from budget_disclosure.layout.inputs import INFO_FIELDS, INFO_SHEET
    from budget_disclosure.layout.package_inputs import LAST_YEAR, LAST_YEAR_SUBJECTS
    from budget_disclosure.previous_year import last_year_inputs
    from test_property_departments import build_book, random_department

    rng = random.Random(f"{number}-{draw}")
    year_row = 2 + [key for key, _ in INFO_FIELDS].index("year")
    last = build_book(random_department(rng, number))
    last.write_block(INFO_SHEET, year_row, 2, [[2024]])
    fill_book(last)
    last_report = check_book(last)
    taken = last_year_inputs(last_report.package, 2024)
    assert not taken.missing and len(taken.values) == len(LAST_YEAR.columns) - 1

    def this_year(sheet: str | None = None, label: str | None = None):
        book = build_book(random_department(random.Random(f"{number}-{draw}-2025"), number))
        rows, subjects = taken.rows(), taken.subject_rows()
        if sheet == LAST_YEAR.name:
            rows = [[k, v + 0.02 if k == label else v] for k, v in rows]
        elif sheet == LAST_YEAR_SUBJECTS.name:
            subjects = [[c, n, v + 0.02 if c == label else v] for c, n, v in subjects]
        book.write_block(LAST_YEAR.name, 2, 1, rows)
        book.write_block(LAST_YEAR_SUBJECTS.name, 2, 1, subjects)
        fill_book(book)
        report = check_book(book)
        summary = compare_documents(("2025.xlsx", report), ("2024.xlsx", last_report), "previous")
        assert "problem" not in summary, summary
        return report, summary

    report, summary = this_year()
    assert summary["compared"] >= 10 + len(taken.subjects), summary
    assert not [f.message for f in report.findings if f.rule.startswith("BD93") and f.severity == "强制"]
    edits = [(LAST_YEAR.name, label, f"{LAST_YEAR.name}!B{row}") for row, label in enumerate(LAST_YEAR.columns[1:], 3)]
    leaf = next((c for c, _, v in taken.subjects if len(c) == 7 and v), None)  # none: no 一般公共预算 money last year
    if leaf is not None:
        row = 2 + [c for c, _, _ in taken.subjects].index(leaf)
        edits.append((LAST_YEAR_SUBJECTS.name, leaf, f"{LAST_YEAR_SUBJECTS.name}!C{row}"))
    for sheet, label, cell in edits:
        report, _ = this_year(sheet, label)
        found = [f for f in report.findings if f.rule.startswith("BD93") and f.severity == "强制"]
        assert [str(f.cells[0]) for f in found if f.rule == "BD933"] == [cell], (label, found)
        assert all(f.rule in ("BD933", "BD931") for f in found), (label, found)


# -- a 决算 built on a published 预算 (the national 决算 template: 年初预算 = the 预算 as approved) --------------
def _budget_rows(budget: Path) -> tuple[list[tuple[str, str, float]], dict[str, float]]:
    """The published 预算's 一般公共预算支出表 (code, name, 合计) and 三公 items, read here with openpyxl."""
    book = load_workbook(budget, data_only=True)
    t5 = [(str(r[1]), r[2], r[3] or 0.0) for r in book["表5 一般公共预算支出表"].iter_rows(min_row=7, values_only=True)
          if r[1]]
    t9 = {str(r[1]).strip().lstrip("一二三、").removeprefix("其中："): r[2] or 0.0
          for r in book["表9 三公经费支出表"].iter_rows(min_row=6, values_only=True) if r[1]}
    return t5, t9


def build_final(budget: Path, target: Path, rng, edit: str | None = None) -> Path:
    """A 2024 决算 of the same unit in the national layout (template --profile final): its 一般公共预算财政拨款支出
    决算表 spends a random share of each 科目's 预算, its 三公 table prints the 预算's items as 预算数, and its
    情况说明 states the 年初预算 of the whole and of each 项 ("年初预算为A万元，全年预算为A万元，支出决算为B万元，
    完成年初预算的c%"). ``edit``: a 项 code whose 年初预算 the text misstates by 0.05 万元."""
    from decimal import ROUND_HALF_UP

    assert main(["template", "--profile", "final", "-o", str(target)]) == 0
    t5, t9 = _budget_rows(budget)
    book = load_workbook(target)
    unit = load_workbook(budget)["表5 一般公共预算支出表"]["A2"].value
    spent = {code: (Decimal(str(v)) * Decimal(rng.randint(80, 100)) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
             for code, _, v in t5 if len(code) == 7}
    for code, _, _ in t5:  # parents: the sum of their 项
        if len(code) < 7:
            spent[code] = sum((v for c, v in spent.items() if len(c) == 7 and c.startswith(code)), Decimal(0))
    total_budget = sum((Decimal(str(v)) for c, _, v in t5 if len(c) == 3), Decimal(0))
    total_spent = sum((v for c, v in spent.items() if len(c) == 3), Decimal(0))
    ws = book["表5 一般公共预算财政拨款支出决算表"]
    ws["A2"], ws["E2"] = unit, "2024"
    ws.cell(6, 4).value = float(total_spent)
    for i, (code, name, _) in enumerate(t5, 7):
        ws.cell(i, 2).value, ws.cell(i, 3).value, ws.cell(i, 4).value = code, name, float(spent[code])
    ws = book["表7 财政拨款“三公”经费支出决算表"]
    ws["A2"], ws["H2"] = unit, "2024"
    items = ("“三公”经费小计", "因公出国（境）费", "公务用车购置及运维费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
    for n, item in enumerate(items):
        ws.cell(8, 2 + 2 * n).value = t9.get(item, 0.0)
        ws.cell(8, 3 + 2 * n).value = t9.get(item, 0.0)
    names = {code: name for code, name, _ in t5}

    def sentence(what: str, first: Decimal, done: Decimal) -> str:
        rate = (done / first * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return f"{what}年初预算为{first:.2f}万元，全年预算为{first:.2f}万元，支出决算为{done:.2f}万元，完成年初预算的{rate}%。"

    text = book.create_sheet("情况说明")
    text.cell(1, 1).value = "2024年度部门决算情况说明"
    text.cell(2, 1).value = sentence("2024年度一般公共预算财政拨款支出", total_budget, total_spent)
    for row, (code, name, value) in enumerate([r for r in t5 if len(r[0]) == 7], 3):
        path = f"{names[code[:3]]}（类）{names[code[:5]]}（款）{name}（项）："
        first = Decimal(str(value)) + (Decimal("0.05") if code == edit else 0)
        text.cell(row, 1).value = sentence(path, first, spent[code])
    book.save(target)
    return target


def test_a_final_built_on_its_budget_agrees_and_one_edit_is_found(filled_path, tmp_path, capsys):
    """check 决算 --budget 预算 on a 决算 whose 年初预算 is the published 预算 (same unit, same year): every 年初预算
    the text states is compared (the whole and each 项) — no 强制; the 三公 预算数 are the 预算's; one 项's 年初预算
    misstated by 0.05 万元: exactly one BD941 强制, at that sentence, naming the 预算's cell."""
    import random

    rng = random.Random(2024)
    final = build_final(filled_path, tmp_path / "决算.xlsx", rng)
    code, out = _report(capsys, final, "--budget", filled_path, "--select", "BD94")
    findings = [f for f in out["files"][0]["findings"] if f["rule"].startswith("BD94")]
    assert not [f for f in findings if f["severity"] == "error"], findings
    [comparison] = out["comparisons"]
    assert comparison["kind"] == "同年预算" and comparison["compared"] >= 10, comparison
    t5, _ = _budget_rows(filled_path)
    leaf = next(c for c, _, v in t5 if len(c) == 7 and v)
    edited = build_final(filled_path, tmp_path / "决算2.xlsx", random.Random(2024), edit=leaf)
    code, out = _report(capsys, edited, "--budget", filled_path, "--select", "BD94")
    errors = [f for f in out["files"][0]["findings"] if f["severity"] == "error"]
    assert code == 1 and [f["rule"] for f in errors] == ["BD941"], errors
    assert f"“{leaf} " in errors[0]["message"], errors  # the 预算's cell of that 项, named
    assert "相差 0.05" in errors[0]["message"]


def test_a_final_sangong_budget_unlike_the_published_one_is_a_warning(filled_path, tmp_path, capsys):
    """The 决算 三公 table's 预算数 is the year's whole budget (adjustments included): differing from the 预算
    published at the start of the year is said (提示, at that cell), never 强制."""
    import random

    final = build_final(filled_path, tmp_path / "决算.xlsx", random.Random(7))
    book = load_workbook(final)
    ws = book["表7 财政拨款“三公”经费支出决算表"]
    ws.cell(8, 12).value = (ws.cell(8, 12).value or 0) + 1.0  # 公务接待费 预算数
    book.save(final)
    code, out = _report(capsys, final, "--budget", filled_path, "--select", "BD94")
    found = [f for f in out["files"][0]["findings"] if f["rule"] == "BD942"]
    assert [(f["severity"], f["cells"]) for f in found] == [("warning", ["表7 财政拨款“三公”经费支出决算表!L8"])], found
    assert "公务接待费" in found[0]["message"] and "差 1.00" in found[0]["message"]


def test_budget_of_another_year_is_refused(filled_path, tmp_path, capsys):
    import random

    final = build_final(filled_path, tmp_path / "决算.xlsx", random.Random(1))
    code = main(["check", str(final), "--budget", str(final), "--select", "BD94"])
    assert code == 2 and "决算对照同年预算" in capsys.readouterr().err


def test_fill_previous_of_the_same_year_is_refused_and_writes_nothing(example_path, filled_path, tmp_path, capsys):
    out = tmp_path / "y.xlsx"
    assert main(["fill", str(example_path), "-o", str(out), "--previous", str(filled_path)]) == 2
    assert "不是上一年" in capsys.readouterr().err and not out.exists()


def test_a_units_package_is_never_compared_with_its_departments(capsys):
    """上海市普陀区人民政府办公室 publishes a 部门预算 and a 单位预算 under one name: as --previous, the other
    kind is refused (and a folder never pairs them)."""
    dept = UNLABELLED / "12_sh-putuo-qfb-2025-budget-dept.pdf"
    unit = UNLABELLED / "13_sh-putuo-qfb-2025-budget-unit.pdf"
    assert main(["check", str(dept), "--previous", str(unit), "--select", "BD93"]) == 2
    assert "单位预算" in capsys.readouterr().err


def test_a_large_change_asks_for_its_reason_and_says_it(example_path, filled_path, tmp_path, capsys):
    """2025 triples 2010105 人大立法 (+200%): fill --previous warns that its reason is missing and the check says
    the text gives none (BD932, 提示, never 强制); with a reason typed on the 上年科目 sheet the text states it
    ("主要原因是…") and the 提示 is gone."""
    source = _next_year(example_path, tmp_path / "x2025.xlsx")
    book = load_workbook(source)
    sheet = book["预算明细"]
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == "2010105":
            row[10].value = row[10].value * 3
    book.save(source)
    out = tmp_path / "y2025.xlsx"
    capsys.readouterr()
    assert main(["fill", str(source), "-o", str(out), "--previous", str(filled_path)]) == 0
    assert "“2010105 人大立法”比上年增加 200.00%，请填写增减原因" in capsys.readouterr().err
    code, report = _report(capsys, out, "--previous", filled_path, "--select", "BD93")
    found = [(f["rule"], f["severity"]) for f in report["files"][0]["findings"]]
    assert found == [("BD932", "warning")], found
    book = load_workbook(out)
    sheet = book["上年科目"]
    row = next(r for r in range(2, 40) if sheet.cell(r, 1).value == "2010105")
    sheet.cell(row, 4).value = "立法调研任务增加"
    book.save(out)
    assert main(["fill", str(out)]) == 0
    text = " ".join(str(c.value) for r in load_workbook(out)["情况说明"].iter_rows() for c in r if c.value)
    assert "人大立法（项）174.96万元，比上年预算增加116.64万元，增长200.00%，主要原因是立法调研任务增加。" in text
    code, report = _report(capsys, out, "--previous", filled_path, "--select", "BD93")
    assert report["files"][0]["findings"] == [] and code == 0


def test_a_folder_pairs_the_years_and_the_summary_has_a_sheet_per_comparison(year_pair, filled_path, tmp_path):
    """check 文件夹/ --summary: the 2024 and 2025 packages of one unit, and a 2024 决算 built on the 2024 预算,
    are paired by unit and year: 与上年比较 (2025 against 2024) and 决算与预算 (the 决算 against its 预算), one row
    each; nothing is missing between the years."""
    import random
    import shutil

    last, this = year_pair
    folder = tmp_path / "门户"
    folder.mkdir()
    shutil.copy(last, folder / "2024年预算.xlsx")
    shutil.copy(this, folder / "2025年预算.xlsx")
    build_final(filled_path, folder / "2024年决算.xlsx", random.Random(3))
    summary = tmp_path / "汇总.xlsx"
    main(["-q", "check", str(folder), "--summary", str(summary), "--jobs", "1"])
    book = load_workbook(summary)
    assert "缺少年度" not in book.sheetnames
    years = [r for r in book["与上年比较"].iter_rows(min_row=2, values_only=True)]
    assert [(Path(r[0]).name, Path(r[1]).name, r[2]) for r in years] == [("2025年预算.xlsx", "2024年预算.xlsx", 2024)]
    assert years[0][3] >= 10 and years[0][4] == 0
    finals = [r for r in book["决算与预算"].iter_rows(min_row=2, values_only=True)]
    assert [(Path(r[0]).name, Path(r[1]).name) for r in finals] == [("2024年决算.xlsx", "2024年预算.xlsx")]
    assert finals[0][3] >= 10 and finals[0][4] == 0


def test_fill_previous_reads_last_year_from_a_published_pdf_of_another_family(example_path, tmp_path, capsys):
    """Last year's package as published by 江苏省人大常委会办公厅 (2019, 说明 and 公开表 in two PDFs): its 支出总表,
    三公 table, 机关运行经费 table and 一般公共预算支出表 fill the sheets; a unit other than the workbook's is said."""
    book = load_workbook(example_path)
    sheet = book["单位信息"]
    row = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "预算年度")
    sheet.cell(row, 2).value = 2020
    source = tmp_path / "x2020.xlsx"
    book.save(source)
    out = tmp_path / "y2020.xlsx"
    capsys.readouterr()
    assert main(["fill", str(source), "-o", str(out), "--previous", str(UNLABELLED / "02_js-renda-2019-budget-dept-a.pdf"),
                 str(UNLABELLED / "02_js-renda-2019-budget-dept-b.pdf")]) == 0
    said = capsys.readouterr()
    assert "是“江苏省人大常委会办公厅”的" in said.err and "上年科目 20 个" in said.out
    values = {r[0]: r[1] for r in load_workbook(out)["上年预算"].iter_rows(min_row=2, values_only=True) if r[0]}
    # as printed on the 2019 公开表: 支出预算总表 基本支出 9,312.90 / 项目支出 6,459.58; 三公 公务接待费 384.75;
    # 机关运行经费 1,642.08
    assert (values["上年年度"], values["上年基本支出（万元）"], values["上年项目支出（万元）"]) == (2019, 9312.9, 6459.58)
    assert (values["上年公务接待费（万元）"], values["上年机关运行经费（万元）"]) == (384.75, 1642.08)


def test_a_change_written_with_le_is_read_too():
    """"减少了X万元，下降了z%" (a common wording the parser did not know): read as "减少X万元，下降z%"."""
    [change] = stated_changes(["机关运行经费预算支出1579.38万元，与上年相比减少了4039.93万元，下降了71.89%。"])
    assert (change.now, change.sign, change.change, change.rate) == ("1579.38", -1, "4039.93", "-71.89")


def test_unchanged_is_read_in_the_words_jiangsu_uses():
    found = stated_changes(["1．因公出国（境）费预算支出70万元，与上年预算数一致。",
                            "1．因公出国（境）费预算支出180万元，本年数与上年数持平，零增长。"])
    assert [(c.now, c.sign, c.basis) for c in found] == [("70", 0, "预算"), ("180", 0, "预算")]


def test_a_base_last_years_own_check_disputes_is_only_a_warning(year_pair, tmp_path, capsys):
    """Last year's 收支总表 本年支出合计 printed 10.00 too high (its own check says so: 强制 at that cell): this
    year's text, whose base is the true figure, disagrees with it — said as 提示, naming the doubt, not 强制."""
    last, this = year_pair
    book = load_workbook(last)
    sheet = book["表1 收支总表"]
    cell = next(c for r in sheet.iter_rows() for c in r if c.value == "本年支出合计")
    target = sheet.cell(cell.row, cell.column + 1)
    target.value = float(target.value) + 10
    edited = tmp_path / "2024.xlsx"
    book.save(edited)
    code, out = _report(capsys, this, "--previous", edited, "--select", "BD931")
    [finding] = [f for f in out["files"][0]["findings"] if f["rule"] == "BD931"]
    assert finding["severity"] == "warning" and "本身与其他数不一致" in finding["message"], finding
