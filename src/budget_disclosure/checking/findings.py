"""Findings and severities."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budget_disclosure.reading.model import Address

ERROR, WARNING, ROUNDING = "强制", "提示", "尾差"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, ROUNDING: 2}
SEVERITY_EN = {ERROR: "error", WARNING: "warning", ROUNDING: "info"}


@dataclass
class Finding:
    rule: str
    name: str
    severity: str
    table: str  # T1 … T9, or "" for the package
    message: str
    cells: list[Address] = field(default_factory=list)
    expected: Decimal | str | None = None
    actual: Decimal | str | None = None
    difference: Decimal | None = None
    detail_note: str = ""  # the true 元 figures behind the cells, when the workbook holds the detail
    acknowledged: str = ""  # the 出错说明 given for it
    # The one cell this finding marks (errors: the most likely wrong cell, checking/suspects.py);
    # the finding's other cells are 相关 (listed, not coloured).
    suspect: Address | None = None
    # Where each cell is printed, when the package was read from a PDF: {cell: [(file, page, bbox)]}
    places: dict[Address, list] = field(default_factory=dict)
    where: dict[Address, str] = field(default_factory=dict)  # each cell said as a reader finds it on the page
    # The other reading a text figure was compared with (the table cells it restates): named as 相关 and
    # located, never a suspect — the text restates the table, not the reverse
    compared: list[Address] = field(default_factory=list)

    @property
    def marked(self) -> Address | None:
        return self.suspect or (self.cells[0] if self.cells else None)

    @property
    def related(self) -> list[Address]:
        return [c for c in self.cells if c != self.marked] + [c for c in self.compared if c not in self.cells]

    @property
    def sheet(self) -> str:
        return self.cells[0].sheet if self.cells else ""

    @property
    def cell(self) -> str:
        return self.cells[0].a1 if self.cells else ""

    @property
    def blocking(self) -> bool:
        return self.severity == ERROR and not self.acknowledged

    def sort_key(self) -> tuple:
        """By table and severity; findings that point at one suspect cell together, the cause first (the
        预算明细 proving the cell wrong, BD601), then the identities it broke."""
        anchor = self.suspect or (self.cells[0] if self.cells else Address("", 0, 0))
        return (self.table or "T0", SEVERITY_ORDER[self.severity], anchor, self.rule != "BD601", self.rule)
