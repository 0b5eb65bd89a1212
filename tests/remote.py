"""A bridge to xlwings' own remote engine for testing macros on Linux without Excel.

``book_json`` turns a real .xlsx into the JSON an Office.js client sends; ``apply_actions``
replays the actions the macro returned onto a copy with openpyxl. It knows only the actions in
``OFFICE_JS_ACTIONS`` that we replay; any other action fails the test, so a macro cannot start
using something the target client (xlwings Server's Office.js client) or this bridge can't do.
"""

from __future__ import annotations

import re
from copy import copy
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

# Replayed here and registered by the xlwings-server 1.20 Office.js client.
OFFICE_JS_ACTIONS = {
    "setValues", "setRangeColor", "addNote", "deleteNote", "addHyperlink", "rangeInsert", "rangeDelete",
    "setNumberFormat", "setFontProperty", "setHorizontalAlignment", "setVerticalAlignment", "setWrapText",
    "setBorderProperty", "addSheet", "sheetDelete", "setSheetVisibility", "setColumnWidth", "namesAdd", "nameDelete",
    "alert", "runMacro",
}


def book_json(path: Path, client: str = "Office.js", notes_supported: bool = True, exclude=()) -> dict:
    """The request Office.js sends: every sheet's name and visibility, the values of the sheets not
    excluded, which cells have a note (only where the notes API exists: ExcelApi 1.18)."""
    import xlwings as xw

    wb = load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [["" if v is None else (float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
                   for v in row] for row in ws.iter_rows(values_only=True)] or [[""]]
        notes = [{"address": c.coordinate} for row in ws.iter_rows() for c in row if c.comment]
        excluded = ws.title in exclude
        sheets.append({"name": ws.title, "values": [[]] if excluded else values, "pictures": [], "tables": [],
                       "shapes": [], "charts": [], "notes": [] if excluded or not notes_supported else notes,
                       "notes_supported": notes_supported,
                       "visibility": {"visible": "Visible", "hidden": "Hidden"}.get(ws.sheet_state, "VeryHidden")})
    names = []
    for index, ws in enumerate(wb.worksheets):
        for name, defined in ws.defined_names.items():
            address = defined.attr_text.split("!")[-1].replace("$", "")
            names.append({"name": name, "sheet_index": index, "address": address, "book_scope": False,
                          "scope_sheet_index": index, "scope_sheet_name": ws.title})
    return {"client": client, "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": names, "sheets": sheets}


def fills_json(path: Path, skip=("预算明细",)) -> str:
    """The fill colours ribbon.js sends along: {sheet: [[row, column, "#RRGGBB"], …]}."""
    import json

    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        out[ws.title] = [[c.row, c.column, "#" + c.fill.fgColor.rgb[-6:]] for row in ws.iter_rows() for c in row
                         if c.fill is not None and c.fill.patternType == "solid" and isinstance(c.fill.fgColor.rgb, str)]
    return json.dumps(out, ensure_ascii=False)


def run_macro(path: Path, macro) -> tuple[list[dict], str]:
    import xlwings as xw

    book = xw.Book(json=book_json(path))
    message = macro(book)
    return book.json()["actions"], message


def _cells(ws, action):
    r0, c0 = action["start_row"] + 1, action["start_column"] + 1
    rows, cols = action["row_count"], min(action["column_count"], ws.max_column + 1)
    for r in range(r0, r0 + rows):
        for c in range(c0, c0 + cols):
            yield ws.cell(r, c)


_ADDRESS = re.compile(r"\$?([A-Z]+)\$?(\d+)")


def _restyle(ws, action, change) -> None:
    """Apply ``change`` (an openpyxl cell → sets one style attribute) to every cell of the action's
    range: computed once per distinct style the range holds (openpyxl hashes every style object it
    is given — per cell, a table's replay took seconds), then copied as style indices."""
    done: dict[tuple, object] = {}
    for cell in _cells(ws, action):
        if cell._style is None:  # a merged cell's hidden part: openpyxl styles it its own way
            change(cell)
            continue
        key = tuple(cell._style)
        if key not in done:
            change(cell)
            done[key] = copy(cell._style)
        else:
            cell._style = copy(done[key])


def apply_actions(src: Path, dst: Path, actions: list[dict]) -> list[str]:
    """Replay actions onto a copy of ``src`` saved as ``dst``; returns unknown action names."""
    wb = load_workbook(src)
    unknown, alerts = [], []
    thin = Side(style="thin")
    for a in actions:
        func = a["func"]
        if func not in OFFICE_JS_ACTIONS:
            unknown.append(func)
            continue
        ws = wb.worksheets[a["sheet_position"]] if a.get("sheet_position") is not None else None
        args = a["args"]
        if func == "setValues":
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    cell = ws.cell(a["start_row"] + 1 + i, a["start_column"] + 1 + j)
                    if isinstance(v, str) and v.startswith("'"):  # Excel's quote prefix: the text after it, as text
                        cell.value = v[1:]
                        cell.data_type = "s"
                    elif isinstance(v, str) and v.startswith("="):  # as Excel takes it: a live formula
                        cell.value = v
                    else:
                        cell.value = None if v == "" else v
        elif func == "setRangeColor":
            fill = PatternFill("solid", fgColor=args[0].lstrip("#")) if args[0] else PatternFill()
            _restyle(ws, a, lambda cell: setattr(cell, "fill", fill))
        elif func == "addNote":
            col, row = _ADDRESS.match(args[0]).groups()
            ws[f"{col}{row}"].comment = Comment(args[1], "budget-disclosure 校验")
        elif func == "deleteNote":
            col, row = _ADDRESS.match(args[0]).groups()
            ws[f"{col}{row}"].comment = None
        elif func == "addHyperlink":
            cell = ws.cell(a["start_row"] + 1, a["start_column"] + 1)
            cell.hyperlink = args[0]
            cell.style = "Hyperlink"
        elif func == "rangeInsert":
            ws.insert_rows(a["start_row"] + 1, a["row_count"])
        elif func == "rangeDelete":
            ws.delete_rows(a["start_row"] + 1, a["row_count"])
        elif func == "setNumberFormat":
            _restyle(ws, a, lambda cell: setattr(cell, "number_format", args[0]))
        elif func == "setFontProperty":
            _restyle(ws, a, lambda cell: setattr(cell, "font", Font(**{
                **{"name": cell.font.name, "b": cell.font.b, "sz": cell.font.sz},
                {"bold": "b", "size": "sz"}.get(args[0], args[0]): args[1]})))
        elif func in ("setHorizontalAlignment", "setVerticalAlignment", "setWrapText"):
            args = args[0] if isinstance(args, list) else args
            if isinstance(args, str):
                args = {"centeracrossselection": "centerContinuous"}.get(args.lower(), args.lower())
            def align(cell, func=func, args=args):
                al = cell.alignment
                if func == "setWrapText":
                    cell.alignment = Alignment(horizontal=al.horizontal, vertical=al.vertical, wrap_text=bool(args))
                elif func == "setHorizontalAlignment":
                    cell.alignment = Alignment(horizontal=args, vertical=al.vertical, wrap_text=al.wrap_text)
                else:
                    cell.alignment = Alignment(horizontal=al.horizontal, vertical=args, wrap_text=al.wrap_text)
            _restyle(ws, a, align)
        elif func == "setBorderProperty":
            border = Border(left=thin, right=thin, top=thin, bottom=thin)
            _restyle(ws, a, lambda cell: setattr(cell, "border", border))
        elif func == "addSheet":
            wb.create_sheet(args[1], index=args[0])
        elif func == "sheetDelete":
            del wb[wb.worksheets[a["sheet_position"]].title]
        elif func == "setSheetVisibility":
            ws.sheet_state = {"Hidden": "hidden", "VeryHidden": "veryHidden"}.get(args[0], "visible")
        elif func == "setColumnWidth":
            ws.column_dimensions[get_column_letter(a["start_column"] + 1)].width = args[0]
        elif func == "namesAdd":
            ref = args[1].lstrip("=")
            ws.defined_names[args[0]] = DefinedName(args[0], attr_text=ref, localSheetId=a["sheet_position"])
        elif func == "nameDelete":
            name = args[2]
            target = wb.worksheets[args[5]] if args[5] is not None else ws
            if name in target.defined_names:
                del target.defined_names[name]
        elif func in ("alert", "runMacro"):  # a message box; a callback of ribbon.js (the download)
            alerts.append(args[0])
    wb.save(dst)
    return unknown

