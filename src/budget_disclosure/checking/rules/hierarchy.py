"""Identities inside the 类-款-项 tables (表2, 表3, 表5–表8) and the 基本支出表 (表6)."""

from __future__ import annotations

from budget_disclosure.checking.findings import ERROR
from budget_disclosure.checking.registry import Edit, rule

HIERARCHY_TABLES = ("T2", "T3", "T5", "T6", "T7", "T8", "X1", "X2", "X3")
T2_SOURCES = ("财政拨款收入", "财政专户收入", "事业收入", "经营收入", "上级补助收入", "附属单位上缴收入", "其他收入")
T3_KINDS = ("基本支出", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出")


def children(codes: list[str], parent: str) -> list[str]:
    """Direct children present in the table: 类 → 款 (5 digits), 款 → 项 (7 digits)."""
    if parent == "":
        return [c for c in codes if len(c) == 3]
    return [c for c in codes if len(c) == len(parent) + 2 and c.startswith(parent)]


@rule("BD105", "t2-total-equals-subtotal-plus-carryover", ERROR, "收入总表每行合计应等于本年收入小计加上年结转",
      breaks=[Edit("T2", "2010101", "合计", "0.05")])
def t2_total(ctx):
    """依据：合计(栏3) = 本年收入小计(栏4) + 上年结转(栏12)，每一行（部门预算公开表表式：类 = 所属款之和，款 = 所属项之和）。
    失败示例：行政运行 合计 1291.05，小计 1291.00，上年结转空。
    通过示例：1291.00 = 1291.00 + 0。"""
    yield from ctx.row_sums("T2", "合计", ("小计", "上年结转"))


@rule("BD106", "t2-subtotal-equals-sources", ERROR, "收入总表每行本年收入小计应等于各项收入之和",
      breaks=[Edit("T2", "2010101", "财政拨款收入", "0.05")])
def t2_subtotal(ctx):
    """依据：小计(栏4) = 财政拨款 + 财政专户 + 事业 + 经营 + 上级补助 + 附属单位上缴 + 其他收入(栏5–11)（部门预算公开表表式：类 = 所属款之和，款 = 所属项之和）。
    失败示例：行政运行 财政拨款收入 1291.05，小计 1291.00。
    通过示例：1291.00 = 1291.00 + 0 + …。"""
    yield from ctx.row_sums("T2", "小计", T2_SOURCES)


@rule("BD107", "hierarchy-rollup", ERROR, "合计应等于各类之和，类等于其款之和，款等于其项之和",
      breaks=[Edit("T3", "20101", "合计", "0.05")])
def hierarchy_rollup(ctx):
    """依据：功能分类、经济分类的层级汇总关系（部门预算公开表表式：类 = 所属款之和，款 = 所属项之和），每个金额列分别检查。
    各格分别四舍五入，故 |差| ≤ 0.005×(参与的印出数个数) 记为尾差（提示信息），超过即为错误。
    失败示例：支出总表 人大事务 合计 1750.62，其下各项之和 1750.57。
    通过示例：基本支出表 302 印 352.85，各款之和 352.86 —— 尾差 0.01（各款分别舍入），不是错误。"""
    for t in (t for t in ctx.tables(*HIERARCHY_TABLES) if t.spec.kind in ("hierarchy", "panels")):
        codes = t.codes()
        amount_columns = [t.spec.names[i] for i in t.spec.amount_columns if t.spec.names[i] in t.columns]
        for parent in ["", *[c for c in codes if len(c) < 7]]:
            kids = children(codes, parent)
            if not kids or (parent and parent not in t.rows) or (parent == "" and "" not in t.rows):
                continue
            for col in amount_columns:
                yield ctx.sum_check((t.key, parent, col), [(t.key, k, col) for k in kids])


@rule("BD108", "t3-kinds", ERROR, "支出总表每行合计应等于各类支出之和", breaks=[Edit("T3", "2010101", "基本支出", "0.05")])
def t3_kinds(ctx):
    """依据：合计 = 基本支出 + 项目支出 + 经营支出 + 上解上级支出 + 对附属单位补助支出（部门预算公开表表式：类 = 所属款之和，款 = 所属项之和）。
    失败示例：行政运行 基本支出 1291.05，合计 1291.00。
    通过示例：1291.00 = 1291.00 + 0。"""
    yield from ctx.row_sums("T3", "合计", T3_KINDS)


@rule("BD112", "appropriation-basic-plus-project", ERROR, "财政拨款支出表每行合计应等于基本支出加项目支出",
      breaks=[Edit("T5", "2010101", "基本支出", "0.05")])
def basic_plus_project(ctx):
    """依据：一般公共预算、政府性基金、国有资本经营预算财政拨款支出表 合计 = 基本支出 + 项目支出（部门预算公开表表式：类 = 所属款之和，款 = 所属项之和）。
    失败示例：行政运行 基本支出 1291.05，合计 1291.00。
    通过示例：1291.00 = 1291.00 + 0。"""
    for key in ("T5", "T7", "T8"):
        yield from ctx.row_sums(key, "合计", ("基本支出", "项目支出"))


@rule("BD113", "t6-personnel-plus-operating", ERROR, "基本支出表每行合计应等于人员经费加公用经费",
      breaks=[Edit("T6", "30101", "人员经费", "0.05")])
def personnel_plus_operating(ctx):
    """依据：一般公共预算基本支出 合计 = 人员经费 + 公用经费（部门预算公开表表式：类 = 所属款之和，款 = 所属项之和；GovBudgetChecker BUD-C003）。
    失败示例：基本工资 人员经费 431.10，合计 431.05。
    通过示例：合计 2145.22 = 1792.37 + 352.85。"""
    yield from ctx.row_sums("T6", "合计", ("人员经费", "公用经费"))
