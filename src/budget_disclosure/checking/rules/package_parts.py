"""The rest of the package: 项目绩效目标, 政府采购, 国有资产, and the unit's name everywhere."""

from __future__ import annotations

import re
from decimal import Decimal

from budget_disclosure.checking.findings import ERROR, WARNING
from budget_disclosure.checking.registry import Edit, rule
from budget_disclosure.engine.money import ZERO, AmountError, parse_amount, yuan_to_wan
from budget_disclosure.layout import package_inputs as P
from budget_disclosure.reading.model import Address

PROJECT_COL = {name: i + 1 for i, name in enumerate(P.PROJECTS.columns)}
PROCUREMENT_COL = {name: i + 1 for i, name in enumerate(P.PROCUREMENT.columns)}
FUND_COLUMNS = ("一般公共预算拨款", "基金预算拨款", "国有资本经营预算拨款", "财政专户核拨", "单位资金", "上年结转结余")
_COST = re.compile(r"([\d,]+(?:\.\d+)?)\s*(万元|元)")


def _cell(sheet: str, row: int, col: int) -> Address:
    return Address(sheet, row, col)


def _project_cell(p, column: str) -> Address | None:
    """Where a project's field is: the card's cell when read from a printed card, else the column of
    the 项目绩效目标 sheet."""
    if p.where:
        return p.where.get(column)
    return _cell(P.PROJECTS.name, p.row, PROJECT_COL[column])


def _procurement_cell(item: dict, column: str) -> Address | None:
    if "_at" in item:
        return item["_at"].get(column)
    return _cell(P.PROCUREMENT.name, item["_row"], PROCUREMENT_COL[column])


def _asset_cell(texts, label: str, col: int) -> Address:
    """col 2: 数量, 3: 价值 — where a document printed it, else the 国有资产 sheet's row."""
    if label in texts.asset_cells:
        return texts.asset_cells[label][col - 2]
    return _cell(P.ASSETS.name, P.ASSET_ROWS.index(label) + 2, col)


def _indicator_cell(indicator: dict) -> Address:
    return indicator.get("_at") or _cell(P.INDICATORS.name, indicator["_row"], P.INDICATORS.columns.index("指标值") + 1)


def _amount(value: object) -> Decimal:
    try:
        return parse_amount(value) or ZERO
    except AmountError:
        return ZERO


@rule("BD701", "projects-sum-to-project-spending", ERROR, "项目绩效目标表预算数之和应等于项目支出",
      breaks=[Edit("@项目绩效目标", "人大代表培训经费", 2, value=36)])
def projects_sum(ctx):
    """依据：项目绩效目标表覆盖全部项目时，各项目预算数之和 = 支出总表项目支出合计（《地方预决算公开操作规程》（财预〔2016〕143号）；财政部项目绩效目标表格式）。
    单位预算中只计本单位的项目；有项目跨单位安排时（绩效目标表是部门的），不与本单位项目支出比较，说明一次。
    失败示例：人大代表培训经费 预算数 36.00，各项目合计 460.57，项目支出 459.57。
    通过示例：8 个项目合计 459.57 = 项目支出 459.57。"""
    t3 = ctx.table("T3")
    if not ctx.texts or not ctx.texts.projects or not t3:
        return
    if not ctx.applicable([("T3", "", "项目支出")]):
        return
    shared = _shared_projects(ctx)
    if shared:
        ctx.notes.append(f"单位预算：{len(shared)} 个项目跨单位安排（如“{shared[0]}”），项目绩效目标表是部门的，"
                         "其预算数之和不与本单位项目支出比较（各项目按部门合计核对，BD702）")
        return
    projects = ctx.texts.projects
    if ctx.department_detail is not None and ctx.detail is not None:
        # a unit's package, its 项目绩效目标 sheet the department's: this unit's projects only
        mine = _project_sums(ctx.detail)[0]
        projects = [p for p in projects if (p.code if p.code in mine else p.name) in mine]
    total = sum((p.budget or ZERO for p in projects), ZERO)
    target = t3.value("", "项目支出")
    cells = [_project_cell(p, "预算数（万元）") for p in projects] + [ctx.address(("T3", "", "项目支出"))]
    if ctx.texts.projects_complete:
        yield ctx.verdict("T3", total - target, len(projects) + 1,
                          f"项目绩效目标表预算数之和 {total:.2f} 应等于支出总表项目支出 {target:.2f}，差 {total - target:.2f} 万元",
                          cells, expected=target, actual=total)
        return
    # cards printed in a document may show only the main projects: their sum may fall short, never exceed
    if target > 0 and total > 100 * target:
        ctx.notes.append(f"项目绩效目标表预算数之和 {total:,.2f} 是项目支出 {target:,.2f} 万元的 {total / target:,.0f} 倍："
                         "表中金额的单位未注明（元或万元），未与项目支出核对")
        return
    if total > target:
        yield ctx.verdict("T3", total - target, len(projects) + 1,
                          f"文件中 {len(projects)} 个项目的绩效目标表预算数之和 {total:.2f} 超过支出总表项目支出 {target:.2f}，"
                          f"多 {total - target:.2f} 万元", cells, expected=target, actual=total)


