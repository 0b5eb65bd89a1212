"""Identities across tables: the same number printed in two places must agree."""

from __future__ import annotations

from budget_disclosure.checking.context import HALF_CENT
from budget_disclosure.checking.findings import ERROR, WARNING
from budget_disclosure.checking.registry import Edit, rule
from budget_disclosure.checking.rules.keys import (
    CLASS_ROWS, T1_CARRIED_IN, T1_GRAND_IN, T1_IN, T1_INCOME, T1_OUT, T1_YEAR_INCOME, T1_YEAR_SPENDING, T4_CARRIED_IN,
    T4_IN, T4_INCOME, T4_OUT, T4_TYPE_COLUMNS, T4_TYPE_TABLES, T4_YEAR_INCOME, T4_YEAR_SPENDING, T9_ABROAD,
    T9_CAR_PURCHASE, T9_CAR_RUNNING, T9_RECEPTION,
)
from budget_disclosure.engine.money import ZERO
from budget_disclosure.layout.tables import (
    SANGONG_ABROAD, SANGONG_CAR_PURCHASE, SANGONG_CAR_RUNNING, SANGONG_RECEPTION,
)


UNIT_FUND_COLUMNS = ("事业收入", "经营收入", "上级补助收入", "附属单位上缴收入", "其他收入")
NON_APPROPRIATION_COLUMNS = ("财政专户收入", *UNIT_FUND_COLUMNS)


def _both(ctx, *keys):
    return all(ctx.table(k) is not None for k in keys)


@rule("BD201", "t1-income-equals-t2", ERROR, "收支总表收入应与收入总表一致", breaks=[Edit("T2", "", "小计", "0.05")])
def t1_vs_t2(ctx):
    """依据：收支总表 本年收入合计 = 收入总表 合计行 本年收入小计；收入总计 = 收入总表 合计；
    上年结转结余 = 收入总表 上年结转（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：收入总表 合计行 小计 2604.84，收支总表 本年收入合计 2604.79。
    通过示例：两表均为 2604.79。"""
    if _both(ctx, "T1", "T2"):
        yield ctx.equal(("T1", T1_YEAR_INCOME, T1_IN), ("T2", "", "小计"))
        yield ctx.equal(("T1", T1_GRAND_IN, T1_IN), ("T2", "", "合计"))
        yield ctx.equal(("T1", T1_CARRIED_IN, T1_IN), ("T2", "", "上年结转"))


@rule("BD202", "t1-spending-equals-t3", ERROR, "收支总表本年支出合计应等于支出总表合计",
      breaks=[Edit("T3", "", "合计", "0.05")])
def t1_vs_t3(ctx):
    """依据：收支总表 本年支出合计 = 支出总表 合计（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：支出总表 合计 2604.84。
    通过示例：两表均为 2604.79。"""
    if _both(ctx, "T1", "T3"):
        yield ctx.equal(("T1", T1_YEAR_SPENDING, T1_OUT), ("T3", "", "合计"))


@rule("BD203", "t2-rows-equal-t3-rows", ERROR, "收入总表与支出总表同一科目的合计应相等",
      breaks=[Edit("T2", "2010104", "合计", "0.05")])
def t2_vs_t3(ctx):
    """依据：部门预算收支平衡到科目：收入总表每个科目的合计 = 支出总表同一科目的合计（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：收入总表 人大会议 226.14，支出总表 226.09。
    通过示例：两表 人大会议 均为 226.09。"""
    if _both(ctx, "T2", "T3"):
        t2, t3 = ctx.table("T2"), ctx.table("T3")
        for key in dict.fromkeys([*t2.rows, *t3.rows]):
            yield ctx.equal(("T2", key, "合计"), ("T3", key, "合计"))


@rule("BD204", "t1-appropriation-equals-t2", ERROR, "收支总表财政拨款收入应等于收入总表财政拨款收入",
      breaks=[Edit("T2", "", "财政拨款收入", "0.05")])
