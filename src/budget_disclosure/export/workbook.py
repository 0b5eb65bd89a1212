"""The values-only workbook: a new file holding only the nine tables, built from the layout
specs, so it cannot carry formulas, macros, flags, notes, hidden sheets, external links or
personal document properties from the accountant's working file."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import budget_disclosure.xlio.openpyxl_import  # noqa: F401 - before openpyxl: see there
from openpyxl import Workbook

from budget_disclosure.engine.model import DerivedTable, PackageHeader, TableRow
from budget_disclosure.engine.money import YUAN_PER_WAN
from budget_disclosure.export.printable import PrintTable
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from budget_disclosure.xlio.tables_io import write_table
from budget_disclosure.xlio.template import prepare_table_sheet


def _as_derived(table: PrintTable) -> DerivedTable:
    # The writer takes exact 元; a printed 万元 figure times 10000 is exact, and rounds back to itself.
    rows = tuple(TableRow(tuple(v * YUAN_PER_WAN if isinstance(v, Decimal) else v for v in row[1:]))
                 for row in table.rows)
    header = PackageHeader(*(table.unit_line.split(" ", 1) + [""])[:2], table.year or 0)
    return DerivedTable(table.spec.key, header, rows, table.note)


def write_values_workbook(tables: list[PrintTable], target: Path) -> None:
    book = OpenpyxlBook(Workbook())
    book.wb.remove(book.wb.active)
    for table in tables:
        prepare_table_sheet(book, table.spec)
        derived = _as_derived(table)
        write_table(book, table.spec, derived, derived.header)
        ws = book.wb[table.spec.sheet]
        for name in list(ws.defined_names):
            del ws.defined_names[name]
    props = book.wb.properties
    props.creator, props.lastModifiedBy, props.title = "budget-disclosure", None, "部门预算公开表"
    props.created = props.modified = datetime(2000, 1, 1)
    book.save(target)
