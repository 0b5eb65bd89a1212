"""The 情况说明 as other families write it: 科目 paths with their amounts, 当年预算执行数 against the
new budget, growth rates computed from the change ("与上年相比增加X万元，增长z%"), shares ("占“三公”
经费的z%") and the comparison year. Figures are compared at the precision the text prints them
to: within half its last digit they agree; within one unit (plus what the rounding of the inputs
allows) it is 尾差; beyond, an error."""

from __future__ import annotations

import re
from decimal import Decimal

from budget_disclosure.checking.findings import ERROR, ROUNDING, WARNING
from budget_disclosure.checking.narrative_facts import NUMBER, UNIT, mask_quoted, sentences, to_wan
from budget_disclosure.checking.narrative_paths import (
    ECONOMIC_TABLES, FUNCTIONAL_TABLES, decimals, economic_names, functional_names, printed_interval, rounded,
    rounding_range, subjects,
)
from budget_disclosure.checking.registry import rule
from budget_disclosure.engine.intervals import AGREE, ROUNDING_ONLY, Interval, judge
from budget_disclosure.engine.money import ZERO

_AMOUNT = re.compile(NUMBER + UNIT)
_PERCENT = re.compile(NUMBER + r"\s*%")


def _paragraphs(ctx):
    return ctx.memo("narrative-masked", lambda: [(row, mask_quoted(text)) for row, text in ctx.paragraphs])


def _names(ctx):
    return ctx.memo("functional-names", lambda: functional_names(ctx.package))


def _economic(ctx):
    return ctx.memo("economic-names", lambda: economic_names(ctx.package))


def _grade(stated: Decimal, true: Decimal, places: int) -> str | None:
    """A printed figure against one computed exactly (a table's amount): None when it is that figure
    rounded, 尾差 within one unit of its last digit, else 强制."""
    return _severity(judge(stated, places, Interval.exact(true)))


def _severity(verdict: str) -> str | None:
    return None if verdict == AGREE else ROUNDING if verdict == ROUNDING_ONLY else ERROR


def _table_amounts(ctx, code: str, economic: bool = False) -> list[tuple[str, Decimal, object]]:
    """Every amount the tables print for a 科目: each 功能分类 table's 合计 of it — all funds (支出总表),
    财政拨款, 一般公共预算 — and a 类's line in the 收支总表 and 财政拨款收支总表 (the text may give any of
    these scopes; a figure is wrong only when it is none of them)."""
    out = []
    for key in ECONOMIC_TABLES if economic else FUNCTIONAL_TABLES[:5]:
        t = ctx.package.tables.get(key)
        if t is None or t.spec.kind not in ("hierarchy", "panels") or code not in t.rows:
            continue
        column = "合计" if "合计" in t.columns else next(iter(sorted(t.columns & set(t.spec.names) - {t.spec.names[0],
                                                                                           t.spec.names[1]})), None)
        if column is not None and (cell := t.cell(code, column)) is not None:
            out.append((t.spec.title, t.value(code, column), cell.address))
    if not economic and len(code) == 3:
        for key, column in (("T1", "支出预算数"), ("T4", "支出合计")):
            t = ctx.package.tables.get(key)
            if t is not None and code in t.rows and (cell := t.cell(code, column)) is not None:
                out.append((t.spec.title, t.value(code, column), cell.address))
    return out


def _item_amount(text: str, start: int) -> re.Match | None:
    """The first amount after a 科目 path, in its sentence."""
    end = text.find("。", start)
    m = _AMOUNT.search(text, start, end if end >= 0 else len(text))
    return m