@rule("BD702", "project-matches-detail", ERROR, "项目预算数应等于预算明细中该项目的金额",
      breaks=[Edit("@项目绩效目标", "选举、任免工作经费", 2, value=13.9)])
def project_matches_detail(ctx):
    """依据：项目绩效目标表的预算数来自同一预算；每个项目应能在预算明细中找到，金额一致，并归入其功能分类项
    （《地方预决算公开操作规程》（财预〔2016〕143号）；财政部项目绩效目标表格式）。单位预算中，跨单位安排的项目
    预算数可以是部门合计（本单位只是其中一份），也可以是本单位的份额。
    失败示例：选举、任免工作经费 预算数 13.90，明细合计 13.80 万元。
    通过示例：8 个项目与明细逐一相符（2010104 人大会议 = 8.17 + 13.80 + 204.12）。"""
    if not ctx.texts or not ctx.texts.projects or ctx.detail is None:
        return
    sums, items = _project_sums(ctx.detail)
    whole = _project_sums(ctx.department_detail)[0] if ctx.department_detail is not None else sums
    for p in ctx.texts.projects:
        key = p.code if p.code in whole else p.name
        cell = _project_cell(p, "预算数（万元）")
        if key not in whole:
            yield ctx.finding("", f"项目“{p.name}”（{p.code}）在预算明细中找不到", [cell])
            continue
        if key not in sums:
            continue  # a unit's package: a project of another unit of the department
        expected = yuan_to_wan(sums[key])
        if (p.budget or ZERO) != expected and (p.budget or ZERO) == yuan_to_wan(whole[key]):
            continue  # a project across units, the sheet giving the department's whole: this unit has its share
        if (p.budget or ZERO) != expected:
            yield ctx.finding("", f"项目“{p.name}”预算数 {p.budget or ZERO:.2f} 与预算明细 {expected:.2f}（{sums[key]:,.2f} 元，"
                              f"功能分类 {'、'.join(sorted(items[key]))}）不符", [cell], expected=expected, actual=p.budget,
                              difference=(p.budget or ZERO) - expected)


def _project_sums(detail) -> tuple[dict[str, Decimal], dict[str, set[str]]]:
    """元 per project (by code, else name) of a 预算明细, and the 功能分类 项 each is spent under."""
    sums: dict[str, Decimal] = {}
    items: dict[str, set[str]] = {}
    for line in detail.lines:
        if line.kind.column == "项目支出":
            key = line.project_code or line.project_name
            sums[key] = sums.get(key, ZERO) + line.amount
            items.setdefault(key, set()).add(line.func_code)
    return sums, items


def _shared_projects(ctx) -> list[str]:
    """In a unit's package: the projects of its 预算明细 that other units of the department share."""
    if ctx.department_detail is None or ctx.detail is None:
        return []
    mine, whole = _project_sums(ctx.detail)[0], _project_sums(ctx.department_detail)[0]
    names = {line.project_code or line.project_name: line.project_name or line.project_code
             for line in ctx.detail.lines if line.kind.column == "项目支出"}
    return [names[k] for k, v in mine.items() if whole.get(k, v) != v]


