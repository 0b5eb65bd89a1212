"""What a rule sees: the tables as read, the exact 元 figures when the workbook holds the
detail, and rounding-aware comparison helpers that turn a difference into a finding."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Iterator

from budget_disclosure.checking.findings import ROUNDING, Finding
from budget_disclosure.checking.registry import Rule
from budget_disclosure.engine.codes import LEVEL_DIGITS, Classifications
from budget_disclosure.engine.money import ZERO, yuan_to_wan
from budget_disclosure.layout.families import Profile, profile, required_lines
from budget_disclosure.layout.lines import is_class_key
from budget_disclosure.layout.tables import TableSpec
from budget_disclosure.reading.model import Address, ReadCell, ReadPackage, ReadTable

HALF_CENT = Decimal("0.005")
CODED_KINDS = ("hierarchy", "panels")  # tables of 科目 rows: a code they do not list is zero
Ref = tuple[str, str, str]  # (table key, row key, canonical column name)


def within_rounding(difference: Decimal, printed: int) -> bool:
    """Each printed 万元 figure may be up to 0.005 万元 off its true value."""
    return abs(difference) <= HALF_CENT * printed


def wan(value: Decimal) -> str:
    return f"{value:,.2f}"


def yuan(value: Decimal) -> str:
    return f"{value:,.2f} 元"


@dataclass
class Absence:
    """An identity not evaluated because a cell it needs was not read. ``counted``: the family
    prints that cell, so the package was not completely checked; otherwise the family's layout
    simply has no such cell (said once, not held against the package)."""

    rule: str
    table: str
    reason: str
    counted: bool


class CheckContext:
    def __init__(self, package: ReadPackage, classifications: Classifications,
                 exact: dict[Ref, Decimal] | None = None, texts=None, paragraphs=(), detail=None,
                 statement_sheet: str = "情况说明", compares_last_year: bool = True, prof: Profile | None = None):
        self.package = package
        self.profile = prof or profile(package.profile)
        self.classifications = classifications
        self.exact = exact or {}
        self.texts = texts  # PackageTexts, or None when the workbook has none of those sheets
        self.paragraphs = list(paragraphs)  # (row, text) of the 情况说明
        self.detail = detail  # BudgetDetail when the workbook holds a usable 预算明细
        # a unit's package: the department's whole 预算明细 (projects the units share are budgeted department-wide)
        self.department_detail = None
        self.statement_sheet = statement_sheet
        self.statement_columns: dict[int, int] = {}  # row → column of the paragraph (default B)
        self.outlines: list = []  # reading.model.Outline of each published file (a PDF), for BD52x
        self.ungenerated = False  # the 预算明细 has amounts and no table any figure: fill was never run
        self.balanced = False  # fill printed the tables 舍位平衡: a cell may be 0.01 off its plain rounding
        # False for a unit's own package: the 上年预算 sheet holds the department's figures
        self.compares_last_year = compares_last_year
        self.rule: Rule | None = None
        self.notes: list[str] = []  # what rules could not check, said once (shown with the verdict)
        self.detail_unusual: list = []  # InputProblems of 预算明细 amounts that look wrong
        self.absences: list[Absence] = []
        self.evaluated: Counter[tuple[str, str]] = Counter()  # (rule, table) → identities evaluated
        self._memo: dict[str, object] = {}

    @property
    def year(self) -> int | None:
        """The budget year: a table's 预算年度, else the year in a table title, else the statement's title."""
        def compute():
            import re

            found = next((t.year for t in self.package.tables.values() if t.year), None)
            titles = [t.title_text for t in self.package.tables.values()] + [t for _, t, _ in self.package.set_aside]
            titles += [text for _, text in self.paragraphs[:3]]
            for title in ([] if found else titles):
                if m := re.search(r"(20\d\d)\s*年(?:度)?(?:部门|单位)?(?:预算|决算)?", title):
                    return int(m.group(1))
            return found
        return self.memo("year", compute)

    def statement_cell(self, row: int) -> Address:
        return Address(self.statement_sheet, row, self.statement_columns.get(row, 2))

    def memo(self, key: str, compute):
        """Compute something several rules need once per check."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # -- access ---------------------------------------------------------------------------------
    def spec(self, key: str) -> TableSpec | None:
        return self.profile.tables.get(key)

    def table(self, key: str) -> ReadTable | None:
        """The table as read; None when absent, or recognised but not placed (its figures are in no
        column the reader understood: not read, so no rule may take it as empty or as zeros)."""
        t = self.package.tables.get(key)
        if t is None and self.rule is not None and key in self.profile.roles:
            self._absent(key, f"无{self.profile.tables[key].title}", True)
        elif t is not None and not t.placed:
            if self.rule is not None:
                self._absent(key, _unplaced(t), True)
            return None
        return t

    def tables(self, *keys: str) -> Iterator[ReadTable]:
        for key in keys:
            if (t := self.package.tables.get(key)) is not None:
                yield t

    def not_checked(self, table: str, reason: str, counted: bool = True) -> None:
        """Something the rule would compare was not read (a text figure whose table was not): counted in the
        coverage, said once, never passed as if checked."""
        self._absent(table, reason, counted)

    def _absent(self, table: str, reason: str, counted: bool) -> None:
        code = self.rule.code if self.rule else ""
        self.absences.append(Absence(code, table, reason, counted))

    def missing(self, ref: Ref) -> tuple[str, bool] | None:
        """Why a cell cannot be used (and whether the family prints it), or None when it was read
        or is legitimately blank: a 科目 row a 类-款-项 table does not list is zero; so is a 类 line
        a fixed-row table does not list when it lists 类 at all."""
        key, row, column = ref
        t = self.package.tables.get(key)
        coded = t is not None and t.spec.kind in CODED_KINDS
        if t is not None and (not column or column in t.columns) and (row in t.rows or coded and row.isdigit()) \
                and (not t.unplaced or t.placed):
            return None  # the common case, first (a table not placed is never read as zeros)
        spec = self.spec(key)
        title = spec.title if spec else key
        if t is None:
            return f"无{title}", key in self.profile.roles
        if not t.placed:
            return _unplaced(t), True
        if column and column not in t.columns:
            printed = column in t.spec.names and column not in t.spec.optional
            return f"{title}无“{column}”列", printed
        if row in t.rows or coded and row.isdigit():
            return None
        if coded and row == "":
            if self.memo(f"empty:{key}", t.is_empty):
                return None  # an empty table has no 合计 row: its total is zero, as it says
            return f"{title}无“合计”行", t.spec.kind == "hierarchy"
        if is_class_key(row) and any(is_class_key(k) for k in t.rows):
            return None
        return f"{title}无“{row or '合计'}”行", row in required_lines(t.spec)

    def applicable(self, refs: Iterable[Ref]) -> bool:
        """All cells were read: the identity is evaluated (and counted); otherwise the absence is
        recorded and the identity is not applicable — never computed with zeros."""
        refs = list(refs)
        for ref in refs:
            why = self.missing(ref)
            if why is not None:
                self._absent(ref[0], *why)
                return False
        code = self.rule.code if self.rule else ""
        self.evaluated[(code, refs[0][0] if refs else "")] += 1
        return True

    def value(self, ref: Ref) -> Decimal:
        t = self.package.tables.get(ref[0])
        return t.value(ref[1], ref[2]) if t else ZERO

    def cell(self, ref: Ref) -> ReadCell | None:
        t = self.package.tables.get(ref[0])
        return t.cell(ref[1], ref[2]) if t else None

    def address(self, ref: Ref) -> Address | None:
        t = self.package.tables.get(ref[0])
        if t is None:
            return None
        cell = t.cell(ref[1], ref[2])
        if cell is not None:
            return cell.address
        row = t.rows.get(ref[1])
        return row.address if row else None

    def is_blank(self, ref: Ref) -> bool:
        cell = self.cell(ref)
        return cell is None or (cell.value is None and not cell.unread)

    def half_units(self, refs: Iterable[Ref]) -> Decimal:
        """How far the printed cells may be off their true values together (each: half its last digit)."""
        return sum((c.half_unit for r in refs if (c := self.cell(r)) is not None and c.value is not None), ZERO)

    def describe(self, ref: Ref, with_table: bool = True) -> str:
        key, row_key, column = ref
        spec = self.spec(key)
        t = self.package.tables.get(key)
        row = t.rows.get(row_key) if t else None
        if row_key == "":
            label = "合计"
        elif t is not None and t.spec.kind in CODED_KINDS and row_key.isdigit():
            label = f"{row_key} {row.label}".strip() if row else row_key
        else:
            label = row.label if row and row.label else row_key
        where = _short(spec.sheet if spec else key) if with_table else ""
        shown = "" if t is not None and t.spec.kind == "row" and t.spec.row_column == column else (
            spec.shown_name(column) if spec else column)
        return f"{where}“{label}”{shown}"

    def _part_name(self, total: Ref, part: Ref) -> str:
        """Shortest unambiguous name of a part relative to the total it adds up to."""
        if part[:2] == total[:2]:
            spec = self.spec(part[0])
            return spec.shown_name(part[2]) if spec else part[2]
        return self.describe(part, part[0] != total[0])

    # -- findings -------------------------------------------------------------------------------
    def finding(self, table: str, message: str, cells: Iterable[Address | None], severity: str | None = None,
                **extra) -> Finding:
        assert self.rule is not None
        return Finding(self.rule.code, self.rule.name, severity or self.rule.severity, table, message,
                       [c for c in cells if c is not None], **extra)

    def _exact_note(self, total: Ref, parts: list[Ref], rounding: bool) -> str:
        """The true 元 figures behind the compared cells, when the workbook holds the detail."""
        if total not in self.exact and not any(p in self.exact for p in parts):
            return ""
        exact_total = self.exact.get(total, ZERO)
        exact_parts = sum((self.exact.get(p, ZERO) for p in parts), ZERO)
        if rounding and exact_total == exact_parts:
            return (f"按预算明细的元数：本格 {yuan(exact_total)}，各项之和 {yuan(exact_parts)}，二者相等；"
                    f"差额仅来自各格分别四舍五入到万元")
        off = [r for r in [total, *parts] if r in self.exact and self.value(r) != yuan_to_wan(self.exact[r])]
        where = "；与明细不符的格：" + "、".join(
            f"{self.describe(r)} 应为 {wan(yuan_to_wan(self.exact[r]))}" for r in off) if off else ""
        return f"按预算明细的元数：本格 {yuan(exact_total)}，各项之和 {yuan(exact_parts)}{where}"

    def verdict(self, table: str, difference: Decimal, printed: int, message: str, cells, **extra) -> Finding | None:
        """The rounding-aware verdict every numeric rule gives: nothing when equal, 尾差 (info) when
        |difference| ≤ 0.005 × printed figures involved, else the rule's own severity."""
        if difference == ZERO:
            return None
        if within_rounding(difference, printed):
            return self.finding(table, f"尾差：{message}", cells, ROUNDING, difference=difference, **extra)
        return self.finding(table, message, cells, difference=difference, **extra)

    def sum_check(self, total: Ref, parts: list[Ref], what: str = "") -> Finding | None:
        """total = Σ parts, rounding-aware: |T − Σ| ≤ the half-units of the printed cells involved
        (0.005 万元 each in 万元 tables, 0.5 元 in whole-元 tables) is 尾差. Not applicable when
        a cell it needs was not read."""
        if not self.applicable([total, *parts]):
            return None
        actual = self.value(total)
        expected = sum((self.value(p) for p in parts), ZERO)
        difference = actual - expected
        if difference == ZERO:
            return None
        printed = sum(1 for r in [total, *parts] if not self.is_blank(r))
        shown_parts = [p for p in parts if not self.is_blank(p)]
        if len(shown_parts) == 1 and self._leaf(total) and self._leaf(shown_parts[0]):
            return self._same_amount(total, shown_parts[0], what)  # one amount printed twice, however it is summed
        tolerance = self.half_units([total, *parts])
        rounding = abs(difference) <= tolerance
        described = "、".join(self._part_name(total, p) for p in parts[:6]) + ("等" if len(parts) > 6 else "")
        subject = what or f"{self.describe(total)}应等于{described}之和"
        show = self._shown(total[0])
        if rounding:
            message = (f"尾差：{subject}；印出数 {show(actual)}，各项之和 {show(expected)}，差 {show(difference)}，"
                       f"在 {printed} 个分别舍入的数的舍入范围（±{show(tolerance)}）以内")
        else:
            message = f"{subject}：应为 {show(expected)}，实际为 {show(actual)}，差 {show(difference)}"
        cells = [self.address(total)] + [self.address(p) for p in parts if not self.is_blank(p)]
        return self.finding(total[0], message, cells, ROUNDING if rounding else None, expected=expected,
                            actual=actual, difference=difference, detail_note=self._exact_note(total, parts, rounding))

    def row_sums(self, table_key: str, total_col: str, part_cols: Iterable[str]) -> Iterator[Finding | None]:
        """In every row of a table: the total column = Σ the part columns."""
        t = self.table(table_key)
        part_cols = tuple(part_cols)
        for key in (t.rows if t else ()):
            yield self.sum_check((table_key, key, total_col), [(table_key, key, c) for c in part_cols])

    def _shown(self, key: str):
        """Figures in the unit the table prints: 元 as printed (a 1-元 difference reads as 1 元), else 万元."""
        t = self.package.tables.get(key)
        if t is not None and t.money_unit == "元":
            def in_yuan(value: Decimal) -> str:
                yuan_value = value * 10000
                return f"{yuan_value:,.0f} 元" if yuan_value == yuan_value.to_integral() else f"{yuan_value:,.2f} 元"
            return in_yuan
        return lambda value: f"{_small(value)} 万元" if abs(value) < Decimal("0.01") else f"{value:,.2f} 万元"

    def equal(self, left: Ref, right: Ref, what: str = "") -> Finding | None:
        return self.sum_check(left, [right], what or f"{self.describe(left)}应等于{self.describe(right)}")

    def _same_amount(self, left: Ref, right: Ref, what: str) -> Finding | None:
        """One amount printed in two places as leaf figures (a 项 — or an economic 款 — in a column that
        sums no other column): each is a rounding of that one amount, so they must print alike; only the
        coarser's own half unit is allowed (万元 against 元), and 0.01 万元 apart is an error, not 尾差.
        Totals may differ by their parts' rounding (a total summed from rounded items): sum_check."""
        a, b = self.value(left), self.value(right)
        allowed = max(self.half_units([left]), self.half_units([right]))
        if abs(a - b) <= allowed:
            return None
        show = self._shown(left[0])
        subject = what or f"{self.describe(left)}应等于{self.describe(right)}"
        return self.finding(left[0], f"{subject}：同一金额在两处印作 {show(a)} 和 {show(b)}，差 {show(a - b)}"
                            f"（都是同一金额的舍入，应当相同；舍入范围 ±{show(allowed)}）",
                            [self.address(left), self.address(right)], expected=b, actual=a, difference=a - b,
                            detail_note=self._exact_note(left, [right], False))

    def _leaf(self, ref: Ref) -> bool:
        key, row, column = ref
        t = self.package.tables.get(key)
        if t is None or t.spec.kind not in CODED_KINDS or not row.isdigit():
            return False
        leaf = LEVEL_DIGITS.get(t.spec.hierarchy or "functional", LEVEL_DIGITS["functional"])[-1]
        return len(row) == leaf and column not in ("合计", "小计", "总计") and not column.endswith("合计")

    def balance(self, left: list[Ref], right: list[Ref], what: str) -> Finding | None:
        """Σ left = Σ right (年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余), rounding-aware."""
        if not self.applicable([*left, *right]):
            return None
        a = sum((self.value(r) for r in left), ZERO)
        b = sum((self.value(r) for r in right), ZERO)
        if a == b:
            return None
        show = self._shown(left[0][0])
        rounding = abs(a - b) <= self.half_units([*left, *right])
        message = f"{'尾差：' if rounding else ''}{what}：左边 {show(a)}，右边 {show(b)}，差 {show(a - b)}"
        cells = [self.address(r) for r in [*left, *right] if not self.is_blank(r)] or [self.address(left[0])]
        return self.finding(left[0][0], message, cells, ROUNDING if rounding else None, expected=b, actual=a,
                            difference=a - b)

    def at_most(self, part: Ref | list[Ref], whole: Ref, what: str) -> Finding | None:
        """Σ part ≤ whole (a part of spending cannot exceed the spending it is part of)."""
        parts = part if isinstance(part, list) else [part]
        if not self.applicable([whole, *parts]):
            return None
        small = sum((self.value(p) for p in parts), ZERO)
        big = self.value(whole)
        if small - big <= self.half_units([*parts, whole]):
            return None
        cells = [self.address(p) for p in parts if not self.is_blank(p)] + [self.address(whole)]
        return self.finding(whole[0], f"{what}：{wan(small)} 超过 {wan(big)}，多 {wan(small - big)} 万元", cells,
                            expected=big, actual=small, difference=small - big)


def _unplaced(t: ReadTable) -> str:
    return f"{t.spec.title}的列未能识别（{t.unplaced} 个数字无法对应到列，自 {t.unplaced_at} 起），未读取"


def _short(sheet: str) -> str:
    return sheet.split(" ", 1)[-1]


def _small(value: Decimal) -> str:
    """A difference as small as 1 元 (0.0001 万元) must not print as 0.00."""
    if value == ZERO or abs(value) >= Decimal("0.01"):
        return f"{value:,.2f}"
    return f"{value.normalize():f}"
