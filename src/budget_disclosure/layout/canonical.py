"""Our own layout's tables (positional, as fill derives and writes them) in canonical coordinates:
the (row key, column name) of every amount cell, so that fill's figures, the check's reading and
export all name a cell the same way."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from budget_disclosure.engine.model import DerivedTable
from budget_disclosure.layout.families import line_keys, profile
from budget_disclosure.layout.tables import TableSpec


def _spec(key: str) -> TableSpec:
    return profile().tables[key]


def side_of(spec: TableSpec, col: int) -> int:
    return next((s for s, (_, cols) in enumerate(spec.sides) if col in cols), 0)


def amount_cells(key: str, table: DerivedTable) -> Iterator[tuple[str, str, object]]:
    """(row key, column name, value) of every amount cell of a derived table."""
    spec = _spec(key)
    keys = line_keys(spec) if spec.sides else None
    for index, row in enumerate(table.rows):
        for col in spec.amount_columns:
            if keys is not None:
                row_key = keys[index][side_of(spec, col)] if index < len(keys) else None
                if row_key is None:
                    continue
            else:
                row_key = row.code
            yield row_key, spec.names[col], row.cells[col]


def derived_cell(tables: dict[str, DerivedTable], key: str, row_key: str, column: str) -> object:
    if key not in tables:
        return None
    for r, c, value in amount_cells(key, tables[key]):
        if r == row_key and c == column:
            return value
    return None


def exact_values(tables: dict[str, DerivedTable]) -> dict[tuple[str, str, str], Decimal]:
    """The 元 figure behind every cell of the derived tables, in read-table coordinates."""
    return {(key, r, c): value for key, table in tables.items() for r, c, value in amount_cells(key, table)
            if isinstance(value, Decimal)}


def with_values(tables: dict[str, DerivedTable], values: dict[tuple[str, str, str], Decimal]
                ) -> dict[str, DerivedTable]:
    """The derived tables with the amount cells named in ``values`` replaced (元)."""
    from dataclasses import replace

    out = {}
    for key, table in tables.items():
        spec = _spec(key)
        keys = line_keys(spec) if spec.sides else None
        rows = []
        for index, row in enumerate(table.rows):
            cells = list(row.cells)
            for col in spec.amount_columns:
                row_key = (keys[index][side_of(spec, col)] if keys is not None and index < len(keys) else
                           None if keys is not None else row.code)
                ref = (key, row_key, spec.names[col])
                if row_key is not None and ref in values:
                    cells[col] = values[ref]
            rows.append(replace(row, cells=tuple(cells)))
        out[key] = replace(table, rows=tuple(rows))
    return out
