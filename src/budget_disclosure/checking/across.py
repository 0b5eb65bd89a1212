"""Two published documents side by side: this year's package and last year's (``--previous``), or a
决算 and the 预算 of its year (``--budget``). What the rules across documents see: both reports as
checked, each figure named by file, table, row and page, and the cell of one package that stands
for the same thing in the other (same canonical table, line or 科目, and column)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from budget_disclosure.checking.findings import Finding
from budget_disclosure.checking.narrative_facts import at_boundary
from budget_disclosure.checking.narrative_paths import (
    ECONOMIC_TABLES, FUNCTIONAL_TABLES, economic_names, functional_names, rounded, same_name, subjects,
)
from budget_disclosure.checking.registry import Rule
from budget_disclosure.engine.comparison import CHANGE_THRESHOLD
from budget_disclosure.engine.intervals import Interval
from budget_disclosure.engine.money import ZERO
from budget_disclosure.layout.families import profile
from budget_disclosure.reading.model import Address, ReadCell, ReadTable

CODED = ("hierarchy", "panels")
Ref = tuple[str, str, str]
_CONNECTORS = ("为", "共计", "安排", "")
_YEAR_SPOKEN = re.compile(r"(20\d\d)年(?:度)?(?:部门|本部门|单位)?(?:预算|决算|收入|支出|一般公共预算|财政拨款|政府性基金|“三公”)")
_UNIT_WORDS = re.compile(r"单位预算|单位决算")  # not 预算单位 in a text: a department describes its units so
_UNIT_TITLE = re.compile(r"^(?:\d{4}年)?预算单位")  # a table titled "2025年预算单位财务收支预算总表"
_DEPARTMENT_WORDS = re.compile(r"部门预算|部门决算")
SCOPES = {"previous": "上年", "budget": "同年预算"}


@dataclass
class Counterpart:
    """What was found in the other document for one cell of this one."""

    ref: Ref
    cell: ReadCell | None  # None: not printed there (a 科目 not listed: zero)
    value: Decimal
    by_name: bool = False  # the 科目 was found by its name under another code
    renamed: str = ""  # the code is there under another name (the 科目 was re-defined): that name
    why: str = ""  # when nothing can be compared: why not

    @property
    def interval(self) -> Interval:
        half = self.cell.half_unit if self.cell is not None and self.cell.value is not None else ZERO
        return Interval(self.value - half, self.value + half)


@dataclass
class Side:
    """One document of the pair: its report and how a reader finds its figures."""

    file: str
    report: object  # CheckReport

    @property
    def package(self):
        return self.report.package

    @property
    def year(self) -> int | None:
        """The year the tables or titles give; else the year the 情况说明 speaks of most ("2018年度收入、
        支出预算总计…", "2018年一般公共预算…"): some documents print it nowhere else."""
        if self.report.year is not None:
            return self.report.year
        years = Counter(int(m.group(1)) for _, text in self.report.statement for m in _YEAR_SPOKEN.finditer(text))
        return years.most_common(1)[0][0] if years else None

    @property
    def scope(self) -> str:
        """部门 (a department's package) or 单位 (one unit's), as its title says ("上海市普陀区2025年区级单位
        预算"): the first of its opening lines that names a 预算 or 决算; else its table titles, by majority."""
        for _, text in self.report.statement[:8]:
            if _UNIT_WORDS.search(text) or _DEPARTMENT_WORDS.search(text):
                return "单位" if _UNIT_WORDS.search(text) else "部门"
        titles = [t.title_text for t in self.package.tables.values()]
        unit = sum(len(_UNIT_WORDS.findall(w)) + len(_UNIT_TITLE.findall(w)) for w in titles)
        return "单位" if unit > sum(len(_DEPARTMENT_WORDS.findall(w)) for w in titles) else "部门"

    def page(self, address: Address) -> int | None:
        pages = self.report.row_pages.get(address.sheet)
        return pages[address.row - 1] if pages and 0 < address.row <= len(pages) and pages[address.row - 1] else None

    def where(self, address: Address) -> str:
        """“2018年预算.pdf 第 12 页”, or the workbook cell "公开表.xlsx 表5!C9"."""
        page = self.page(address)
        return f"{self.file} 第 {page} 页" if page else f"{self.file} {address}"

    def words(self, address: Address) -> str:
        """One of this document's cells or paragraphs as a reader finds it: “第 25 页 说明第 103 段”,
        “第 12 页 财政拨款收支预算总表“收入合计”收入金额”; a workbook's cell by its address."""
        if not hasattr(self, "_cells"):
            self._cells = {c.address: (t, row, column) for t in self.package.tables.values()
                           for (row, column), c in t.cells.items()}
        page = self.page(address)
        prefix = f"第 {page} 页 " if page else ""
        if address in self._cells:
            t, row_key, column = self._cells[address]
            row = t.rows.get(row_key)
            label = f"{row.code} {row.label}".strip() if row is not None else row_key or "合计"
            return f"{prefix}{t.spec.title}“{label or '合计'}”{t.spec.shown_name(column)}" + ("" if page else f"（{address}）")
        if page and address.sheet in {a.sheet for a, _ in self.report.statement}:
            return f"{prefix}{address.sheet}第 {address.row} 段"
        return f"{prefix}{address}" if page else str(address)

    def describe(self, ref: Ref, cell: ReadCell | None = None) -> str:
        key, row_key, column = ref
        t = self.package.tables.get(key)
        spec = t.spec if t is not None else profile(self.package.profile).tables.get(key)
        title = spec.title if spec is not None else key
        row = t.rows.get(row_key) if t is not None else None
        label = "合计" if row_key == "" else (f"{row.code} {row.label}".strip() if row else row_key)
        shown = t.spec.shown_name(column) if t is not None else column
        place = self.where(cell.address) if cell is not None else self.file
        return f"{place} {title}“{label}”{shown}"


@dataclass
class PairContext:
    """This document and the other; the rules across documents run on it."""

    this: Side
    other: Side
    kind: str  # "previous" | "budget"
    change_threshold: Decimal = CHANGE_THRESHOLD  # % above which a change needs its reason in the text
    rule: Rule | None = None
    notes: list[str] = field(default_factory=list)
    evaluated: int = 0  # comparisons made (both figures read)
    skipped: dict[str, int] = field(default_factory=dict)  # why a comparison could not be made → how often
    unchecked: list[tuple[str, str]] = field(default_factory=list)  # (why, the text's words) not compared

    def finding(self, message: str, cells: list[Address], severity: str | None = None,
                span: tuple[int, int] | None = None, **extra) -> Finding:
        """``span``: the words of the sentence the finding is about (start, end in its paragraph), marked on a
        PDF's page rather than the whole paragraph."""
        assert self.rule is not None
        finding = Finding(self.rule.code, self.rule.name, severity or self.rule.severity, "", message,
                          [c for c in cells if c is not None], **extra)
        for address in [*finding.cells, *finding.compared]:
            finding.where[address] = self.this.words(address)
            spans = self.this.report.statement_spans
            if places := (spans.get((address, *span)) if span else None) or \
                    self.this.report.statement_places.get(address):
                finding.places[address] = places
        return finding

    def other_errors(self) -> set[Address]:
        """The cells the other document's own check holds in a 强制: a figure disputed there is no sure base."""
        if not hasattr(self, "_other_errors"):
            self._other_errors = {a for f in self.other.report.findings if f.severity == "强制" for a in f.cells}
        return self._other_errors

    def skip(self, why: str, wording: str = "") -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1
        if wording:
            self.unchecked.append((why, wording))

    # -- the same cell in the other document --------------------------------------------------------
    def counterpart(self, ref: Ref, label: str = "") -> Counterpart:
        """``label``: the 科目's name where this document names it outside its tables (the 上年科目 sheet)."""
        key, row_key, column = ref
        t: ReadTable | None = self.other.package.tables.get(key)
        if t is None or not t.placed:
            return Counterpart(ref, None, ZERO, why=f"{self.other.file} 中未读到该表")
        if column and column not in t.columns:
            return Counterpart(ref, None, ZERO, why=f"{self.other.file} 的{t.spec.title}无“{column}”列")
        coded = t.spec.kind in CODED
        this_t = self.this.package.tables.get(key)
        label = label or (this_t.rows[row_key].label if this_t is not None and row_key in this_t.rows else "")
        if row_key in t.rows:
            cell = t.cell(row_key, column)
            other_label = t.rows[row_key].label
            renamed = other_label if coded and row_key.isdigit() and label and other_label and \
                not same_name(label, other_label) else ""
            return Counterpart(ref, cell, t.value(row_key, column), renamed=renamed)
        if coded and row_key.isdigit():
            named = next((k for k, r in t.rows.items() if label and len(k) == len(row_key) and same_name(r.label, label)),
                         None)
            if named is not None:
                return Counterpart((key, named, column), t.cell(named, column), t.value(named, column), by_name=True)
            return Counterpart(ref, None, ZERO, why="")  # a 科目 the table does not list: zero there
        return Counterpart(ref, None, ZERO, why=f"{self.other.file} 的{t.spec.title}无“{row_key or '合计'}”行")

    # -- what a figure of this document's text is about ---------------------------------------------
    def subject_refs(self, text: str, amount_start: int, amount: Decimal, places: int) -> list[Ref]:
        return subject_refs(self.this.package, text, amount_start, amount, places)


def subject_refs(package, text: str, amount_start: int, amount: Decimal, places: int) -> list[Ref]:
    """The cells of a package the amount at ``amount_start`` of its text stands for: a label of the family's
    text right before it (profile ``facts``), else a 科目 path just before it, in every table that prints
    that 科目 with that amount. Empty when it cannot be told."""
    return _fact_refs(package, text, amount_start) or _path_refs(package, text, amount_start, amount, places)


def _fact_refs(package, text: str, start: int) -> list[Ref]:
    facts = profile(package.profile).facts
    best: tuple[int, Ref] | None = None
    for connector in _CONNECTORS:
        end = start - len(connector)
        if connector and text[end:start] != connector:
            continue
        for labels, pattern in facts:
            for label in labels:
                # a long label is specific enough anywhere (“…铁路检察院单位预留机动经费预算数为”); a short one must
                # start a phrase (never “支出预算” inside “基本支出预算”)
                if text[:end].endswith(label) and (len(label) >= 8 or at_boundary(text, end - len(label))) and \
                        (best is None or len(label) > best[0]):
                    best = (len(label), (pattern.table, pattern.row, pattern.column))
    return [best[1]] if best else []


def _path_refs(package, text: str, start: int, amount: Decimal, places: int) -> list[Ref]:
    names = functional_names(package)
    economic = economic_names(package)
    found = [s for s in subjects(text[:start], names, economic) if s.code and 0 <= start - s.end <= 6]
    if found:
        subject = found[-1]
        if "其中" in text[subject.end:start] or "主要" in text[subject.end:start]:
            return []
        code, is_economic = subject.code, subject.economic
    else:
        code, is_economic = _bare_name(names, text, start), False
        if code is None:
            return []
    refs = []
    for key in ECONOMIC_TABLES if is_economic else FUNCTIONAL_TABLES:
        t = package.tables.get(key)
        if t is None or t.spec.kind not in CODED or code not in t.rows:
            continue
        column = "合计" if "合计" in t.columns else None
        if column is not None:
            refs += _matching(t, code, column, amount, places)
    if not is_economic and len(code) == 3:  # a 类 is a line of the 收支总表 and the 财政拨款收支总表 too (all funds)
        for key, column in (("T1", "支出预算数"), ("T4", "支出合计")):
            t = package.tables.get(key)
            if t is not None and code in t.rows:
                refs += _matching(t, code, column, amount, places)
    return refs


def _matching(t, code: str, column: str, amount: Decimal, places: int) -> list[Ref]:
    """The cell, when it prints the amount (at the text's precision): the text names this figure."""
    cell = t.cell(code, column)
    if cell is None or cell.value is None or rounded(cell.value, places) != rounded(amount, places):
        return []
    return [(t.key, code, column)]


def _bare_name(names: dict[str, str], text: str, start: int) -> str | None:
    """A 类 or 款 named without its level mark right before the amount ("2．社会保障和就业支出1,836.22万元"):
    its code when exactly one 类 or 款 of the package has that name (the amount must then be its figure)."""
    before = text[:start].removesuffix("为").removesuffix("支出预算").removesuffix("预算")
    hits = [c for c, n in names.items() if len(c) in (3, 5) and n and before.endswith(n)
            and at_boundary(text, len(before) - len(n))]
    return hits[0] if len(hits) == 1 else None
