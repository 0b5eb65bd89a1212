"""What the UDFs compute, as plain functions (the decorated wrappers in udfs.py only convert)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from budget_disclosure.engine.codes import BUNDLED_YEAR, Classifications, normalize_code
from budget_disclosure.engine.model import DerivedTable
from budget_disclosure.engine.money import ZERO, parse_amount, yuan_to_wan
from budget_disclosure.layout.inputs import DETAIL_SHEET, INFO_FIELDS, INFO_SHEET
from budget_disclosure.layout.tables import TABLE_BY_KEY, TABLES, TableSpec
from budget_disclosure.reading.labels import fold, fold_label
from budget_disclosure.xlio.memory_port import MemoryBook

HALF_CENT = Decimal("0.005")
NOT_VERIFIED = "（未核验）"


@lru_cache(maxsize=1)
def _bundled() -> Classifications:
    return Classifications.bundled()


def official_name(code: object, year: object = None) -> str:
    """BD_NAME: the name of a functional or economic code; 未核验 when it is not in the list. For a year
    other than the built-in list's, the name is that list's and says so (names change between years)."""
    code = normalize_code(code)
    if not code:
        return ""
    codes = _bundled().economic if code.startswith("3") else _bundled().functional
    name = codes.name(code)
    if name is None:
        return NOT_VERIFIED
    asked = "".join(ch for ch in normalize_code(year) if ch.isdigit())  # 2019, "2019年"; 0 or blank: not given
    if len(asked) == 4 and asked != str(BUNDLED_YEAR):
        return f"{name}（{BUNDLED_YEAR}年科目表的名称，{asked}年未核验）"
    return name


def foot(total: object, parts: list[object]) -> str:
    """BD_FOOT: "" when total = Σ parts, "尾差 0.01" within rounding, else "差 X" (万元)."""
    def amount(v) -> Decimal | None:
        return parse_amount(None if v in ("", None) else v)

    t = amount(total)
    values = [a for a in (amount(p) for p in parts) if a is not None]
    difference = (t or ZERO) - sum(values, ZERO)
    if difference == ZERO:
        return ""
    printed = len(values) + (t is not None)
    if abs(difference) <= HALF_CENT * printed:
        return f"尾差 {difference:.2f}"
    return f"差 {difference:.2f}"


def find_spec(table: object) -> TableSpec:
    """A table named as "T3", "表3", 3 or by (part of) its title."""
    text = fold(table).upper().removeprefix("表")
    if text.startswith("T") and text[1:].isdigit():
        text = text[1:]
    if text.replace(".0", "").isdigit():
        return TABLES[int(float(text)) - 1]
    for spec in TABLES:
        if text and text in fold(spec.title):
            return spec
    raise ValueError(f"没有这张表：{table}（可写 表1…表9 或表名）")


def _column(spec: TableSpec, column: object) -> int:
    text = fold(column)
    if text.replace(".0", "").isdigit():
        return int(float(text)) - 1  # 栏次
    for i, name in enumerate(spec.names):
        if fold(name) == text:
            return i
    raise ValueError(f"{spec.title}没有“{column}”列（可写栏次或列名：{'、'.join(spec.names)}）")


def tables_from_values(detail: list[list[object]], info: list[list[object]] | None = None) -> dict[str, DerivedTable]:
    """Derive the nine tables from 预算明细 values (header row first), as fill would."""
    from budget_disclosure.loading import derive_from_book
    from budget_disclosure.layout.inputs import DETAIL_COLUMNS

    detail = _blank_office_js_zeros(detail, [c.header for c in DETAIL_COLUMNS if c.is_amount])
    if info is None:
        info = [["项目", "内容"], [INFO_FIELDS[0][1], "-"], [INFO_FIELDS[1][1], "-"], [INFO_FIELDS[2][1], 2000]]
    return derive_from_book(MemoryBook({INFO_SHEET: info, DETAIL_SHEET: detail})).tables


def _blank_office_js_zeros(detail: list[list[object]], amount_headers: list[str]) -> list[list[object]]:
    """Office.js passes empty cells as 0: blank them, except in amount columns, and drop rows
    that are then empty (a range larger than the data)."""
    if not detail:
        return detail
    header = [fold(h) for h in detail[0]]
    amount_cols = {i for i, h in enumerate(header) if h in {fold(a) for a in amount_headers}}
    rows = [detail[0]]
    for row in detail[1:]:
        cleaned = [v if (i in amount_cols or (v != 0 and v != "")) else None for i, v in enumerate(row)]
        if any(v is not None for i, v in enumerate(cleaned) if i not in amount_cols):
            rows.append(cleaned)
    return rows


def amount(tables: dict[str, DerivedTable], table: object, code: object, column: object) -> float | str:
    """BD_AMOUNT: the printed 万元 figure of a derived table's cell ("" when blank)."""
    spec = find_spec(table)
    col = _column(spec, column)
    key = normalize_code(code)
    derived = tables[spec.key]
    for index, row in enumerate(derived.rows):
        labels = [c for c in row.cells if isinstance(c, str)]
        if (spec.hierarchy and (row.code == key or (not key and row.level == "合计"))) or (
                spec.sides and any(fold_label(l) == fold_label(code) for l in labels if l)):
            value = row.cells[col]
            return float(yuan_to_wan(value)) if isinstance(value, Decimal) else ("" if value is None else value)
    return ""


def table_rows(tables: dict[str, DerivedTable], table: object) -> list[list[object]]:
    """BD_TABLE: the data rows (序号 first) as they would be printed; amounts in 万元."""
    spec = find_spec(table)
    derived = tables[spec.key]
    rows = [[i] + [float(yuan_to_wan(c)) if isinstance(c, Decimal) else ("" if c is None else c) for c in row.cells]
            for i, row in enumerate(derived.rows, 1)]
    if derived.note:
        rows.append([derived.note] + [""] * len(spec.columns))
    return rows or [[""] * TABLE_BY_KEY[spec.key].width]
