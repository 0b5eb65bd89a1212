"""The model of a package: header, budget lines (the 预算明细) and derived tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budget_disclosure.engine.vocab import ExpenditureKind, FundSource


@dataclass(frozen=True)
class PackageHeader:
    """What every table's page header prints: 部门(单位)编码 名称, 预算年度."""

    code: str
    name: str
    year: int

    @property
    def unit_line(self) -> str:
        return f"{self.code} {self.name}".strip()


@dataclass(frozen=True)
class BudgetLine:
    """One row of the 预算明细, amount in 元. ``row`` is its row number in the input sheet."""

    unit_code: str
    unit_name: str
    func_code: str
    func_name: str
    econ_code: str
    econ_name: str
    fund: FundSource
    kind: ExpenditureKind
    project_code: str
    project_name: str
    amount: Decimal
    row: int = 0


@dataclass(frozen=True)
class BudgetDetail:
    header: PackageHeader
    lines: tuple[BudgetLine, ...]

    def units(self) -> dict[str, str]:
        """Unit code → unit name, in order of first appearance."""
        seen: dict[str, str] = {}
        for line in self.lines:
            seen.setdefault(line.unit_code, line.unit_name)
        return seen

    def for_unit(self, unit_code: str) -> "BudgetDetail":
        """One unit's own package (单位预算): its lines, headed by its own code and name."""
        units = self.units()
        if unit_code not in units:
            raise KeyError(unit_code)
        lines = tuple(l for l in self.lines if l.unit_code == unit_code)
        return BudgetDetail(PackageHeader(unit_code, units[unit_code], self.header.year), lines)


Cell = str | Decimal | None  # text, amount in 元, or blank


@dataclass(frozen=True)
class TableRow:
    """One data row without its 序号: cells in column order (after 序号).

    ``code`` and ``level`` say what the row stands for (a 科目 code and 类/款/项, or a fixed
    row's key), so checks and writers do not parse labels back.
    """

    cells: tuple[Cell, ...]
    code: str = ""
    level: str = ""


@dataclass(frozen=True)
class DerivedTable:
    key: str  # T1 … T9
    header: PackageHeader
    rows: tuple[TableRow, ...]
    note: str = ""  # e.g. "注：无…，空表列示。"
    meta: dict = field(default_factory=dict, compare=False)
