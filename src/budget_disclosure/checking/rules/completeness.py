"""完整性: nine tables, 空表 notes, the same unit and year everywhere, readable amounts and units."""

from __future__ import annotations

import re

from collections import Counter

from budget_disclosure.checking.findings import ERROR, WARNING
from budget_disclosure.checking.registry import Edit, rule


@rule("BD501", "nine-tables-present", ERROR, "九张公开表都应列示（无数据的也要列空表）",
      breaks=[Edit("T9", "", "", remove_table=True)])
def nine_tables_present(ctx):
    """依据：部门预算公开九张表，没有数据的表格应当列出空表并说明（财预〔2016〕143号）。
    失败示例：工作簿中没有“三公”经费支出表。
    通过示例：九张表都能按标题找到。"""
    for key in ctx.profile.roles:
        if ctx.package.tables.get(key) is None:  # present, even when its columns were not understood
            spec = ctx.profile.tables[key]
            yield ctx.finding(key, f"找不到{spec.title}（按表标题查找）；本格式的公开表都应公开，无数据的列空表并说明", [])


_SAYS_NONE = re.compile(r"(无|没有)[^，,。；;]{0,15}(收支|收入|支出|数据|安排|项目|经费|预算|资金)")


@rule("BD502", "empty-table-note", ERROR, "空表应注明“空表列示”，有数据的表不应注明",
      breaks=[Edit("T7", "note", "", value=None)])
def empty_table_note(ctx):
    """依据：“没有数据的表格应当列出空表并说明”（《地方预决算公开操作规程》（财预〔2016〕143号））；GovBudgetChecker BUD-005。
    失败示例：政府性基金预算财政拨款支出表无数据，也没有“注：无…，空表列示。”。
    通过示例：表7、表8 无数据并注明空表列示；表5 有数据、无空表说明。"""
    for t in ctx.package.tables.values():
        if not t.placed:
            continue  # its figures were not read: neither empty nor full as far as the check knows
        if t.is_empty() and any(key[0] == t.key and v for key, v in ctx.exact.items()):
            continue  # the 预算明细 has its amounts: not generated yet (BD601 says so), no 空表 note wanted
        says_empty = t.says_none or any(w in t.note for w in ctx.profile.empty_wordings if w != "无") or (
            "无" in t.note and "表" in t.note) or bool(_SAYS_NONE.search(t.note))
        if ctx.profile.zero_total_states_empty and any(c.value == 0 for (row, _), c in t.cells.items() if row == ""):
            says_empty = says_empty or t.is_empty()
        if t.is_empty() and not says_empty:
            example = t.spec.empty_note or ctx.profile.empty_note or "注：无…，空表列示。"
            yield ctx.finding(t.key, f"{t.spec.title}没有数据，应在表下注明，如“{example}”", [t.title])
        elif not t.is_empty() and says_empty:
            yield ctx.finding(t.key, f"{t.spec.title}有数据，却注明“{t.note}”", [t.note_address or t.title])


@rule("BD503", "same-unit-and-year", ERROR, "各表的单位编码、名称和预算年度应一致",
      breaks=[Edit("T5", "unit", "", value="101 张家口市人大常委会常务委员会办公室")])
def same_unit_and_year(ctx):
    """依据：部门/单位名称在所有表头、说明标题和附表中应完全一致；预算年度一致（《地方预决算公开操作规程》（财预〔2016〕143号）；GovBudgetChecker BUD-D001）。
    失败示例：表5 表头写“张家口市人大常委会常务委员会办公室”，其他表为“张家口市人民代表大会常务委员会办公室”。
    通过示例：九张表均为“101 张家口市人民代表大会常务委员会办公室”、预算年度 2024。"""
    tables = list(ctx.package.tables.values())
    for attr, address_attr, label in (("unit_name", "unit_address", "单位名称"), ("unit_code", "unit_address", "单位编码"),
                                      ("year", "year_address", "预算年度")):
        values = Counter(getattr(t, attr) for t in tables if getattr(t, attr))
        if len(values) < 2:
            continue
        majority, _ = values.most_common(1)[0]
        for t in tables:
            value = getattr(t, attr)
            if value and value != majority:
                yield ctx.finding(t.key, f"{t.spec.title}的{label}为“{value}”，其他表为“{majority}”",
                                  [getattr(t, address_attr) or t.title], expected=str(majority), actual=str(value))


@rule("BD504", "unit-slip", ERROR, "金额单位与其他表相差一万倍（元/万元写错）",
      breaks=[Edit("T3", "money_unit", "", value="单位：元")])
