"""Fill on real workbooks: rollups, ordering, fund sources, consolidation, idempotency, safety."""

from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal

import pytest

from budget_disclosure.cli import main
from budget_disclosure.layout.inputs import DETAIL_SHEET, INFO_SHEET
from budget_disclosure.layout.tables import TABLES
from helpers import line, make_book, sheet_snapshot, table_rows


def dec(value) -> Decimal | None:
    return None if value is None else Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


@pytest.fixture
def mixed(tmp_path):
    """Two 类, several 款/项 given out of order, all fund kinds and a carry-over."""
    lines = [
        line("2080505", "30108", 1_000_000, kind="基本支出·人员经费"),
        line("2010101", "30201", 123_456, kind="基本支出·公用经费"),
        line("2010101", "30101", 2_000_000, kind="基本支出·人员经费"),
        line("2010602", "30227", 500_000, kind="项目支出", project=("P1", "信息化项目")),
        line("2010101", "30201", 40_000, fund="事业收入"),
        line("2010101", "30201", 15_000, fund="上年结转（一般公共预算拨款）", kind="项目支出"),
        line("2010101", "30201", 7_000, fund="上年结转（单位资金）"),
        line("2010101", "30217", 33_333, kind="项目支出", fund="政府性基金预算拨款"),
        line("2010101", "30201", 9_999, fund="财政专户管理资金"),
        line("2080505", "30108", 1, fund="其他收入", kind="经营支出"),
    ]
    return make_book(tmp_path / "in.xlsx", lines)


def test_hierarchy_rows_in_code_order_with_exact_rollups(mixed, tmp_path):
    out = tmp_path / "out.xlsx"
    assert main(["fill", str(mixed), "-o", str(out)]) == 0
    rows = table_rows(out, "T3")
    codes = [r[1] for r in rows]
    assert codes == [None, "201", "20101", "2010101", "20106", "2010602", "208", "20805", "2080505"]
    assert [r[0] for r in rows] == list(range(1, 10))  # 序号 runs 1..n
    by_code = {r[1]: r for r in rows}
    # 合计 of 2010101: 123456 + 2000000 + 40000 + 15000 + 7000 + 33333 + 9999 = 2228788 元 → 222.88
    assert dec(by_code["2010101"][3]) == Decimal("222.88")
    assert dec(by_code["2010101"][4]) == Decimal("218.05")  # 基本 2000000+123456+40000+7000+9999
    assert dec(by_code["2010101"][5]) == Decimal("4.83")  # 项目 15000 + 33333
    assert by_code["2080505"][6] == 0.0 or dec(by_code["2080505"][6]) == Decimal("0.00")  # 经营支出 1 元 prints 0.00
    assert dec(by_code[None][3]) == Decimal("372.88")


def test_fund_sources_reach_the_right_columns(mixed, tmp_path):
    out = tmp_path / "out.xlsx"
    assert main(["fill", str(mixed), "-o", str(out)]) == 0
    t2 = {r[1]: r for r in table_rows(out, "T2")}
    total = t2[None]
    # 合计, 小计, 财政拨款, 财政专户, 事业, 经营, 上级补助, 附属单位上缴, 其他, 上年结转
    assert [dec(v) for v in total[3:13]] == [
        Decimal("372.88"), Decimal("370.68"), Decimal("365.68"), Decimal("1.00"), Decimal("4.00"),
        None, None, None, Decimal("0.00"), Decimal("2.20")]
    t1 = table_rows(out, "T1")
    income = {r[1]: dec(r[2]) for r in t1 if r[1]}
    assert income["一、一般公共预算拨款收入"] == Decimal("362.35")
    assert income["二、政府性基金预算拨款收入"] == Decimal("3.33")
    assert income["四、财政专户管理资金收入"] == Decimal("1.00")
    assert income["五、单位资金"] == Decimal("4.00")
    assert income["上年结转结余"] == Decimal("2.20")
    assert income["收入总计"] == dec(t1[-1][4]) == Decimal("372.88")
    t4 = table_rows(out, "T4")
    assert [r[1] for r in t4][32:36] == ["年初财政拨款结转和结余", "一、一般公共预算拨款", "二、政府性基金预算拨款",
                                          "三、国有资本经营预算拨款"]
    assert dec(t4[32][2]) == Decimal("1.50") and dec(t4[33][2]) == Decimal("1.50")
    assert [dec(v) for v in t4[-1][4:8]] == [Decimal("367.18"), Decimal("363.85"), Decimal("3.33"), None]
    t9 = table_rows(out, "T9")
    assert [dec(v) for v in t9[6][2:6]] == [Decimal("3.33"), None, Decimal("3.33"), None]  # 接待, 基金 project
    t7 = table_rows(out, "T7")
    assert [r[1] for r in t7] == [None, "201", "20101", "2010101"]


