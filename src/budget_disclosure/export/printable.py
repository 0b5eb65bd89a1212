"""Tables as they are printed in the disclosure, from whatever layout the workbook used."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budget_disclosure.engine.money import CENT
from budget_disclosure.layout.canonical import side_of
from budget_disclosure.layout.families import line_keys, profile
from budget_disclosure.layout.tables import AMOUNT, TableSpec
from budget_disclosure.reading.model import ReadPackage, ReadTable


@dataclass(frozen=True)
class PrintTable:
    spec: TableSpec
    unit_line: str
    year: int | None
    rows: tuple[tuple[object, ...], ...]  # 序号 first; amounts as Decimal 万元 (2 places), blanks None
    note: str

    @property
    def year_label(self) -> str:
        return f"{document_of(self.spec)}年度"

    def text_rows(self) -> list[list[str]]:
        return [[_text(v) for v in row] for row in self.rows]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _amount(table: ReadTable, key: str | None, column: str) -> Decimal | None:
    cell = table.cell(key, column) if key is not None else None
    if cell is None or cell.value is None:
        return None
    return cell.value.quantize(CENT)


def print_table(table: ReadTable, year: int | None = None) -> PrintTable:
    spec = table.spec
    rows: list[tuple[object, ...]] = []
    if spec.fixed_rows:
        for index, (labels, keys) in enumerate(zip(spec.fixed_rows, line_keys(spec))):
            cells: list[object] = []
            label_iter = iter(labels)
            for col, column in enumerate(spec.columns):
                key = keys[side_of(spec, col)] if col in spec.amount_columns else None
                cells.append(_amount(table, key, spec.names[col]) if column.kind == AMOUNT else next(label_iter, ""))
            rows.append((index + 1, *cells))
    elif spec.kind == "hierarchy":
        for n, (key, row) in enumerate(table.rows.items(), 1):
            cells = [key, row.label if key else "合计"]
            cells += [_amount(table, key, spec.names[col]) for col in range(2, len(spec.columns))]
            rows.append((n, *cells))
    elif spec.kind == "panels":  # 人员经费 (301, 303) on the left, 公用经费 on the right, side by side
        left, right = [], []
        for key, row in table.rows.items():
            side = left if key.startswith(("301", "303")) or key.startswith("人员") else right
            side.append([row.code, row.label, *[_amount(table, key, n) for n in spec.names[2:]]])
        width = len(spec.columns)
        for n in range(max(len(left), len(right))):
            cells = (left[n] if n < len(left) else [""] * width) + (right[n] if n < len(right) else [""] * width)
            rows.append((n + 1, *cells))
    elif spec.kind == "row":  # one printed row: each column a cell of its line or of the 合计 row
        cells = []
        for name in spec.names:
            if spec.row_column == "*":
                key, column = name.split("|", 1)
            elif spec.row_column is not None:
                key, column = name, spec.row_column
            else:
                key, column = spec.row_key or "", name
            cells.append(_amount(table, key, column))
        rows.append((1, *cells))
    else:  # another family's fixed lines, as read
        amounts = [spec.names[i] for i in spec.amount_columns]
        for n, (key, row) in enumerate(table.rows.items(), 1):
            rows.append((n, row.label, *[_amount(table, key, c) for c in amounts]))
    unit_line = f"{table.unit_code} {table.unit_name}".strip()
    note = table.note if table.is_empty() else ""
    return PrintTable(spec, unit_line, table.year or year, tuple(rows), note)


def document_of(spec: TableSpec) -> str:
    """预算 or 决算: what the tables of the spec's family publish."""
    return profile(spec.family).document


def print_tables(package: ReadPackage, year: int | None = None) -> list[PrintTable]:
    """The tables in the family's order (those found): the nine, and the extra ones a family publishes."""
    return [print_table(package.tables[key], year) for key in profile(package.profile).roles if key in package.tables]