@rule("BD703", "project-funds-add-up", ERROR, "其中财政资金加其他资金应等于预算数",
      breaks=[Edit("@项目绩效目标", "人大代表培训经费", 3, value=30)])
def project_funds(ctx):
    """依据：项目绩效目标表 预算数 = 其中：财政资金 + 其他资金（《地方预决算公开操作规程》（财预〔2016〕143号）；财政部项目绩效目标表格式）。
    失败示例：预算数 35.00，财政资金 30.00，其他资金空。
    通过示例：35.00 = 35.00 + 0。"""
    for p in (ctx.texts.projects if ctx.texts else []):
        total = (p.fiscal or ZERO) + (p.other or ZERO)
        budget = p.budget or ZERO
        if total != budget:
            cells = [_project_cell(p, c) for c in ("预算数（万元）", "其中：财政资金", "其他资金")]
            yield ctx.finding("", f"项目“{p.name}”财政资金 {p.fiscal or ZERO:.2f} + 其他资金 {p.other or ZERO:.2f} = {total:.2f}，"
                              f"应等于预算数 {budget:.2f}", cells, expected=budget, actual=total, difference=total - budget)


PLAN_FIXES = [Edit("@项目绩效目标", name, 9, value="100%") for name in
              ("人大代表执法检查工作经费", "人大代表专项活动经费", "市人大常委会会议经费")]


@rule("BD704", "spending-plan", WARNING, "资金支出计划应逐期不减，并在12月底达到100%",
      breaks=[Edit("@项目绩效目标", "人大代表培训经费", 8, value="40%")], fixes=PLAN_FIXES)
def spending_plan(ctx):
    """依据：资金支出计划是累计进度：3月底 ≤ 6月底 ≤ 10月底 ≤ 12月底，且年底支出完毕（100%）（《地方预决算公开操作规程》（财预〔2016〕143号）；财政部项目绩效目标表格式）。
    失败示例：参考包“人大代表专项活动经费”25%、50%、75%，12月底空——全年只支出 75%。
    通过示例：25%、50%、75%、100%；或 3月底 100%（一次性会议经费）。"""
    for p in (ctx.texts.projects if ctx.texts else []):
        values = [(k, v) for k, v in p.plan.items() if v is not None]
        cells = list(dict.fromkeys(c for k in ("3月底", "6月底", "10月底", "12月底") if (c := _project_cell(p, k))))
        for (k1, v1), (k2, v2) in zip(values, values[1:]):
            if v2 < v1:
                yield ctx.finding("", f"项目“{p.name}”资金支出计划 {k2} {v2:.0%} 小于 {k1} {v1:.0%}（应为累计进度）", cells)
        if not values or max(v for _, v in values) < 1:
            reached = f"最高 {max(v for _, v in values):.0%}" if values else "未填写"
            yield ctx.finding("", f"项目“{p.name}”资金支出计划到12月底未达到100%（{reached}）", cells)


@rule("BD705", "cost-indicators-within-budget", ERROR, "成本指标金额之和不应超过项目预算数",
      breaks=[Edit("@绩效指标", "执法检查会议成本", 5, value="≤40 万元")])
def cost_indicators(ctx):
    """依据：成本指标是项目预算的组成，以万元列示的成本指标之和不应超过预算数（《地方预决算公开操作规程》（财预〔2016〕143号）；财政部项目绩效目标表格式；“人均…元”等标准不计入）。
    失败示例：执法检查 成本指标 40 + 11 + 23.32 = 74.32 万元，预算数 64.32。
    通过示例：30 + 11 + 23.32 = 64.32 ≤ 64.32。"""
    for p in (ctx.texts.projects if ctx.texts else []):
        total, cells = ZERO, []
        for indicator in p.indicators:
            if indicator.get("二级指标") != "成本指标":
                continue
            m = _COST.search(indicator.get("指标值", ""))
            if m and m.group(2) == "万元" and "人均" not in indicator.get("三级指标", ""):
                total += Decimal(m.group(1).replace(",", ""))
                cells.append(_indicator_cell(indicator))
        if total and p.budget is not None and total > p.budget:
            yield ctx.finding("", f"项目“{p.name}”成本指标合计 {total:.2f} 万元，超过预算数 {p.budget:.2f}",
                              [_project_cell(p, "预算数（万元）"), *cells], expected=p.budget,
                              actual=total, difference=total - p.budget)


