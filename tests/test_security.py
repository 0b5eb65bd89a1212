"""Integrity and injection: no cell we write from input text is a live formula (情况说明, 校验结果,
flagged copies, the batch summary and its CSVs); an export replaces its package so that at every
instant the old or the new one is there, whole (kill tests); folders as the umask says; amounts no
budget can hold and digits of other scripts refused naming the cell; a batch lists every entry it
passed over."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from budget_disclosure.cli import main
from helpers import example_book, set_input

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def _formula_cells(path: Path) -> list[str]:
    wb = load_workbook(path)
    return [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def _evil_example(path: Path) -> Path:
    def edit(wb):
        ws = wb["部门职责"]
        for r, text in enumerate(FORMULAS, 2):
            ws.cell(r, 1).value = text
            ws.cell(r, 1).data_type = "s"  # typed as text, as the reproducer has it
        set_input(wb, "单位信息", "部门（单位）名称", "=1+1")
        wb["单位信息"]["B3"].data_type = "s"

    return example_book(path, edit=edit)


def test_text_from_input_is_never_a_formula_in_what_we_write(tmp_path, capsys):
    source = _evil_example(tmp_path / "=1+1.xlsx")
    filled = tmp_path / "=1+1 filled.xlsx"
    assert main(["fill", str(source), "-o", str(filled), "-q"]) in (0, 1)
    assert _formula_cells(filled) == []
    statement = load_workbook(filled)["情况说明"]
    texts = [c.value for row in statement.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("=HYPERLINK") for t in texts)  # kept as the accountant wrote it, as text
    wb = load_workbook(filled)  # an 出错说明 whose reason looks like a formula
    ack = wb.create_sheet("出错说明")
    for row in (["规则编码", "单元格", "出错说明"], ["BD503", "", "=cmd|' /C calc'!A0"]):
        ack.append(row)
    ack["C2"].data_type = "s"
    wb.save(filled)
    flagged = tmp_path / "flagged.xlsx"
    main(["check", str(filled), "--flag", "-o", str(flagged), "-q"])
    assert _formula_cells(flagged) == []
    summary = tmp_path / "汇总.xlsx"
    main(["check", str(tmp_path), "--summary", str(summary), "-q"])
    assert _formula_cells(summary) == []
    for name in ("汇总.csv", "汇总.问题清单.csv"):
        with open(tmp_path / name, encoding="utf-8-sig", newline="") as f:
            cells = [c for row in csv.reader(f) for c in row]
        assert cells and not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")
                              or (c[:1] == "-" and not c.lstrip("-").replace(".", "").isdigit())], name


def _tree(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _whole_package_of(folder: Path) -> str | None:
    """The source workbook of the export in ``folder`` when it is whole (every file its manifest lists,
    with that checksum, and nothing else), else None."""
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    present = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.name != "manifest.json"}
    return manifest["source"] if listed == present else None


@pytest.fixture(scope="module")
def two_books(filled_path, tmp_path_factory):
    """Workbooks a.xlsx and b.xlsx, whose packages differ (b has another 部门职责 paragraph)."""
    from budget_disclosure.export.fonts import FontError, find_body_font

    try:
        find_body_font()
    except FontError:
        pytest.skip("no embeddable CJK font")
    root = tmp_path_factory.mktemp("two")
    a, b = root / "a.xlsx", root / "b.xlsx"
    a.write_bytes(filled_path.read_bytes())
    wb = load_workbook(filled_path)
    wb["部门职责"]["A2"] = "新的一段部门职责说明。"
    wb.save(b)
    assert main(["fill", str(b), "-q"]) == 0
    return a, b


_CHILD = textwrap.dedent("""
    import os, sys, shutil
    from pathlib import Path
    from budget_disclosure.xlio import atomic
    target, source, when = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    if when == "between-renames":
        atomic._exchange = lambda a, b: False  # a system without an atomic swap: two renames
    real_replace, real_exchange, real_rmtree = os.replace, atomic._exchange, shutil.rmtree
    def replace(a, b):
        real_replace(a, b)
        if when == "between-renames" and Path(b).name.startswith(".~bd-"):
            os._exit(9)  # killed between the two renames
    def exchange(a, b):
        if when == "before-swap":
            os._exit(9)
        return real_exchange(a, b)
    def rmtree(path, *args, **kwargs):
        if when == "after-swap":
            os._exit(9)
        return real_rmtree(path, *args, **kwargs)
    atomic.os.replace, atomic.shutil.rmtree = replace, rmtree
    if when != "between-renames":
        atomic._exchange = exchange
    atomic.write_folder_atomically(target, lambda tmp: [shutil.copy(p, tmp / p.name) for p in source.iterdir()])