@rule("BD807", "statement-subjects", ERROR, "情况说明中的科目（类、款、项）应存在于表中，金额应一致")
def statement_subjects(ctx):
    """依据：说明逐项解释支出时写的“类（款）项”科目应是表中的科目，其金额应与表中一致（财预〔2016〕143号：
    情况说明应与公开表一致；公开到功能分类项级科目）。名称按表中印出的名称核对（括号宽窄、末尾“支出”不计），
    写了科目编号（“（204类）”）时编号和名称都要对；金额按说明写到的位数四舍五入后比较。
    失败示例：“卫生健康支出（类）卫生健康支出（款）计划生育事务（项）”——卫生健康支出类下没有“卫生健康支出”款；
    “人大事务行政运行（项）支出10528.33万元”——行政运行为 4545.94。
    通过示例：“一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”科目43.83万元，表中 438,300 元。"""
    names = _names(ctx)
    if not names:
        return
    economic = _economic(ctx)
    for row, text in _paragraphs(ctx):
        for subject in subjects(text, names, economic):
            if subject.code is None:
                yield ctx.finding("", f"说明中的科目{subject.problem}", [ctx.statement_cell(row)])
                continue
            m = _item_amount(text, subject.end)
            if m is None or m.group(2) != "万元" or m.start() - subject.end > 12:
                continue
            stated = to_wan(m.group(1), m.group(2))
            places = decimals(m.group(1))
            amounts = _table_amounts(ctx, subject.code, subject.economic)
            if not amounts:
                continue
            grades = [_grade(stated, rounded(v, places), places) for _, v, _ in amounts]
            if None in grades:
                continue
            severity = ROUNDING if ROUNDING in grades else ERROR
            shown = "；".join(f"{title} {v:,.2f}" for title, v, _ in amounts)
            yield ctx.finding("", f"“{subject.text}”写 {m.group(1)}万元，表中 {subject.code} 为 {shown}",
                              [ctx.statement_cell(row)], severity, expected=amounts[0][1], actual=stated,
                              compared=[address for _, _, address in amounts])


_EXECUTION = re.compile(r"(\d{4})年(?:当年)?预算执行数为" + NUMBER + r"万元[，,](\d{4})年预算安排" + NUMBER +
                        r"万元[，,](?:比|较)(\d{4})年(?:当年)?预算执行数(增加|减少|增长|下降)了?" + NUMBER + r"%")


@rule("BD808", "execution-comparison", ERROR, "“上年预算执行数—本年预算安排—增减率”应自洽并与本项金额一致")
def execution_comparison(ctx):
    """依据：说明写“2025年当年预算执行数为A万元，2026年预算安排B万元，比2025年预算执行数增加z%”时，B 应等于本项
    （科目）的金额，z = (B − A) ÷ A，方向词与 B − A 的符号一致（财预〔2016〕143号：说明增减变化）。按印出位数判断舍入。
    失败示例：“住房公积金（01项）208.8万元 … 2026年预算安排201.50万元”；“执行数为43269.3万元 … 增加17.62%”（实为减少 91.11%）。
    通过示例：“执行数为1690.69万元，2026年预算安排1672.67万元，比2025年预算执行数减少1.07%”。"""
    names = _names(ctx)
    for row, text in _paragraphs(ctx):
        heading = next((s for s in subjects(text, names) if s.code), None) if names else None
        item = _item_amount(text, heading.end) if heading else None
        for m in _EXECUTION.finditer(text):
            last, now = Decimal(m.group(2).replace(",", "")), Decimal(m.group(4).replace(",", ""))
            word, stated = m.group(6), Decimal(m.group(7).replace(",", ""))
            where = [ctx.statement_cell(row)]
            now_places = decimals(m.group(4))
            if item is not None and item.start() < m.start():
                said = to_wan(item.group(1), item.group(2))
                if said != now:
                    yield ctx.finding("", f"本项写 {item.group(1)}万元，后文“{m.group(3)}年预算安排{m.group(4)}万元”与之不符",
                                      where, expected=said, actual=now)
                    # one slip, said once: the direction and the rate are judged against the item's own amount
                    # (the one the tables print) when they agree with it
                    now, now_places = said, decimals(item.group(1))
            if last == ZERO:
                yield ctx.finding("", f"上年执行数为 0，不能计算增减率“{word}{m.group(7)}%”", where)
                continue
            true = (now - last) / last * 100
            sign = Decimal(1) if word in ("增加", "增长") else Decimal(-1)
            if true != ZERO and (true > 0) != (sign > 0):
                right = "增加" if true > 0 else "减少"
                yield ctx.finding("", f"由执行数 {last} 到预算 {now} 是{right}，说明写“{word}”：方向词不对", where)
            places = decimals(m.group(7))
            base_i = printed_interval(m.group(2))
            if base_i.low <= 0:
                continue  # a base that may be zero as printed: no rate can be judged
            computed = (Interval.printed(now, now_places) / base_i - Interval.exact(Decimal(1))).scaled(Decimal(100))
            grade = _severity(judge(stated * sign, places, computed, true))
            if grade is not None:
                yield ctx.finding("", f"增减率写“{word}{m.group(7)}%”，按 ({now} − {last}) ÷ {last} 应为 {true:.2f}%"
                                  f"（{rounding_range(computed, places)}）", where, grade,
                                  expected=true.quantize(Decimal("0.01")), actual=stated * sign)


