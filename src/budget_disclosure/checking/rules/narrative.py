"""The narrative check: the 情况说明 (generated or edited by hand, in its sheet or a .docx) must
say what the tables say. Amounts with the sentence they sit in, changes with their direction
word and reason, repeated paragraphs, and each sentence's own arithmetic."""

from __future__ import annotations

import re
from decimal import Decimal

from budget_disclosure.checking.findings import ERROR, WARNING
from budget_disclosure.checking.narrative_facts import (
    CHANGE, LAST_AMOUNT, NUMBER, RATE, REASON, UNIT, find_levels, level_facts, mask_quoted, sentences, to_wan, unmask,
)
from budget_disclosure.checking.narrative_paths import decimals, printed_interval, rounded, rounding_range
from budget_disclosure.checking.registry import Edit, rule
from budget_disclosure.engine.comparison import (
    SANGONG, SPENDING_KINDS, TOTAL, sangong_change, spending_changes,
)
from budget_disclosure.engine.intervals import DISAGREE, judge
from budget_disclosure.engine.money import ZERO
from budget_disclosure.reading.model import Address

SHEET = "@情况说明"


def _where(ctx, row: int) -> Address:
    return ctx.statement_cell(row)


def _figures(ctx):
    return ctx.memo("narrative-figures", lambda: _compute_figures(ctx))


def _compute_figures(ctx):
    from budget_disclosure.statement import figures_from_read, projects_from_detail, projects_from_texts

    missing = [k for k in ("T1", "T3", "T6", "T9") if ctx.table(k) is None and k in ctx.profile.roles]
    if missing:
        ctx.notes.append("情况说明中出自" + "、".join(ctx.profile.tables[k].title for k in missing) + "的数字未核对：找不到该表")
    unread = [t for t in ctx.tables("T1", "T3", "T6", "T9") if t.unread]
    if unread:  # the statement's figures would be computed without those cells: not applicable
        ctx.notes.append(f"情况说明的金额核对不适用：{'、'.join(t.spec.title for t in unread)}中有未计算的公式单元格")
        return None, []
    figures = figures_from_read(ctx.package)
    texts = ctx.texts
    if ctx.detail is not None and texts is not None:
        projects = projects_from_detail(ctx.detail, texts)
    elif texts is not None:
        projects = projects_from_texts(texts)
    else:
        projects = []
    return figures, projects


def _paragraphs(ctx) -> list[tuple[int, str]]:
    """The paragraphs with digits inside quotes and 《》 masked: they belong to names, not amounts."""
    return ctx.memo("narrative-masked", lambda: [(row, mask_quoted(text)) for row, text in ctx.paragraphs])


def _compare(ctx, row: int, stated: Decimal, expected: Decimal, what: str, printed: int = 2):
    difference = stated - expected
    source = getattr(expected, "address", None)  # the table cell the figure was read from (reading.model.Sourced)
    return ctx.verdict("", difference, printed, f"情况说明写“{what}{stated:.2f}万元”，表中为 {expected:.2f}，"
                       f"差 {difference:.2f} 万元", [_where(ctx, row)], expected=expected, actual=stated,
                       compared=[source] if source is not None else [])


@rule("BD801", "statement-amounts-match-tables", ERROR, "情况说明中的金额应与公开表一致",
      breaks=[Edit(SHEET, "日常公用经费", 1, value=("sub", "日常公用经费352.85万元", "日常公用经费325.85万元"))])