def t1_appropriation_vs_t2(ctx):
    """依据：收支总表 一、二、三 项之和 = 收入总表 合计行 财政拨款收入（栏5）（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：收入总表 财政拨款收入 2604.84。
    通过示例：2604.79 + 0 + 0 = 2604.79。"""
    if _both(ctx, "T1", "T2"):
        parts = [("T1", T1_INCOME[k], T1_IN) for k in ("一般公共预算", "政府性基金", "国有资本经营")]
        yield ctx.sum_check(("T2", "", "财政拨款收入"), parts,
                            "收入总表“合计”财政拨款收入应等于收支总表一般公共预算、政府性基金、国有资本经营预算拨款收入之和")


@rule("BD205", "t1-special-account-equals-t2", ERROR, "收支总表财政专户管理资金收入应等于收入总表财政专户收入",
      breaks=[Edit("T1", T1_INCOME["财政专户"], T1_IN, value=1)])
def t1_special_account_vs_t2(ctx):
    """依据：收支总表 四、财政专户管理资金收入 = 收入总表 财政专户收入（栏6）（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：收支总表 财政专户 1.00，收入总表 空。
    通过示例：两表均空。"""
    if _both(ctx, "T1", "T2"):
        yield ctx.equal(("T1", T1_INCOME["财政专户"], T1_IN), ("T2", "", "财政专户收入"))


@rule("BD206", "t1-unit-funds-equal-t2", ERROR, "收支总表单位资金应等于收入总表事业、经营、上级补助、附属单位上缴和其他收入之和",
      breaks=[Edit("T1", T1_INCOME["单位资金"], T1_IN, value=1)])
def t1_unit_funds_vs_t2(ctx):
    """依据：收支总表 五、单位资金 = 收入总表 栏7–11 之和（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：单位资金 1.00，收入总表栏7–11 均空。
    通过示例：均为 0。"""
    if _both(ctx, "T1", "T2"):
        yield ctx.sum_check(("T1", T1_INCOME["单位资金"], T1_IN), [("T2", "", c) for c in UNIT_FUND_COLUMNS])


@rule("BD208", "t1-classes-equal-t3", ERROR, "收支总表各类支出应等于支出总表对应类的合计",
      breaks=[Edit("T1", CLASS_ROWS["208"], T1_OUT, "0.05")])
def t1_classes_vs_t3(ctx):
    """依据：收支总表 支出各类（按名称）= 支出总表 类级行 合计（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：收支总表 社会保障和就业支出 617.55，支出总表 617.50。
    通过示例：1750.57 / 617.50 / 127.97 / 108.75 两表一致。"""
    if _both(ctx, "T1", "T3"):
        for code, key in CLASS_ROWS.items():
            yield ctx.equal(("T1", key, T1_OUT), ("T3", code, "合计"))


@rule("BD209", "t4-income-equals-t1", ERROR, "财政拨款收支总表各项收入应等于收支总表对应收入",
      breaks=[Edit("T4", T4_INCOME[0], T4_IN, "0.05")])
def t4_vs_t1(ctx):
    """依据：财政拨款收支总表 一、二、三 = 收支总表 一、二、三（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：财政拨款收支总表 一般公共预算拨款 2604.84。
    通过示例：2604.79 = 2604.79。"""
    if _both(ctx, "T1", "T4"):
        for t4_key, name in zip(T4_INCOME, ("一般公共预算", "政府性基金", "国有资本经营")):
            yield ctx.equal(("T4", t4_key, T4_IN), ("T1", T1_INCOME[name], T1_IN))


@rule("BD210", "t4-income-equals-t2", ERROR, "财政拨款收支总表本年收入合计应等于收入总表财政拨款收入",
      breaks=[Edit("T4", T4_YEAR_INCOME, T4_IN, "0.05")])
def t4_vs_t2(ctx):
    """依据：财政拨款收支总表 本年收入合计 = 收入总表 财政拨款收入 合计（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：本年收入合计 2604.84。
    通过示例：2604.79 = 2604.79。"""
    if _both(ctx, "T4", "T2"):
        yield ctx.equal(("T4", T4_YEAR_INCOME, T4_IN), ("T2", "", "财政拨款收入"))


