"""The command line speaks Chinese: help (argparse's own frames included), errors, --version,
--quiet, and no traceback when its output is cut short by `head`."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from budget_disclosure import __version__
from budget_disclosure.cli import main

COMMANDS = ([], ["example"], ["fill"], ["check"], ["clear"], ["rules"], ["export"], ["addin"], ["addin", "build"],
            ["addin", "install"], ["server"], ["server", "init"], ["server", "run"], ["template"])
ENGLISH_FRAMES = ("usage:", "options:", "positional arguments", "show this help", "show program's", "optional arguments")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "budget-disclosure")
def test_help_is_chinese_throughout(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("用法：") and not [f for f in ENGLISH_FRAMES if f in text.lower()]
    # every option and argument is explained in Chinese (names, file kinds and code words aside)
    for line in text.splitlines()[1:]:
        if re.match(r"^\s+-{1,2}[a-z]", line) and not line.strip().endswith(("...", "]")):
            described = re.sub(r"^\s+[-\w, {}.<>:\u4e00-\u9fff]+?\s{2,}", "", line)
            assert re.search(r"[\u4e00-\u9fff]", described) or line.strip().count(" ") == 0, line


def test_argument_errors_are_chinese(capsys):
    with pytest.raises(SystemExit) as done:
        main(["check"])
    assert done.value.code == 2
    assert "错误：缺少必需的参数" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["nope"])
    assert "无效的选择" in capsys.readouterr().err
    import argparse
    assert argparse._("usage: ") == "usage: "  # argparse is left as it was for everyone else


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"budget-disclosure {__version__}"


def test_quiet_prints_nothing_but_the_verdict(filled_copy, tmp_path, capsys):
    assert main(["fill", str(filled_copy), "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["check", str(filled_copy), "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and "通过" in lines[0]


@pytest.mark.parametrize("command", [["rules"], ["rules", "--format", "md"]])
def test_output_cut_short_by_head_is_no_traceback(command):
    # the reader is gone before the program writes (as when `head` has read its lines and exited)
    child = subprocess.Popen([sys.executable, "-m", "budget_disclosure", *command], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_a_closed_output_stops_the_command_quietly(monkeypatch, tmp_path):
    sink = open(tmp_path / "sink", "w")

    class GoneReader:  # stdout of `… | head` once head has exited
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self):
            return sink.fileno()

    monkeypatch.setattr(sys, "stdout", GoneReader())
    assert main(["rules"]) == 0  # no exception escapes


def test_quiet_before_the_command_too(filled_copy, capsys):
    assert main(["-q", "check", str(filled_copy)]) == 0
    assert capsys.readouterr().out.count("\n") == 1  # the verdict line only


def test_in_place_with_an_output_file_is_refused(filled_copy, tmp_path, capsys):
    assert main(["check", str(filled_copy), "--in-place", "-o", str(tmp_path / "w.xlsx")]) == 2
    assert "--in-place" in capsys.readouterr().err and not (tmp_path / "w.xlsx").exists()


def test_clear_on_a_workbook_never_flagged_says_so_and_leaves_it(filled_copy, capsys):
    before = filled_copy.read_bytes()
    assert main(["clear", str(filled_copy)]) == 0
    assert "没有校验标记" in capsys.readouterr().out and filled_copy.read_bytes() == before


def test_template_writes_the_file_it_is_told_to(tmp_path, monkeypatch, capsys):
    from openpyxl import load_workbook

    monkeypatch.chdir(tmp_path)
    assert main(["template", "-o", "我的模板.xlsx"]) == 0
    assert (tmp_path / "我的模板.xlsx").exists() and not (tmp_path / "workbook_templates").exists()
    assert "表3 支出总表" in load_workbook(tmp_path / "我的模板.xlsx").sheetnames