_CHANGE_RATE = re.compile(r"(?:与上年(?:预算)?(?:数)?相比|比上年(?:预算)?|较上年(?:预算)?|(?:比|较)\d{4}年(?:度)?(?:预算|决算)?|"
                          r"与\d{4}年(?:度)?(?:预算|决算)?(?:数)?相比)"
                          r"[，,]?[^。；;，,]{0,16}?(增加|减少)了?" + NUMBER + r"万元[，,](增长|增加|减少|下降)了?" + NUMBER + r"%")


@rule("BD812", "rate-from-change", ERROR, "“增加X万元，增长z%”：增长率应等于增减额除以上年数（本年数 − 增减额）")
def rate_from_change(ctx):
    """依据：说明写“A万元……与上年相比增加C万元，增长z%”时，上年数 = A − C，z = C ÷ (A − C)，两个方向词一致
    （财预〔2016〕143号：说明增减变化）。A 取“与上年相比”之前最近的金额；按印出位数判断舍入。
    失败示例：“机关运行经费预算支出5619.31万元，比2016年增加4032.99万元，增加254.23%”——应为 254.24%，报尾差。
    通过示例：“一般公共服务支出10528.33万元……与上年相比减少17.89万元，减少0.17%”。"""
    for row, text in _paragraphs(ctx):
        for m in _CHANGE_RATE.finditer(text):
            before = [a for a in _AMOUNT.finditer(text, 0, m.start()) if a.group(2) == "万元"]
            if not before:
                continue
            now_m = before[-1]
            now = to_wan(now_m.group(1), now_m.group(2))
            change = Decimal(m.group(2).replace(",", "")) * (1 if m.group(1) == "增加" else -1)
            base = now - change
            where = [ctx.statement_cell(row)]
            rate_up = m.group(3) in ("增长", "增加")
            if (change > 0) != rate_up:
                yield ctx.finding("", f"增减额写“{m.group(1)}”，增减率写“{m.group(3)}”：方向不一致", where)
                continue
            if base <= ZERO:
                yield ctx.finding("", f"上年数（{now} − {change} = {base}）不大于 0，不能计算增减率“{m.group(3)}{m.group(4)}%”", where)
                continue
            true = change / base * 100
            stated = Decimal(m.group(4).replace(",", "")) * (1 if rate_up else -1)
            places = decimals(m.group(4))
            change_i = printed_interval(m.group(2)).scaled(Decimal(1 if change > 0 else -1))
            base_i = printed_interval(now_m.group(1)) - change_i
            if base_i.low <= 0:
                continue  # a base that may be zero as printed: no rate can be judged
            computed = (change_i / base_i).scaled(Decimal(100))
            grade = _severity(judge(stated, places, computed, true))
            if grade is not None:
                yield ctx.finding("", f"增减率写“{m.group(3)}{m.group(4)}%”，按 {abs(change)} ÷ 上年 {base} 应为 {abs(true):.2f}%"
                                  f"（{rounding_range(computed.scaled(Decimal(1 if change > 0 else -1)), places)}）",
                                  where, grade, expected=true.quantize(Decimal("0.01")), actual=stated)


