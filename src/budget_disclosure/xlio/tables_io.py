"""Write a derived table into its sheet's data area (and the page header line above it).

The data area (data rows plus the 空表 note) is remembered in a sheet-scoped name, so a second
fill replaces exactly what the first one wrote: rows are inserted or deleted to fit, everything
above (title, headers, 栏次) and anything the user put below stays as it was.
"""

from __future__ import annotations

from decimal import Decimal

from budget_disclosure.engine.model import DerivedTable, PackageHeader
from budget_disclosure.engine.money import yuan_to_wan
from budget_disclosure.layout import tables as L
from budget_disclosure.layout.families import profile
from budget_disclosure.xlio import styles
from budget_disclosure.xlio.port import WorkbookPort

DATA_AREA = "BD_DATA"
_COLUMN_STYLE = {L.CODE: styles.CODE, L.NAME: styles.TEXT, L.TEXT: styles.TEXT, L.AMOUNT: styles.AMOUNT}


def page_header_cells(spec: L.TableSpec, header: PackageHeader | None) -> list[object]:
    """Row 2: 编码 名称 on the left, 预算年度 in the middle, 单位：万元 on the right."""
    row: list[object] = [None] * spec.width
    row[0] = header.unit_line if header else "（部门编码 部门名称）"
    label = f"{profile(spec.family).document}年度" if spec.family != "hebei" else "预算年度"
    row[year_column(spec) - 1] = f"{label}：{header.year}" if header else f"{label}："
    row[-1] = "单位：万元"
    return row


def year_column(spec: L.TableSpec) -> int:
    return max(2, (spec.width + 1) // 2 + 1)


def _excel_value(cell: object) -> object:
    if isinstance(cell, Decimal):
        return yuan_to_wan(cell)
    return cell


def table_values(table: DerivedTable, spec: L.TableSpec) -> list[list[object]]:
    values = [[i] + [_excel_value(c) for c in row.cells] for i, row in enumerate(table.rows, 1)]
    if table.note:
        values.append([table.note] + [None] * (spec.width - 1))
    return values


def write_table(port: WorkbookPort, spec: L.TableSpec, table: DerivedTable | None, header: PackageHeader | None) -> None:
    """Replace the sheet's data area with ``table`` (None: leave it empty) and fill the page header."""
    sheet = spec.sheet
    port.write_block(sheet, L.PAGE_HEADER_ROW, 1, [page_header_cells(spec, header)])

    first = L.first_data_row(spec)
    old = port.get_area(sheet, DATA_AREA)
    old_count = old[1] - old[0] + 1 if old else 0
    values = table_values(table, spec) if table else []
    new_count = len(values)
    if new_count > old_count:
        port.insert_rows(sheet, first + old_count, new_count - old_count)
    elif new_count < old_count:
        port.delete_rows(sheet, first + new_count, old_count - new_count)
    if not values:
        port.set_area(sheet, DATA_AREA, None, spec.width)
        return
    port.write_block(sheet, first, 1, values)
    n_rows = len(table.rows)
    if n_rows:
        column_styles = [styles.SEQ] + [_COLUMN_STYLE[column.kind] for column in spec.columns]
        port.style_columns(sheet, first, first + n_rows - 1, 1, column_styles)
    if table.note:
        port.style_block(sheet, first + n_rows, 1, first + n_rows, spec.width, styles.NOTE)
    port.set_area(sheet, DATA_AREA, (first, first + new_count - 1), spec.width)


def read_table_values(port: WorkbookPort, spec: L.TableSpec) -> list[list[object]]:
    """The data area as written (序号 first), for tests and round trips."""
    area = port.get_area(spec.sheet, DATA_AREA)
    if area is None:
        return []
    return port.read_block(spec.sheet, area[0], 1, area[1], spec.width)