def unit_slip(ctx):
    """依据：九张表金额单位应一致（万元）；一张表的数是其他表的 10000 倍（或万分之一），是“单位：元/万元”写错或
    金额录错单位，按一处错误报告，不再报几十处合计不符（《地方预决算公开操作规程》（财预〔2016〕143号））。
    失败示例：支出总表单位行写“单位：元”，金额却是万元数。
    通过示例：九张表均为“单位：万元”，金额量级一致。"""
    for key, factor in ctx.package.unit_slips:
        t = ctx.table(key)
        written = t.money_unit
        meant = "元" if factor > 1 else "万元"
        yield ctx.finding(key, f"{t.spec.title}标明“单位：{written}”，但金额与其他表相差 {factor if factor > 1 else 1 / factor:.0f} "
                          f"倍，实为{meant}；已按其他表的单位换算后继续校验", [t.money_unit_address or t.title],
                          expected="万元", actual=written)


@rule("BD505", "amount-not-a-number", ERROR, "金额单元格应为数字", breaks=[Edit("T3", "2010101", "合计", value="一千二百")])
def amount_not_a_number(ctx):
    """依据：公开表的金额须为数字（万元，两位小数）；文本无法参与合计核对（《地方预决算公开操作规程》（财预〔2016〕143号））。
    失败示例：支出总表 行政运行 合计 写作“一千二百”。
    通过示例：1291.00，或文本“1,291.00”（可识别）。"""
    for t in ctx.package.tables.values():
        for cell in t.bad_amounts:
            yield ctx.finding(t.key, f"“{cell.text}”不是金额", [cell.address], actual=cell.text)


@rule("BD506", "unrecognised-row", WARNING, "无法识别的表行（不参与核对）",
      breaks=[Edit("T9", "公务接待费", "项目", value="三、接待费用")])
def unrecognised_row(ctx):
    """依据：固定行表（收支总表、财政拨款收支总表、三公表）的行项目应与表式一致；无法识别的行不能参与核对。
    失败示例：三公表“三、公务接待费”写成“三、接待费用”。一张表有三行以上无法识别时，合为一条，写明行的范围。
    通过示例：行名与表式一致（序号前缀、空格、全半角不影响识别）。"""
    for t in ctx.package.tables.values():
        labels = t.unmatched_labels
        if len(labels) <= 3:
            for label, address in labels:
                yield ctx.finding(t.key, f"无法识别的行“{label}”，未参与核对", [address])
            continue
        # a table whose rows were not understood: said once, with the rows as a range
        first, last = labels[0][1], labels[-1][1]
        shown = "、".join(f"“{label}”" for label, _ in labels[:3])
        span = f"{first}～{last.a1}" if first.sheet == last.sheet else f"{first}～{last}"
        yield ctx.finding(t.key, f"{t.spec.title}有 {len(labels)} 行无法识别（{span}，如{shown}），未参与核对",
                          [first])


@rule("BD507", "columns-not-found", WARNING, "找不到的列（不参与核对）")
def columns_not_found(ctx):
    """依据：列按栏次或表头名称识别；找不到的列无法核对（《地方预决算公开操作规程》（财预〔2016〕143号））。
    失败示例：收入总表缺少“上年结转”列。
    通过示例：所有列都能按栏次或表头识别。"""
    for t in ctx.package.tables.values():
        for problem in t.column_problems:
            yield ctx.finding(t.key, f"{t.spec.title}：{problem}", [t.title])


@rule("BD508", "duplicate-table", WARNING, "同一张表出现两次（重复的表未读取）")
def duplicate_table(ctx):
    """依据：每张公开表只公开一次（《地方预决算公开操作规程》（财预〔2016〕143号））。同一标题（同一种表）第二次出现时
    不当作续页合并，也不读取，只提示：续页须重复表头，而不是重复表题。
    失败示例：工作簿中两个工作表都是“部门预算支出总表”。
    通过示例：每种表只有一张；跨页的表在续页重复表头。"""
    for role, title, where in ctx.package.duplicate_tables:
        first = ctx.package.tables.get(role)
        before = f"（已读取 {first.title}）" if first is not None else ""
        yield ctx.finding(role, f"“{title}”与前面的{ctx.profile.tables[role].title}是同一张表{before}：重复的表未读取，请删去其一",
                          [where])


@rule("BD509", "non-standard-code", WARNING, "非标准的科目编码写法（如 302-02）")
def non_standard_code(ctx):
    """依据：科目编码按《政府收支分类科目》写作 3/5/7 位数字；带分隔符的本地写法（302-02、201.01.01）可以识别，
    但应改为标准编码，便于汇总和比对。
    失败示例：基本支出表编码写作“302-02”。
    通过示例：写作“30202”。"""
    for t in ctx.package.tables.values():
        for written, address in t.odd_codes:
            yield ctx.finding(t.key, f"科目编码写作“{written}”，非标准编码，已按 {written.replace('-', '').replace('.', '')} 识别",
                              [address])