@rule("BD211", "t4-spending-equals-function-tables", ERROR, "财政拨款收支总表支出应等于表5、表7、表8合计",
      breaks=[Edit("T5", "", "合计", "0.05")])
def t4_vs_function_tables(ctx):
    """依据：本年支出合计 一般公共预算列 = 表5 合计；政府性基金列 = 表7 合计；国有资本经营列 = 表8 合计；
    合计列 = 三表合计之和（部门预算公开表表式，财预〔2016〕143号；GovBudgetChecker BUD-C010）。
    失败示例：一般公共预算财政拨款支出表 合计 2604.84，财政拨款收支总表 2604.79。
    通过示例：2604.79 = 2604.79，表7、表8 为空表。"""
    if not ctx.table("T4"):
        return
    present = [k for k in T4_TYPE_TABLES if ctx.table(k)]
    for col, key in zip(T4_TYPE_COLUMNS, T4_TYPE_TABLES):
        if key in present:
            yield ctx.equal(("T4", T4_YEAR_SPENDING, col), (key, "", "合计"))
    if len(present) == 3:
        yield ctx.sum_check(("T4", T4_YEAR_SPENDING, T4_OUT), [(k, "", "合计") for k in present])


@rule("BD212", "t4-classes-equal-function-tables", ERROR, "财政拨款收支总表各类支出应等于表5、表7、表8对应类",
      breaks=[Edit("T5", "208", "合计", "0.05")])
def t4_classes_vs_function_tables(ctx):
    """依据：财政拨款收支总表 类级行 一般公共预算列 = 表5 类级行 合计（基金列对表7，国资列对表8）（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：表5 社会保障和就业支出 617.55，表4 一般公共预算列 617.50。
    通过示例：各类一致。"""
    if not ctx.table("T4"):
        return
    for col, key in zip(T4_TYPE_COLUMNS, T4_TYPE_TABLES):
        if ctx.table(key):
            for code, row in CLASS_ROWS.items():
                yield ctx.equal(("T4", row, col), (key, code, "合计"))


@rule("BD213", "appropriation-within-total", ERROR, "财政拨款支出不应超过同一科目的全部支出",
      breaks=[Edit("T5", "2010101", "基本支出", value=2000)])
def appropriation_within_total(ctx):
    """依据：财政拨款是全部资金的一部分：表5+表7+表8 同一科目同一列（合计、基本、项目）≤ 表3（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：表5 行政运行 基本支出 2000.00，表3 只有 1291.00。
    通过示例：表5 与表3 行政运行均为 1291.00（全部为一般公共预算资金时相等）。"""
    t3 = ctx.table("T3")
    if not t3:
        return
    parts_tables = [t for t in ctx.tables("T5", "T7", "T8")]
    codes = dict.fromkeys(k for t in parts_tables for k in t.rows)
    for key in codes:
        for col in ("合计", "基本支出", "项目支出"):
            parts = [(t.key, key, col) for t in parts_tables if key in t.rows]
            yield ctx.at_most(parts, ("T3", key, col),
                              f"财政拨款（表5、表7、表8）“{key or '合计'}”{col}超过支出总表同一科目")


@rule("BD214", "t6-equals-t5-basic", ERROR, "基本支出表合计应等于一般公共预算支出表基本支出合计",
      breaks=[Edit("T6", "", "合计", "0.05")])
def t6_vs_t5(ctx):
    """依据：一般公共预算财政拨款基本支出表 合计 = 一般公共预算财政拨款支出表 基本支出 合计（部门预算公开表表式，财预〔2016〕143号；GovBudgetChecker BUD-C004）。
    失败示例：表6 合计 2145.27，表5 基本支出 2145.22。
    通过示例：2145.22 = 2145.22。"""
    if _both(ctx, "T6", "T5"):
        yield ctx.equal(("T6", "", "合计"), ("T5", "", "基本支出"))


@rule("BD215", "t9-covers-economic-items", ERROR, "三公各项不应小于基本支出表对应经济分类款",
      breaks=[Edit("T6", "30217", "合计", value=5)])
