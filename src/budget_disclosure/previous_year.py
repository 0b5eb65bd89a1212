"""Last year's published package as the base of this year's comparisons: the figures of the 上年预算
sheet (基本支出, 项目支出 … by kind, the 三公 items, 机关运行经费) and of the 上年科目 sheet (the
一般公共预算财政拨款支出 by 科目) taken from the package as published — our workbook, a budget-system
export or a PDF in any family the reader knows — instead of typed by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budget_disclosure.engine.money import ZERO
from budget_disclosure.layout.package_inputs import LAST_YEAR, LAST_YEAR_SOURCES, SUBJECT_SOURCE
from budget_disclosure.reading.model import ReadPackage, ReadTable

CENT = Decimal("0.01")
# kinds of spending a family's 支出总表 may not print at all: 0 when that table was read
_OPTIONAL = {"上年经营支出（万元）", "上年上解上级支出（万元）", "上年对附属单位补助支出（万元）"}


@dataclass
class LastYear:
    year: int | None
    values: dict[str, Decimal] = field(default_factory=dict)  # 上年预算 label → 万元
    sources: dict[str, str] = field(default_factory=dict)  # label → where it was read ("支出总表 合计 基本支出 表格!D9")
    missing: list[str] = field(default_factory=list)  # labels last year's package does not print
    subjects: list[tuple[str, str, Decimal]] = field(default_factory=list)  # (code, name, 万元) of 上年科目
    subjects_from: str = ""  # the table they were read from
    file: str = ""  # the package they were read from
    unit: str = ""  # the unit that package is of

    def rows(self) -> list[list[object]]:
        """The 上年预算 sheet's rows (label, value) in its order; a figure not found is left blank."""
        out = [[LAST_YEAR.columns[0], self.year]]
        for label in LAST_YEAR.columns[1:]:
            value = self.values.get(label)
            out.append([label, float(value) if value is not None else None])
        return out

    def subject_rows(self) -> list[list[object]]:
        return [[code, name, float(value)] for code, name, value in self.subjects]


def _printed(package: ReadPackage, refs) -> tuple[tuple[str, str, str], ReadTable] | None:
    """The first of the candidate cells the package prints (its table read, its line and column there)."""
    for ref in refs:
        t = package.tables.get(ref[0])
        if t is not None and t.placed and ref[2] in t.columns and ref[1] in t.rows:
            return ref, t
    return None


def last_year_inputs(package: ReadPackage, year: int | None) -> LastYear:
    """Each figure of the 上年预算 and 上年科目 sheets as last year's package prints it. A kind of spending
    whose column the 支出总表 does not print (经营支出 in a family without it) is 0 when the table is read;
    a table not read leaves its figures missing (absent is not zero)."""
    found = LastYear(year)
    for label, refs in LAST_YEAR_SOURCES.items():
        hit = _printed(package, refs)
        if hit is None:
            t = package.tables.get(refs[0][0])
            if label in _OPTIONAL and t is not None and t.placed and t.rows:
                found.values[label] = ZERO
            else:
                found.missing.append(label)
            continue
        (key, row, column), t = hit
        cell = t.cell(row, column)
        found.values[label] = t.value(row, column).quantize(CENT)
        where = cell.address if cell is not None else t.rows[row].address
        found.sources[label] = f"{t.spec.title}“{row or '合计'}”{t.spec.shown_name(column)}（{where}）"
    key, column = SUBJECT_SOURCE
    t = package.tables.get(key)
    if t is not None and t.placed and column in t.columns:
        found.subjects = [(code, r.label, t.value(code, column).quantize(CENT)) for code, r in t.rows.items()
                          if code.isdigit()]
        found.subjects_from = t.spec.title
    return found
