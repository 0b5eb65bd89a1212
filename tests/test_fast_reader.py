"""The fast reader (python-calamine; each sheet parsed on a thread once its raw XML passed the scan)
reads what the openpyxl adapter reads, and hands over to it what it must not read."""

from __future__ import annotations

import random
import subprocess
import sys
import zipfile

from openpyxl import Workbook, load_workbook

from budget_disclosure.cli import main
from budget_disclosure.xlio.archive import workbook_parts
from budget_disclosure.xlio.calamine_port import CalamineBook
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from test_hostile import _patch_central


def _value(rng: random.Random) -> object:
    pick = rng.random()
    if pick < 0.25:
        return None
    if pick < 0.5:
        return rng.choice(["单位编码", "一般公共预算拨款", "  前后有空格 ", "P00017", "2010101", "-", "项目（二）"])
    if pick < 0.75:
        return rng.randrange(-10**9, 10**9) / 100
    return rng.randrange(-10**6, 10**6)


def _random_book(path, rng: random.Random) -> None:
    """Sheets of random sizes and cells (blank rows, blank columns, ragged rows), one of them large."""
    wb = Workbook()
    wb.remove(wb.active)
    for s in range(rng.randrange(2, 6)):
        ws = wb.create_sheet(f"表{s}")
        rows = rng.choice([1, 3, 40, 200]) if s else 1_200
        for r in range(1, rows + 1):
            if rng.random() < 0.1:
                continue  # a blank row
            for c in range(1, rng.randrange(2, 14)):
                value = _value(rng)
                if value is not None:
                    ws.cell(r, c, value)
    wb.save(path)


def _every_sheet(book) -> dict[str, tuple]:
    out = {}
    for sheet in book.sheet_names():
        rows, cols = book.extent(sheet)
        out[sheet] = (rows, cols, book.read_block(sheet, 1, 1, rows, cols) if rows else [])
    return out


def test_the_fast_reader_reads_every_sheet_as_the_openpyxl_adapter_does(tmp_path):
    for seed in range(3):
        path = tmp_path / f"r{seed}.xlsx"
        _random_book(path, random.Random(seed))
        fast = CalamineBook.fast(path)
        assert fast is not None
        plain = OpenpyxlBook.open(path)
        assert _every_sheet(fast) == _every_sheet(plain), seed
        # a block narrower than the rows, and one below the last row, read as the adapter reads them
        assert fast.read_block("表0", 2, 3, 5, 4) == plain.read_block("表0", 2, 3, 5, 4)
        assert fast.read_block("表0", 1199, 1, 1202, 2) == plain.read_block("表0", 1199, 1, 1202, 2)


def test_a_cell_far_to_the_right_of_the_detail_is_never_parsed_by_the_fast_reader(filled_path, tmp_path):
    """A stray entry at XFD3 of a 44-line sheet would make calamine fill 16,384 columns of every row:
    the scan finds it first and the openpyxl adapter reads the workbook and names the cell."""
    wb = load_workbook(filled_path)
    wb["预算明细"]["XFD3"] = "误输入"
    path = tmp_path / "far-right.xlsx"
    wb.save(path)
    assert CalamineBook.fast(path) is None
    run = subprocess.run([sys.executable, "-m", "budget_disclosure", "check", str(path)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-500:]
    assert "预算明细!XFD3：远离表格内容的单元格（“误输入”），未读取" in run.stdout


def test_a_damaged_sheet_part_is_named_though_it_is_verified_only_as_it_is_scanned(filled_path, tmp_path, capsys):
    """The sheet parts' checksums are verified while the fast reader scans them (not unpacked twice):
    a damaged 预算明细 part is still named, in Chinese, exit 2."""
    with zipfile.ZipFile(filled_path) as archive:
        part = workbook_parts(archive)[0]["预算明细"]
    path = tmp_path / "坏明细.xlsx"
    path.write_bytes(_patch_central(filled_path.read_bytes(), part.encode(), 14, b"\x00\x00\x00\x00"))
    assert main(["check", str(path)]) == 2
    out = capsys.readouterr()
    assert f"部件 {part} 已损坏（CRC 校验不符）" in out.out + out.err and path.name in out.out + out.err


def _findings(book) -> list[tuple]:
    from budget_disclosure.checking.service import check_book

    report = check_book(book)
    return [(f.rule, f.severity, f.message, tuple(map(str, f.cells))) for f in report.findings] + [
        ("verdict", report.verdict)]


def test_one_reading_per_file_whatever_the_adapter(filled_path, tmp_path):
    """check (the fast reader) and check --flag (openpyxl) give the same findings on every realworld
    workbook, the filled example, and workbooks edited as an accountant edits them — a head row deleted
    with openpyxl (its merges left where they were: a value under a merge is not what Excel shows), a
    column deleted, a table moved down."""
    import realworld

    books = [filled_path]
    for case in realworld.ALL_CASES:
        books.append(realworld.build(case, tmp_path / f"rw{case}.xlsx"))
    for name, edit in (("head", lambda ws: ws.delete_rows(3)), ("column", lambda ws: ws.delete_cols(5)),
                       ("down", lambda ws: ws.insert_rows(1, 3))):
        wb = load_workbook(filled_path)
        edit(wb["表3 支出总表"])
        wb.save(tmp_path / f"{name}.xlsx")
        books.append(tmp_path / f"{name}.xlsx")
    for path in books:
        fast = CalamineBook.fast(path)
        assert fast is not None, path
        assert _findings(fast) == _findings(OpenpyxlBook.open(path)), path


def test_a_far_cell_is_far_from_the_rows_a_sheet_has_not_beyond_a_fixed_row():
    """A 300,000-line 预算明细 ends near row 300,001 with as many rows: not far (the fast reader keeps it, and
    check accepts what fill wrote); ten rows and a stray cell at row 500,000 (or at XFD1): far."""
    from budget_disclosure.xlio.calamine_port import part_needs_openpyxl

    def sheet(rows, extra=b""):
        body = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in rows)
        return b'<worksheet><sheetData>' + body + extra + b"</sheetData></worksheet>"

    assert part_needs_openpyxl(sheet(range(1, 300_002))) is None
    assert part_needs_openpyxl(sheet(range(1, 11), b'<row r="500000"><c r="A500000"><v>1</v></c></row>')) == "far"
    assert part_needs_openpyxl(sheet(range(1, 11), b'<row r="11"><c r="XFD11"><v>1</v></c></row>')) == "far"
