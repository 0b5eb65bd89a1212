"""What a rule sees: the tables as read, the exact 元 figures when the workbook holds the
detail, and rounding-aware comparison helpers that turn a difference into a finding."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Iterator

from budget_disclosure.checking.findings import ROUNDING, Finding
from budget_disclosure.checking.registry import Rule
from budget_disclosure.engine.codes import Classifications
from budget_disclosure.engine.money import ZERO, yuan_to_wan
from budget_disclosure.layout.tables import TABLE_BY_KEY
from budget_disclosure.reading.model import Address, ReadPackage, ReadTable

HALF_CENT = Decimal("0.005")
Ref = tuple[str, str, int]  # (table key, row key, spec column)


def within_rounding(difference: Decimal, printed: int) -> bool:
    """Each printed figure may be up to 0.005 万元 off its true value."""
    return abs(difference) <= HALF_CENT * printed


def wan(value: Decimal) -> str:
    return f"{value:,.2f}"


def yuan(value: Decimal) -> str:
    return f"{value:,.2f} 元"


class CheckContext:
    def __init__(self, package: ReadPackage, classifications: Classifications,
                 exact: dict[Ref, Decimal] | None = None, texts=None, paragraphs=(), detail=None,
                 statement_sheet: str = "情况说明", compares_last_year: bool = True):
        self.package = package
        self.classifications = classifications
        self.exact = exact or {}
        self.texts = texts  # PackageTexts, or None when the workbook has none of those sheets
        self.paragraphs = list(paragraphs)  # (row, text) of the 情况说明
        self.detail = detail  # BudgetDetail when the workbook holds a usable 预算明细
        self.statement_sheet = statement_sheet
        # False for a unit's own package: the 上年预算 sheet holds the department's figures
        self.compares_last_year = compares_last_year
        self.rule: Rule | None = None
        self.notes: list[str] = []  # what rules could not check, said once (shown with the verdict)
        self.detail_unusual: list = []  # InputProblems of 预算明细 amounts that look wrong
        self._memo: dict[str, object] = {}

    def memo(self, key: str, compute):
        """Compute something several rules need once per check."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # -- access ---------------------------------------------------------------------------------
    def table(self, key: str) -> ReadTable | None:
        return self.package.tables.get(key)

    def tables(self, *keys: str) -> Iterator[ReadTable]:
        for key in keys:
            if (t := self.package.tables.get(key)) is not None:
                yield t

    def value(self, ref: Ref) -> Decimal:
        t = self.table(ref[0])
        return t.value(ref[1], ref[2]) if t else ZERO

    def address(self, ref: Ref) -> Address | None:
        t = self.table(ref[0])
        if t is None:
            return None
        cell = t.cell(ref[1], ref[2])
        if cell is not None:
            return cell.address
        row = t.rows.get(ref[1])
        return row.address if row else None

    def is_blank(self, ref: Ref) -> bool:
        t = self.table(ref[0])
        cell = t.cell(ref[1], ref[2]) if t else None
        return cell is None or (cell.value is None and not cell.unread)

    def describe(self, ref: Ref, with_table: bool = True) -> str:
        key, row_key, col = ref
        spec = TABLE_BY_KEY[key]
        t = self.table(key)
        if row_key.startswith("#"):
            index = int(row_key[1:])
            labels = spec.fixed_rows[index]
            side = next((s for s, (_, cols) in enumerate(spec.sides) if col in cols), 0)
            label = labels[side] if side < len(labels) and labels[side] else labels[0]
        elif row_key == "":
            label = "合计"
        else:
            row = t.rows.get(row_key) if t else None
            label = f"{row_key} {row.label}".strip() if row else row_key
        where = spec.sheet.split(" ", 1)[-1] if with_table else ""
        return f"{where}“{label}”{spec.names[col]}"

    def _part_name(self, total: Ref, part: Ref) -> str:
        """Shortest unambiguous name of a part relative to the total it adds up to."""
        if part[:2] == total[:2]:
            return TABLE_BY_KEY[part[0]].names[part[2]]
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
        """total = Σ parts, rounding-aware: |T − Σ| ≤ 0.005 × (printed cells involved) is 尾差."""
        actual = self.value(total)
        expected = sum((self.value(p) for p in parts), ZERO)
        difference = actual - expected
        if difference == ZERO:
            return None
        printed = sum(1 for r in [total, *parts] if not self.is_blank(r))
        tolerance = HALF_CENT * printed
        rounding = within_rounding(difference, printed)
        described = "、".join(self._part_name(total, p) for p in parts[:6]) + ("等" if len(parts) > 6 else "")
        subject = what or f"{self.describe(total)}应等于{described}之和"
        if rounding:
            message = (f"尾差：{subject}；印出数 {wan(actual)}，各项之和 {wan(expected)}，差 {wan(difference)} 万元，"
                       f"在 {printed} 个分别四舍五入的数的舍入范围（±{tolerance.normalize()}）以内")
        else:
            message = f"{subject}：应为 {wan(expected)}，实际为 {wan(actual)}，差 {wan(difference)} 万元"
        cells = [self.address(total)] + [self.address(p) for p in parts if not self.is_blank(p)]
        return self.finding(total[0], message, cells, ROUNDING if rounding else None, expected=expected,
                            actual=actual, difference=difference, detail_note=self._exact_note(total, parts, rounding))

    def row_sums(self, table_key: str, total_col: int, part_cols: Iterable[int]) -> Iterator[Finding | None]:
        """In every row of a table: the total column = Σ the part columns."""
        t = self.table(table_key)
        part_cols = tuple(part_cols)
        for key in (t.rows if t else ()):
            yield self.sum_check((table_key, key, total_col), [(table_key, key, c) for c in part_cols])

    def equal(self, left: Ref, right: Ref, what: str = "") -> Finding | None:
        return self.sum_check(left, [right], what or f"{self.describe(left)}应等于{self.describe(right)}")

    def at_most(self, part: Ref | list[Ref], whole: Ref, what: str) -> Finding | None:
        """Σ part ≤ whole (a part of spending cannot exceed the spending it is part of)."""
        parts = part if isinstance(part, list) else [part]
        small = sum((self.value(p) for p in parts), ZERO)
        big = self.value(whole)
        printed = sum(1 for r in [*parts, whole] if not self.is_blank(r))
        if small - big <= HALF_CENT * printed:
            return None
        cells = [self.address(p) for p in parts if not self.is_blank(p)] + [self.address(whole)]
        return self.finding(whole[0], f"{what}：{wan(small)} 超过 {wan(big)}，多 {wan(small - big)} 万元", cells,
                            expected=big, actual=small, difference=small - big)