@rule("BD706", "procurement-adds-up", ERROR, "政府采购各行合计应等于各资金来源之和",
      breaks=[Edit("@政府采购", "车辆维修和保养服务", 7, value=3.5)])
def procurement_adds_up(ctx):
    """依据：政府采购金额 合计 = 一般公共预算拨款 + 基金 + 国有资本经营 + 财政专户核拨 + 单位资金 + 上年结转结余；
    中小微企业预留份额不超过合计（《地方预决算公开操作规程》（财预〔2016〕143号）；财政部项目绩效目标表格式）。
    失败示例：车辆维修和保养服务 合计 3.50，一般公共预算拨款 2.50。
    通过示例：5.28 = 5.28；合计 45.48 = 5.28 + 2.50 + 37.70。"""
    for item in (ctx.texts.procurement if ctx.texts else []):
        total = _amount(item.get("合计"))
        funds = sum((_amount(item.get(c)) for c in FUND_COLUMNS), ZERO)
        cells = [_procurement_cell(item, c) for c in ("合计", *FUND_COLUMNS)]
        finding = ctx.verdict("", total - funds, 1 + sum(1 for c in FUND_COLUMNS if item.get(c) not in (None, "")),
                              f"政府采购“{item.get('采购物品名称')}”合计 {total:.2f} 应等于各资金来源之和 {funds:.2f}", cells,
                              expected=funds, actual=total)
        if finding:
            yield finding
        reserved = _amount(item.get("预留中小微企业份额"))
        if reserved > total:
            yield ctx.finding("", f"政府采购“{item.get('采购物品名称')}”中小微企业预留份额 {reserved:.2f} 超过合计 {total:.2f}",
                              [_procurement_cell(item, "预留中小微企业份额")])


@rule("BD707", "procurement-quantity-times-price", WARNING, "政府采购金额宜等于数量乘单价",
      breaks=[Edit("@政府采购", "财产保险服务", 6, value=2)])
def procurement_quantity_price(ctx):
    """依据：采购金额 = 数量 × 单价（万元）。参考包把金额填在“数量”、单价填 1.00，乘积仍相等，视为惯例不报（《地方预决算公开操作规程》（财预〔2016〕143号）；财政部项目绩效目标表格式）。
    失败示例：数量 5.28，单价 2.00，金额 5.28。
    通过示例：数量 37.7 × 单价 1.00 = 37.70。"""
    for item in (ctx.texts.procurement if ctx.texts else []):
        quantity, price, total = (_amount(item.get(c)) for c in ("数量", "单价", "合计"))
        if quantity and price and (quantity * price).quantize(Decimal("0.01")) != total.quantize(Decimal("0.01")):
            yield ctx.finding("", f"政府采购“{item.get('采购物品名称')}”数量 {quantity} × 单价 {price} ≠ 合计 {total:.2f}",
                              [_procurement_cell(item, c) for c in ("数量", "单价", "合计")])


@rule("BD708", "assets-consistent", ERROR, "国有资产各项应为非负数，办公用房不超过房屋",
      breaks=[Edit("@国有资产", "2、车辆", 2, value=-84.08)])
