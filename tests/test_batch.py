"""A finance bureau's batch: a folder of packages (some faulty, some corrupt) checked with a process
pool, the reviewer's summary workbook and CSV, cross-package checks, Ctrl-C keeping what is done."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

import realworld
from budget_disclosure.batch import CheckOptions, check_many
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook


@pytest.fixture(scope="module")
def folder(tmp_path_factory, filled_path):
    """The filled example twice (the same unit code), three realworld packages, a corrupt file, a text file."""
    root = tmp_path_factory.mktemp("batch")
    shutil.copy(filled_path, root / "a_本级.xlsx")
    shutil.copy(filled_path, root / "b_本级（重复）.xlsx")
    sub = root / "上海"
    sub.mkdir()
    for case in ("01", "02", "06"):
        realworld.build(case, sub / f"sh{case}.xlsx")
    (root / "损坏.xlsx").write_bytes(Path(filled_path).read_bytes()[:4000])
    (root / "说明.xlsx").write_text("不是工作簿", "utf-8")
    return root


def _run(*args):
    return subprocess.run([sys.executable, "-m", "budget_disclosure", *args], capture_output=True, text=True)


def test_folder_batch_with_jobs_writes_the_summary_with_one_row_per_package(folder, tmp_path):
    summary = tmp_path / "汇总.xlsx"
    run = _run("check", str(folder), "--jobs", "2", "--summary", str(summary), "--format", "json")
    assert run.returncode == 2, run.stderr  # a corrupt file makes the batch's exit 2; the others were checked
    data = json.loads(run.stdout)
    files = data["files"]
    assert len(data["summary"]["packages"]) == 7 and data["summary"]["rules"][0]["packages"] >= 1
    one = json.loads(_run("check", str(folder), "--jobs", "1", "--format", "json").stdout)
    assert one["files"] == files  # the process pool gives the reports one process gives
    outcomes = {Path(f["path"]).name: f.get("outcome") for f in files}
    assert outcomes == {"a_本级.xlsx": "通过", "b_本级（重复）.xlsx": "通过", "sh01.xlsx": "不通过", "sh02.xlsx": "不通过",
                        "sh06.xlsx": "不通过", "损坏.xlsx": "无法校验", "说明.xlsx": "无法校验"}
    wb = load_workbook(summary)
    assert wb.sheetnames == ["汇总", "问题清单", "按规则"]
    rows = list(wb["汇总"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 7 and {Path(r[0]).name: r[5] for r in rows} == outcomes
    by_name = {Path(r[0]).name: r for r in rows}
    assert by_name["a_本级.xlsx"][1] == "101" and by_name["sh01.xlsx"][4].startswith("上海")  # the family's own name
    assert by_name["sh01.xlsx"][6] == 1 and by_name["sh01.xlsx"][9] == by_name["sh01.xlsx"][10] > 100  # 强制, coverage
    assert "BD807" in by_name["sh01.xlsx"][11]
    assert wb["汇总"].freeze_panes == "A2" and wb["问题清单"].auto_filter.ref.startswith("A1")
    findings = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    assert sorted(Path(f[0]).name for f in findings if f[2] == "BD807") == ["sh01.xlsx", "sh06.xlsx"]
    rules = {(r[0], r[2]): r for r in wb["按规则"].iter_rows(min_row=2, values_only=True)}
    assert rules[("BD502", "强制")][3] == 1 and rules[("BD809", "强制")][4] == 5 and wb["按规则"]._charts
    # severities as found: the 尾差 of an identity rule are counted as 尾差, not under the rule's 强制
    assert ("BD107", "尾差") in rules and all(sev in ("强制", "提示", "尾差") for _, sev in rules)
    # the same unit code twice is said, once, in the second package
    assert [Path(f[0]).name for f in findings if f[2] == "BD902"] == ["b_本级（重复）.xlsx"]
    with open(summary.with_suffix(".csv"), encoding="utf-8-sig") as f:
        assert len(list(csv.reader(f))) == 8
    assert (tmp_path / "汇总.问题清单.csv").exists()


def test_flagged_copies_are_linked_from_the_summary(folder, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(folder / "上海", work)
    run = _run("check", str(work), "--flag", "--summary", str(tmp_path / "s.xlsx"), "-q")
    assert run.returncode == 1, run.stderr
    rows = list(load_workbook(tmp_path / "s.xlsx")["汇总"].iter_rows(min_row=2))
    links = [r[12].hyperlink.target for r in rows]
    assert all(link and link.endswith(".校验.xlsx") and Path(link).exists() for link in links)


def test_ctrl_c_stops_and_keeps_what_is_done(folder):
    files = sorted(p for p in folder.rglob("*.xlsx"))
    opened = []

    def opener(path):  # the reviewer presses Ctrl-C while the fourth file is read
        if len(opened) == 3:
            raise KeyboardInterrupt
        opened.append(path)
        return OpenpyxlBook.open(path)

    seen = []
    result = check_many(files, CheckOptions(), 1, opener, lambda outcome, counts: seen.append(outcome.path))
    assert result.interrupted and result.total == len(files)
    assert [o.path for o in result.outcomes] == files[:3] == seen


def _directory(path: Path, rows: list[list[object]], title: str | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(["部门", "单位", "年度", "批复日期", "公开日期"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_a_units_directory_gives_the_units_without_a_package_the_late_ones_and_the_rate(folder, tmp_path):
    """The 名录's units against the packages found: by name and year; 20 days after 批复 is late
    (操作规程); units of the folder the 名录 does not list are said too."""
    from datetime import date

    units = _directory(tmp_path / "名录.xlsx", [
        ["上海市普陀区人民政府万里街道办事处", "", 2025, date(2025, 1, 20), date(2025, 2, 8)],  # 19 days: in time
        ["上海市财政局", "上海市财政局", 2025, "2025-01-20", "2025年2月20日"],  # 31 days: late
        ["上海市普陀区司法局", "", 2025, None, None],  # its package in the folder is 2026's: none for 2025
        ["上海市财政局", "上海市财政局信息中心", 2025, None, None],  # no package
    ])
    summary = tmp_path / "汇总.xlsx"
    run = _run("check", str(folder / "上海"), "--units", str(units), "--summary", str(summary), "--format", "json")
    assert run.returncode == 1, run.stderr
    directory = json.loads(run.stdout)["summary"]["directory"]
    assert directory["line"].startswith("名录 4 个单位，找到公开包 2 个（公开率 50.0%），未找到 2 个；批复后超过 20 日公开 1 个")
    rows = {r["unit"]: r for r in directory["units"]}
    assert Path(rows["上海市普陀区人民政府万里街道办事处"]["package"]).name == "sh01.xlsx"
    assert rows["上海市普陀区人民政府万里街道办事处"]["timeliness"] == "20日内（19 日）"
    assert rows["上海市财政局"]["timeliness"] == "超过20日（31 日）" and rows["上海市财政局"]["outcome"] == "不通过"
    assert not rows["上海市普陀区司法局"]["package"] and not rows["上海市财政局信息中心"]["package"]
    sheet = list(load_workbook(summary)["公开情况"].iter_rows(values_only=True))
    assert sheet[0][0] == directory["line"] and sheet[1][:3] == ("部门", "单位", "公开包") and len(sheet) == 2 + 4
    text = _run("check", str(folder / "上海"), "--units", str(units), "-q")
    assert "未找到公开包：上海市财政局 上海市财政局信息中心" in text.stderr


@pytest.mark.parametrize("rows, title, where", [
    ([["上海市财政局", "", 2025, "去年春天", None]], None, "D2"),
    ([["", "某单位", 2025, None, None]], None, "A2"),
    ([["上海市财政局", "", "二〇二五", None, None]], "单位名录", "C3"),
])
def test_a_units_directory_that_cannot_be_read_is_refused_naming_its_cell_before_any_check(rows, title, where, tmp_path):
    units = _directory(tmp_path / "名录.xlsx", rows, title)
    run = _run("check", str(tmp_path), "--units", str(units))
    assert run.returncode == 2 and f"名录.xlsx" in run.stderr and f"!{where}" in run.stderr, run.stderr
    assert "==" not in run.stdout  # nothing was checked