def test_consolidation_and_single_unit(tmp_path):
    a, b = ("901001", "测试局本级"), ("901002", "测试局信息中心")
    lines = [line("2010101", "30101", 1_234_567, unit=a, kind="基本支出·人员经费"),
             line("2010101", "30101", 765_433, unit=b, kind="基本支出·人员经费"),
             line("2010602", "30227", 100_000, unit=b, kind="项目支出")]
    src = make_book(tmp_path / "in.xlsx", lines)
    dept, unit_b = tmp_path / "dept.xlsx", tmp_path / "b.xlsx"
    assert main(["fill", str(src), "-o", str(dept)]) == 0
    assert main(["fill", str(src), "-o", str(unit_b), "--unit", "901002"]) == 0
    t3 = {r[1]: r for r in table_rows(dept, "T3")}
    assert dec(t3["2010101"][3]) == Decimal("200.00")  # 123.4567 + 76.5433 summed in 元, not 123.46 + 76.54
    assert dec(t3[None][3]) == Decimal("210.00")
    tb = {r[1]: r for r in table_rows(unit_b, "T3")}
    assert dec(tb["2010101"][3]) == Decimal("76.54") and dec(tb[None][3]) == Decimal("86.54")
    from openpyxl import load_workbook
    assert load_workbook(unit_b)[TABLES[2].sheet]["A2"].value == "901002 测试局信息中心"
    assert main(["fill", str(src), "-o", str(tmp_path / "z.xlsx"), "--unit", "999"]) == 2
    assert not (tmp_path / "z.xlsx").exists()


def _all_sheets(path):
    from openpyxl import load_workbook
    return {name: sheet_snapshot(path, name) for name in load_workbook(path).sheetnames}


def test_fill_is_idempotent_and_leaves_inputs_alone(example_path, tmp_path):
    from openpyxl import load_workbook
    work = tmp_path / "x.xlsx"
    shutil.copy(example_path, work)
    wb = load_workbook(work)
    mine = wb.create_sheet("我的备注")
    mine["A1"], mine["B2"] = "自己加的表", 42
    wb.save(work)
    before = _all_sheets(work)
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    assert main(["fill", str(work), "-o", str(once)]) == 0
    shutil.copy(once, twice)
    assert main(["fill", str(twice)]) == 0  # in place
    after_once, after_twice = _all_sheets(once), _all_sheets(twice)
    assert after_once == after_twice
    for sheet in (INFO_SHEET, DETAIL_SHEET, "使用说明", "科目代码表", "我的备注"):
        assert after_once[sheet] == before[sheet], sheet


