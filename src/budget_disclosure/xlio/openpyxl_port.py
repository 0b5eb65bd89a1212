"""The openpyxl adapter of the workbook port (CLI, batch, export, template building)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.utils import get_column_letter, quote_sheetname

from budget_disclosure.xlio.atomic import write_atomically
from budget_disclosure.xlio.port import CellStyle

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


class OpenpyxlBook:
    """A workbook on disk, opened with openpyxl. Macros are kept but never run."""

    def __init__(self, workbook: Workbook, path: Path | None = None):
        self.wb = workbook
        self.path = path

    @classmethod
    def open(cls, path: Path) -> "OpenpyxlBook":
        path = Path(path)
        keep_vba = path.suffix.lower() in (".xlsm", ".xltm")
        return cls(load_workbook(path, keep_vba=keep_vba, keep_links=True), path)

    def save(self, path: Path | None = None) -> None:
        target = Path(path or self.path)
        write_atomically(target, lambda tmp: self.wb.save(tmp))

    # -- the port ---------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def extent(self, sheet: str) -> tuple[int, int]:
        ws = self.wb[sheet]
        if ws.max_row == 1 and ws.max_column == 1 and ws.cell(1, 1).value is None:
            return (0, 0)
        return (ws.max_row, ws.max_column)

    def read_block(self, sheet: str, top: int, left: int, bottom: int, right: int) -> list[list[object]]:
        if bottom < top or right < left:
            return []
        ws = self.wb[sheet]
        return [list(r) for r in ws.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right,
                                               values_only=True)]

    def write_block(self, sheet: str, top: int, left: int, values: Sequence[Sequence[object]]) -> None:
        ws = self.wb[sheet]
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                ws.cell(top + r, left + c).value = value

    def style_block(self, sheet: str, top: int, left: int, bottom: int, right: int, style: CellStyle) -> None:
        ws = self.wb[sheet]
        attrs = to_openpyxl(style)
        for row in ws.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right):
            for cell in row:
                for name, value in attrs.items():
                    setattr(cell, name, value)

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
