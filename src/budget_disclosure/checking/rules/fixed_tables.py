"""Identities inside the fixed-row tables: 表1 收支总表, 表4 财政拨款收支总表, 表9 三公."""

from __future__ import annotations

from budget_disclosure.checking.findings import ERROR
from budget_disclosure.checking.registry import Edit, rule
from budget_disclosure.checking.rules.keys import (
    CLASS_KEYS, T1_CARRIED_IN, T1_CARRIED_OUT, T1_GRAND_IN, T1_GRAND_OUT, T1_IN, T1_INCOME, T1_OUT, T1_YEAR_INCOME,
    T1_YEAR_SPENDING, T4_CARRIED_BY_TYPE, T4_CARRIED_IN, T4_CARRIED_OUT, T4_GRAND_IN, T4_GRAND_OUT, T4_IN, T4_INCOME,
    T4_OUT, T4_TYPE_COLUMNS, T4_YEAR_INCOME, T4_YEAR_SPENDING, T9_ABROAD, T9_CAR_PURCHASE, T9_CAR_RUNNING, T9_CARS,
    T9_COLUMNS, T9_RECEPTION, T9_SUBTOTAL, T9_TOTAL,
)


@rule("BD101", "t1-balance", ERROR, "收支总表收入总计应等于支出总计", breaks=[Edit("T1", T1_GRAND_IN, T1_IN, "0.05")])
def t1_balance(ctx):
    """依据：预算收支平衡（部门预算公开表表式，财预〔2016〕143号）。收入总计 = 支出总计。
    失败示例：收入总计 2604.79，支出总计 2604.84。
    通过示例：收入总计 = 支出总计 = 2604.79。"""
    if ctx.table("T1"):
        yield ctx.equal(("T1", T1_GRAND_IN, T1_IN), ("T1", T1_GRAND_OUT, T1_OUT))


@rule("BD102", "t1-grand-totals", ERROR, "收支总表总计应等于本年合计加结转",
      breaks=[Edit("T1", T1_GRAND_OUT, T1_OUT, "0.05")])
def t1_grand_totals(ctx):
    """依据：收入总计 = 本年收入合计 + 上年结转结余；支出总计 = 本年支出合计 + 年终结转结余（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：本年支出合计 2604.79、年终结转结余空，支出总计 2604.84。
    通过示例：2604.79 + 0 = 2604.79。"""
    if ctx.table("T1"):
        yield ctx.sum_check(("T1", T1_GRAND_IN, T1_IN), [("T1", T1_YEAR_INCOME, T1_IN), ("T1", T1_CARRIED_IN, T1_IN)])
        yield ctx.sum_check(("T1", T1_GRAND_OUT, T1_OUT),
                            [("T1", T1_YEAR_SPENDING, T1_OUT), ("T1", T1_CARRIED_OUT, T1_OUT)])


@rule("BD103", "t1-income-rows", ERROR, "收支总表各项收入之和应等于本年收入合计",
      breaks=[Edit("T1", T1_INCOME["一般公共预算"], T1_IN, "0.05")])
def t1_income_rows(ctx):
    """依据：本年收入合计 = 一般公共预算拨款 + 政府性基金 + 国有资本经营 + 财政专户 + 单位资金（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：一般公共预算拨款收入 2604.84，本年收入合计 2604.79。
    通过示例：2604.79 + 0 + 0 + 0 + 0 = 2604.79。"""
    if ctx.table("T1"):
        yield ctx.sum_check(("T1", T1_YEAR_INCOME, T1_IN), [("T1", k, T1_IN) for k in T1_INCOME.values()])


@rule("BD104", "t1-class-rows", ERROR, "收支总表31个类之和应等于本年支出合计",
      breaks=[Edit("T1", "201", T1_OUT, "0.05")])
def t1_class_rows(ctx):
    """依据：本年支出合计 = 各功能分类类级支出之和（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：一般公共服务支出改为 1750.62，本年支出合计仍为 2604.79。
    通过示例：1750.57 + 617.50 + 127.97 + 108.75 = 2604.79。"""
    if ctx.table("T1"):
        yield ctx.sum_check(("T1", T1_YEAR_SPENDING, T1_OUT), [("T1", k, T1_OUT) for k in CLASS_KEYS])


@rule("BD109", "t4-balance", ERROR, "财政拨款收支总表收入总计应等于支出总计",
      breaks=[Edit("T4", T4_GRAND_IN, T4_IN, "0.05")])
def t4_balance(ctx):
    """依据：财政拨款收支平衡（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：收入总计 2604.84，支出总计 2604.79。
    通过示例：两者均为 2604.79。"""
    if ctx.table("T4"):
        yield ctx.equal(("T4", T4_GRAND_IN, T4_IN), ("T4", T4_GRAND_OUT, T4_OUT))