def assets_consistent(ctx):
    """依据：资产总额 = 房屋 + 车辆 + 单价20万元以上设备 + 其他固定资产（本工具按此计算，不另填写）；各项价值、数量
    不为负，其中办公用房不超过房屋（《地方预决算公开操作规程》（财预〔2016〕143号）；财政部项目绩效目标表格式）。
    失败示例：车辆价值 -84.08。
    通过示例：84.08 + 56.60 + 273.01 = 413.69。"""
    if not ctx.texts or not ctx.texts.assets:
        return
    for label in P.ASSET_ROWS[1:-1]:
        quantity, value = ctx.texts.assets.get(label, (None, None))
        for col, v in ((2, quantity), (3, value)):
            if _amount(v) < 0:
                yield ctx.finding("", f"国有资产“{label}”为负数：{v}", [_asset_cell(ctx.texts, label, col)])
    houses = _amount(ctx.texts.assets.get(P.ASSET_ROWS[1], (None, None))[1])
    offices = _amount(ctx.texts.assets.get(P.ASSET_ROWS[2], (None, None))[1])
    if offices > houses:
        yield ctx.finding("", f"其中办公用房 {offices:.2f} 超过房屋 {houses:.2f}",
                          [_asset_cell(ctx.texts, P.ASSET_ROWS[2], 3)])


@rule("BD709", "unit-name-everywhere", ERROR, "情况说明中的单位名称应与表头一致",
      breaks=[Edit("@情况说明", "反映张家口市人民代表大会常务委员会办公室年度", 1,
                   value=("sub", "张家口市人民代表大会常务委员会办公室年度", "张家口市人大常委会常务委员会办公室年度"))])
def unit_name_everywhere(ctx):
    """依据：部门（单位）名称在所有表头、说明标题和附表中应完全一致（《地方预决算公开操作规程》（财预〔2016〕143号）；财政部项目绩效目标表格式；GovBudgetChecker BUD-D001）。
    失败示例：参考包支出说明写“张家口市人大常委会常务委员会办公室”，表头为“张家口市人民代表大会常务委员会办公室”。
    通过示例：生成的情况说明处处使用表头的全称。"""
    names = [t.unit_name for t in ctx.package.tables.values() if t.unit_name]
    if not names or not ctx.paragraphs:
        return
    unit = max(set(names), key=names.count)
    suffix = unit[-3:]
    pattern = re.compile(r"[\u4e00-\u9fff]{4,40}?" + re.escape(suffix))
    parent = unit[:-len(suffix)]
    for row, text in ctx.paragraphs:
        for m in pattern.finditer(text):
            found = m.group(0)
            start = found.find(unit[:2])
            candidate = found[start:] if start >= 0 else found
            if start < 0 or candidate == unit or unit.endswith(candidate):
                continue
            sentence = _sentence_around(text, m.start())
            if any(w in sentence for w in _OTHER_BODIES):
                continue  # 加挂…牌子, 下属单位, 内设机构: other bodies named on purpose
            # a body under the same parent (…人民政府外事办公室 beside …人民政府办公室) may be another one: 提示
            severity = WARNING if parent and parent in candidate else None
            yield ctx.finding("", f"单位名称写作“{candidate}”，表头为“{unit}”" + ("（如为另一机构请忽略）" if severity else ""),
                              [ctx.statement_cell(row)], severity, expected=unit, actual=candidate)


_OTHER_BODIES = ("加挂", "牌子", "下属", "所属", "内设", "包括：", "分别为", "合署")


def _sentence_around(text: str, at: int) -> str:
    start = max(text.rfind(p, 0, at) for p in "。；;") + 1
    ends = [i for i in (text.find(p, at) for p in "。；;") if i >= 0]
    return text[start:min(ends) if ends else len(text)]


@rule("BD710", "package-input-not-a-number", ERROR, "输入表中的金额、数量和百分比应为数字",
      breaks=[Edit("@项目绩效目标", "人大代表培训经费", 2, value="三十五万")])
def package_input_not_a_number(ctx):
    """依据：项目预算数、资金支出计划、政府采购金额、国有资产数量与价值、上年预算数参与核对和情况说明，须为数字
    （百分比可写 25% 或 0.25）；文字会被当作空白，使核对失真。
    失败示例：项目绩效目标“预算数（万元）”写“三十五万”。
    通过示例：35 或 35.00；支出计划写 25%。"""
    for sheet, row, col, typed in (ctx.texts.bad_cells if ctx.texts else []):
        yield ctx.finding("", f"{sheet}第 {row} 行：“{typed}”不是数字", [_cell(sheet, row, col)], actual=typed)