def t9_covers_t6(ctx):
    """依据：三公表含基本支出和项目支出，基本支出表只含基本支出，故 三公项目 ≥ 对应款（部分 ≤ 整体，不是相等）：
    公务接待费 ≥ 30217，公务用车运行维护费 ≥ 30231，因公出国（境）费 ≥ 30212，公务用车购置费 ≥ 31013+30913
    （部门预算公开表表式，财预〔2016〕143号；GovBudgetChecker WP4A）。
    失败示例：基本支出表 30217 公务接待费 5.00，三公表公务接待费 3.11。
    通过示例：3.11 ≥ 3.11；53.43 ≥ 53.43。"""
    if not _both(ctx, "T9", "T6"):
        return
    t6 = ctx.table("T6")
    for row, codes, name in ((T9_RECEPTION, SANGONG_RECEPTION, "公务接待费"),
                             (T9_CAR_RUNNING, SANGONG_CAR_RUNNING, "公务用车运行维护费"),
                             (T9_ABROAD, SANGONG_ABROAD, "因公出国（境）费"),
                             (T9_CAR_PURCHASE, SANGONG_CAR_PURCHASE, "公务用车购置费")):
        parts = [("T6", c, "合计") for c in codes if c in t6.rows]
        if parts:  # the 合计 column: every family prints it, and it is ≥ the 一般公共预算 column
            yield ctx.at_most(parts, ("T9", row, "合计"), f"基本支出表 {'+'.join(codes)} 大于三公表“{name}”")


@rule("BD216", "t9-funds-have-tables", WARNING, "三公表有基金或国资金额时对应支出表不应为空",
      breaks=[Edit("T9", T9_RECEPTION, "政府性基金预算财政拨款", value=1)])
def t9_funds_have_tables(ctx):
    """依据：三公表政府性基金列有数，则政府性基金预算财政拨款支出表应有数；国有资本经营列同理（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：三公表 公务接待费 政府性基金列 1.00，表7 为空表。
    通过示例：三公表只有一般公共预算列有数。"""
    t9 = ctx.table("T9")
    if not t9:
        return
    for col, key in (("政府性基金预算财政拨款", "T7"), ("国有资本经营预算财政拨款", "T8")):
        values = [t9.cell(k, col) for k in t9.rows]
        cells = [c for c in values if c is not None and c.value not in (None, ZERO)]
        other = ctx.table(key)
        if cells and other is not None and other.is_empty():
            yield ctx.finding("T9", f"三公表{col}有金额，但{other.spec.title}为空表",
                              [c.address for c in cells])


@rule("BD217", "t4-carryover-within-t2", ERROR, "年初财政拨款结转和结余不应超过收入总表上年结转",
      breaks=[Edit("T4", T4_CARRIED_IN, T4_IN, value=1)])
def t4_carryover_within_t2(ctx):
    """依据：财政拨款收支总表 年初财政拨款结转和结余 是收入总表 上年结转 的财政拨款部分（部门预算公开表表式，财预〔2016〕143号）。
    失败示例：年初财政拨款结转和结余 1.00，收入总表 上年结转 空。
    通过示例：两者均空。"""
    if _both(ctx, "T4", "T2"):
        yield ctx.at_most(("T4", T4_CARRIED_IN, T4_IN), ("T2", "", "上年结转"), "年初财政拨款结转和结余超过收入总表上年结转")


@rule("BD301", "t6-personnel-operating-split", WARNING, "工资福利和对个人补助应列人员经费，商品和服务应列公用经费",
      breaks=[Edit("T6", "30201", "人员经费", value=1)])
def t6_split(ctx):
    """依据：河北口径 人员经费 = 301 + 303，公用经费 = 302（+310）（部门预算公开表表式，财预〔2016〕143号；各地口径可能不同，故为提示）。
    失败示例：30201 办公费 列入人员经费 1.00。
    通过示例：301、303 各款只有人员经费，302 各款只有公用经费。"""
    t6 = ctx.table("T6")
    if not t6 or not ctx.applicable([("T6", "", "人员经费"), ("T6", "", "公用经费")]):
        return
    for key in t6.codes():
        wrong_col = "公用经费" if key[:3] in ("301", "303") else "人员经费" if key[:3] in ("302", "310") else None
        cell = t6.cell(key, wrong_col) if wrong_col else None
        if cell is not None and cell.value not in (None, ZERO):
            yield ctx.finding("T6", f"{key} {t6.rows[key].label} 列入了{wrong_col} {cell.value:.2f}",
                              [cell.address])