@rule("BD110", "t4-type-columns", ERROR, "财政拨款收支总表每行合计应等于三类财政拨款之和",
      breaks=[Edit("T4", "201", T4_TYPE_COLUMNS[0], "0.05")])
def t4_type_columns(ctx):
    """依据：合计 = 一般公共预算财政拨款 + 政府性基金预算财政拨款 + 国有资本经营预算财政拨款（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：一般公共服务支出 合计 1750.57，一般公共预算列 1750.62。
    通过示例：1750.57 = 1750.57 + 0 + 0。"""
    yield from ctx.row_sums("T4", T4_OUT, T4_TYPE_COLUMNS)


@rule("BD111", "t4-totals", ERROR, "财政拨款收支总表合计行应等于其组成",
      breaks=[Edit("T4", T4_INCOME[0], T4_IN, "0.05")])
def t4_totals(ctx):
    """依据：本年收入合计 = 一 + 二 + 三；年初结转和结余 = 其下三项；收入总计 = 本年收入合计 + 年初结转；
    本年支出合计 = 各类之和；支出总计 = 本年支出合计 + 年末结转（部门预算公开表表式，财预〔2016〕143号；表式）。
    失败示例：一、一般公共预算拨款 2604.84，本年收入合计 2604.79。
    通过示例：2604.79 = 2604.79 + 0 + 0。"""
    if not ctx.table("T4"):
        return
    yield ctx.sum_check(("T4", T4_YEAR_INCOME, T4_IN), [("T4", k, T4_IN) for k in T4_INCOME])
    yield ctx.sum_check(("T4", T4_CARRIED_IN, T4_IN), [("T4", k, T4_IN) for k in T4_CARRIED_BY_TYPE])
    yield ctx.sum_check(("T4", T4_GRAND_IN, T4_IN), [("T4", T4_YEAR_INCOME, T4_IN), ("T4", T4_CARRIED_IN, T4_IN)])
    for c in (T4_OUT, *T4_TYPE_COLUMNS):
        yield ctx.sum_check(("T4", T4_YEAR_SPENDING, c), [("T4", k, c) for k in CLASS_KEYS])
        yield ctx.sum_check(("T4", T4_GRAND_OUT, c), [("T4", T4_YEAR_SPENDING, c), ("T4", T4_CARRIED_OUT, c)])


@rule("BD114", "t9-subtotal", ERROR, "三公经费小计应等于三项之和", breaks=[Edit("T9", T9_RECEPTION, "合计", "0.05")])
def t9_subtotal(ctx):
    """依据：“三公”经费 = 因公出国（境）费 + 公务用车购置及运维费 + 公务接待费（财预〔2016〕143号）。
    失败示例：公务接待费 3.16，小计 56.54。
    通过示例：0 + 53.43 + 3.11 = 56.54。"""
    if ctx.table("T9"):
        for c in T9_COLUMNS:
            yield ctx.sum_check(("T9", T9_SUBTOTAL, c), [("T9", k, c) for k in (T9_ABROAD, T9_CARS, T9_RECEPTION)])


@rule("BD115", "t9-cars", ERROR, "公务用车购置及运维费应等于购置费加运行维护费",
      breaks=[Edit("T9", T9_CAR_RUNNING, "合计", "0.05")])
def t9_cars(ctx):
    """依据：公务用车购置及运维费 = 公务用车购置费 + 公务用车运行维护费（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：运行维护费 53.48，购置及运维费 53.43。
    通过示例：0 + 53.43 = 53.43。"""
    if ctx.table("T9"):
        for c in T9_COLUMNS:
            yield ctx.sum_check(("T9", T9_CARS, c), [("T9", T9_CAR_PURCHASE, c), ("T9", T9_CAR_RUNNING, c)])


@rule("BD116", "t9-total", ERROR, "三公表合计应等于三公经费小计", breaks=[Edit("T9", T9_TOTAL, "合计", "0.05")])
def t9_total(ctx):
    """依据：河北表式中合计行 = “三公”经费小计（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：合计 56.59，小计 56.54。
    通过示例：56.54 = 56.54。"""
    if ctx.table("T9"):
        for c in T9_COLUMNS:
            yield ctx.equal(("T9", T9_TOTAL, c), ("T9", T9_SUBTOTAL, c))


@rule("BD117", "t9-fund-columns", ERROR, "三公表每行合计应等于三类财政拨款之和",
      breaks=[Edit("T9", T9_RECEPTION, T9_COLUMNS[1], "0.05")])
def t9_fund_columns(ctx):
    """依据：合计 = 一般公共预算财政拨款 + 政府性基金预算拨款 + 国有资本经营预算财政拨款（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：公务接待费 一般公共预算列 3.16，合计 3.11。
    通过示例：3.11 = 3.11 + 0 + 0。"""
    yield from ctx.row_sums("T9", "合计", T9_COLUMNS[1:])