def amounts_match(ctx):
    """依据：说明中的收入、支出、基本支出、人员经费、公用经费、项目支出、机关运行经费、三公经费各项、项目金额、
    政府采购总额、固定资产金额应与公开表（及输入表）一致（财预〔2016〕143号：情况说明应与公开表一致并说明增减变化）。金额可写作元、万元或亿元。
    失败示例：“日常公用经费325.85万元”，基本支出表公用经费 352.85。
    通过示例：生成的说明，每个数都来自公开表。"""
    figures, projects = _figures(ctx)
    if figures is None:
        return
    facts = level_facts(figures, ctx.texts, projects) + family_facts(ctx)
    facts.sort(key=lambda f: -len(f[0]))
    names = tuple(dict.fromkeys(t.unit_name for t in ctx.package.tables.values() if t.unit_name))
    unread = _unread_facts(ctx)
    for row, text in _paragraphs(ctx):
        for label, _, why, _, printed in find_levels(text, unread, names) if unread else ():
            ctx.not_checked(why[0], f"说明写“{unmask(label)}{printed}万元”，{why[1]}，未核对", why[2])
        for label, stated, expected, _, printed in find_levels(text, facts, names):
            places = decimals(printed)
            if places < 2 and stated == rounded(expected, places):
                continue  # the text rounds to whole 万元 (or one decimal): compared at its precision
            finding = _compare(ctx, row, stated, expected, unmask(label))
            if finding:
                yield finding


def _unread_facts(ctx) -> list[tuple[str, tuple[str, str, bool]]]:
    """The family's text labels whose table cell was not read: (label, (table, why, whether the family prints
    it)) — a figure the text gives for them cannot be checked, and is counted so, never passed."""
    out = []
    for labels, pattern in ctx.profile.facts:
        why = ctx.missing((pattern.table, pattern.row, pattern.column))
        if why is not None:
            out += [(mask_quoted(label), (pattern.table, why[0], why[1])) for label in labels]
    return sorted(out, key=lambda f: -len(f[0]))


def family_facts(ctx) -> list[tuple[str, Decimal]]:
    """The labels the family's 情况说明 uses for table figures (profile ``facts``); absent cells skipped."""
    out = []
    for labels, pattern in ctx.profile.facts:
        t = ctx.package.tables.get(pattern.table)
        if t is None or ctx.missing((pattern.table, pattern.row, pattern.column)) is not None:
            continue
        value = t.sourced(pattern.row, pattern.column)
        out += [(mask_quoted(label), value) for label in labels]
    return out


_OTHER_SUBJECT = re.compile("机关运行经费|会议费|培训费|政府采购")


def _changes(ctx, figures):
    """(row, sentence, what, stated change (signed), expected change or None)."""
    texts = ctx.texts if ctx.compares_last_year else None
    expected: dict[str, Decimal | None] = dict.fromkeys((TOTAL, SANGONG, *SPENDING_KINDS))
    if all(v is not None for v in figures.kinds.values()):
        for change in spending_changes(figures.kinds, texts) or []:
            expected[change.what] = change.delta
    total = figures.sangong["合计"]
    if total is not None and (sangong := sangong_change(total, texts)) is not None:
        expected[SANGONG] = sangong.delta
    for row, text in _paragraphs(ctx):
        for sentence in sentences(text):
            for m in CHANGE.finditer(sentence):
                before = sentence[:m.start()]
                what = next((k for k in SPENDING_KINDS if before.endswith(k)), None)
                about_sangong = "三公" in sentence or ("三公" in text and not _OTHER_SUBJECT.search(sentence))
                if what is None and about_sangong and re.search(r"(比|较)\d{4}年$", before):
                    what = SANGONG
                elif what is None and re.search(r"(比|较)\d{4}年(预算)?$", before):
                    what = TOTAL
                if what is None:
                    continue
                stated = to_wan(m.group(2), m.group(3)) * (1 if m.group(1) == "增加" else -1)
                yield row, sentence, m, what, stated, expected[what]
            if "持平" in sentence and "三公" in text and expected[SANGONG] not in (None, ZERO):
                yield row, sentence, None, SANGONG, ZERO, expected[SANGONG]


@rule("BD802", "statement-changes-match", ERROR, "比上年增减的方向和金额应与本年、上年数一致",
      breaks=[Edit(SHEET, "较2023年预算减少", 1, value=("sub", "基本支出减少204.91万元", "基本支出增加204.91万元"))])
