"""舍位平衡 for fill: the identities of the rule book over the derived tables, balanced by the integer
program of engine/balance.py, and the 舍位说明 that lists every moved cell.

The grand totals and the 情况说明's headline figures (收入总计 / 支出总计, the 支出总表 合计, the 三公
total) keep their plain rounding; the other cells may move by 0.01 万元 where that stays within
0.01 万元 of their true 元 value."""

from __future__ import annotations

from decimal import Decimal

from budget_disclosure.checking.relations import identities, package_from_derived
from budget_disclosure.engine.balance import CENT_YUAN, Balanced, balance
from budget_disclosure.engine.model import DerivedTable
from budget_disclosure.layout.canonical import exact_values, with_values

NOTE_SHEET = "舍位说明"
# the grand totals the 情况说明 opens with: 收入总计 / 支出总计, the year's totals, the 支出总表 合计 and the
# 三公 total. Their parts (基本 / 项目支出, 人员 / 公用经费 …) may move: their plain roundings need not add up
# to the total's, and the text states the published figures.
FIXED = {("T1", "收入总计", "收入预算数"), ("T1", "支出总计", "支出预算数"), ("T1", "本年收入合计", "收入预算数"),
         ("T1", "本年支出合计", "支出预算数"), ("T3", "", "合计"), ("T9", "合计", "合计"), ("T9", "三公经费小计", "合计")}
YES = ("是", "1", "true", "yes", "y")


def wanted(info: dict[str, object]) -> bool:
    """The 单位信息 says 舍位平衡: 是."""
    return str(info.get("balance") or "").strip().lower() in YES


def _fixed(ref) -> bool:
    return ref in FIXED


def balance_tables(tables: dict[str, DerivedTable]) -> tuple[dict[str, DerivedTable], Balanced, dict]:
    """The tables printed balanced, the balancing, and where each cell is printed."""
    package = package_from_derived(tables)
    exact = exact_values(tables)
    result = balance(exact, identities(package), {r for r in exact if _fixed(r)})
    published = {ref: Decimal(result.published[ref]) * CENT_YUAN for ref in result.moved}
    places = {(key, row, col): cell.address for key, t in package.tables.items() for (row, col), cell in t.cells.items()}
    return with_values(tables, published), result, {"exact": exact, "places": places}


def note_rows(result: Balanced, exact: dict, places: dict, titles: dict[str, str]) -> list[list[object]]:
    """The 舍位说明 sheet: every moved cell with its true 元, plain rounding and published value."""
    head = [["舍位平衡说明：各表金额按元精确汇总后四舍五入到万元，个别单元格为使合计与各项完全相符调整了 0.01 万元（每格与真实数相差不超过"
             " 0.01 万元）；下列为调整过的单元格。"], [],
            ["表", "单元格", "行（科目）", "栏", "真实数（元）", "四舍五入（万元）", "公布数（万元）"]]
    rows = []
    for ref in sorted(result.moved, key=lambda r: (r[0], str(places.get(r, "")))):
        key, row, column = ref
        rows.append([titles.get(key, key), str(places.get(ref, "")).split("!")[-1], row or "合计", column,
                     float(exact[ref]), float(Decimal(result.plain[ref]) / 100), float(Decimal(result.published[ref]) / 100)])
    if not rows:
        rows.append(["（四舍五入后各表已完全相符，未调整任何单元格）"])
    if result.residues:
        rows.append([])
        rows.append([f"仍有 {len(result.residues)} 处无法消除的尾差（结构上不存在完全相符的舍位）："])
        for relation, cents in result.residues:
            rows.append([str(relation.left[0][0]), "", f"{relation.left[0][1] or '合计'} {relation.left[0][2]}",
                         f"差 {cents / 100:.2f} 万元"])
    return head + rows
