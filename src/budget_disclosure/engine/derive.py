"""The nine derived tables, one function each, computed exactly in 元 from the 预算明细.

Every amount cell is the exact sum of the lines it covers; rounding to 万元 happens only when a
cell is printed. This is what makes the 尾差 of a published package reproducible: a 类 row is
not the sum of its rounded 款 rows but the rounding of its own exact total.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Callable, Iterable, Sequence

from budget_disclosure.engine.codes import Kind, ancestors
from budget_disclosure.engine.detail import new_line
from budget_disclosure.engine.model import BudgetDetail, BudgetLine, DerivedTable, TableRow
from budget_disclosure.engine.emptiness import is_empty
from budget_disclosure.engine.money import ZERO, yuan_to_wan
from budget_disclosure.engine.vocab import (
    APPROPRIATION_TYPES, BASIC, GENERAL, GOV_FUND, PROJECT, STATE_CAPITAL, UNIT_FUND_COLUMNS,
)
from budget_disclosure.layout import tables as L

NameOf = Callable[[Kind, str], str]
Vector = list[Decimal]


def _blank_zero(values: Iterable[Decimal]) -> tuple[Decimal | None, ...]:
    """Official tables print nothing where an amount is zero."""
    return tuple(v if v != ZERO else None for v in values)


def _blank_one(value: Decimal | None) -> Decimal | None:
    """One cell: None stays None (no row label there), zero prints blank."""
    return None if value is None or value == ZERO else value


def _hierarchy_rows(kind: Kind, leaf_sums: dict[str, Vector], width: int, name_of: NameOf) -> tuple[TableRow, ...]:
    """合计 first, then each 类 followed by its 款 and 项 rows that carry amounts, in code order."""
    totals: dict[str, Vector] = defaultdict(lambda: [ZERO] * width)
    grand = [ZERO] * width
    for code, vector in leaf_sums.items():
        for node in ancestors(kind, code) + [code]:
            acc = totals[node]
            for i, v in enumerate(vector):
                acc[i] += v
        for i, v in enumerate(vector):
            grand[i] += v
    codes = sorted(c for c, v in totals.items() if any(x != ZERO for x in v))
    if not codes:
        return ()
    levels = {3: "类", 5: "款", 7: "项"}
    rows = [TableRow(("", "合计") + _blank_zero(grand), code="", level="合计")]
    rows += [TableRow((c, name_of(kind, c)) + _blank_zero(totals[c]), code=c, level=levels[len(c)]) for c in codes]
    return tuple(rows)


def _leaf_sums(lines: Iterable[BudgetLine], key: Callable[[BudgetLine], str],
               columns: Callable[[BudgetLine], Sequence[int]], width: int) -> dict[str, Vector]:
    """Sum each line's amount into the columns it counts in, per leaf code."""
    sums: dict[str, Vector] = defaultdict(lambda: [ZERO] * width)
    for line in lines:
        vector = sums[key(line)]
        for i in columns(line):
            vector[i] += line.amount
    return sums


def _total(lines: Iterable[BudgetLine], keep: Callable[[BudgetLine], bool] = lambda l: True) -> Decimal:
    return sum((l.amount for l in lines if keep(l)), ZERO)


def _table(spec: L.TableSpec, detail: BudgetDetail, rows: tuple[TableRow, ...]) -> DerivedTable:
    """The derived table, with its 空表 note when it prints as empty (engine/emptiness.py)."""
    amount_cols = spec.amount_columns
    printed = [yuan_to_wan(row.cells[c]) for row in rows for c in amount_cols if isinstance(row.cells[c], Decimal)]
    body = sum(1 for row in rows if row.level in ("类", "款", "项")
               and any(isinstance(row.cells[c], Decimal) for c in amount_cols))
    empty = is_empty(bool(spec.hierarchy), printed, body)
    return DerivedTable(spec.key, detail.header, rows, spec.empty_note if empty else "")