SOFT_PAIRS = ((("30108",), ("2080505",)), (("30109",), ("2080506",)), (("30113",), ("2210201",)),
              (("30110", "30111", "30112"), ("21011", "20827")))


@rule("BD302", "t6-t5-soft-identities", WARNING, "社保缴费、住房公积金的经济分类与功能分类金额宜一致",
      breaks=[Edit("T6", "30113", "合计", "0.05")])
def t6_t5_soft(ctx):
    """依据：30108 ≈ 2080505，30109 ≈ 2080506，30113 ≈ 2210201，30110+30111+30112 ≈ 21011+20827（
    经验关系，只作提示）。
    失败示例：30113 住房公积金 108.80，2210201 住房公积金 108.75。
    通过示例：两者均为 108.75。"""
    if not _both(ctx, "T6", "T5"):
        return
    t6, t5 = ctx.table("T6"), ctx.table("T5")
    for econ, func in SOFT_PAIRS:
        left = [("T6", c, "合计") for c in econ if c in t6.rows]
        right = [("T5", c, "基本支出") for c in func if c in t5.rows]
        if not left or not right or not ctx.applicable(left + right):
            continue
        a, b = sum((ctx.value(r) for r in left), ZERO), sum((ctx.value(r) for r in right), ZERO)
        if abs(a - b) > HALF_CENT * (len(left) + len(right)):
            yield ctx.finding("T6", f"经济分类 {'+'.join(econ)} 合计 {a:.2f} 与功能分类 {'+'.join(func)} 基本支出 {b:.2f} "
                              f"不一致，差 {a - b:.2f} 万元（经验关系，请核对）",
                              [ctx.address(r) for r in left + right], expected=b, actual=a, difference=a - b)


@rule("BD218", "all-appropriation-equals-total", ERROR, "资金全部为财政拨款时，支出总表应等于财政拨款各表之和",
      breaks=[Edit("T3", "2010105", "项目支出", "0.05"), Edit("T3", "2010105", "合计", "0.05")])
def all_appropriation_equals_total(ctx):
    """依据：收入总表除财政拨款收入外各栏（财政专户、事业、经营、上级补助、附属单位上缴、其他）均为空，且上年结转
    全部是年初财政拨款结转时，全部支出都由财政拨款安排：支出总表每个科目的合计、基本、项目 = 表5 + 表7 + 表8
    （部门预算公开表表式，财预〔2016〕143号；GovBudgetChecker BUD-C007）。
    失败示例：全部为一般公共预算拨款，支出总表 人大立法 项目支出 58.37，表5 58.32。
    通过示例：参考包 表3 与 表5 逐行相等（2604.79 / 2145.22 / 459.57）。"""
    t2, t3, t4 = ctx.table("T2"), ctx.table("T3"), ctx.table("T4")
    guard = [("T2", "", c) for c in (*NON_APPROPRIATION_COLUMNS, "上年结转")] + [("T4", T4_CARRIED_IN, T4_IN)]
    # the guard fails closed: the income columns must have been read, not merely be blank
    if not (t2 and t3 and t4) or not ctx.applicable(guard):
        return
    if any(t2.value("", c) != ZERO for c in NON_APPROPRIATION_COLUMNS):
        return
    if t2.value("", "上年结转") != t4.value(T4_CARRIED_IN, T4_IN):
        return
    parts_tables = [t for t in ctx.tables("T5", "T7", "T8")]
    for key in dict.fromkeys([*t3.rows, *(k for t in parts_tables for k in t.rows)]):
        for col in ("合计", "基本支出", "项目支出"):
            yield ctx.sum_check(("T3", key, col), [(t.key, key, col) for t in parts_tables],
                                f"资金全部为财政拨款：支出总表“{key or '合计'}”{col}应等于表5、表7、表8之和")
