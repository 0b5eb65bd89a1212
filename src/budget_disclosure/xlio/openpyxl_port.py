"""The openpyxl adapter of the workbook port (CLI, batch, export, template building)."""

from __future__ import annotations

from collections import defaultdict

from pathlib import Path
from typing import Sequence

import json
from copy import copy

import budget_disclosure.xlio.openpyxl_import  # noqa: F401 - before openpyxl: see there
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles.colors import Color
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.utils import get_column_letter, quote_sheetname

from budget_disclosure.xlio.archive import WorkbookRejected, broken_part, inspect
from budget_disclosure.xlio.atomic import write_atomically
from budget_disclosure.xlio.cell_text import runs_as_formula
from budget_disclosure.xlio.port import KEEP_NOTE, UNREAD, CellStyle

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_NO_BORDER = Border()
FONT_NAME = "宋体"


def to_openpyxl(style: CellStyle) -> dict:
    return {
        "font": Font(name=FONT_NAME, size=style.size, bold=style.bold),
        "alignment": Alignment(horizontal=style.align, vertical=style.valign, wrap_text=style.wrap),
        "border": _BORDER if style.border else _NO_BORDER,
        "number_format": "@" if style.text else style.number_format,
        "fill": PatternFill("solid", fgColor=style.fill) if style.fill else PatternFill(),
    }


def put(cell, value: object) -> None:
    """The one way a value goes into an openpyxl cell: text from input stays text (openpyxl would
    store "=…" as a live formula; xlio/cell_text.py says which text a spreadsheet runs)."""
    cell.value = value
    if runs_as_formula(value):
        cell.data_type = "s"


def put_row(ws, row: int, values) -> None:
    """Row ``row`` from column A on, each value through ``put``."""
    for c, value in enumerate(values, 1):
        put(ws.cell(row, c), value)