_COMPARED_YEAR = re.compile(r"(?:比|较|与)(\d{4})年(?:度)?(?:当年)?(?:预算执行数|预算数|预算|决算数|决算)?(?:相比)?[，,]?"
                            r"(?=[^。；;]{0,24}?(?:增加|减少|增长|下降|持平))")


@rule("BD809", "comparison-year", ERROR, "比较的年度应为预算年度的上一年")
def comparison_year(ctx):
    """依据：部门预算（决算）说明“比上年增减”，比较的是上一年度（财预〔2016〕143号：说明增减变化）。2026 年预算写
    “比2026年预算增加……”“与2026年预算持平”，比较年度错了。
    失败示例：2026 年预算说明“财政拨款收入9628.22万元，比2026年预算增加793.14万元”。
    通过示例：“比2025年预算执行数减少1.07%”。"""
    year = ctx.year
    if year is None:
        return
    for row, text in _paragraphs(ctx):
        for sentence in sentences(text):
            for m in _COMPARED_YEAR.finditer(sentence):
                compared = int(m.group(1))
                if compared != year - 1:
                    yield ctx.finding("", f"{year} 年预算说明写“{m.group(0)}”：应与 {year - 1} 年比较",
                                      [ctx.statement_cell(row)], expected=str(year - 1), actual=str(compared))


_SHARE = re.compile(NUMBER + r"万元[，,]占(“?[^，,。；;%“”\d]{0,12}”?[^，,。；;%\d]{0,8}?)(?:的)?" + NUMBER + r"\s*%")


def _cell_interval(cell) -> Interval:
    return Interval(cell.value - cell.half_unit, cell.value + cell.half_unit)


def _denominator(ctx, label: str, text: str, start: int) -> tuple[Decimal, Interval, object] | None:
    """The whole a share is of, the values it stands for (a table's cell: half its last printed digit;
    a figure of the text: half the text's), and the cell it was read from (None: the text)."""
    if "三公" in label:
        t = ctx.package.tables.get("T9")
        if t is None or "合计" not in t.columns:
            return None
        key = "三公经费小计" if "三公经费小计" in t.rows else "合计" if "合计" in t.rows else None
        cell = t.cell(key, "合计") if key else None
        if cell is None or cell.value is None:
            return None
        return cell.value, _cell_interval(cell), cell
    if not label.strip("的"):
        head = [m for m in re.finditer(NUMBER + r"万元[，,](?:其中|主要用于以下方面|主要用于)", text[:start])]
        return (to_wan(head[-1].group(1), "万元"), printed_interval(head[-1].group(1)), None) if head else None
    return None


def _part(ctx, label: str, number: str):
    """The part a share is of, as precisely as the package prints it: the 三公 table's item cell that
    holds the text's figure (the text may print it shorter: “110万元” for 110.00), else the text's."""
    printed = printed_interval(number)
    t = ctx.package.tables.get("T9") if "三公" in label else None
    if t is not None:
        for (row, column), cell in t.cells.items():
            if column == "合计" and row not in ("合计", "三公经费小计") and cell.value is not None and \
                    printed.low <= cell.value <= printed.high:
                return _cell_interval(cell), cell
    return printed, None