def changes_match(ctx):
    """依据：增减额 = 本年数 − 上年数，方向词（增加/减少/持平）与符号一致（财预〔2016〕143号：情况说明应与公开表一致并说明增减变化）。
    失败示例：基本支出实为减少 204.91 万元，说明写“基本支出增加204.91万元”。
    通过示例：“较2023年预算减少351.83万元，其中：基本支出减少204.91万元……项目支出减少146.92万元”。"""
    figures, _ = _figures(ctx)
    if figures is None:
        return
    for row, sentence, m, what, stated, expected in _changes(ctx, figures):
        if expected is None:
            continue
        if m is None:
            yield ctx.finding("", f"说明写“持平”，但{what}比上年变化 {expected:.2f} 万元", [_where(ctx, row)],
                              expected=expected, actual=ZERO, difference=-expected)
            continue
        if (stated > 0) != (expected > 0) and expected != ZERO:
            word = "增加" if expected > 0 else "减少"
            yield ctx.finding("", f"{what}应为“{word}{abs(expected):.2f}万元”，说明写“{m.group(0)}”：方向词不对",
                              [_where(ctx, row)], expected=expected, actual=stated, difference=stated - expected)
        elif stated != expected:
            finding = _compare(ctx, row, abs(stated), abs(expected), f"{what}{m.group(1)}", printed=3)
            if finding:
                yield finding


@rule("BD803", "change-has-reason", WARNING, "增加或减少应说明原因",
      breaks=[Edit(SHEET, "较2023年预算减少", 1, value=("sub", "主要为2024年无上年财政拨款结转项目经费", "主要原因是"))])
def change_has_reason(ctx):
    """依据：对增减变化情况进行说明（财预〔2016〕143号；GovBudgetChecker BUD-T006）：写了增加/减少，就要写主要原因；持平不需要。
    “主要原因是。”这样空的原因等于没写（财预〔2016〕143号：情况说明应与公开表一致并说明增减变化）。
    原因可以写在同一句之后，也可以写在本段或下一段（“……增加的原因主要是……”）。提示而非强制：是否写了原因是对
    文字的判断，不是两个数的不一致。
    失败示例：“项目支出减少146.92万元，主要原因是。”
    通过示例：“项目支出减少146.92万元，主要为2024年无上年财政拨款结转项目经费。”"""
    figures, _ = _figures(ctx)
    if figures is None:
        return
    paragraphs = dict(_paragraphs(ctx))
    rows = list(paragraphs)
    for row, sentence, m, what, stated, expected in _changes(ctx, figures):
        if m is None or what == TOTAL:
            continue  # the total's reasons are those of its parts
        after = sentence[m.end():]
        reason = REASON.search(after)
        if reason is None:  # further on in the paragraph, or in the next one ("…增加的原因主要是…")
            text = paragraphs.get(row, "")
            following = rows[rows.index(row) + 1] if row in rows and rows.index(row) + 1 < len(rows) else None
            rest = text[text.find(sentence) + len(sentence):] + (paragraphs[following] if following is not None else "")
            reason = REASON.search(rest[:200])
        if reason is None or len(reason.group(1).strip()) < 2:
            yield ctx.finding("", f"“{what}{m.group(0)}”没有说明原因" + ("（“主要原因是”后为空）" if reason else ""),
                              [_where(ctx, row)])


@rule("BD804", "repeated-paragraph", WARNING, "同一段文字不应重复出现",
      breaks=[Edit(SHEET, "我部门机关运行经费共计安排", 1,
                   value=("sub", "日常运行支出。", "日常运行支出。按照预算管理有关规定，目前部门预算的编制实行综合预算管理，"
                                              "即全部收入和支出都反映在预算中。"))])
