"""政府收支分类科目 in the tables: codes known, names right, detail level, hierarchy complete."""

from __future__ import annotations

import re

from budget_disclosure.checking.findings import ERROR, WARNING
from budget_disclosure.checking.registry import Edit, rule
from budget_disclosure.engine.codes import BUNDLED_YEAR, KIND_LABEL, LEVEL_DIGITS, ancestors, normalize_name, years_printed

CODED_TABLES = ("T2", "T3", "T5", "T6", "T7", "T8", "X1", "X2", "X3")


def _coded(ctx):
    """The 类-款-项 tables read (a family may print a table of the same role as fixed lines)."""
    return (t for t in ctx.tables(*CODED_TABLES) if t.spec.kind in ("hierarchy", "panels"))


def _kind(table) -> str:
    return table.spec.hierarchy


@rule("BD401", "code-not-verified", WARNING, "科目编码不在内置或提供的科目表中（未核验）",
      breaks=[Edit("T3", "2010108", "科目编码", value="2010199")])
def code_not_verified(ctx):
    """依据：科目编码应为当年《政府收支分类科目》中的编码（财政部《政府收支分类科目》）。内置科目表不完整，查不到的编码是“未核验”，
    不是错误；可在“科目代码表”补充或用 --codes 提供官方科目表。
    失败示例：2010199 不在内置表中 → 提示“未核验”。
    通过示例：2010101 行政运行 在表中。"""
    unknown: dict[tuple[str, str], tuple[str, list]] = {}
    for t in _coded(ctx):
        codes = ctx.classifications.of(_kind(t))
        for key, row in t.rows.items():
            if key.isdigit() and key not in codes:  # (a panel's 合计 line is a line, not a 科目)
                unknown.setdefault((_kind(t), key), (t.key, []))[1].append(row.code_address or row.address)
    for (kind, code), (table, cells) in unknown.items():
        yield ctx.finding(table, f"{KIND_LABEL[kind]}科目 {code} 不在科目表中，未核验（内置科目表不完整）", cells)


@rule("BD402", "code-name-mismatch", ERROR, "科目名称应与科目编码一致",
      breaks=[Edit("T3", "2010101", "科目名称", value="人大会议")])
def code_name_mismatch(ctx):
    """依据：编码与名称应与当年《政府收支分类科目》一致（财政部《政府收支分类科目》）。比较时全角/半角括号、空格视为相同。
    内置科目表是 2024 年的；科目名称在各年间有调整，另有真实公开包所用名称的逐年记录（data/subject_names_by_year.csv，
    2017–2026 年的 21 份公开文件）：名称与内置表不同、却是该包所在年度真实公开包所用的，视为当年名称，不报；
    是其他年度所用的，提示并写明年度；都不是的，非 2024 年的包提示（未核验），2024 年的包为强制。--codes 提供的当年科目表优先。
    失败示例：2010101 写作“人大会议”（应为“行政运行”）。
    通过示例：30213 维修(护)费 与官方“维修（护）费”只差括号宽度，视为一致；2018 年的包写 20805“行政事业单位离退休”
    （2017–2019 年公开包所用名称，2024 年科目表为“行政事业单位养老支出”）。"""
    year = next((t.year for t in ctx.package.tables.values() if t.year), None) or _year_of_titles(ctx) or ctx.year
    by_year = 0
    for t in _coded(ctx):
        kind = _kind(t)
        codes = ctx.classifications.of(kind)
        for key, row in t.rows.items():
            official = codes.get(key) if key else None
            if official and row.label and normalize_name(row.label) != normalize_name(official.name):
                used = years_printed(kind, key, row.label) if official.source.startswith("内置") else ()
                if used and year in used:
                    by_year += 1  # the name real packages of that year print: right for its year
                    continue
                if official.source.startswith("内置") and (year != BUNDLED_YEAR or used):
                    # the built-in list is the 2024 one; other years' lists rename some 科目
                    which = f"{year} 年" if year else "预算年度不明，当年"
                    seen = f"；与 {'、'.join(map(str, used))} 年真实公开包所用名称相同" if used else ""
                    yield ctx.finding(t.key, f"科目 {key} 在 {BUNDLED_YEAR} 年科目表中名为“{official.name}”，表中为“{row.label}”"
                                      f"{seen}；{which}的科目名称可能不同，未核验（可用 --codes 提供当年科目表）",
                                      [row.label_address or row.address], WARNING)
                    continue
                yield ctx.finding(t.key, f"科目 {key} 的名称应为“{official.name}”，实际为“{row.label}”",
                                  [row.label_address or row.address], expected=official.name, actual=row.label)
    if by_year:
        ctx.notes.append(f"科目名称：{by_year} 处与 {BUNDLED_YEAR} 年内置科目表不同，是 {year} 年真实公开包所用的名称，按当年名称核对"
                         f"（data/subject_names_by_year.csv）")


