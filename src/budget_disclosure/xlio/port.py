"""The workbook port: the few whole-block operations the product needs from a spreadsheet.

Adapters implement it for openpyxl (CLI, batch, export) and for an xlwings ``Book`` (ribbon
macros). Everything above this module speaks only this interface, in blocks, never cell by cell,
so that a macro issues a handful of reads and writes per sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

from budget_disclosure.engine.unread import UNREAD  # noqa: F401  (re-exported for the adapters)


# A note that exists but cannot be read (the remote engine sees only that a note is there):
# flags leave such a note untouched instead of replacing it, so nothing the user wrote is lost.
KEEP_NOTE = "\x00keep"
UNKNOWN_FILL = "unknown"  # a fill an engine could not read (xlwings Server without the colours sent)


@dataclass(frozen=True)
class CellStyle:
    """The formatting the product applies; adapters map it to their library."""

    bold: bool = False
    size: float = 10
    align: str = "left"  # left / center / right
    valign: str = "center"
    wrap: bool = False
    border: bool = True
    number_format: str = "General"
    fill: str | None = None  # "RRGGBB"
    text: bool = False  # store as text ("@"), for codes with leading zeros


class WorkbookPort(Protocol):
    def sheet_names(self) -> list[str]: ...

    def extent(self, sheet: str) -> tuple[int, int]:
        """(last used row, last used column), 1-based; (0, 0) for an empty sheet."""

    def far_cells(self, sheet: str) -> list[tuple[int, int, object]]:
        """(row, col, value) of non-empty cells far beyond the content, which extent() leaves out."""

    def read_block(self, sheet: str, top: int, left: int, bottom: int, right: int) -> list[list[object]]: ...

    def write_block(self, sheet: str, top: int, left: int, values: Sequence[Sequence[object]]) -> None: ...

    def style_block(self, sheet: str, top: int, left: int, bottom: int, right: int, style: CellStyle) -> None: ...

    def style_columns(self, sheet: str, top: int, bottom: int, left: int, styles: Sequence[CellStyle]) -> None:
        """Rows top..bottom, one style per column from ``left`` on (a data block in one go)."""

    def insert_rows(self, sheet: str, at: int, count: int) -> None: ...

    def delete_rows(self, sheet: str, at: int, count: int) -> None: ...

    def get_area(self, sheet: str, name: str) -> tuple[int, int] | None:
        """(first row, last row) of a sheet-scoped named area, or None."""

    def set_area(self, sheet: str, name: str, rows: tuple[int, int] | None, right: int) -> None:
        """Name rows first..last (columns A..right) on the sheet; None removes the name."""

    # -- marking cells (flags) -------------------------------------------------------------
    def get_marks(self, sheet: str, cells: Sequence[tuple[int, int]]) -> list[tuple[str, str, str]]:
        """(fill token, note text, note author) of each cell; the fill token is opaque but
        ``set_marks`` restores it exactly."""

    def set_marks(self, sheet: str, cells: Sequence[tuple[int, int]], marks: Sequence[tuple[str, str, str]]) -> None:
        """Set fill tokens (or "solid:RRGGBB") and notes ("" removes the note)."""

    def supports_notes(self) -> bool:
        """Whether set_marks can write notes (Excel without the notes API cannot)."""

    def anchors(self, sheet: str, cells: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Each cell, or the top-left cell of the merged range it lies in (where a mark can go)."""

    def set_links(self, sheet: str, links: Sequence[tuple[int, int, str]]) -> None:
        """Internal hyperlinks: (row, col, "'Sheet'!A1")."""

    def add_sheet(self, name: str, hidden: bool = False) -> None: ...

    def set_widths(self, sheet: str, widths: Sequence[float]) -> None:
        """Column widths from column A on."""

    def remove_sheet(self, name: str) -> None: ...

    def set_heights(self, sheet: str, top: int, heights: Sequence[float | None]) -> None:
        """Row heights in points from row ``top`` on (None leaves a row as it is)."""

    def set_print(self, sheet: str, landscape: bool, title_rows: tuple[int, int] | None = None) -> None:
        """A4, fit to the page width (as many pages down as needed), rows repeated on every page."""
