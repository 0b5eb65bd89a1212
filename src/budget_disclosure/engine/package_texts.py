"""The non-table inputs of the package, as plain values (read by xlio.package_io)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Project:
    code: str
    name: str
    budget: Decimal | None
    fiscal: Decimal | None
    other: Decimal | None
    use: str
    plan: dict[str, Decimal | None]  # 3月底 … 12月底, as fractions of 1 (25% → 0.25)
    goal: str
    row: int = 0
    indicators: list[dict[str, object]] = field(default_factory=list)  # "_row": its row in 绩效指标 ("_at": its cell)
    # where a card printed in a document put each field (field → cell); empty for the 项目绩效目标 sheet,
    # whose columns say where
    where: dict[str, object] = field(default_factory=dict)


@dataclass
class PackageTexts:
    duties: list[str] = field(default_factory=list)
    organisation: list[list[str]] = field(default_factory=list)
    last_year: dict[str, object] = field(default_factory=dict)
    last_year_rows: dict[str, int] = field(default_factory=dict)  # the row each 上年预算 figure is typed in
    # 上年科目: (code, name, 万元 as typed, row) of last year's 一般公共预算财政拨款支出 by 科目
    last_year_subjects: list[tuple[str, str, object, int]] = field(default_factory=list)
    subject_reasons: dict[str, str] = field(default_factory=dict)  # 科目 code → why it changed (上年科目 增减原因)
    reasons: dict[str, str] = field(default_factory=dict)
    performance: list[str] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    # the 项目绩效目标 sheet lists every project; cards printed in a document may show only some
    projects_complete: bool = True
    procurement: list[dict[str, object]] = field(default_factory=list)
    assets: dict[str, tuple[object, object]] = field(default_factory=dict)  # 项目 → (数量, 价值)
    asset_cells: dict[str, tuple[object, object]] = field(default_factory=dict)  # 项目 → cells, when printed in a document
    glossary: list[tuple[str, str]] = field(default_factory=list)
    other: dict[str, str] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)  # which input sheets the workbook has
    bad_cells: list[tuple[str, int, int, str]] = field(default_factory=list)  # (sheet, row, col, what was typed)
