"""A fast read-only adapter of the workbook port, on python-calamine (Rust): for checking, which
needs values only, and for old .xls workbooks that openpyxl cannot read. Writing goes through
the openpyxl adapter; this one has no write operations."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from budget_disclosure.xlio.archive import WorkbookRejected, broken_part, inspect

_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_CELL_WITH_FORMULA = re.compile(rb"<(?:\w+:)?c\b[^>]*>(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?f[ >/](?:(?!</(?:\w+:)?c>).)*?</(?:\w+:)?c>",
                                re.S)


_LAST_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_TWO_LETTER_CELL = re.compile(rb'r="[A-Z]{2}')  # every cell beyond column Z has it (and a few other things)
_WIDE_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{2,3})\d+"')
FAR_ROW, FAR_COLUMN = 300_000, 200  # beyond: calamine would allocate the whole rectangle up to that cell


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def needs_openpyxl(path: Path) -> str | None:
    """Why this workbook must be read by the openpyxl adapter, or None (``part_needs_openpyxl`` of
    any of its sheets). Checked on the raw XML, fast."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                reason = part_needs_openpyxl(archive.read(name))
                if reason:
                    return reason
    return None


def part_needs_openpyxl(data: bytes) -> str | None:
    """Why calamine cannot read this sheet part as openpyxl would: a formula with no cached result
    (calamine would read it as blank; openpyxl recalculates it or marks it unread), or a cell far
    beyond the content (calamine fills the rectangle up to it — a stray entry at XFD1048576 is
    seventeen billion cells; openpyxl reads the content and names the far cell)."""
    tail = list(_LAST_ROW.finditer(data[-4096:])) or list(_LAST_ROW.finditer(data))
    if tail and int(tail[-1].group(1)) > FAR_ROW:
        return "far"
    # quick literal scans first (a 20,000-line sheet is 17 MB of XML), the exact patterns after
    if _TWO_LETTER_CELL.search(data) and any(_column_number(m.group(1)) > FAR_COLUMN for m in _WIDE_CELL.finditer(data)):
        return "far"
    if (b"f>" in data or b'f t="dataTable"' in data) and _FORMULA.search(data):
        for cell in _CELL_WITH_FORMULA.finditer(data):
            if not re.search(rb"<(?:\w+:)?v>[^<]", cell.group(0)):
                return "formula"
    return None


class CalamineBook:
    read_only = True

    @classmethod
    def fast(cls, path: Path) -> "CalamineBook | None":
        """The fast reader for a .xlsx / .xlsm checked without writing, after the archive is inspected;
        None when the openpyxl adapter must read it (``needs_openpyxl``)."""
        inspect(path)
        return None if needs_openpyxl(path) else cls(path)

    def __init__(self, path: Path):
        from python_calamine import CalamineWorkbook

        self.path = Path(path)
        try:
            self.wb = CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:  # noqa: BLE001 - calamine raises its own error kinds for damaged files
            raise WorkbookRejected(f"{self.path}：无法读取工作簿（{type(exc).__name__}）：文件可能已损坏") from exc
        self._grids: dict[str, list[list[object]]] = {}
        self._extents: dict[str, tuple[int, int]] = {}

    def _grid(self, sheet: str) -> list[list[object]]:
        if sheet not in self._grids:
            try:
                rows = self.wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except Exception as exc:  # noqa: BLE001 - a damaged sheet part: name it, in Chinese
                part = broken_part(self.path) if self.path.suffix.lower() != ".xls" else None
                where = f"部件 {part} 不是合法的 XML" if part else f"工作表“{sheet}”无法读取（{type(exc).__name__}）"
                raise WorkbookRejected(f"{self.path}：工作簿内容已损坏：{where}；请用 Excel 打开修复后另存") from exc
            # calamine reads an empty cell as "": the port's None (a dense row has none, and is kept as it is)
            self._grids[sheet] = [row if "" not in row else [None if v == "" else v for v in row] for row in rows]
        return self._grids[sheet]

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheet_names)

    def extent(self, sheet: str) -> tuple[int, int]:
        if sheet not in self._extents:
            grid = self._grid(sheet)
            last_row = next((r for r in range(len(grid), 0, -1) if any(v is not None for v in grid[r - 1])), 0)
            # calamine's grid is a rectangle: the last column with a filled cell, from the right (a filled
            # last column is found in its first filled row)
            width = max((len(row) for row in grid[:last_row]), default=0)
            last_col = next((c for c in range(width, 0, -1)
                             if any(len(row) >= c and row[c - 1] is not None for row in grid[:last_row])), 0)
            self._extents[sheet] = (last_row, last_col)
        return self._extents[sheet]

    def far_cells(self, sheet: str) -> list[tuple[int, int, object]]:
        return []

    def read_block(self, sheet: str, top: int, left: int, bottom: int, right: int) -> list[list[object]]:
        """The block's rows; a block as wide as the sheet's rows gives the grid's own row lists, not
        copies (a 100,000-line 预算明细 is read once, by callers that do not change what they read)."""
        grid = self._grid(sheet)
        if left == 1 and bottom <= len(grid) and all(len(row) == right for row in grid[top - 1:bottom]):
            return grid[top - 1:bottom]
        width = right - left + 1
        out = []
        for r in range(top - 1, bottom):
            cells = grid[r][left - 1:right] if r < len(grid) else []
            out.append(cells + [None] * (width - len(cells)) if len(cells) < width else cells)
        return out