@rule("BD810", "statement-shares", ERROR, "“占…的z%”应等于该项除以所占的总数")
def statement_shares(ctx):
    """依据：比重 = 该项金额 ÷ 所占总数（财预〔2016〕143号：情况说明应与公开表一致）。“占“三公”经费的z%”的总数是
    三公经费合计（不含会议费、培训费）；“合计A万元，其中：……B万元，占z%”的总数是 A。按印出位数判断舍入
    （各项比重凑成 100% 时，最后一项差一个末位数，报尾差）。所列各部分合起来就是总数时，比重之和应为 100%。
    失败示例：“因公出国（境）费支出222.5万元，占“三公”经费的8.75%”——三公经费 833.60，应为 26.69%。
    通过示例：“基本支出7666.68万元，占56.17%”（本年支出合计 13649.07）。"""
    for row, text in _paragraphs(ctx):
        groups: dict[Decimal, list[tuple[Decimal, Decimal, int]]] = {}
        for m in _SHARE.finditer(text):
            found = _denominator(ctx, m.group(2), text, m.start())
            if not found or not found[0] or found[1].low <= 0:
                continue
            denominator, whole, whole_cell = found
            part = Decimal(m.group(1).replace(",", ""))
            part_i, part_cell = _part(ctx, m.group(2), m.group(1))
            stated = Decimal(m.group(3).replace(",", ""))
            places = decimals(m.group(3))
            computed = (part_i / whole).scaled(Decimal(100))
            grade = _severity(judge(stated, places, computed, part / denominator * 100))
            compared = [c.address for c in (part_cell, whole_cell) if c is not None]
            groups.setdefault(denominator, []).append((part, stated, places))
            if grade == ERROR:
                groups[denominator].append(None)  # a share already wrong: its sum says nothing more
            true = part / denominator * 100
            if grade is not None:
                what = m.group(2).strip("的") or "总数"
                yield ctx.finding("", f"“{m.group(0)}”：{part} ÷ {what} {denominator:,.2f} 应为 {true:.2f}%"
                                  f"（{rounding_range(computed, places)}）", [ctx.statement_cell(row)], grade,
                                  expected=true.quantize(Decimal("0.01")), actual=stated, compared=compared)
        for denominator, shares in groups.items():
            yield _shares_add_up(ctx, row, denominator, shares)


def _shares_add_up(ctx, row: int, denominator: Decimal, shares):
    """Parts that make up the whole must have shares that make up 100 % (within their rounding)."""
    if len(shares) < 2 or None in shares:
        return None
    parts = sum((p for p, _, _ in shares), ZERO)
    if abs(parts - denominator) > Decimal("0.005") * (len(shares) + 1):
        return None  # the parts listed are not the whole
    total = sum((s for _, s, _ in shares), ZERO)
    places = min(p for _, _, p in shares)
    if abs(total - 100) <= Decimal(5).scaleb(-places - 1) * len(shares):
        return None
    listed = " + ".join(f"{s}%" for _, s, _ in shares)
    return ctx.finding("", f"各部分合起来是总数 {denominator:,.2f}，比重之和却是 {listed} = {total}%（应为 100%）",
                       [ctx.statement_cell(row)], expected=Decimal(100), actual=total)


_COMPLETION = re.compile(r"(年初预算|全年预算)(?:数)?为" + NUMBER + r"万元[，,](?:全年预算(?:数)?为" + NUMBER + r"万元[，,])?"
                         r"(?:支出)?决算(?:数)?为" + NUMBER + r"万元[，,]完成(年初预算|全年预算)(?:数)?的" + NUMBER + r"%")