def repeated_paragraph(ctx):
    """依据：逐字重复的段落通常是复制粘贴遗留，需核对（财预〔2016〕143号：情况说明应与公开表一致并说明增减变化）。比较的单位为句子（20 字以上）；
    紧挨着的两段完全相同（如小标题“部门职责：”印了两次）不论长短都算。带金额或比率的句子（两张表印同样的科目和金额，
    说明各复述一次）、增减原因（同一原因适用于几项）和用途说明（“用于……”）重复是正常的，不提示；一段重复只说一次。
    失败示例：“按照预算管理有关规定……”在两个部分各出现一次；“部门职责：”连印两行。
    通过示例：每段文字只出现一次。"""
    unit = "段" if ctx.outlines else "行"  # a published document's paragraphs, a sheet's rows
    previous: tuple[int, str] | None = None
    for row, text in ctx.paragraphs:
        key = "".join(text.split())
        if previous is not None and key and key == previous[1]:
            yield ctx.finding("", f"这段文字与上一段（第 {previous[0]} {unit}）完全相同：“{text[:40]}”", [_where(ctx, row)])
        previous = (row, key)
    seen: dict[str, int] = {}
    for row, text in ctx.paragraphs:
        reported: set[int] = set()
        for sentence in sentences(text):
            key = "".join(sentence.split())
            if len(key) < 20 or _RESTATED.search(key):
                continue
            if key in seen and seen[key] != row and seen[key] not in reported:
                reported.add(seen[key])  # a paragraph repeated: said once, at its first repeated sentence
                yield ctx.finding("", f"这段文字与第 {seen[key]} {unit}重复：“{sentence[:40]}……”", [_where(ctx, row)])
            seen.setdefault(key, row)


# Sentences a 情况说明 rightly says again: a figure (two tables print the same 科目 and amounts), the
# reason for a change (the same reason given for each item it moved), what an item is for (said in each
# section that lists the item)
_RESTATED = re.compile(r"\d\s*(万元|元|%|％)|^(主要原因|原因|主要用于|主要是|主要为|用于|反映)")


@rule("BD805", "sentence-arithmetic", ERROR, "句中的本年数、上年数、增减额、增减率和“其中”各项应自洽",
      breaks=[Edit(SHEET, "较2023年预算减少", 1, value=("sub", "较2023年预算减少351.83万元", "较2023年预算减少361.83万元"))])
def sentence_arithmetic(ctx):
    """依据：同一句话里：增减额 = 本年 − 上年；增减率 = 增减额 ÷ 上年；总增减 = “其中”各项增减之和；上年为零不能算增长率；
    本年为零不能“增加”（财预〔2016〕143号：情况说明应与公开表一致并说明增减变化；按舍入区间判断）。
    失败示例：“减少361.83万元，其中：基本支出减少204.91万元……项目支出减少146.92万元”（204.91 + 146.92 = 351.83）。
    通过示例：参考包原文 351.84 与 351.83 相差 0.01，报尾差；生成的说明两者一致。"""
    for row, text in _paragraphs(ctx):
        for sentence in sentences(text):
            yield from _composite(ctx, row, text, sentence)
            yield from _rates(ctx, row, sentence)


def _composite(ctx, row: int, text: str, sentence: str):
    # "… 较2023年预算减少351.83万元，其中：基本支出减少204.91万元，…。项目支出减少146.92万元…" (may span sentences)
    m = re.search(r"(?:较|比)\d{4}年(?:预算)?(增加|减少)" + NUMBER + UNIT + r"，其中", sentence)
    if not m:
        return
    rest = text[text.find(sentence) + m.end():]
    parts = []
    for label in SPENDING_KINDS:
        pm = re.search(r"(?<!公共预算)" + label + r"(增加|减少|与\d{4}年持平)" + f"(?:{NUMBER}{UNIT})?", rest)
        if pm and pm.group(2):
            parts.append(to_wan(pm.group(2), pm.group(3)) * (1 if pm.group(1) == "增加" else -1))
        elif pm:
            parts.append(ZERO)
    if len(parts) < 2:
        return
    total = to_wan(m.group(2), m.group(3)) * (1 if m.group(1) == "增加" else -1)
    difference = total - sum(parts, ZERO)
    finding = ctx.verdict("", difference, len(parts) + 1, f"总增减 {abs(total):.2f} 万元应等于其中各项之和 "
                          f"{abs(sum(parts, ZERO)):.2f}，差 {difference:.2f} 万元", [_where(ctx, row)],
                          expected=sum(parts, ZERO), actual=total)
    if finding:
        yield finding


