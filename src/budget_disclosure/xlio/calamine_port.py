"""A fast read-only adapter of the workbook port, on python-calamine (Rust): for checking, which
needs values only, and for old .xls workbooks that openpyxl cannot read. Writing goes through
the openpyxl adapter; this one has no write operations."""

from __future__ import annotations

import queue
import re
import threading
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from budget_disclosure.xlio.archive import WorkbookRejected, broken_part, inspect, read_part, workbook_parts

_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_CELL_WITH_FORMULA = re.compile(rb"<(?:\w+:)?c\b[^>]*>(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?f[ >/](?:(?!</(?:\w+:)?c>).)*?</(?:\w+:)?c>",
                                re.S)


_LAST_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_TWO_LETTER_CELL = re.compile(rb'r="[A-Z]{2}')  # every cell beyond column Z has it (and a few other things)
_WIDE_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{2,3})\d+"')
# A cell is far when it lies well beyond the rows the sheet really has (calamine would allocate the whole
# rectangle up to it): its row is more than twice the rows present plus FAR_ROW_MARGIN. A 300,000-line
# 预算明细 has its last row at about 300,001 and 300,001 rows: not far.
FAR_ROW_MARGIN, FAR_COLUMN = 100_000, 200


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _hide_under_merges(grid: list[list[object]], sheet) -> None:
    """A merged area shows its top-left value only (as Excel shows it and openpyxl reads it): a value
    stored under the rest of the area — left there by a row deleted without its merges moving — is
    not read, whichever adapter reads the file."""
    try:
        merges = sheet.merged_cell_ranges or []
    except Exception:  # noqa: BLE001 - a format calamine keeps no merges for (.xls, .ods): nothing hidden
        return
    for (r1, c1), (r2, c2) in merges:
        for r in range(r1, min(r2, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(c1, min(c2, len(row) - 1) + 1):
                if (r, c) != (r1, c1):
                    row[c] = None


def part_needs_openpyxl(data: bytes) -> str | None:
    """Why calamine cannot read this sheet part as openpyxl would: a formula with no cached result
    (calamine would read it as blank; openpyxl recalculates it or marks it unread), or a cell far
    beyond the content (calamine fills the rectangle up to it — a stray entry at XFD1048576 is
    seventeen billion cells; openpyxl reads the content and names the far cell)."""
    tail = list(_LAST_ROW.finditer(data[-4096:])) or list(_LAST_ROW.finditer(data))
    if tail and int(tail[-1].group(1)) > FAR_ROW_MARGIN and \
            int(tail[-1].group(1)) > 2 * (data.count(b"<row") + data.count(b":row ")) + FAR_ROW_MARGIN:
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
        None when the openpyxl adapter must read it (``part_needs_openpyxl`` of a sheet).

        Each sheet's raw XML is scanned, smallest first, and a sheet that passed is handed to a thread
        that parses it (calamine releases the GIL): the tables are ready at once, and the 预算明细 —
        the largest, last — is parsed while the caller reads the tables. No sheet is parsed before its
        scan passed: a cell far beyond the content would make calamine allocate the whole rectangle."""
        path = Path(path)
        # the sheet parts are verified as they are scanned below (one elsewhere is verified twice: it is small)
        inspect(path, read_later=lambda name: name.startswith("xl/worksheets/") and name.endswith(".xml"))
        book = cls(path)
        with zipfile.ZipFile(path) as archive:
            sizes = {entry.filename: entry.file_size for entry in archive.infolist()}
            try:
                sheets, _ = workbook_parts(archive)
            except (KeyError, ElementTree.ParseError) as exc:
                raise WorkbookRejected(f"{path}：工作簿结构已损坏（xl/workbook.xml 或其关系部件缺失或不是合法的 XML）；"
                                       f"请用 Excel 打开修复后另存") from exc
        parts = {sheet: part for sheet, part in sheets.items() if part in sizes}
        book._start_prefetch()
        try:
            with zipfile.ZipFile(path) as archive:
                for sheet, part in sorted(parts.items(), key=lambda item: sizes[item[1]]):
                    if part_needs_openpyxl(read_part(archive, part, path)):
                        return None
                    book._prefetch(sheet)
        finally:
            book._end_prefetch()  # (on None or an error: the thread stops after the sheet it is parsing)
        return book

    def __init__(self, path: Path):
        from python_calamine import CalamineWorkbook

        self.path = Path(path)
        try:
            self.wb = CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:  # noqa: BLE001 - calamine raises its own error kinds for damaged files
            raise WorkbookRejected(f"{self.path}：无法读取工作簿：文件已损坏，或不是 Excel 保存的格式；请用 Excel 打开后"
                                   f"另存为 .xlsx") from exc
        # calamine's workbook is used by one thread at a time (the prefetch thread may be parsing): its
        # sheet names are read once, here
        self._sheet_names = list(self.wb.sheet_names)
        self._grids: dict[str, list[list[object]]] = {}
        self._extents: dict[str, tuple[int, int]] = {}
        self._parsing = threading.Lock()  # calamine's workbook parses one sheet at a time
        self._queued: dict[str, threading.Event] = {}  # sheet → set once the prefetch thread is done with it
        self._queue: queue.SimpleQueue | None = None

    # -- the prefetch thread ------------------------------------------------------------------
    def _start_prefetch(self) -> None:
        self._queue = queue.SimpleQueue()
        threading.Thread(target=self._prefetching, args=(self._queue,), daemon=True).start()

    def _prefetch(self, sheet: str) -> None:
        self._queued[sheet] = threading.Event()
        self._queue.put(sheet)

    def _end_prefetch(self) -> None:
        self._queue.put(None)

    def _prefetching(self, sheets: queue.SimpleQueue) -> None:
        while (sheet := sheets.get()) is not None:
            try:
                self._parse(sheet)
            except Exception:  # noqa: BLE001 - a damaged sheet: the read on the caller's thread says so, in Chinese
                pass
            finally:
                self._queued[sheet].set()

    # -- reading ------------------------------------------------------------------------------
    def _grid(self, sheet: str) -> list[list[object]]:
        queued = self._queued.get(sheet)
        if queued is not None:
            queued.wait()
        if sheet not in self._grids:
            self._parse(sheet)
        return self._grids[sheet]

    def _parse(self, sheet: str) -> None:
        with self._parsing:
            if sheet in self._grids:
                return
            try:
                ws = self.wb.get_sheet_by_name(sheet)  # parses the sheet: once, for its rows and its merges
                rows = ws.to_python(skip_empty_area=False)
            except Exception as exc:  # noqa: BLE001 - a damaged sheet part: name it, in Chinese
                part = broken_part(self.path) if self.path.suffix.lower() != ".xls" else None
                where = f"部件 {part} 不是合法的 XML" if part else f"工作表“{sheet}”无法读取"
                raise WorkbookRejected(f"{self.path}：工作簿内容已损坏：{where}；请用 Excel 打开修复后另存") from exc
            # calamine reads an empty cell as "": the port's None (a dense row has none, and is kept as it is)
            grid = [row if "" not in row else [None if v == "" else v for v in row] for row in rows]
            _hide_under_merges(grid, ws)
            self._grids[sheet] = grid

    def sheet_names(self) -> list[str]:
        return list(self._sheet_names)

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