@rule("BD814", "completion-rate", ERROR, "“完成年初（全年）预算的c%”应等于决算数除以该预算数")
def completion_rate(ctx):
    """依据：决算说明“年初预算为A万元，全年预算为B万元，支出决算为C万元，完成年初预算的c%”：c = C ÷ A（完成全年
    预算则 C ÷ B）；年初预算为 0 时不能写“完成年初预算的…%”（财政部部门决算公开说明格式）。按印出位数判断舍入。
    失败示例：“年初预算为0万元，全年预算为321.02万元，支出决算为307.82万元，完成年初预算的95.89%”（95.89% 是对全年预算）。
    通过示例：“全年预算为52.00万元，支出决算为51.32万元，完成全年预算数的98.69%”。"""
    for row, text in _paragraphs(ctx):
        for m in _COMPLETION.finditer(text):
            first, whole, spent = m.group(2), m.group(3), m.group(4)
            basis, rate = m.group(5), Decimal(m.group(6))
            amounts = {m.group(1): Decimal(first.replace(",", ""))}
            if whole:
                amounts["全年预算"] = Decimal(whole.replace(",", ""))
            base, done = amounts.get(basis), Decimal(spent.replace(",", ""))
            where = [ctx.statement_cell(row)]
            if base is None:
                continue
            if base == ZERO:
                other = next((v for k, v in amounts.items() if k != basis and v), None)
                hint = f"（{rate}% 是决算数对{'全年预算' if basis == '年初预算' else '年初预算'} {other} 的比例）" if other and \
                    _grade(rate, done / other * 100, decimals(m.group(6))) is None else ""
                yield ctx.finding("", f"{basis}为 0，不能写“完成{basis}的{m.group(6)}%”{hint}", where)
                continue
            true = done / base * 100
            places = decimals(m.group(6))
            base_text = first if basis == m.group(1) else whole
            computed = (printed_interval(spent) / printed_interval(base_text)).scaled(Decimal(100))
            grade = _severity(judge(rate, places, computed, true))
            if grade is not None:
                yield ctx.finding("", f"完成{basis}的比例写 {m.group(6)}%，按 {done} ÷ {base} 应为 {true:.2f}%"
                                  f"（{rounding_range(computed, places)}）", where, grade,
                                  expected=true.quantize(Decimal("0.01")), actual=rate)


_ITEM_RATE = re.compile(r"全年预算(?:数)?为" + NUMBER + r"万元[，,](?:支出)?决算(?:数)?为" + NUMBER + r"万元[，,]完成全年预算(?:数)?的"
                        + NUMBER + r"%")


@rule("BD815", "item-completion-rate", ERROR, "各项“完成全年预算数的c%”应等于决算数除以全年预算数")
def item_completion_rate(ctx):
    """依据：决算说明逐项写“全年预算为B万元，支出决算为C万元，完成全年预算数的c%”：c = C ÷ B。按印出位数判断舍入。
    失败示例：“全年预算为52.00万元，支出决算为51.32万元，完成全年预算数的96.69%”（应为 98.69%）。
    通过示例：“全年预算为2.23万元，支出决算为2.22万元，完成全年预算数的99.55%”。"""
    for row, text in _paragraphs(ctx):
        for m in _ITEM_RATE.finditer(text):
            if text[max(0, m.start() - 12):m.start()].find("年初预算") >= 0:
                continue  # BD814 reads that sentence
            whole, done, rate = (Decimal(m.group(i).replace(",", "")) for i in (1, 2, 3))
            if whole == ZERO:
                yield ctx.finding("", f"全年预算为 0，不能写“完成全年预算数的{m.group(3)}%”", [ctx.statement_cell(row)])
                continue
            true = done / whole * 100
            places = decimals(m.group(3))
            computed = (printed_interval(m.group(2)) / printed_interval(m.group(1))).scaled(Decimal(100))
            grade = _severity(judge(rate, places, computed, true))
            if grade is not None:
                yield ctx.finding("", f"完成全年预算数的比例写 {m.group(3)}%，按 {done} ÷ {whole} 应为 {true:.2f}%"
                                  f"（{rounding_range(computed, places)}）", [ctx.statement_cell(row)], grade,
                                  expected=true.quantize(Decimal("0.01")), actual=rate)


