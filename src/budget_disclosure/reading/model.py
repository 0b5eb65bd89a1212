"""Tables as read from a workbook, in canonical coordinates.

Whatever the source layout (ours, a budget-system export, another province's, typed by hand),
a read table maps each printed amount to (row key, canonical column name): the row key is the
科目 code ("" for 合计) in 类-款-项 tables and the canonical line (profiles/lines.toml; a 类 line
by its code) in fixed-row tables. What was not read is absent, never zero: ``columns`` says which
canonical columns the table printed, ``rows`` which lines. Every cell keeps its address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budget_disclosure.engine.emptiness import is_empty
from budget_disclosure.engine.issues import column_letter
from budget_disclosure.engine.money import ZERO
from budget_disclosure.layout.tables import TableSpec


@dataclass(frozen=True, order=True)
class Address:
    sheet: str
    row: int
    col: int

    @property
    def a1(self) -> str:
        return f"{column_letter(self.col)}{self.row}"

    def __str__(self) -> str:
        return f"{self.sheet}!{self.a1}"


class Sourced(Decimal):
    """A figure as read, remembering the cell it was read from, so that a rule comparing the text with
    it can name that cell (arithmetic on it gives plain Decimals)."""

    def __new__(cls, value: Decimal, address: Address | None = None):
        figure = super().__new__(cls, value)
        figure.address = address
        return figure

    def __reduce__(self):  # to a worker process and back: the figure and its cell
        return Sourced, (str(self), self.address)


@dataclass(frozen=True)
class ReadCell:
    value: Decimal | None  # in 万元 (after unit scaling); None when blank
    text: str  # as found
    address: Address
    unread: bool = False  # a formula without a result: not blank, not 0 — its rules are not applicable
    half_unit: Decimal = Decimal("0.005")  # half the last printed digit, in 万元: the rounding this cell may carry


@dataclass
class ReadRow:
    key: str
    code: str
    label: str
    address: Address  # the row's label or code cell
    code_address: Address | None = None
    label_address: Address | None = None


@dataclass
class ReadTable:
    key: str
    spec: TableSpec
    title: Address
    title_text: str
    sheets: list[str] = field(default_factory=list)
    unit_code: str = ""
    unit_name: str = ""
    unit_address: Address | None = None
    year: int | None = None
    year_address: Address | None = None
    money_unit: str = "万元"
    money_unit_address: Address | None = None
    scale: Decimal = Decimal(1)  # printed value × scale = 万元
    rows: dict[str, ReadRow] = field(default_factory=dict)
    cells: dict[tuple[str, str], ReadCell] = field(default_factory=dict)
    columns: set[str] = field(default_factory=set)  # canonical columns the table printed
    note: str = ""
    note_address: Address | None = None
    duplicates: list[tuple[str, Address]] = field(default_factory=list)
    bad_amounts: list[ReadCell] = field(default_factory=list)
    unread: list[ReadCell] = field(default_factory=list)
    unmatched_labels: list[tuple[str, Address]] = field(default_factory=list)
    column_problems: list[str] = field(default_factory=list)
    odd_codes: list[tuple[str, Address]] = field(default_factory=list)  # local running numbers (302-02)
    says_none: bool = False  # a body row "无": the table states it is empty
    # figures in the table's rows that could not be put in a column (its head not understood): a table
    # whose every figure is so was recognised but not placed — not read, never taken as empty
    unplaced: int = 0
    unplaced_at: Address | None = None

    @property
    def placed(self) -> bool:
        return self.unplaced == 0 or self.cells_read > 0

    def cell(self, row_key: str, column: str) -> ReadCell | None:
        return self.cells.get((row_key, column))

    def value(self, row_key: str, column: str) -> Decimal:
        cell = self.cells.get((row_key, column))
        return cell.value if cell is not None and cell.value is not None else ZERO

    def sourced(self, row_key: str, column: str) -> "Sourced":
        """The figure as printed (to the cent), remembering the cell it was read from."""
        cell = self.cells.get((row_key, column))
        return Sourced(self.value(row_key, column).quantize(Decimal("0.01")), cell.address if cell else None)

    def has(self, column: str) -> bool:
        return column in self.columns

    def is_empty(self) -> bool:
        """Empty as a reader sees it, by the one definition fill uses too (engine/emptiness.py); a table
        not placed is not empty: its figures were not read."""
        if not self.placed:
            return False
        codes = set(self.codes())
        body = {row for (row, _), c in self.cells.items() if row in codes and c.value is not None}
        return is_empty(self.spec.kind in ("hierarchy", "panels"), (c.value for c in self.cells.values()), len(body))

    def codes(self) -> list[str]:
        if self.spec.kind not in ("hierarchy", "panels"):
            return []
        return [k for k in self.rows if k.isdigit()]

    @property
    def cells_read(self) -> int:
        return sum(1 for c in self.cells.values() if c.value is not None)


@dataclass
class ReadPackage:
    tables: dict[str, ReadTable]
    problems: list[str] = field(default_factory=list)  # what could not be found, by table
    unit_slips: list[tuple[str, Decimal]] = field(default_factory=list)  # (table key, factor applied)
    profile: str = "hebei"
    evidence: str = ""  # why this profile: "按上海预算格式读取：9/9 张表（…）"
    set_aside: list[tuple[str, str, Address]] = field(default_factory=list)  # (role, title, where) recognised only
    duplicate_tables: list[tuple[str, str, Address]] = field(default_factory=list)  # (role, title, where)
    unknown_sheets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TocLine:
    """An entry of a published document's 目录: as printed, the page number it gives (None: none)."""

    title: str
    page: int | None
    address: Address


@dataclass
class Outline:
    """What one published file holds besides its tables: its 目录 in order, its headings and table
    titles in reading order with the page number each is printed on (the number the page prints, or
    its place in the file when the document prints none), and every paragraph of its text."""

    file: str
    toc: list[TocLine] = field(default_factory=list)
    headings: list[tuple[str, int]] = field(default_factory=list)
    numbered: bool = False  # the pages print their numbers
    paragraphs: list[tuple[Address, str]] = field(default_factory=list)