class OpenpyxlBook:
    """A workbook on disk, opened with openpyxl. Macros are kept but never run."""

    def __init__(self, workbook: Workbook, path: Path | None = None):
        self.wb = workbook
        self.path = path
        self._cached = None  # the same file read for Excel's cached results of its formulas
        self._recalculated = None  # …and recalculated by LibreOffice, for formulas without one
        self._contents: dict[str, tuple] = {}  # sheet → (cell count, (extent, far cells))

    # -- formulas: read their results, never their text ---------------------------------------
    def _result(self, sheet: str, row: int, col: int) -> object:
        """The value of a formula cell: Excel's cached result; else LibreOffice's recalculation
        (when installed); else UNREAD."""
        if self.path is None:
            return UNREAD
        if self._cached is None:
            self._cached = load_workbook(self.path, data_only=True, read_only=False)
        value = _sheet_value(self._cached, sheet, row, col)
        if value is not None:
            return value
        if self._recalculated is None:
            self._recalculated = recalculated(self.path) or False
        if self._recalculated:
            value = _sheet_value(self._recalculated, sheet, row, col)
        return UNREAD if value is None else value

    @classmethod
    def open(cls, path: Path, source=None) -> "OpenpyxlBook":
        """Open after the archive is inspected (kind, bomb, CRC); a part that fails to parse is named.
        ``source``: a file object to load instead of ``path``, made from it after its inspection."""
        path = Path(path)
        if source is None:
            inspect(path)
        keep_vba = path.suffix.lower() in (".xlsm", ".xltm")
        try:
            return cls(load_workbook(source or path, keep_vba=keep_vba, keep_links=True), path)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
            part = broken_part(path)
            where = f"部件 {part} 不是合法的 XML" if part else "工作簿的结构不完整（缺少必需的部件或它们之间的关联）"
            raise WorkbookRejected(f"{path}：工作簿内容已损坏：{where}；请用 Excel 打开修复后另存") from exc

    def save(self, path: Path | None = None) -> None:
        target = Path(path or self.path)
        write_atomically(target, lambda tmp: self.wb.save(tmp))

    # -- the port ---------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def extent(self, sheet: str) -> tuple[int, int]:
        """The range the content fills, from the values themselves: openpyxl's max_row/max_column
        count every formatted or once-touched cell, and one stray cell at XFD1 or A1048576 would
        make every read span a million rows. Cells far beyond the content are left out (far_cells)."""
        return self._content(sheet)[0]

    def far_cells(self, sheet: str) -> list[tuple[int, int, object]]:
        """Non-empty cells far beyond the content (left out of every read), with their values."""
        return self._content(sheet)[1]

    def _content(self, sheet: str):
        # recomputed when cells are added (the usual way content grows); a value cleared to None
        # leaves the extent a little large, which costs nothing
        ws = self.wb[sheet]
        cached = self._contents.get(sheet)
        if cached is None or cached[0] != len(ws._cells):
            cached = (len(ws._cells), _content(ws))
            self._contents[sheet] = cached
        return cached[1]

    def read_block(self, sheet: str, top: int, left: int, bottom: int, right: int) -> list[list[object]]:
        if bottom < top or right < left:
            return []
        ws = self.wb[sheet]
        # Straight from the sheet's cell dictionary: iter_rows() would create (and keep) a Cell object
        # for every empty position, which is most of the cost of a check. openpyxl is pinned (3.1.5).
        cells = ws._cells
        columns = range(left, right + 1)
        out = []
        for r in range(top, bottom + 1):
            row = []
            for c in columns:
                cell = cells.get((r, c))
                if cell is None:
                    row.append(None)
                elif cell.data_type == "f":
                    row.append(self._result(sheet, r, c))
                else:
                    row.append(cell.value)
            out.append(row)
        return out

    def write_block(self, sheet: str, top: int, left: int, values: Sequence[Sequence[object]]) -> None:
        ws = self.wb[sheet]
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                put(ws.cell(top + r, left + c), value)

    def style_block(self, sheet: str, top: int, left: int, bottom: int, right: int, style: CellStyle) -> None:
        if bottom < top or right < left:
            return
        ws = self.wb[sheet]
        # Style one cell through openpyxl (which finds or adds each font, fill… in the workbook's
        # tables, hashing the objects: the slow part), then give every other cell a copy of its
        # style indices — the same result, a hundred times faster on a table of thousands of cells.
        first = ws.cell(top, left)
        for name, value in to_openpyxl(style).items():
            setattr(first, name, value)
        indices = first._style
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    ws.cell(r, c)._style = copy(indices)

    def style_columns(self, sheet: str, top: int, bottom: int, left: int, styles: Sequence[CellStyle]) -> None:
        for offset, style in enumerate(styles):
            self.style_block(sheet, top, left + offset, bottom, left + offset, style)

    def insert_rows(self, sheet: str, at: int, count: int) -> None:
        if count > 0:
            self.wb[sheet].insert_rows(at, count)

    def delete_rows(self, sheet: str, at: int, count: int) -> None:
        if count > 0:
            self.wb[sheet].delete_rows(at, count)

    def get_area(self, sheet: str, name: str) -> tuple[int, int] | None:
        ws = self.wb[sheet]
        defined = ws.defined_names.get(name)
        if defined is None:
            return None
        ref = defined.attr_text.split("!")[-1].replace("$", "")
        first, _, last = ref.partition(":")
        digits = lambda s: int("".join(ch for ch in s if ch.isdigit()))  # noqa: E731
        return (digits(first), digits(last or first))

    def set_area(self, sheet: str, name: str, rows: tuple[int, int] | None, right: int) -> None:
        ws = self.wb[sheet]
        if name in ws.defined_names:
            del ws.defined_names[name]
        if rows is None:
            return
        ref = f"{quote_sheetname(sheet)}!$A${rows[0]}:${get_column_letter(right)}${rows[1]}"
        ws.defined_names[name] = DefinedName(name, attr_text=ref, localSheetId=self.wb.sheetnames.index(sheet))

    # -- marks ----------------------------------------------------------------------------------
    def get_marks(self, sheet: str, cells: Sequence[tuple[int, int]]) -> list[tuple[str, str, str]]:
        ws = self.wb[sheet]
        marks = []
        for row, col in cells:
            cell = ws.cell(row, col)
            comment = cell.comment
            marks.append((_fill_token(cell.fill), comment.text if comment else "", comment.author if comment else ""))
        return marks

    def set_marks(self, sheet: str, cells: Sequence[tuple[int, int]], marks: Sequence[tuple[str, str, str]]) -> None:
        ws = self.wb[sheet]
        for (row, col), (fill, note, author) in zip(cells, marks):
            cell = ws.cell(row, col)
            cell.fill = _fill_from_token(fill)
            if note == KEEP_NOTE:
                continue
            if note:
                comment = Comment(note, author or "budget-disclosure")
                comment.width, comment.height = 320, 160
                cell.comment = comment
            else:
                cell.comment = None

    def supports_notes(self) -> bool:
        return True

    def anchors(self, sheet: str, cells: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Linear in cells and merges: the merges indexed by the rows they cover (a table of 20,000 rows
        each with a merged label must not make every cell scan every merge)."""
        ws = self.wb[sheet]
        by_row: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # row → (r1, c1, c2)
        tall: list[tuple[int, int, int, int]] = []  # merges over very many rows, looked at for every cell
        for r in ws.merged_cells.ranges:
            if r.max_row - r.min_row > 200:
                tall.append((r.min_row, r.min_col, r.max_row, r.max_col))
                continue
            for row in range(r.min_row, r.max_row + 1):
                by_row[row].append((r.min_row, r.min_col, r.max_col))
        out = []
        for row, col in cells:
            found = next(((r1, c1) for r1, c1, c2 in by_row.get(row, ()) if c1 <= col <= c2), None)
            if found is None:
                found = next(((r1, c1) for r1, c1, r2, c2 in tall if r1 <= row <= r2 and c1 <= col <= c2), (row, col))
            out.append(found)
        return out

    def set_links(self, sheet: str, links: Sequence[tuple[int, int, str]]) -> None:
        ws = self.wb[sheet]
        for row, col, target in links:
            cell = ws.cell(row, col)
            cell.hyperlink = "#" + target
            cell.style = "Hyperlink"

    def add_sheet(self, name: str, hidden: bool = False) -> None:
        ws = self.wb.create_sheet(name)
        if hidden:
            ws.sheet_state = "veryHidden"

    def set_widths(self, sheet: str, widths: Sequence[float]) -> None:
        ws = self.wb[sheet]
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width

    def remove_sheet(self, name: str) -> None:
        if name in self.wb.sheetnames:
            del self.wb[name]

    def set_heights(self, sheet: str, top: int, heights: Sequence[float | None]) -> None:
        ws = self.wb[sheet]
        for row, height in enumerate(heights, start=top):
            if height is not None:
                ws.row_dimensions[row].height = height

    def set_print(self, sheet: str, landscape: bool, title_rows: tuple[int, int] | None = None) -> None:
        ws = self.wb[sheet]
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if title_rows:
            ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"


def _sheet_value(wb, sheet: str, row: int, col: int) -> object:
    if sheet not in wb.sheetnames:
        return None
    cell = wb[sheet]._cells.get((row, col))
    return cell.value if cell is not None else None


_PROFILE: list[str] = []


def _office_profile() -> str:
    """One LibreOffice user profile per process, removed at exit: a new profile costs LibreOffice a
    few seconds of first start on every call; one per process also never meets another's lock."""
    if not _PROFILE:
        import atexit
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="bd-office-profile-")
        atexit.register(shutil.rmtree, folder, True)
        _PROFILE.append(folder)
    return _PROFILE[0]


