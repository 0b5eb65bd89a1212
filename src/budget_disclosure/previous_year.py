"""Last year's published package as the base of this year's comparisons: the figures of the 上年预算
sheet (基本支出, 项目支出 … by kind, the 三公 items) taken from the package as published — our
workbook, a budget-system export or a PDF in any family the reader knows — instead of typed by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budget_disclosure.engine.money import ZERO
from budget_disclosure.layout.package_inputs import LAST_YEAR, LAST_YEAR_SOURCES
from budget_disclosure.reading.model import ReadPackage


@dataclass
class LastYear:
    year: int | None
    values: dict[str, Decimal] = field(default_factory=dict)  # 上年预算 label → 万元
    sources: dict[str, str] = field(default_factory=dict)  # label → where it was read ("支出总表 合计 基本支出 表格!D9")
    missing: list[str] = field(default_factory=list)  # labels last year's package does not print
    file: str = ""  # the package they were read from

    def rows(self) -> list[list[object]]:
        """The 上年预算 sheet's rows (label, value) in its order; a figure not found is left blank."""
        out = [[LAST_YEAR.columns[0], self.year]]
        for label in LAST_YEAR.columns[1:]:
            value = self.values.get(label)
            out.append([label, float(value) if value is not None else None])
        return out


def last_year_inputs(package: ReadPackage, year: int | None) -> LastYear:
    """Each figure of the 上年预算 sheet as last year's package prints it. A kind of spending whose
    column the 支出总表 does not print (经营支出 in a family without it) is 0 when the table is read; a
    table not read leaves its figures missing (absent is not zero)."""
    found = LastYear(year)
    optional = {"上年经营支出（万元）", "上年上解上级支出（万元）", "上年对附属单位补助支出（万元）"}
    for label, (key, row, column) in LAST_YEAR_SOURCES.items():
        t = package.tables.get(key)
        if t is None or not t.placed:
            found.missing.append(label)
            continue
        if column not in t.columns or row not in t.rows:
            if label in optional and t.rows:
                found.values[label] = ZERO
            else:
                found.missing.append(label)
            continue
        cell = t.cell(row, column)
        found.values[label] = t.value(row, column).quantize(Decimal("0.01"))
        where = cell.address if cell is not None else t.rows[row].address
        found.sources[label] = f"{t.spec.title}“{row or '合计'}”{t.spec.shown_name(column)}（{where}）"
    return found
