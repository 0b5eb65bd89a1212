"""Apply a rule's declared ``breaks`` (registry.Edit) to a real workbook loaded with openpyxl."""

from __future__ import annotations

from decimal import Decimal

from budget_disclosure.checking.registry import Edit
from budget_disclosure.layout.tables import HEADER_TOP, TABLE_BY_KEY, column_number_row
from budget_disclosure.reading.model import Address, ReadPackage


def locate(package: ReadPackage, edit: Edit) -> list[Address]:
    t = package.tables[edit.table]
    spec = TABLE_BY_KEY[edit.table]
    if edit.row == "note":
        return [t.note_address]
    if edit.row == "unit":
        return [t.unit_address]
    if edit.row == "money_unit":
        return [t.money_unit_address]
    col = spec.names.index(edit.col) if isinstance(edit.col, str) else edit.col
    if edit.row == "header":
        sheet = t.sheets[0]
        return [Address(sheet, r, col + 2) for r in range(HEADER_TOP, column_number_row(spec) + 1)]
    if col in spec.amount_columns:
        cell = t.cell(edit.row, edit.col)
        row = t.rows[edit.row]
        return [cell.address if cell else Address(row.address.sheet, row.address.row, col + 2)]
    row = t.rows[edit.row]
    if spec.columns[col].kind == "code":
        return [row.code_address]
    return [row.label_address or row.address]


def _input_sheet_cell(wb, edit: Edit) -> Address:
    """An "@sheet" edit: the first row holding ``edit.row`` (in any cell), column ``edit.col`` + 1."""
    sheet = edit.table[1:]
    ws = wb[sheet]
    for row in ws.iter_rows():
        if any(isinstance(c.value, str) and edit.row in c.value for c in row):
            return Address(sheet, row[0].row, edit.col + 1)
    raise AssertionError(f"no row of {sheet} holds {edit.row!r}")


def apply_edit(wb, package: ReadPackage, edit: Edit, originals: dict | None = None) -> list[Address]:
    """Change the workbook as the edit says; returns the changed cells. ``originals`` collects each
    changed cell's value before the edit, so that ``restore`` can undo it."""
    record = (lambda address, value: originals.setdefault(address, value)) if originals is not None else (
        lambda address, value: None)
    if edit.table.startswith("@"):
        address = _input_sheet_cell(wb, edit)
        cell = wb[address.sheet].cell(address.row, address.col)
        record(address, cell.value)
        if isinstance(edit.value, tuple) and edit.value[0] == "sub":
            assert edit.value[1] in cell.value, (edit.value[1], cell.value)
            cell.value = cell.value.replace(edit.value[1], edit.value[2])
        else:
            cell.value = edit.value
        return [address]
    if edit.remove_table:
        for sheet in package.tables[edit.table].sheets:
            del wb[sheet]
        return []
    addresses = locate(package, edit)
    for address in addresses:
        cell = wb[address.sheet].cell(address.row, address.col)
        record(address, cell.value)
        if edit.delta is not None:
            old = Decimal(repr(cell.value)) if isinstance(cell.value, float) else Decimal(cell.value or 0)
            cell.value = old + Decimal(edit.delta)
        else:
            cell.value = edit.value
    return addresses


def restore(wb, originals: dict) -> None:
    for address, value in originals.items():
        wb[address.sheet].cell(address.row, address.col).value = value