def test_refill_with_fewer_lines_removes_rows_and_keeps_what_is_below(tmp_path):
    from openpyxl import load_workbook
    lines = [line("2010101", "30101", 10_000, kind="基本支出·人员经费"),
             line("2080505", "30108", 20_000, kind="基本支出·人员经费")]
    src = make_book(tmp_path / "in.xlsx", lines)
    assert main(["fill", str(src)]) == 0
    spec = TABLES[2]
    wb = load_workbook(src)
    ws = wb[spec.sheet]
    signature_row = ws.max_row + 2
    ws.cell(signature_row, 1).value = "单位负责人：张三"
    wb[DETAIL_SHEET].delete_rows(3)
    wb.save(src)
    assert main(["fill", str(src)]) == 0
    assert [r[1] for r in table_rows(src, "T3")] == [None, "201", "20101", "2010101"]
    ws = load_workbook(src)[spec.sheet]
    assert ws.cell(signature_row - 3, 1).value == "单位负责人：张三"


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("bad, cell, words", [
    (line("2010101", "30101", "一百元"), "K2", "金额应为数字"),
    (line("20101", "30101", 100), "C2", "7位项级编码"),
    (line("2990101", "30101", 100), "C2", "类“299”不存在"),
    (line("2010101", "3010", 100), "E2", "5位款级编码"),
    (line("2010101", "30101", 100, fund=None), "G2", "“资金来源”为空"),
    (line("2010101", "30101", 100, kind=None), "H2", "“支出类型”为空"),
    (line("2010101", "30101", 100, fund="自有资金"), "G2", "无法识别"),
    (line("2010101", "30101", 100, func_name="人大会议"), "D2", "名称应为“行政运行”"),
    (line("2010101", "30101", 12.345), "K2", "最多两位小数"),
    (line("2010101", "30101", 100, kind="经营支出"), "H2", "应为基本支出或项目支出"),
])
def test_bad_detail_rows_name_sheet_and_cell_and_write_nothing(tmp_path, capsys, bad, cell, words):
    src = make_book(tmp_path / "in.xlsx", [line("2010101", "30101", 5), bad][1:])
    digest = _digest(src)
    out = tmp_path / "out.xlsx"
    assert main(["fill", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"预算明细!{cell}" in err and words in err, err
    assert not out.exists()
    assert main(["fill", str(src)]) == 2  # in place: the input stays byte for byte
    assert _digest(src) == digest
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".in.")]  # no temporary left behind


def test_every_problem_is_reported_at_once(tmp_path, capsys):
    src = make_book(tmp_path / "in.xlsx", [line("2010101", "30101", "x"), line("abc", "30101", 1)],
                    info={"year": "明年"})
    assert main(["fill", str(src)]) == 2
    err = capsys.readouterr().err
    assert "单位信息!B4" in err and "预算明细!K2" in err and "预算明细!C3" in err


def test_unknown_code_is_not_verified_not_wrong(tmp_path, capsys):
    # 2010199 其他人大事务支出 is not in the partial bundled list but its 款 and 类 are.
    src = make_book(tmp_path / "in.xlsx", [line("2010199", "30101", 100, func_name="其他人大事务支出")])
    assert main(["fill", str(src)]) == 0
    assert "未核验" in capsys.readouterr().err
    assert [r[2] for r in table_rows(src, "T3")][-1] == "其他人大事务支出"


def test_unknown_parent_needs_a_code_list(tmp_path, capsys):
    lines = [line("2013101", "30101", 100, func_name="行政运行")]  # 款 20131 not bundled
    src = make_book(tmp_path / "in.xlsx", lines)
    assert main(["fill", str(src)]) == 2
    assert "20131" in capsys.readouterr().err
    with_sheet = make_book(tmp_path / "sheet.xlsx", lines, codes=[("20131", "党委办公厅（室）及相关机构事务")])
    assert main(["fill", str(with_sheet)]) == 0
    assert "党委办公厅（室）及相关机构事务" in [r[2] for r in table_rows(with_sheet, "T3")]
    official = tmp_path / "codes.csv"
    official.write_text("编码,名称,年度\n20131,党委办公厅（室）及相关机构事务,2025\n2013101,行政运行,2025\n"
                        "2010101,行政运行（改）,2025\n2010101,错年份,2024\n", encoding="utf-8")
    assert main(["fill", str(src), "--codes", str(official)]) == 0


def test_official_list_overrides_bundled_names(tmp_path, capsys):
    official = tmp_path / "codes.csv"
    official.write_text("code,name\n2010101,行政运行（新）\n", encoding="utf-8")
    src = make_book(tmp_path / "in.xlsx", [line("2010101", "30101", 100)])
    assert main(["fill", str(src), "--codes", str(official)]) == 0
    assert "行政运行（新）" in [r[2] for r in table_rows(src, "T3")]


