"""The xlwings adapter of the workbook port: an ``xw.Book`` from the ribbon (desktop Excel via
COM) or from xlwings Server / Office.js (the remote engine). Same operations as the openpyxl
adapter, always on whole ranges; the remote engine turns them into a handful of actions."""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from budget_disclosure.engine.issues import column_letter, column_number
from budget_disclosure.xlio.cell_text import excel_input
from budget_disclosure.xlio.port import KEEP_NOTE, UNKNOWN_FILL, CellStyle



def _to_excel(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    return excel_input(value)


class XlwingsBook:
    """Wraps an ``xlwings.Book``. Nothing is saved here: Excel holds the workbook.

    ``fills``: on xlwings Server the request carries values only, so the ribbon's script sends the
    fill colours along ({sheet: [[row, column, "#RRGGBB"], …]}: the cells that have one, as Office.js
    reads them); a flag then records the cell's real fill and clearing restores it."""

    def __init__(self, book, fills: dict | None = None):
        self.book = book
        self._client_fills = fills or {}
        self._fills: dict[tuple[str, int, int], str] = {}  # fills this macro set, by cell

    def _sheet(self, name: str):
        return self.book.sheets[name]

    def _range(self, sheet: str, top: int, left: int, bottom: int, right: int):
        return self._sheet(sheet).range((top, left), (bottom, right))

    # -- the port ---------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def extent(self, sheet: str) -> tuple[int, int]:
        used = self._sheet(sheet).used_range
        last = used.last_cell
        if last.row == 1 and last.column == 1 and used.value in (None, ""):
            return (0, 0)
        return (last.row, last.column)

    def far_cells(self, sheet: str) -> list[tuple[int, int, object]]:
        return []  # Excel keeps the used range itself

    def read_block(self, sheet: str, top: int, left: int, bottom: int, right: int) -> list[list[object]]:
        if bottom < top or right < left:
            return []
        values = self._range(sheet, top, left, bottom, right).options(ndim=2).value
        return [[None if v == "" else v for v in row] for row in values]

    def write_block(self, sheet: str, top: int, left: int, values: Sequence[Sequence[object]]) -> None:
        if not values:
            return
        width = max(len(r) for r in values)
        if width == 0:
            return
        rows = [[_to_excel(v) for v in r] + [None] * (width - len(r)) for r in values]
        self._range(sheet, top, left, top + len(rows) - 1, left + width - 1).value = rows

    def style_block(self, sheet: str, top: int, left: int, bottom: int, right: int, style: CellStyle) -> None:
        rng = self._range(sheet, top, left, bottom, right)
        rng.number_format = "@" if style.text else style.number_format
        rng.font.bold = style.bold
        rng.font.size = style.size
        rng.horizontal_alignment = style.align
        rng.vertical_alignment = style.valign
        rng.wrap_text = style.wrap
        if style.border:
            rng.borders.line_style = "continuous"
            rng.borders.weight = "thin"
        rng.color = f"#{style.fill}" if style.fill else None

    def style_columns(self, sheet: str, top: int, bottom: int, left: int, styles: Sequence[CellStyle]) -> None:
        """What all columns share is set once on the whole block; then one number format and
        alignment per run of columns that share them (few actions, whatever the width)."""
        right = left + len(styles) - 1
        block = self._range(sheet, top, left, bottom, right)
        first = styles[0]
        if all(s.bold == first.bold and s.size == first.size for s in styles):
            block.font.bold, block.font.size = first.bold, first.size
        else:
            for offset, style in enumerate(styles):
                column = self._range(sheet, top, left + offset, bottom, left + offset)
                column.font.bold, column.font.size = style.bold, style.size
        block.vertical_alignment = first.valign
        block.wrap_text = any(s.wrap for s in styles)
        if any(s.border for s in styles):
            block.borders.line_style = "continuous"
            block.borders.weight = "thin"
        block.color = None
        run_start = 0
        for offset in range(1, len(styles) + 1):
            if offset == len(styles) or _run_key(styles[offset]) != _run_key(styles[run_start]):
                run = self._range(sheet, top, left + run_start, bottom, left + offset - 1)
                style = styles[run_start]
                run.number_format = "@" if style.text else style.number_format
                run.horizontal_alignment = style.align
                run_start = offset

    def insert_rows(self, sheet: str, at: int, count: int) -> None:
        if count > 0:
            self._sheet(sheet).range(f"{at}:{at + count - 1}").insert("down")

    def delete_rows(self, sheet: str, at: int, count: int) -> None:
        if count > 0:
            self._sheet(sheet).range(f"{at}:{at + count - 1}").delete("up")

    def _sheet_name(self, sheet: str, name: str):
        for n in self._sheet(sheet).names:
            if n.name == name or n.name.endswith("!" + name):
                return n
        return None

    def get_area(self, sheet: str, name: str) -> tuple[int, int] | None:
        defined = self._sheet_name(sheet, name)
        if defined is None:
            return None
        rng = defined.refers_to_range
        return (rng.row, rng.row + rng.rows.count - 1)

    def set_area(self, sheet: str, name: str, rows: tuple[int, int] | None, right: int) -> None:
        existing = self._sheet_name(sheet, name)
        if existing is not None:
            existing.delete()
        if rows is not None:
            quoted = "'" + sheet.replace("'", "''") + "'"
            self._sheet(sheet).names.add(name, f"={quoted}!$A${rows[0]}:${column_letter(right)}${rows[1]}")

    # -- marks ------------------------------------------------------------------------------
    def anchors(self, sheet: str, cells: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        if self._remote:  # the remote engine does not report merged areas; marks go where asked
            return list(cells)
        ran, read = self._addin("BDAnchors", sheet, ";".join(_a1(r, c) for r, c in cells)) if cells else (False, None)
        if ran:
            return [_cell_of(str(a)) for a in ([read] if isinstance(read, str) else read)]
        ws = self._sheet(sheet)
        out = []
        for row, col in cells:
            area = ws.range((row, col)).merge_area
            out.append((area.row, area.column))
        return out

    def supports_notes(self) -> bool:
        """Excel without the notes API (ExcelApi 1.18: Office 2021/2024 LTSC, older Microsoft 365)
        says so in every sheet of the request; flags are then fills and the 校验结果 sheet."""
        if not self._remote:
            return True
        return all(s.api.get("notes_supported") is not False for s in self.book.sheets)

    def _fill_of(self, sheet: str, row: int, col: int) -> str:
        if (sheet, row, col) in self._fills:
            return self._fills[(sheet, row, col)]
        sent = self._client_fills.get(sheet)
        if isinstance(sent, list):  # the cells with a fill; every other cell of the sheet has none
            if not isinstance(self._client_fills.get((sheet,)), dict):
                self._client_fills[(sheet,)] = {(int(r), int(c)): _fill_token(color) for r, c, color in sent}
            return self._client_fills[(sheet,)].get((row, col), "none")
        try:
            color = self._sheet(sheet).range((row, col)).color
        except NotImplementedError:  # the remote engine, and the client sent no fills
            return UNKNOWN_FILL
        return f"solid:{_hex(color)}" if color else "none"

    def _addin(self, name: str, sheet: str, *args) -> tuple[bool, object]:
        """(ran, result) of one call of the add-in's VBA helper for a whole sheet (desktop Excel);
        (False, None) when the helper is not there (an older add-in): then it goes cell by cell."""
        if self._remote or self._addin_missing:
            return False, None
        try:
            return True, self.book.app.macro(name)(self.book.name, sheet, *args)
        except Exception:  # noqa: BLE001 - Application.Run raises when the macro cannot be found
            self._addin_missing = True
            return False, None

    _addin_missing = False

    def get_marks(self, sheet: str, cells: Sequence[tuple[int, int]]) -> list[tuple[str, str, str]]:
        ran, read = self._addin("BDGetMarks", sheet, ";".join(_a1(r, c) for r, c in cells)) if cells else (False, None)
        if ran:
            rows = [read] if len(cells) == 1 and read and not isinstance(read[0], (list, tuple)) else read
            return [(str(fill), str(note or ""), "") for fill, note in rows]
        ws = self._sheet(sheet)
        marks = []
        for row, col in cells:
            fill = self._fill_of(sheet, row, col)
            try:
                note = ws.range((row, col)).note
                text = (note.text or "") if note is not None else ""
            except (NotImplementedError, AttributeError, KeyError):
                # a note whose text the remote engine cannot read, or no notes API at all
                text = KEEP_NOTE if self.supports_notes() else ""
            marks.append((fill, text, ""))
        return marks

    def set_marks(self, sheet: str, cells: Sequence[tuple[int, int]], marks: Sequence[tuple[str, str, str]]) -> None:
        ws = self._sheet(sheet)
        if self._remote:  # one action per vertical run of a colour
            for (col, first, last), fill in _colour_runs(cells, [m[0] for m in marks]):
                ws.range((first, col), (last, col)).color = "#" + fill[6:] if fill.startswith("solid:") else None
        else:  # desktop: one call per colour and union range ("A1,C5,…", Excel's 255-character limit)
            for fill, addresses in _by_colour(cells, [m[0] for m in marks]):
                for union in _unions(addresses):
                    ws.range(union).color = "#" + fill[6:] if fill.startswith("solid:") else None
        self._fills.update(((sheet, row, col), mark[0] if mark[0].startswith("solid:") else "none")
                           for (row, col), mark in zip(cells, marks))
        if not self.supports_notes():
            return  # an addNote would fail on the client half-way through the batch
        noted = [(cell, mark[1]) for cell, mark in zip(cells, marks) if mark[1] != KEEP_NOTE]
        if not noted or self._addin("BDSetNotes", sheet, ";".join(_a1(r, c) for (r, c), _ in noted),
                                    "\x1f".join(text.replace("\x1f", " ") for _, text in noted))[0]:
            return
        for (row, col), (fill, note, _author) in zip(cells, marks):
            cell = ws.range((row, col))
            if note == KEEP_NOTE:
                continue  # the user's own note, unreadable here: leave it as it is
            if cell.note is not None:
                cell.note.delete()
            if note:
                cell.add_note(note)

    def discard_changes(self) -> None:
        """Forget every change this macro asked for (xlwings Server: the actions not yet sent), so
        a macro that fails changes nothing; on the desktop, changes are made as they are asked."""
        if self._remote:
            self.book.impl._json["actions"] = []

    def set_links(self, sheet: str, links: Sequence[tuple[int, int, str]]) -> None:
        ws = self._sheet(sheet)
        if not self._remote and links:
            # desktop: HYPERLINK formulas, written as one block per column run (two calls, not two per link)
            for (col, first, last), _ in _colour_runs([(r, c) for r, c, _ in links], ["link"] * len(links)):
                shown = self.read_block(sheet, first, col, last, col)
                targets = {r: t for r, c, t in links if c == col}
                ws.range((first, col), (last, col)).formula = [
                    [_hyperlink(targets[r], shown[r - first][0] or targets[r])] for r in range(first, last + 1)]
            return
        for row, col, target in links:
            cell = ws.range((row, col))
            cell.add_hyperlink("#" + target, str(cell.value or target))

    def add_sheet(self, name: str, hidden: bool = False) -> None:
        sheet = self.book.sheets.add(name, after=self.book.sheets[len(self.book.sheets) - 1])
        if hidden:  # very hidden: not listed under 取消隐藏, so nobody edits the bookkeeping by hand
            if self._remote:
                sheet.impl.append_json_action(func="setSheetVisibility", args="VeryHidden")
                sheet.impl.api["visibility"] = "VeryHidden"
            else:
                try:
                    sheet.api.Visible = 2  # xlSheetVeryHidden (Windows COM)
                except Exception:  # noqa: BLE001 - macOS: AppleScript knows only hidden
                    sheet.visible = False

    def remove_sheet(self, name: str) -> None:
        if name in self.sheet_names():
            self._sheet(name).delete()

    @property
    def _remote(self) -> bool:
        """xlwings Server / Office.js: some operations have no action there."""
        return self.book.app.engine.name == "remote"

    def set_heights(self, sheet: str, top: int, heights: Sequence[float | None]) -> None:
        if self._remote:  # the Office.js client (xlwings-server 1.20) has no row-height action
            return
        ws = self._sheet(sheet)
        for row, height in enumerate(heights, start=top):
            if height is not None:
                ws.range(f"{row}:{row}").row_height = height

    def set_print(self, sheet: str, landscape: bool, title_rows: tuple[int, int] | None = None) -> None:
        # Page setup exists only in desktop Excel's object model (COM / AppleScript); the remote
        # engine of xlwings Server has none, and the sheet then keeps Excel's print defaults.
        if self._remote:
            return
        try:
            setup = self._sheet(sheet).api.PageSetup
            setup.Orientation = 2 if landscape else 1  # xlLandscape / xlPortrait
            setup.Zoom = False
            setup.FitToPagesWide, setup.FitToPagesTall = 1, False
            if title_rows:
                setup.PrintTitleRows = f"${title_rows[0]}:${title_rows[1]}"
        except Exception:  # noqa: BLE001 - no page setup on this engine
            pass

    def set_widths(self, sheet: str, widths: Sequence[float]) -> None:
        ws = self._sheet(sheet)
        for index, width in enumerate(widths, start=1):
            letter = column_letter(index)
            ws.range(f"{letter}:{letter}").column_width = width


def _run_key(style: CellStyle) -> tuple:
    return (style.text, style.number_format, style.align)


def _colour_runs(cells: Sequence[tuple[int, int]], fills: Sequence[str]) -> list[tuple[tuple[int, int, int], str]]:
    """Group cells into vertical runs of the same fill: ((column, first row, last row), fill)."""
    by_cell = sorted(zip(cells, fills), key=lambda item: (item[0][1], item[0][0]))
    runs: list[tuple[tuple[int, int, int], str]] = []
    for (row, col), fill in by_cell:
        if runs:
            (r_col, r_first, r_last), r_fill = runs[-1]
            if r_col == col and r_last == row - 1 and r_fill == fill:
                runs[-1] = ((col, r_first, row), fill)
                continue
        runs.append(((col, row, row), fill))
    return runs


def _hyperlink(target: str, shown: object) -> str:
    quote = lambda text: str(text).replace('"', '""')  # noqa: E731
    return f'=HYPERLINK("#{quote(target)}","{quote(shown)}")'


def _cell_of(address: str) -> tuple[int, int]:
    return int("".join(ch for ch in address if ch.isdigit())), column_number("".join(ch for ch in address if ch.isalpha()))


def _a1(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def _by_colour(cells: Sequence[tuple[int, int]], fills: Sequence[str]) -> list[tuple[str, list[str]]]:
    """The cells' addresses grouped by the fill they get (a run of a column written A5:A9)."""
    groups: dict[str, list[str]] = {}
    for (col, first, last), fill in _colour_runs(cells, fills):
        key = fill if fill.startswith("solid:") else "none"
        groups.setdefault(key, []).append(_a1(first, col) + (f":{_a1(last, col)}" if last > first else ""))
    return list(groups.items())


def _unions(addresses: list[str], limit: int = 250) -> list[str]:
    """Comma-joined addresses in pieces Excel's Range() accepts (at most 255 characters)."""
    out, current = [], ""
    for address in addresses:
        if current and len(current) + 1 + len(address) > limit:
            out.append(current)
            current = address
        else:
            current = f"{current},{address}" if current else address
    if current:
        out.append(current)
    return out


def _fill_token(color) -> str:
    """A fill as Office.js reports it ("#RRGGBB"; white or nothing for a cell without fill)."""
    if not color or str(color).upper() in ("#FFFFFF", "FFFFFF"):
        return "none"
    return "solid:" + str(color).lstrip("#").upper()


def _hex(color) -> str:
    if isinstance(color, tuple):
        return "".join(f"{c:02X}" for c in color[:3])
    return str(color).lstrip("#").upper()