TEMPLATE_PHRASES = ("仍保留该表格式", "并在本表下方作下述说明", "按上述格式依次说明", "（此处填写", "(此处填写", "请填写",
                    "XX万元", "××万元", "xx万元", "如无此项", "填报说明")


# leftovers that are a template's only most of the time (a 提示): the choice the drafter was to make,
# placeholders, the 填表说明
WEAK_TEMPLATE = re.compile(r"增加[（(]减少[)）]|增长[（(]下降[)）]|增[（(]减[)）]|(?<![A-Za-z])[XＸ×]{2,}(?![A-Za-z])|"
                           r"待填写|待补充|[{｛][^}｝]{1,8}[}｝]|填表说明|[（(]单位名称[)）]|[（(]部门名称[)）]")


@rule("BD813", "template-text-left", ERROR, "表下注释或说明中不应留有模板的填写提示")
def template_text_left(ctx):
    """依据：公开模板中给编制人的提示（“无……的，仍保留该表格式，并在本表下方作下述说明：”“按上述格式依次说明到各项级科目”
    “XX万元”等）不是公开内容，应在公开前删去（《地方预决算公开操作规程》（财预〔2016〕143号）：公开内容应准确）。
    失败示例：政府性基金决算表下印着“无政府性基金预算财政拨款收入支出的，仍保留该表格式，并在本表下方作下述说明：”。
    模板中供选择的写法（“增加（减少）”）、占位符（XX、{单位}、待填写）和填表说明，多半也是遗留，提示核对。
    通过示例：表下只有“说明：本部门本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。”"""
    for t in ctx.package.tables.values():
        hit = next((p for p in TEMPLATE_PHRASES if p in t.note), None)
        if hit:
            yield ctx.finding(t.key, f"{t.spec.title}的表下文字留有模板的填写提示“{hit}”：“{t.note[:60]}”",
                              [t.note_address or t.title])
    for row, text in ctx.paragraphs:
        hit = next((p for p in TEMPLATE_PHRASES if p in text), None)
        if hit:
            yield ctx.finding("", f"说明中留有模板的填写提示“{hit}”：“{text[:50]}”", [ctx.statement_cell(row)])
        elif (weak := WEAK_TEMPLATE.search(text)) is not None:
            start = max(0, weak.start() - 15)
            yield ctx.finding("", f"说明中的“{weak.group()}”像是模板留下的（“…{text[start:weak.end() + 15]}…”）：请核对是否已按实际填写",
                              [ctx.statement_cell(row)], severity=WARNING)


_PURPOSE = re.compile(r"主要用于[：:]?([^。]+)。")


@rule("BD816", "copied-purpose", WARNING, "逐项说明的“主要用于”不应照抄上一项")
def copied_purpose(ctx):
    """依据：逐项说明各项级科目的用途（财政部部门决算公开说明格式）。与上一项一字不差、且写的正是上一项科目的内容，
    多半是复制后忘了改。
    失败示例：“住房公积金（项）。主要用于：事业单位医疗保险支出”，照抄了上一项“事业单位医疗（项）”的用途。
    通过示例：两项用途相同但都与各自科目相符（如两项都是“退休人员支出”）时不提示。"""
    names = _names(ctx)
    previous = None
    for row, text in _paragraphs(ctx):
        found = next((s for s in subjects(text, names) if s.code), None) if names else None
        purpose = _PURPOSE.search(text, found.end) if found else None
        if found is None or purpose is None:
            continue
        what = purpose.group(1).strip()
        if previous and previous[1] == what and previous[0] != found.code:
            earlier = names.get(previous[0], "")
            mine = names.get(found.code, "")
            if earlier and earlier in what and mine not in what:
                yield ctx.finding("", f"“{found.text}”的用途“{what}”与上一项（{previous[0]} {earlier}）完全相同，"
                                  f"写的是上一项的内容", [ctx.statement_cell(row)])
        previous = (found.code, what)