def _year_of_titles(ctx) -> int | None:
    titles = [t.title_text for t in ctx.package.tables.values()] + [title for _, title, _ in ctx.package.set_aside]
    for title in titles:
        if m := re.search(r"(20\d\d)年", title):
            return int(m.group(1))
    return None


@rule("BD403", "code-detail-level", ERROR, "功能分类应细化到项、经济分类应细化到款",
      breaks=[Edit("T6", "30101", "科目编码", value="3010101")])
def code_detail_level(ctx):
    """依据：“涉及本级支出的，应当公开到功能分类项级科目；一般公共预算基本支出应当公开到经济性质分类款级科目”
    （《地方预决算公开操作规程》，财预〔2016〕143号）。
    失败示例：基本支出表出现 7 位编码 3010101；或支出总表的款 20101 下没有任何项。
    通过示例：功能分类各款下均列出 7 位项级科目，基本支出表只列 3 位类和 5 位款。"""
    for t in _coded(ctx):
        kind = _kind(t)
        digits = LEVEL_DIGITS[kind]
        codes = t.codes()
        for key in codes:
            row = t.rows[key]
            if not key.isdigit() or len(key) not in digits:
                yield ctx.finding(t.key, f"科目编码“{key}”应为 {'/'.join(map(str, digits))} 位的{KIND_LABEL[kind]}编码",
                                  [row.code_address or row.address])
            elif len(key) < digits[-1] and not any(c.startswith(key) and len(c) == len(key) + 2 for c in codes):
                level = "项" if len(key) == 5 else "款"
                yield ctx.finding(t.key, f"{key} {row.label} 下没有列出{level}级科目：{KIND_LABEL[kind]}应细化到"
                                  f"{'项' if kind == 'functional' else '款'}", [row.code_address or row.address])


@rule("BD404", "code-parents-present", ERROR, "每个项（款）都应列出其上级款和类",
      breaks=[Edit("T3", "20101", "科目编码", value=None), Edit("T3", "20101", "科目名称", value=None)])
def code_parents_present(ctx):
    """依据：表式按 类—款—项 逐级列示，每个项的款、类行都应出现（财政部《政府收支分类科目》）。
    失败示例：支出总表有 2010101 行政运行，却没有 20101 人大事务 行。
    通过示例：201 → 20101 → 2010101 逐级列出。"""
    for t in _coded(ctx):
        kind = _kind(t)
        for key in t.codes():
            missing = [a for a in ancestors(kind, key) if a not in t.rows]
            if missing and key.isdigit():
                row = t.rows[key]
                yield ctx.finding(t.key, f"{key} {row.label} 缺少上级科目行：{'、'.join(missing)}",
                                  [row.code_address or row.address])


@rule("BD405", "duplicate-rows", ERROR, "同一科目（同一行项目）不应重复列示",
      breaks=[Edit("T3", "2010105", "科目编码", value="2010104")])
def duplicate_rows(ctx):
    """依据：每个科目在表中只列一行，重复列示会使合计失真（财政部《政府收支分类科目》）。
    失败示例：支出总表两行都是 2010104。
    通过示例：每个编码只出现一次。"""
    for t in ctx.package.tables.values():
        for key, address in t.duplicates:
            first = t.rows.get(key)
            cells = [address] + ([first.address] if first else [])
            label = key or "合计"
            yield ctx.finding(t.key, f"“{label}”重复列示", cells)