def test_empty_tables_keep_headers_and_carry_the_note(tmp_path):
    src = make_book(tmp_path / "in.xlsx", [line("2010101", "30101", 100, fund="事业收入")])
    assert main(["fill", str(src)]) == 0
    assert table_rows(src, "T5") == [["注：无一般公共预算财政拨款预算，空表列示。", None, None, None, None, None]]
    assert table_rows(src, "T9")[-1][0] == "注：无财政拨款“三公”经费预算，空表列示。"
    assert len(table_rows(src, "T1")) == 34  # 事业收入 only: 表1 has data, 表4 (财政拨款 only) is empty
    assert len(table_rows(src, "T4")) == 38 and table_rows(src, "T4")[-1][0] == "注：无财政拨款收支预算，空表列示。"


def test_missing_file_and_non_workbook_are_clear(tmp_path, capsys):
    assert main(["fill", str(tmp_path / "nope.xlsx")]) == 2
    assert "找不到文件" in capsys.readouterr().err
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook")
    assert main(["fill", str(fake)]) == 2
    assert "不是 Excel 工作簿" in capsys.readouterr().err


def test_a_code_list_that_is_missing_or_not_utf8_is_a_clear_error(tmp_path, capsys):
    src = make_book(tmp_path / "in.xlsx", [line("2010101", "30101", 100)])
    assert main(["fill", str(src), "--codes", str(tmp_path / "none.csv")]) == 2
    assert "找不到科目表文件" in capsys.readouterr().err
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("编码,名称\n2010101,行政运行\n".encode("gbk"))
    assert main(["fill", str(src), "--codes", str(gbk)]) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_a_value_typed_into_a_table_is_never_overwritten_silently(filled_copy, capsys):
    from openpyxl import load_workbook
    assert main(["fill", str(filled_copy), "-q"]) == 0
    capsys.readouterr()
    wb = load_workbook(filled_copy)
    wb["表3 支出总表"]["D9"].value = 1291.05  # typed over the generated 行政运行 合计
    wb.save(filled_copy)
    assert main(["fill", str(filled_copy), "-q"]) == 0
    said = capsys.readouterr().err
    assert "表3 支出总表!D9：手工填写的“1291.05”已按预算明细改为“1291.00”" in said
    assert said.count("手工填写") == 1  # the cells fill wrote itself are not reported
    assert main(["fill", str(filled_copy), "-q"]) == 0
    assert "手工填写" not in capsys.readouterr().err


def test_amounts_that_look_wrong_are_named(tmp_path, capsys):
    lines = [line("2010101", "30101", 1_000_000 + i * 1000, kind="基本支出·人员经费") for i in range(8)]
    lines += [line("2010101", "30201", -5_000), line("2010101", "30201", "-"), line("2010101", "30201", 100.5)]
    src = make_book(tmp_path / "in.xlsx", lines)
    assert main(["fill", str(src)]) == 0  # hints, not errors
    said = capsys.readouterr().err
    assert "预算明细!K10：金额为负数（-5,000.00 元）" in said
    assert "预算明细!K11：金额写作“-”，该行未计入" in said
    assert "预算明细!K12：金额 100.50 元远小于本部门明细的一般金额" in said
    from budget_disclosure.checking.service import check_book
    from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
    report = check_book(OpenpyxlBook.open(src))
    assert sorted(f.cell for f in report.findings if f.rule == "BD711") == ["K10", "K11", "K12"]


def test_read_lines_are_the_dataclass_built_the_ordinary_way(example_path):
    """read_detail builds its lines without the frozen dataclass's __init__ (speed): they are the same
    objects — equal, same hash, still frozen — as BudgetLine(...) of the same values."""
    from dataclasses import FrozenInstanceError, astuple, fields

    from budget_disclosure.engine.model import BudgetLine
    from budget_disclosure.loading import derive_from_book
    from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook

    lines = derive_from_book(OpenpyxlBook.open(example_path)).detail.lines
    assert len(lines) == 44
    for read in lines:
        built = BudgetLine(*[getattr(read, f.name) for f in fields(BudgetLine)])
        assert type(read) is BudgetLine and read == built and hash(read) == hash(built) and astuple(read) == astuple(built)
    with pytest.raises(FrozenInstanceError):
        lines[0].amount = Decimal(1)


