"""Build real template workbooks with given inputs for tests."""

from __future__ import annotations

import functools
from pathlib import Path

from budget_disclosure.layout.inputs import DETAIL_COLUMNS, DETAIL_FIRST_ROW, DETAIL_SHEET, INFO_FIELDS, INFO_SHEET
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from budget_disclosure.xlio.template import build_template

HEADERS = [c.header for c in DETAIL_COLUMNS]
DEFAULT_INFO = {"code": "901", "name": "测试局", "year": 2025, "detail_unit": "元", "remark": None}


def line(func: str, econ: str, amount: object, fund: str = "一般公共预算拨款", kind: str = "基本支出·公用经费",
         unit: tuple[str, str] = ("901001", "测试局本级"), func_name: str | None = None,
         econ_name: str | None = None, project: tuple[str, str] = ("", "")) -> list[object]:
    return [unit[0], unit[1], func, func_name, econ, econ_name, fund, kind, project[0] or None,
            project[1] or None, amount]


def make_book(path: Path, lines: list[list[object]], info: dict | None = None,
              codes: list[tuple[str, str]] | None = None) -> Path:
    book = build_template()
    merged = {**DEFAULT_INFO, **(info or {})}
    book.write_block(INFO_SHEET, 2, 2, [[merged.get(key)] for key, _ in INFO_FIELDS])
    if lines:
        book.write_block(DETAIL_SHEET, DETAIL_FIRST_ROW, 1, lines)
    if codes:
        book.write_block("科目代码表", 2, 1, [list(c) for c in codes])
    book.save(path)
    return path


@functools.lru_cache(maxsize=8)
def _loaded(path: Path, mtime_ns: int, size: int):
    from openpyxl import load_workbook

    return load_workbook(path)


def sheet_snapshot(path: Path, sheet: str) -> list[tuple]:
    """Every cell's value and style of a sheet, for equality checks (each file version loaded once)."""
    stat = Path(path).stat()
    ws = _loaded(Path(path), stat.st_mtime_ns, stat.st_size)[sheet]
    return [
        (c.coordinate, c.value, c.number_format, c.font.b, c.font.sz, c.fill.fgColor.rgb, (c.border.left.style if c.border.left else None),
         c.alignment.horizontal, c.comment.text if c.comment else None)
        for row in ws.iter_rows() for c in row
    ] + [("merged", tuple(sorted(str(r) for r in ws.merged_cells.ranges)))]


def table_rows(path: Path, key: str) -> list[list[object]]:
    from budget_disclosure.layout.tables import TABLE_BY_KEY
    from budget_disclosure.xlio.tables_io import read_table_values

    return read_table_values(OpenpyxlBook.open(path), TABLE_BY_KEY[key])


EXAMPLE_UNIT = ("101001", "张家口市人民代表大会常务委员会办公室本级")


def example_line(func: str, econ: str, amount: object, fund: str, kind: str, unit: tuple[str, str] = EXAMPLE_UNIT,
                 project: tuple[str, str] = ("", "")) -> list[object]:
    """A 预算明细 line for the bundled example (names come from the code lists)."""
    return line(func, econ, amount, fund, kind, unit=unit, project=project)


def example_book(path: Path, extra_lines=(), edit=None) -> Path:
    """The bundled example, with extra 预算明细 lines and an edit of its openpyxl workbook."""
    from budget_disclosure.example import build_example, example_rows

    book = build_example()
    if extra_lines:
        book.write_block(DETAIL_SHEET, DETAIL_FIRST_ROW + len(example_rows()), 1, [list(r) for r in extra_lines])
    if edit is not None:
        edit(book.wb)
    book.save(path)
    return path


def set_input(wb, sheet: str, key: str, value: object) -> None:
    """Set the value (column B) of a key/value input sheet's row, adding the row when missing."""
    ws = wb[sheet]
    for row in range(2, ws.max_row + 2):
        if ws.cell(row, 1).value in (key, None):
            ws.cell(row, 1).value = key
            ws.cell(row, 2).value = value
            return


SUM_TOTALS = {"表3 支出总表": ("D", "E", "I"), "表6 一般公共预算基本支出表": ("D", "E", "F")}


def with_sum_formulas(source, target) -> int:
    """Every row total of 表3 and 表6 as =SUM(parts), written by a program that does not calculate."""
    from openpyxl import load_workbook

    wb = load_workbook(source)
    count = 0
    for sheet, (total, first, last) in SUM_TOTALS.items():
        ws = wb[sheet]
        for row in range(6, ws.max_row + 1):
            if isinstance(ws[f"{total}{row}"].value, (int, float)):
                ws[f"{total}{row}"] = f"=SUM({first}{row}:{last}{row})"
                count += 1
    wb.save(target)
    return count


def with_notes_and_links(wb) -> None:
    """A note and a link on the 预算明细, and a formula openpyxl saves without a result elsewhere."""
    from openpyxl.comments import Comment

    ws = wb[DETAIL_SHEET]
    ws["A1"].comment = Comment("会计填写的批注：编码按财政局下发的单位编码", "会计")
    ws["J3"].hyperlink = "https://czj.example.gov.cn/项目库"
    wb["名词解释"]["D1"] = '="财政"&"拨款"'  # calamine would read it blank: that sheet is not carried