def _rates(ctx, row: int, sentence: str):
    rate = RATE.search(sentence)
    last = LAST_AMOUNT.search(sentence)
    change = re.search(r"(增加|减少)" + NUMBER + UNIT, sentence)
    # this year's amount: the first amount that is neither last year's nor the change
    taken = [m.span() for m in (last, change) if m]
    now = next((m for m in re.finditer(NUMBER + UNIT, sentence)
                if not any(a <= m.start() < b for a, b in taken)), None)
    if now and change and now.start() > change.start():
        now = None
    if change and now and to_wan(now.group(1), now.group(2)) == ZERO and change.group(1) == "增加":
        yield ctx.finding("", f"本年金额为 0，却写“{change.group(0)}”", [_where(ctx, row)])
    if not rate:
        return
    if last is None:
        return
    base = to_wan(last.group(1), last.group(2))
    if base == ZERO:
        yield ctx.finding("", f"上年数为 0，不能计算增减率“{rate.group(0)}”", [_where(ctx, row)])
        return
    if now and change:
        current = to_wan(now.group(1), now.group(2))
        sign = Decimal(1 if change.group(1) == "增加" else -1)
        stated_change = to_wan(change.group(2), change.group(3)) * sign
        # each figure as printed stands for the values within half its last digit (engine/intervals.py)
        now_i, base_i = printed_interval(now.group(1), now.group(2)), printed_interval(last.group(1), last.group(2))
        change_i = printed_interval(change.group(2), change.group(3)).scaled(sign)
        computed = now_i - base_i
        if change_i.distance(computed) > 0:  # beyond what the three figures' rounding allows
            yield ctx.finding("", f"增减额 {stated_change:.2f} 应为本年 {current:.2f} − 上年 {base:.2f} = {current - base:.2f}"
                              f"（{rounding_range(computed, 2, percent=False)}）",
                              [_where(ctx, row)], expected=current - base, actual=stated_change)
        if base_i.low <= 0 < base_i.high or base_i.high < 0:
            return
        stated_rate = Decimal(rate.group(2)) * (1 if rate.group(1) in ("增长", "增加") else -1)
        true_rate = stated_change / base * 100
        computed = (change_i / base_i).scaled(Decimal(100))
        if judge(stated_rate, decimals(rate.group(2)), computed, true_rate) == DISAGREE:
            yield ctx.finding("", f"增减率写 {rate.group(0)}，按增减额 ÷ 上年应为 {true_rate:.2f}%"
                              f"（{rounding_range(computed, decimals(rate.group(2)))}）", [_where(ctx, row)],
                              expected=true_rate.quantize(Decimal("0.01")), actual=stated_rate)



@rule("BD806", "listed-items-sum", ERROR, "“主要为”所列各项之和应等于其总额",
      breaks=[Edit(SHEET, "主要为1、", 1, value=("sub", "人大代表培训经费”35.00万元", "人大代表培训经费”53.00万元"))])
def listed_items_sum(ctx):
    """依据：“项目支出459.57万元，主要为1、……35.00万元；2、……”所列各项是总额的分解，之和应等于总额
    （财预〔2016〕143号：情况说明应与公开表一致并说明增减变化；按舍入区间判断）。
    失败示例：把第 1 项写成 53.00 万元，各项之和 477.57 ≠ 459.57。
    通过示例：8 个项目之和 459.57 = 项目支出 459.57。"""
    for row, text in _paragraphs(ctx):
        for m in re.finditer(NUMBER + UNIT + r"，(?:主要内容|主要)(?:为|包括|是)?[：:]?(.*?)(?:。|$)", text):
            total = to_wan(m.group(1), m.group(2))
            items = re.findall(r"\d+、[^；;。]*?" + NUMBER + UNIT, m.group(3))
            if len(items) < 2:
                continue
            parts = sum((to_wan(n, u) for n, u in items), ZERO)
            finding = ctx.verdict("", total - parts, len(items) + 1, f"所列 {len(items)} 项之和 {parts:.2f} 万元，"
                                  f"总额写 {total:.2f}，差 {total - parts:.2f}", [_where(ctx, row)], expected=parts, actual=total)
            if finding:
                yield finding
