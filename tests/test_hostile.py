"""Messy and hostile files, each built here: every command answers with exit 0, 1 or 2 and a Chinese
message naming the file (and the part or cell), never a traceback, and the input's bytes unchanged."""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from budget_disclosure.cli import main
from conftest import run_soffice, soffice

def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    return code, text


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of a workbook with its zip entries passed through ``change(name, data) -> data``."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, change(item.filename, zin.read(item.filename)))
    return target


def _patch_central(data: bytes, name: bytes, offset: int, value: bytes) -> bytes:
    """Overwrite a field of one entry in the local header and the central directory."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04" + b"", 0)
    while local != -1:
        length = struct.unpack("<H", out[local + 26:local + 28])[0]
        if out[local + 30:local + 30 + length] == name:
            out[local + offset:local + offset + len(value)] = value
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack("<H", out[central + 28:central + 30])[0]
        if out[central + 46:central + 46 + length] == name:
            out[central + offset + 2:central + offset + 2 + len(value)] = value  # central fields sit 2 bytes later
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


@pytest.fixture
def bad(tmp_path, filled_path):
    """name → a bad input file."""
    files = {}
    files["encrypted"] = tmp_path / "加密.xlsx"
    import msoffcrypto.format.ooxml as ooxml
    with open(filled_path, "rb") as plain, open(files["encrypted"], "wb") as out:
        ooxml.OOXMLFile(plain).encrypt("secret", out)
    files["not-a-workbook"] = tmp_path / "文本.xlsx"
    files["not-a-workbook"].write_text("这不是工作簿", "utf-8")
    files["bomb"] = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(files["bomb"], "w", zipfile.ZIP_DEFLATED) as z:
        with zipfile.ZipFile(filled_path) as src:
            for item in src.infolist():
                z.writestr(item.filename, src.read(item.filename))
        z.writestr("xl/sharedStrings2.xml", b"\0" * (64 * 2**20))  # 64 MiB in about 64 KiB
    data = filled_path.read_bytes()
    files["deflate64"] = tmp_path / "deflate64.xlsx"
    files["deflate64"].write_bytes(_patch_central(data, b"xl/workbook.xml", 8, struct.pack("<H", 9)))
    files["crc"] = tmp_path / "crc.xlsx"
    files["crc"].write_bytes(_patch_central(data, b"xl/workbook.xml", 14, b"\x00\x00\x00\x00"))
    files["malformed"] = rewrite(filled_path, tmp_path / "坏XML.xlsx",
                                 lambda n, d: d[: len(d) // 2] if n == "xl/worksheets/sheet5.xml" else d)
    # "billion laughs": nine levels of ten entities each, a few hundred bytes declaring 10⁹ copies
    laughs = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10))) for i in range(1, 10))
    doctype = b"<!DOCTYPE worksheet [" + laughs + b"]>"
    files["entities"] = rewrite(filled_path, tmp_path / "实体.xlsx", lambda n, d: (
        d.replace(b"?>", b"?>" + doctype, 1) if b"?>" in d[:200] else doctype + d) if n == "xl/worksheets/sheet5.xml" else d)
    return files


def test_every_bad_file_gets_a_chinese_answer_and_stays_unchanged(bad, capsys, tmp_path):
    expected = {"encrypted": "打开密码", "not-a-workbook": "不是 Excel 工作簿", "bomb": "压缩炸弹",
                "deflate64": "不支持的压缩方式", "crc": "CRC", "malformed": "不是合法的 XML", "entities": "实体炸弹"}
    for name, path in bad.items():
        before = path.read_bytes()
        for command in (["check", str(path)], ["fill", str(path)], ["export", str(path), "-o", str(tmp_path / "o")],
                        ["check", str(path), "--flag"], ["clear", str(path)]):
            started = time.monotonic()
            code, text = run(capsys, *command)
            assert code == 2, (name, command, text)
            assert expected[name] in text and path.name in text, (name, command, text)
            assert not re.search(r"[A-Z][a-z]+(?:Error|Exception)|no element found", text), (name, command, text)
            assert time.monotonic() - started < 10
        assert path.read_bytes() == before, name
    assert not (tmp_path / "o").exists()


def test_a_bomb_is_refused_before_unpacking(bad, capsys):
    started = time.monotonic()
    code, text = run(capsys, "check", str(bad["bomb"]))
    assert code == 2 and time.monotonic() - started < 2


def test_one_bad_file_in_a_batch_does_not_stop_the_others(bad, filled_copy, capsys):
    code, text = run(capsys, "check", str(bad["crc"]), str(filled_copy), str(bad["encrypted"]))
    assert code == 2
    verdicts = [line for line in text.splitlines() if line.startswith("== ")]
    assert sum("无法校验" in v for v in verdicts) == 2 and "通过：强制 0" in text
    assert "共 3 个文件：通过 1，无法校验 2" in text  # the batch's tally


def test_a_malformed_part_is_named(bad, capsys):
    code, text = run(capsys, "check", str(bad["malformed"]))
    assert "xl/worksheets/sheet5.xml" in text and "内容不完整（文件被截断）" in text


@pytest.mark.skipif(soffice() is None, reason="LibreOffice makes the .xls here")
def test_an_old_xls_is_checked_and_writes_are_refused(filled_path, tmp_path, capsys):
    result = run_soffice(["--convert-to", "xls", "--outdir", str(tmp_path), str(filled_path)], tmp_path)
    assert result.returncode == 0, result.stderr
    xls = tmp_path / f"{filled_path.stem}.xls"
    before = xls.read_bytes()
    code, text = run(capsys, "check", str(xls))
    assert code == 0 and "通过：强制 0" in text and "尾差 6" in text  # as the .xlsx it was saved from
    for command in (["check", str(xls), "--flag"], ["clear", str(xls)]):
        code, text = run(capsys, *command)
        assert code == 2 and "另存为 .xlsx" in text, command
    # fill takes it as it comes: its contents in a new template, written as .xlsx beside it (never as .xls)
    code, text = run(capsys, "fill", str(xls))
    written = xls.with_suffix(".xlsx")
    assert code == 0 and "旧版 .xls" in text and written.exists(), text
    ours, theirs = load_workbook(written, data_only=True), load_workbook(filled_path, data_only=True)
    for sheet in (s for s in theirs.sheetnames if s.startswith("表")):
        assert [list(r) for r in ours[sheet].iter_rows(values_only=True)] == \
               [list(r) for r in theirs[sheet].iter_rows(values_only=True)], sheet
    code, text = run(capsys, "check", str(written))
    assert code == 0 and "通过：强制 0" in text
    code, text = run(capsys, "fill", str(xls))  # its .xlsx is there now: not overwritten without -o
    assert code == 2 and "已存在" in text
    assert xls.read_bytes() == before


def test_a_workbook_open_in_excel_is_not_written_in_place(filled_copy, capsys):
    lock = filled_copy.with_name(f"~${filled_copy.name}")
    lock.write_bytes(b"owner")
    before = filled_copy.read_bytes()
    for command in (["fill", str(filled_copy)], ["check", str(filled_copy), "--in-place"], ["clear", str(filled_copy)]):
        code, text = run(capsys, *command)
        assert code == 2 and "正在 Excel 中打开" in text and "--force" in text, command
    assert filled_copy.read_bytes() == before
    code, text = run(capsys, "check", str(filled_copy))
    assert code == 0 and "校验的是上次保存的内容" in text
    assert run(capsys, "fill", str(filled_copy), "--force")[0] == 0


def test_macro_workbooks_keep_their_kind(filled_path, tmp_path, capsys):
    xlsm = tmp_path / "宏.xlsm"
    shutil.copy(filled_path, xlsm)
    code, text = run(capsys, "fill", str(xlsm), "-o", str(tmp_path / "out.xlsx"))
    assert code == 2 and "含宏" in text and not (tmp_path / "out.xlsx").exists()


def test_outputs_that_cannot_be_written_are_exit_2(filled_copy, tmp_path, capsys):
    before = filled_copy.read_bytes()
    cases = {
        ("fill", str(filled_copy), "-o", str(tmp_path / "没有" / "y.xlsx")): "输出文件夹不存在",
        ("fill", str(filled_copy), "-o", str(tmp_path)): "是文件夹",
        ("fill", str(filled_copy), "-o", "/sys/y.xlsx"): "无法写入",
        ("export", str(filled_copy), "-o", str(filled_copy)): "是一个文件",
        ("export", str(filled_copy), "-o", "/sys/包"): "无法写出公开包",
        ("export", str(filled_copy), "-o", str(tmp_path / "没有" / "包")): "上级文件夹不存在",
        ("export", str(filled_copy), "-o", str(tmp_path)): "不属于公开包的文件",  # holds the input itself
    }
    for command, said in cases.items():
        code, text = run(capsys, *command)
        assert code == 2 and said in text, (command, text)
    assert filled_copy.read_bytes() == before


def test_an_export_replaces_its_earlier_package_whole(filled_copy, tmp_path, capsys, monkeypatch):
    out = tmp_path / "包"
    assert run(capsys, "export", str(filled_copy), "-o", str(out))[0] == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    from budget_disclosure.export import package

    def failing_pdf(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(package, "write_pdf", failing_pdf)
    code, text = run(capsys, "export", str(filled_copy), "-o", str(out))
    assert code == 2 and "磁盘已满" in text
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first  # the earlier package, untouched
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~bd-")]  # nothing half-written left


def test_temporary_files_of_a_killed_run_are_removed_by_the_next(filled_copy, tmp_path):
    stale = tmp_path / ".~bd-999999-abc.xlsx"  # no process 999999: a run killed half-way left it
    stale.write_bytes(b"half")
    live = tmp_path / f".~bd-{__import__('os').getpid()}-x.xlsx"
    live.write_bytes(b"mine")
    assert main(["fill", str(filled_copy), "-q"]) == 0
    assert not stale.exists() and live.exists()


def test_a_killed_fill_leaves_the_input_as_it_was(filled_copy, tmp_path):
    before = filled_copy.read_bytes()
    child = subprocess.Popen([sys.executable, "-m", "budget_disclosure", "fill", str(filled_copy), "-q"])
    time.sleep(0.8)
    child.kill()
    child.wait()
    after = filled_copy.read_bytes()
    assert after == before or zipfile.ZipFile(io.BytesIO(after)).testzip() is None  # old or complete new


def test_a_cell_at_the_sheet_corner_is_named_not_read_into_memory(filled_path, tmp_path):
    """The fast reader would fill the rectangle up to XFD1048576 (seventeen billion cells): such a
    workbook is read by the openpyxl adapter, which names the far cell; the check finishes normally."""
    from openpyxl import load_workbook

    wb = load_workbook(filled_path)
    wb["预算明细"]["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    run = subprocess.run([sys.executable, "-m", "budget_disclosure", "check", str(path)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-500:]
    assert "预算明细!XFD1048576：远离表格内容的单元格（“x”），未读取" in run.stdout