def test_a_line_read_among_many_is_the_line_read_alone():
    """read_detail takes a short way for a line whose cells passed before (the cache of a 100,000-line
    sheet): every line, and every problem, is what reading that row alone gives — the full checks."""
    import random

    from budget_disclosure.engine.codes import Classifications
    from budget_disclosure.engine.detail import RawInput, read_detail
    from budget_disclosure.engine.issues import InputError
    from budget_disclosure.engine.vocab import EXPENDITURE_KINDS, FUND_SOURCES

    codes = Classifications.bundled()
    func = [c for c in codes.functional.codes() if len(c) == 7][:6]
    econ = [c for c in codes.economic.codes() if len(c) == 5][:6]
    rng = random.Random(5)
    info = {"code": "900", "name": "部门", "year": 2025, "detail_unit": "元"}
    letters = dict(zip(["unit_code", "unit_name", "func_code", "func_name", "econ_code", "econ_name", "fund", "kind",
                        "project_code", "project_name", "amount"], "ABCDEFGHIJK"))

    def cell(choices):
        return rng.choice(choices)

    rows = []
    for r in range(2, 1500):
        f, e = cell(func), cell(econ)
        rows.append((r, (cell(["901", "901", 902.0, " 903 ", ""]), cell(["单位甲", "单位乙", "单位乙", None]), cell([f, f, int(f), f + "9"]),
                         cell([codes.functional.name(f), None, "错名"]), cell([e, float(e)]), cell([codes.economic.name(e), None]),
                         cell([x.label for x in FUND_SOURCES] * 2 + ["不明资金"]), cell([k.label for k in EXPENDITURE_KINDS]),
                         cell([None, "P001", 17.0]), cell([None, "项目"]),
                         cell([1234.5, 0.1, 100.0, 5, 77.77, 3e6, -3.25, 1e20, 12.345, "1,234.50", "-", None, float("nan"), True]))))

    def read(some):
        try:
            return read_detail(RawInput(info, {}, some, letters), codes), []
        except InputError as exc:
            return None, [str(p) for p in exc.problems]

    _, together = read(rows)
    valid = [row for row in rows if read([row])[0] is not None and read([row])[0].detail.lines]  # (not "-" or blank)
    assert len(valid) > 100 and len(together) > 100
    lines = read(valid)[0].detail.lines
    for (r, cells), got in zip(valid, lines):
        alone = read([(r, cells)])[0].detail.lines[0]
        assert got == alone and str(got.amount) == str(alone.amount)
    for row in rows:
        if read([row])[0] is None:
            assert set(read([row])[1]) <= set(together), row