_PARTS = re.compile(NUMBER + r"万元[。，,；;]?\s*其中[：:](.{0,200}?)(?:。|$)")


@rule("BD817", "listed-parts-rounding", ROUNDING, "“其中”列出的各部分与总数相差舍入")
def listed_parts_rounding(ctx):
    """依据：“基本支出105.58万元。其中：人员经费95.36万元……公用经费10.23万元”：各部分是总数的分解，之和应等于
    总数；只差各数分别舍入的范围时报尾差（部分之和差得更多时，说明列的只是其中几项，不作判断）。
    失败示例：105.58 ≠ 95.36 + 10.23 = 105.59，差 0.01，报尾差。
    通过示例：“本年支出合计307.82万元，其中：基本支出105.58万元……项目支出202.24万元”。"""
    for row, text in _paragraphs(ctx):
        for m in _PARTS.finditer(text):
            parts = [a for a in _AMOUNT.finditer(m.group(2)) if a.group(2) == "万元"]
            if len(parts) < 2:
                continue
            total = to_wan(m.group(1), "万元")
            summed = sum((to_wan(a.group(1), a.group(2)) for a in parts), ZERO)
            places = min([decimals(m.group(1))] + [decimals(a.group(1)) for a in parts])
            half = Decimal(5).scaleb(-places - 1) * (len(parts) + 1)
            if total != summed and abs(total - summed) <= half:
                yield ctx.finding("", f"尾差：{m.group(1)}万元应等于其中各部分之和 {summed}，差 {total - summed}（各数分别舍入）",
                                  [ctx.statement_cell(row)], expected=summed, actual=total)


@rule("BD818", "same-change-stated-alike", ERROR, "同一项目的比上年增减在说明中各处应一致")
def same_change_stated_alike(ctx):
    """依据：说明在不同段落重复同一项目（同一表的同一格）的比上年增减时，所比的上年数只有一个（财预〔2016〕143号：
    情况说明应前后一致）。两处都写了本年数 A，增减额不同，使两处所比的上年数 A − C 的舍入范围相距超过一个末位数时为
    强制，两句都写明；所说的项目按本格式说明的措辞或“类（款）项”科目对应到表中的格，对应不上的不比。
    失败示例：“财政拨款收、支总预算21,940.96万元。与上年相比增加3,958.98万元”与“一般公共预算财政拨款支出预算21,940.96
    万元，与上年相比增加3,959.28万元”（两处都是财政拨款合计）。
    通过示例：三处都写“增加3,958.98万元”。"""
    from budget_disclosure.checking.across import subject_refs
    from budget_disclosure.checking.narrative_paths import decimals as places_of
    from budget_disclosure.checking.stated_changes import stated_changes

    paragraphs = ctx.paragraphs
    seen: dict[tuple, tuple] = {}
    for change in stated_changes([text for _, text in paragraphs]):
        if change.basis != "预算":
            continue
        refs = subject_refs(ctx.package, change.text, change.now_start, change.now_wan, places_of(change.now))
        if not refs:
            continue
        key = (frozenset(refs), change.now_wan, change.year)
        if key not in seen:
            seen[key] = (change, paragraphs[change.paragraph][0])
            continue
        first, first_row = seen[key]
        gap = first.base_interval.distance(change.base_interval)
        if gap <= Decimal(1).scaleb(-max(min(first.places, change.places), 0)):
            continue
        row = paragraphs[change.paragraph][0]
        yield ctx.finding("", f"同一项目前后两处比上年增减不一：“{first.wording}”（上年数 {first.base:,.2f}）与"
                          f"“{change.wording}”（上年数 {change.base:,.2f}），所比的上年数相差 {first.base - change.base:,.2f} 万元"
                          f"（舍入范围 {first.base_interval.shown(2)} 与 {change.base_interval.shown(2)}）",
                          [ctx.statement_cell(row), ctx.statement_cell(first_row)], expected=first.base, actual=change.base)
