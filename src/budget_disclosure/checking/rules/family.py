"""Identities a layout family declares in its profile (profiles/*.toml), and the structure of
tables only some families print (a two-level 收入预算总表)."""

from __future__ import annotations

from budget_disclosure.checking.findings import ERROR
from budget_disclosure.checking.registry import rule
from budget_disclosure.layout.families import CellPattern, Identity
from budget_disclosure.layout.lines import is_class_key

WILDCARDS = ("*", "#classes")


def _rows(ctx, identity: Identity, patterns: list[CellPattern]) -> list[str] | None:
    """The rows a wildcard stands for: every row (or every 类 line) of the tables it names."""
    if not any(p.row in WILDCARDS for p in patterns):
        return None
    wanted = identity.rows or tuple(dict.fromkeys(p.row for p in patterns if p.row in WILDCARDS))
    rows: list[str] = []
    for item in wanted:
        if item not in WILDCARDS:
            rows.append(item)
            continue
        for p in patterns:
            t = ctx.package.tables.get(p.table)
            if t is None or p.row != item:
                continue
            keys = [k for k in t.rows if is_class_key(k)] if item == "#classes" else list(t.rows)
            rows += [k for k in keys if k not in rows]
    return rows


def _ref(pattern: CellPattern, row: str | None, column: str | None) -> tuple[str, str, str]:
    return (pattern.table, row if pattern.row in WILDCARDS and row is not None else pattern.row,
            column or pattern.column)


def evaluate(ctx, identity: Identity):
    """A wildcard in the total: the identity holds on each row; only in the parts: the total is
    their sum over every row."""
    patterns = [identity.total, *identity.plus, *identity.parts]
    if any(p.table not in ctx.profile.tables for p in patterns):
        return
    per_row = identity.total.row in WILDCARDS
    rows = _rows(ctx, identity, patterns if per_row else list(identity.parts))
    for column in identity.columns or (None,):
        for row in (rows or []) if per_row else (None,):
            total = _ref(identity.total, row, column)
            if per_row:
                parts = [(p, _ref(p, row, column)) for p in identity.parts]
            else:
                parts = [(p, _ref(p, r, column)) for p in identity.parts
                         for r in ((rows or []) if p.row in WILDCARDS else (None,))]
            # an optional part the package does not print counts as zero
            parts = [ref for p, ref in parts if not (p.optional and ctx.missing(ref) is not None)]
            if identity.relation == "balance":
                left = [total] + [_ref(p, row, column) for p in identity.plus]
                yield ctx.balance(left, parts, f"{identity.title}（{ctx.describe(total)}）")
            elif identity.relation == "at_most":
                yield ctx.at_most(parts, total, f"{identity.title}（{ctx.describe(total)}）")
            else:
                yield ctx.sum_check(total, parts, f"{identity.title}（{ctx.describe(total)}）")


@rule("BD150", "family-identities", ERROR, "本格式特有的表内、表间关系（见格式档案）")
def family_identities(ctx):
    """依据：各地公开表式的勾稽关系，写在该格式的档案（layout/profiles/*.toml 的 identities）中，每条带标题和依据，
    例如上海表式“收入总计 = 财政拨款收入 + 事业收入 + 事业单位经营收入 + 其他收入”，江苏表式“当年支出小计 = 基本支出 +
    项目支出 + 单位预留机动经费”。河北表式的关系由其他规则核对，本规则不另列。
    失败示例：上海表式收支总表收入总计 189,767,551 元，四项收入之和 189,767,651 元。
    通过示例：各项相加与合计一致（或仅差舍入）。"""
    for identity in ctx.profile.identities:
        yield from evaluate(ctx, identity)


@rule("BD121", "grouped-subtotals", ERROR, "分组列示的收入表：每组小计应等于组内各项之和，总计应等于各组之和")
def grouped_subtotals(ctx):
    """依据：按资金来源分两级列示的收入预算总表（江苏表式）：每组“小计” = 组内各项（“其中”项除外）之和；
    收入总计 = 各组小计（无小计的组按其本身金额）之和。
    失败示例：其他资金 小计 10.00，事业收入 6.00 + 经营收入 3.00。
    通过示例：一般公共预算资金 小计 13,649.07 = 公共财政拨款（补助）资金 13,649.07 + 专项收入 0。"""
    for t in ctx.package.tables.values():
        if t.spec.kind != "grouped":
            continue
        amount = [n for i, n in enumerate(t.spec.names) if i in t.spec.amount_columns and n in t.columns]
        if not amount:
            continue
        column = amount[0]
        groups: dict[str, list[str]] = {}
        for key in t.rows:
            group, _, sub = key.partition("|")
            groups.setdefault(group, []).append(sub)
        grand = next((g for g in groups if g in ("收入总计", "合计", "总计")), None)
        heads = []
        for group, subs in groups.items():
            if group == grand:
                continue
            items = [f"{group}|{s}" for s in subs if s and s != "小计" and not s.startswith("其中")]
            if "小计" in subs:
                heads.append(f"{group}|小计")
                if items:
                    yield ctx.sum_check((t.key, f"{group}|小计", column), [(t.key, k, column) for k in items],
                                        f"{t.spec.title}“{group}”小计应等于组内各项之和")
            else:
                heads += items or [group]
        if grand is not None and heads:
            yield ctx.sum_check((t.key, grand, column), [(t.key, k, column) for k in heads],
                                f"{t.spec.title}“{grand}”应等于各组之和")