def _class_totals(lines: Iterable[BudgetLine], keep: Callable[[BudgetLine], bool]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if keep(line):
            totals[line.func_code[:3]] += line.amount
    return totals


def income_expenditure_summary(detail: BudgetDetail, name_of: NameOf) -> DerivedTable:
    """表1 部门预算收支总表: 5 income rows, the 31 类, 本年合计, 结转, 总计 (34 fixed rows)."""
    lines = detail.lines
    current = [l for l in lines if not l.fund.carryover]
    income = [
        _total(current, lambda l: l.fund.appropriation == GENERAL),
        _total(current, lambda l: l.fund.appropriation == GOV_FUND),
        _total(current, lambda l: l.fund.appropriation == STATE_CAPITAL),
        _total(current, lambda l: l.fund.income_column == "财政专户收入"),
        _total(current, lambda l: l.fund.income_column in UNIT_FUND_COLUMNS),
    ]
    year_income = _total(current)
    carried = _total(lines, lambda l: l.fund.carryover)
    by_class = _class_totals(lines, lambda l: True)
    year_spending = _total(lines)
    income_col = income + [None] * (len(L.EXPENDITURE_CLASSES) - len(income)) + [year_income, carried, year_income + carried]
    spend_col = [by_class.get(code, ZERO) if code else ZERO for code, _ in L.EXPENDITURE_CLASSES]
    spend_col += [year_spending, ZERO, year_spending]
    keys = [code or "" for code, _ in L.EXPENDITURE_CLASSES] + ["本年合计", "结转结余", "总计"]
    rows = tuple(
        TableRow((labels[0], _blank_one(inc), labels[1], _blank_one(out)),
                 code=key, level="固定行")
        for labels, inc, out, key in zip(L.T1.fixed_rows, income_col, spend_col, keys)
    )
    return _table(L.T1, detail, rows)


def income_table(detail: BudgetDetail, name_of: NameOf) -> DerivedTable:
    """表2 部门预算收入总表: 合计 = 小计 + 上年结转; 小计 = the seven income columns."""
    income_index = {name: 2 + i for i, name in enumerate(L.T2_INCOME_COLUMNS)}

    def columns(line: BudgetLine) -> Sequence[int]:
        if line.fund.carryover:
            return (0, 9)
        return (0, 1, income_index[line.fund.income_column])

    sums = _leaf_sums(detail.lines, lambda l: l.func_code, columns, 10)
    rows = _hierarchy_rows("functional", sums, 10, name_of)
    return _table(L.T2, detail, rows)


def expenditure_table(detail: BudgetDetail, name_of: NameOf) -> DerivedTable:
    """表3 部门预算支出总表: 合计 = 基本 + 项目 + 经营 + 上解上级 + 对附属单位补助."""
    kind_index = {name: 1 + i for i, name in enumerate(L.T3_KIND_COLUMNS)}
    sums = _leaf_sums(detail.lines, lambda l: l.func_code, lambda l: (0, kind_index[l.kind.column]), 6)
    rows = _hierarchy_rows("functional", sums, 6, name_of)
    return _table(L.T3, detail, rows)


def appropriation_summary(detail: BudgetDetail, name_of: NameOf) -> DerivedTable:
    """表4 部门预算财政拨款收支总表 (37 fixed rows): 财政拨款 only, split by its three types."""
    funded = [l for l in detail.lines if l.fund.appropriation]
    current = [l for l in funded if not l.fund.carryover]
    carried = [l for l in funded if l.fund.carryover]
    income_by_type = [_total(current, lambda l, t=t: l.fund.appropriation == t) for t in APPROPRIATION_TYPES]
    carried_by_type = [_total(carried, lambda l, t=t: l.fund.appropriation == t) for t in APPROPRIATION_TYPES]
    year_income = sum(income_by_type, ZERO)
    carried_total = sum(carried_by_type, ZERO)
    n_classes = len(L.EXPENDITURE_CLASSES)
    income_col: list[Decimal | None] = income_by_type + [None] * (n_classes - 3)
    income_col += [year_income, carried_total] + carried_by_type + [year_income + carried_total]

    per_type = [_class_totals(funded, lambda l, t=t: l.fund.appropriation == t) for t in APPROPRIATION_TYPES]
    spend_rows: list[list[Decimal] | None] = []
    for code, _ in L.EXPENDITURE_CLASSES:
        parts = [t.get(code, ZERO) if code else ZERO for t in per_type]
        spend_rows.append([sum(parts, ZERO)] + parts)
    type_totals = [_total(funded, lambda l, t=t: l.fund.appropriation == t) for t in APPROPRIATION_TYPES]
    year_spending = [sum(type_totals, ZERO)] + type_totals
    spend_rows += [year_spending, [ZERO] * 4, None, None, None, year_spending]
    keys = [code or "" for code, _ in L.EXPENDITURE_CLASSES] + [
        "本年合计", "结转结余", GENERAL, GOV_FUND, STATE_CAPITAL, "总计"]

    rows = []
    for labels, inc, out, key in zip(L.T4.fixed_rows, income_col, spend_rows, keys):
        out_cells = _blank_zero(out) if out is not None else (None,) * 4
        rows.append(TableRow((labels[0], _blank_one(inc), labels[1]) + out_cells, code=key, level="固定行"))
    return _table(L.T4, detail, tuple(rows))


def _appropriation_functional(spec: L.TableSpec, appropriation: str, detail: BudgetDetail,
                              name_of: NameOf) -> DerivedTable:
    """表5/表7/表8: one 财政拨款 type by 功能分类, 合计 = 基本支出 + 项目支出."""
    lines = [l for l in detail.lines if l.fund.appropriation == appropriation]
    column = {BASIC: 1, PROJECT: 2}
    sums = _leaf_sums(lines, lambda l: l.func_code, lambda l: (0, column[l.kind.column]), 3)
    rows = _hierarchy_rows("functional", sums, 3, name_of)
    return _table(spec, detail, rows)


def general_budget_table(detail: BudgetDetail, name_of: NameOf) -> DerivedTable:
    """表5 部门预算一般公共预算财政拨款支出表."""
    return _appropriation_functional(L.T5, GENERAL, detail, name_of)


def general_basic_table(detail: BudgetDetail, name_of: NameOf) -> DerivedTable:
    """表6 一般公共预算财政拨款基本支出表: by 经济分类 类/款, 合计 = 人员经费 + 公用经费."""
    lines = [l for l in detail.lines if l.fund.appropriation == GENERAL and l.kind.column == BASIC]
    part = {"人员经费": 1, "公用经费": 2}
    sums = _leaf_sums(lines, lambda l: l.econ_code, lambda l: (0, part[l.kind.basic_part]), 3)
    rows = _hierarchy_rows("economic", sums, 3, name_of)
    return _table(L.T6, detail, rows)


def gov_fund_table(detail: BudgetDetail, name_of: NameOf) -> DerivedTable:
    """表7 部门预算政府性基金预算财政拨款支出表."""
    return _appropriation_functional(L.T7, GOV_FUND, detail, name_of)


def state_capital_table(detail: BudgetDetail, name_of: NameOf) -> DerivedTable:
    """表8 部门预算国有资本经营预算财政拨款支出表."""
    return _appropriation_functional(L.T8, STATE_CAPITAL, detail, name_of)


def three_public_table(detail: BudgetDetail, name_of: NameOf) -> DerivedTable:
    """表9 财政拨款“三公”经费支出表: 基本 and 项目 spending of all 财政拨款, by 经济分类 款."""
    every = L.SANGONG_ABROAD + L.SANGONG_CAR_PURCHASE + L.SANGONG_CAR_RUNNING + L.SANGONG_RECEPTION
    funded = [l for l in detail.lines if l.fund.appropriation and l.econ_code in every]  # the few 三公 lines

    def item(codes: tuple[str, ...]) -> list[Decimal]:
        parts = [_total(funded, lambda l, t=t: l.fund.appropriation == t and l.econ_code in codes)
                 for t in APPROPRIATION_TYPES]
        return [sum(parts, ZERO)] + parts

    total = item(every)
    values = [
        total,
        total,
        item(L.SANGONG_ABROAD),
        item(L.SANGONG_CAR_PURCHASE + L.SANGONG_CAR_RUNNING),
        item(L.SANGONG_CAR_PURCHASE),
        item(L.SANGONG_CAR_RUNNING),
        item(L.SANGONG_RECEPTION),
    ]
    keys = ("合计", "小计", "因公出国（境）费", "公务用车购置及运维费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
    rows = tuple(TableRow(labels + _blank_zero(v), code=k, level="固定行")
                 for labels, v, k in zip(L.T9.fixed_rows, values, keys))
    return _table(L.T9, detail, rows)


DERIVATIONS: dict[str, Callable[[BudgetDetail, NameOf], DerivedTable]] = {
    "T1": income_expenditure_summary,
    "T2": income_table,
    "T3": expenditure_table,
    "T4": appropriation_summary,
    "T5": general_budget_table,
    "T6": general_basic_table,
    "T7": gov_fund_table,
    "T8": state_capital_table,
    "T9": three_public_table,
}


# the tables by 经济分类 (the others are by 功能分类)
_BY_ECONOMIC = ("T6", "T9")


def folded(lines: Iterable[BudgetLine]) -> tuple[tuple[BudgetLine, ...], tuple[BudgetLine, ...]]:
    """The lines summed per (code, fund source, expenditure kind), by 功能分类 and by 经济分类: a line's
    cell in any table depends on nothing else, so the tables of the folded lines are exactly the
    tables of the lines — from a few thousand lines instead of 100,000. The other classification's
    code, the unit and the project of a folded line are blank; its row is 0."""
    functional: dict[tuple, list] = {}
    economic: dict[tuple, list] = {}
    for line in lines:
        # the vocabulary objects are the module's own (one per fund source and kind): their identity is their value
        fund, kind, amount = id(line.fund), id(line.kind), line.amount
        group = functional.get(key := (line.func_code, fund, kind))
        if group is None:
            functional[key] = [line, amount]
        else:
            group[1] += amount
        group = economic.get(key := (line.econ_code, fund, kind))
        if group is None:
            economic[key] = [line, amount]
        else:
            group[1] += amount
    return (tuple(new_line("", "", l.func_code, l.func_name, "", "", l.fund, l.kind, "", "", amount, 0)
                  for l, amount in functional.values()),
            tuple(new_line("", "", "", "", l.econ_code, l.econ_name, l.fund, l.kind, "", "", amount, 0)
                  for l, amount in economic.values()))


def derive_all(detail: BudgetDetail, name_of: NameOf) -> dict[str, DerivedTable]:
    """All nine tables, keyed T1 … T9 (each from the lines folded by its classification)."""
    functional, economic = folded(detail.lines)
    by_function, by_economic = BudgetDetail(detail.header, functional), BudgetDetail(detail.header, economic)
    return {key: derive(by_economic if key in _BY_ECONOMIC else by_function, name_of)
            for key, derive in DERIVATIONS.items()}