def test_the_typical_amount_is_the_exact_middle_of_the_sorted_amounts():
    """unusual_amounts finds the department's typical line by sorting floats: the same Decimal as
    sorting the Decimals, also where distinct amounts share a float (beyond 16 digits)."""
    import random

    from budget_disclosure.engine.detail import middle_value

    rng = random.Random(3)
    pool = ["1", "2", "1.5", "0.10", "0.1", "99999999999999999.01", "99999999999999999.02", "99999999999999999.03",
            "1E+3", "1000"]
    for _ in range(400):
        values = [Decimal(rng.choice(pool)) for _ in range(rng.randrange(1, 30))]
        expected = sorted(values)[len(values) // 2]
        got = middle_value(values)
        assert got == expected and str(got) in {str(v) for v in values if v == expected}
    assert middle_value([]) is None


def test_the_collector_pause_leaves_the_collector_as_it_found_it_across_threads():
    """Building lines pauses the cyclic collector (speed); overlapping builds on several threads (the
    xlwings server) must end with it as before — enabled."""
    import gc
    import threading

    from budget_disclosure.loading import _without_cycle_collection

    assert gc.isenabled()
    started, release = threading.Barrier(5), threading.Event()

    def build():
        with _without_cycle_collection():
            started.wait()
            assert not gc.isenabled()
            release.wait()

    threads = [threading.Thread(target=build) for _ in range(4)]
    for t in threads:
        t.start()
    started.wait()
    with _without_cycle_collection():  # nested in the main thread too
        release.set()
        for t in threads:
            t.join()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_project_split_across_units_passes_in_every_unit_package(example_path, tmp_path, capsys):
    """项目绩效目标 is the department's: a project whose lines are in two units gives each unit package its share
    in the tables, and the check compares the sheet's budget with the department's whole (BD702), not with the
    unit's share; BD701 is said not to apply there. A budget that is neither is still found, in each package."""
    from openpyxl import load_workbook

    from budget_disclosure.cli import main

    book = load_workbook(example_path)
    shared = "13070024P000040100063"  # 人大立法调研审查工作经费, six lines: three move to a second unit
    moved = 0
    for row in book["预算明细"].iter_rows(min_row=2):
        if row[8].value == shared and moved < 3:
            row[0].value, row[1].value = "101002", "张家口市人大代表联络中心"
            moved += 1
    source = tmp_path / "x.xlsx"
    book.save(source)
    out = tmp_path / "units"
    assert main(["fill", str(source), "--all-units", "-o", str(out)]) == 0
    packages = sorted(out.glob("*.xlsx"))
    assert len(packages) == 3
    for package in packages:
        capsys.readouterr()
        main(["check", str(package), "--select", "BD7"])
        said = capsys.readouterr().out
        assert "强制 BD" not in said, said
        if package.name.startswith("单位"):
            assert "1 个项目跨单位安排（如“人大立法调研审查工作经费”）" in said
    for package in packages:
        edited = load_workbook(package)
        for row in edited["项目绩效目标"].iter_rows(min_row=2):
            if row[0].value == shared:
                row[2].value = 58.33
        edited.save(package)
        capsys.readouterr()
        main(["check", str(package), "--select", "BD702"])
        assert "强制 BD702" in capsys.readouterr().out, package.name


def test_codes_written_with_their_names_as_budget_systems_export_them(example_path, filled_path, tmp_path):
    """A 预算明细 whose code column holds "[2010101]行政运行", "2010101 行政运行" or "【30101】基本工资" (the name
    column blank or repeating it), or whose name column holds "[2010104]人大会议" with the code blank, fills
    the same nine tables as the example; a code whose written name contradicts the name column is refused there."""
    from openpyxl import load_workbook

    from budget_disclosure.cli import main

    book = load_workbook(example_path)
    forms = ["[{c}]{n}", "{c} {n}", "【{c}】{n}"]
    for i, row in enumerate(book["预算明细"].iter_rows(min_row=2)):
        if row[2].value is None:
            continue
        func, name, econ, econ_name = row[2].value, row[3].value, row[4].value, row[5].value
        if i % 4 == 3:  # the code blank, the name column holding both
            row[2].value, row[3].value = None, f"[{func}]{name}"
        else:
            row[2].value = forms[i % 3].format(c=func, n=name)
            row[3].value = None if i % 2 else name
        row[4].value = forms[(i + 1) % 3].format(c=econ, n=econ_name)
    source, out = tmp_path / "x.xlsx", tmp_path / "y.xlsx"
    book.save(source)
    assert main(["fill", str(source), "-o", str(out)]) == 0
    ours, theirs = load_workbook(out, data_only=True), load_workbook(filled_path, data_only=True)
    for sheet in (s for s in theirs.sheetnames if s.startswith("表")):
        assert [list(r) for r in ours[sheet].iter_rows(values_only=True)] == \
               [list(r) for r in theirs[sheet].iter_rows(values_only=True)], sheet
    row = next(r for r in book["预算明细"].iter_rows(min_row=2) if r[2].value)
    row[3].value = "人大会议" if "行政运行" in str(row[2].value) else "行政运行"
    book.save(source)
    assert main(["fill", str(source), "-o", str(tmp_path / "z.xlsx")]) == 2