def recalculated(path: Path):
    """The workbook as LibreOffice computes it (headless, in a temporary folder), data only; None
    when LibreOffice is not installed or fails. Used only for formulas without a cached result."""
    import shutil
    import subprocess
    import tempfile

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory(prefix="bd-recalc-") as tmp:
        source = Path(tmp) / f"in{Path(path).suffix}"
        shutil.copy(path, source)
        out = Path(tmp) / "out"
        try:
            subprocess.run([soffice, f"-env:UserInstallation=file://{_office_profile()}", "--headless", "--norestore",
                            "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                           capture_output=True, timeout=120, check=False)
            return load_workbook(out / "in.xlsx", data_only=True)
        except (OSError, subprocess.SubprocessError, ValueError, KeyError):
            return None


ROW_GAP, COLUMN_GAP = 1000, 100  # empty rows / columns after which a cell no longer belongs to the content


def _dense_end(positions: list[int], gap: int) -> int:
    last = positions[0]
    for position in positions[1:]:
        if position - last > gap:
            break
        last = position
    return last


def _content(ws) -> tuple[tuple[int, int], list[tuple[int, int, object]]]:
    filled = [(r, c, cell.value) for (r, c), cell in ws._cells.items() if cell.value is not None and cell.value != ""]
    if not filled:
        return (0, 0), []
    last_row = _dense_end(sorted({r for r, _, _ in filled}), ROW_GAP)
    last_col = _dense_end(sorted({c for _, c, _ in filled}), COLUMN_GAP)
    far = sorted((r, c, v) for r, c, v in filled if r > last_row or c > last_col)
    return (last_row, last_col), far


def _color_dict(color: Color | None) -> dict | None:
    if color is None:
        return None
    return {"type": color.type, "value": color.value, "tint": color.tint}


def _fill_token(fill) -> str:
    """An exact, JSON description of a cell's fill, restorable by ``_fill_from_token``."""
    if getattr(fill, "tagname", "") != "patternFill":  # a gradient fill: not used by the product, kept as none
        return json.dumps({"kind": "gradient"})
    return json.dumps({"patternType": fill.patternType, "fg": _color_dict(fill.fgColor), "bg": _color_dict(fill.bgColor)},
                      ensure_ascii=False, sort_keys=True)


def _color_from(d: dict | None) -> Color | None:
    if d is None:
        return None
    kwargs = {d["type"]: d["value"]} if d["type"] in ("rgb", "indexed", "theme") else {}
    return Color(tint=d["tint"], **kwargs)


def _fill_from_token(token: str) -> PatternFill:
    if token.startswith("solid:"):
        return PatternFill("solid", fgColor=token[6:])
    if not token.startswith("{"):  # "none", or "unknown" from an engine that cannot read fills
        return PatternFill()
    data = json.loads(token)
    if "patternType" not in data:
        return PatternFill()
    return PatternFill(patternType=data["patternType"], fgColor=_color_from(data["fg"]), bgColor=_color_from(data["bg"]))