""")


@pytest.mark.parametrize("when", ["before-swap", "after-swap", "between-renames"])
def test_a_killed_export_leaves_the_old_or_the_new_package(when, tmp_path):
    """Killed at each step of the replacement: the folder holds the old package or the new one, whole;
    where two renames were needed (no atomic swap) the next run puts the old one back first."""
    old, new, target = tmp_path / "old", tmp_path / "new", tmp_path / "包"
    for folder, word in ((old, "旧"), (new, "新")):
        folder.mkdir()
        for n in range(3):
            (folder / f"{n}.txt").write_text(word * (n + 1), "utf-8")
    target.mkdir()
    for p in old.iterdir():
        (target / p.name).write_bytes(p.read_bytes())
    child = subprocess.run([sys.executable, "-c", _CHILD, str(target), str(new), when], capture_output=True, text=True)
    assert child.returncode == 9, child.stderr
    from budget_disclosure.xlio.atomic import remove_stale

    if when == "between-renames":
        assert not target.exists()  # the one state two renames cannot avoid …
        remove_stale(tmp_path)  # … which the next run of the tool mends first
    expected = _tree(new) if when == "after-swap" else _tree(old)
    assert _tree(target) == expected
    remove_stale(tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~bd-")]


def test_an_export_killed_at_random_moments_leaves_a_whole_package(two_books, tmp_path):
    """The real command, killed at random moments while it replaces package A with package B (and back)."""
    a, b = two_books
    out = tmp_path / "包"
    started = time.monotonic()
    assert main(["export", str(a), "-o", str(out), "-q"]) == 0
    duration = time.monotonic() - started
    rng = random.Random(7)
    for old, new in ((a, b), (b, a)):
        child = subprocess.Popen([sys.executable, "-m", "budget_disclosure", "export", str(new), "-o", str(out), "-q"])
        time.sleep(rng.uniform(0.7, 1.3) * duration)
        child.kill()
        child.wait()
        assert _whole_package_of(out) in (old.name, new.name)
        assert main(["export", str(new), "-o", str(out), "-q"]) == 0 and _whole_package_of(out) == new.name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~bd-")]


def test_an_export_folder_is_created_as_the_umask_says(filled_path, tmp_path):
    previous = os.umask(0o022)
    try:
        out = tmp_path / "包"
        assert main(["export", str(filled_path), "-o", str(out), "-q"]) == 0
    finally:
        os.umask(previous)
    assert out.stat().st_mode & 0o777 == 0o755


@pytest.mark.parametrize("amount,said", [(1e30, "超出预算金额的范围"), ("1000000000000000", "超出预算金额的范围"),
                                         (10**16, "超出预算金额的范围"), ("١٢٣", "金额应为数字"), ("१२३", "金额应为数字")])
def test_amounts_no_budget_holds_are_refused_naming_the_cell(amount, said, tmp_path, capsys):
    from helpers import example_line

    path = example_book(tmp_path / "x.xlsx", [example_line("2010101", "30101", amount, "一般公共预算拨款", "基本支出·人员经费")])
    code = main(["fill", str(path), "-o", str(tmp_path / "y.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and "预算明细!K" in err and said in err and "Traceback" not in err and "InvalidOperation" not in err


def test_full_width_digits_are_amounts():
    from decimal import Decimal

    from budget_disclosure.engine.money import parse_amount

    assert parse_amount("１，２３４．５０") == Decimal("1234.50")
    assert parse_amount("-12.5") == Decimal("-12.5")


def test_a_batch_lists_every_entry_it_passed_over(filled_path, tmp_path):
    folder = tmp_path / "portal"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.xlsx").write_bytes(filled_path.read_bytes())
    (folder / "dangling.xlsx").symlink_to(folder / "missing.xlsx")
    (folder / "loop.xlsx").symlink_to(folder / "loop.xlsx")
    (folder / "sub" / "back").symlink_to(folder)  # a folder link back up: walked once
    os.mkfifo(folder / "pipe.xlsx")
    (folder / "~$a.xlsx").write_bytes(b"lock")
    run = subprocess.run([sys.executable, "-m", "budget_disclosure", "check", str(folder), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    data = json.loads(run.stdout)
    assert [f["path"] for f in data["files"]] == [str(folder / "sub" / "a.xlsx")]
    reasons = {Path(s["path"]).name: s["reason"] for s in data["skipped"]}
    assert reasons["dangling.xlsx"] == "链接指向的文件不存在" and reasons["loop.xlsx"] == "符号链接循环"
    assert "管道" in reasons["pipe.xlsx"] and "锁定文件" in reasons["~$a.xlsx"] and "循环" in reasons["back"]
    assert all(f"已跳过 {s['path']}" in run.stderr for s in data["skipped"])
    assert any(p["outcome"] == "未校验" and "管道" in p["first"] for p in data["summary"]["packages"])
