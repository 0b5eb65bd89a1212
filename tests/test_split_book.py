"""Fill through the split workbook (openpyxl over the sheets fill writes, the others carried byte for
byte) gives the same workbook as fill through openpyxl over the whole book — for a workbook as our
writer saves it, as an office suite saves it (shared strings, its own styles and drawing parts),
with notes and links on the detail sheet, and with a sheet calamine cannot read as openpyxl does."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from budget_disclosure.fill import fill_book, writes_sheet
from budget_disclosure.layout.inputs import DETAIL_SHEET
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from budget_disclosure.xlio.archive import workbook_parts
from budget_disclosure.xlio.split_book import SplitBook

from conftest import run_soffice, soffice
from helpers import example_book, with_notes_and_links


def snapshot(path: Path) -> dict:
    """Everything a reader of the file sees, sheet by sheet, through openpyxl (not the split code)."""
    wb = load_workbook(path)
    out = {"order": wb.sheetnames}
    for ws in wb.worksheets:
        cells = {}
        for (r, c), cell in ws._cells.items():
            if cell.value is None and not cell.has_style:
                continue
            cells[(r, c)] = (cell.value, cell.number_format, cell.font.b, cell.font.sz, cell.font.name,
                             cell.fill.fgColor.rgb, cell.border.left and cell.border.left.style, cell.alignment.horizontal,
                             cell.alignment.wrap_text, cell.comment.text if cell.comment else None,
                             cell.hyperlink.target if cell.hyperlink else None)
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        out[ws.title] = (ws.sheet_state, sorted(str(m) for m in ws.merged_cells.ranges), widths,
                         ws.freeze_panes, cells)
    return out


def fill_both(source: Path, tmp_path: Path) -> tuple[Path, Path, SplitBook]:
    whole, split = tmp_path / "whole.xlsx", tmp_path / "split.xlsx"
    book = OpenpyxlBook.open(source)
    fill_book(book)
    book.save(whole)
    fast = SplitBook.open_for_writing(source, writes_sheet)
    assert isinstance(fast, SplitBook), "the detail sheet should be carried"
    fill_book(fast)
    fast.save(split)
    return whole, split, fast


def carried_parts_unchanged(source: Path, output: Path, carried: dict[str, str]) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(output) as new:
        assert new.testzip() is None
        new_parts, _ = workbook_parts(new)
        for sheet, part in carried.items():
            assert new.read(new_parts[sheet]) == old.read(part), f"{sheet} was not carried byte for byte"


def test_the_split_fill_equals_the_whole_book_fill(tmp_path):
    source = example_book(tmp_path / "in.xlsx", edit=with_notes_and_links)
    whole, split, fast = fill_both(source, tmp_path)
    assert DETAIL_SHEET in fast.carried and "名词解释" not in fast.carried
    assert not any(writes_sheet(s) for s in fast.carried)
    assert snapshot(split) == snapshot(whole)
    carried_parts_unchanged(source, split, fast.carried)


def test_a_carried_sheet_cannot_be_written(tmp_path):
    source = example_book(tmp_path / "in.xlsx")
    fast = SplitBook.open_for_writing(source, writes_sheet)
    with pytest.raises(RuntimeError):
        fast.write_block(DETAIL_SHEET, 2, 1, [["x"]])
    assert fast.read_block(DETAIL_SHEET, 1, 1, 1, 2) == OpenpyxlBook.open(source).read_block(DETAIL_SHEET, 1, 1, 1, 2)


@pytest.mark.libreoffice
def test_a_workbook_saved_by_an_office_suite(tmp_path):
    """LibreOffice saves shared strings, its own style table and a drawing part on the detail
    sheet: the split fill still equals the whole-book fill, and LibreOffice opens the result."""
    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    mine = example_book(tmp_path / "mine.xlsx", edit=with_notes_and_links)
    resaved = tmp_path / "office"
    run_soffice(["--convert-to", "xlsx", "--outdir", str(resaved), str(mine)], tmp_path)
    source = resaved / "mine.xlsx"
    with zipfile.ZipFile(source) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
    whole, split, fast = fill_both(source, tmp_path)
    assert DETAIL_SHEET in fast.carried
    assert snapshot(split) == snapshot(whole)
    carried_parts_unchanged(source, split, fast.carried)
    # an office suite reads the spliced package: every carried cell and every table as written
    reopened = tmp_path / "reopened"
    shutil.copy(split, tmp_path / "split_copy.xlsx")
    run_soffice(["--convert-to", "xlsx", "--outdir", str(reopened), str(tmp_path / "split_copy.xlsx")], tmp_path)
    theirs, ours = load_workbook(reopened / "split_copy.xlsx"), load_workbook(split)
    for name in ours.sheetnames:
        if ours[name].sheet_state != "visible":
            continue
        values = lambda ws: [[c for c in row] for row in ws.iter_rows(values_only=True) if any(v not in (None, "") for v in row)]  # noqa: E731
        assert values(theirs[name]) == values(ours[name]), name
