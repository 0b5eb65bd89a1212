"""The 情况说明 in the workbook: generate it from the tables and inputs, keep it in a sheet the
accountant may edit, and read it back (for export and for the narrative check).

Fill (re)writes the sheet only while nobody has edited it since the last generation (a hash in
a very hidden sheet tells), so the tool never overwrites what the accountant typed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from collections import OrderedDict
from decimal import Decimal

from budget_disclosure.engine.model import BudgetDetail, DerivedTable
from budget_disclosure.engine.money import ZERO, yuan_to_wan
from budget_disclosure.engine.comparison import (
    REASON_KEY, missing_reasons, sangong_change, spending_changes, subject_changes, unexplained,
)
from budget_disclosure.engine.issues import InputProblem
from budget_disclosure.engine.narrative import Figures, direction, distinct_names, generate, last_year_subjects
from budget_disclosure.layout import package_inputs as P
from budget_disclosure.engine.package_texts import PackageTexts
from budget_disclosure.layout.package_inputs import NARRATIVE_SHEET
from budget_disclosure.layout.canonical import derived_cell
from budget_disclosure.reading.model import ReadPackage
from budget_disclosure.xlio import styles
from budget_disclosure.xlio.meta import read_meta
from budget_disclosure.xlio.port import WorkbookPort

HASH_KEY = "情况说明sha256"
KINDS = {"title": "标题", "h1": "一级标题", "h2": "二级标题", "p": "段落", "caption": "表名", "header": "表头", "row": "表行"}
KIND_OF = {v: k for k, v in KINDS.items()}


def figures_from_derived(tables: dict[str, DerivedTable]) -> Figures:
    def value(key: str, row_key: str, column: str) -> Decimal:
        cell = derived_cell(tables, key, row_key, column)
        return yuan_to_wan(cell) if isinstance(cell, Decimal) else ZERO
    subjects = tuple((row.code, str(row.cells[1]), yuan_to_wan(row.cells[2]) if isinstance(row.cells[2], Decimal) else ZERO)
                     for row in tables["T5"].rows if row.code) if "T5" in tables else ()
    return Figures.from_tables(value, subjects)


def figures_from_read(package: ReadPackage) -> Figures:
    """The figures as printed; a figure whose table, column or line was not read is None (absent
    is not zero: the text's statement about it is not checked)."""
    def value(key: str, row_key: str, column: str) -> Decimal | None:
        table = package.tables.get(key)
        if table is None or column not in table.columns or not table.placed:
            return None
        if row_key not in table.rows:
            if key == "T9" and row_key == "合计" and "三公经费小计" in table.rows:
                row_key = "三公经费小计"  # families without a 合计 line print the 三公 total as 小计
            elif table.spec.kind == "hierarchy" and (row_key.isdigit() or table.is_empty()):
                pass  # a 科目 a 类-款-项 table does not list is zero; so is the 合计 of an empty table
            else:
                return None  # a 合计 row not read: not zero
        return table.sourced(row_key, column)
    return Figures.from_tables(value)


def projects_from_detail(detail: BudgetDetail, texts: PackageTexts) -> list[tuple[str, Decimal]]:
    """项目支出 summed exactly per project, in the order of the 项目绩效目标 sheet, then by code."""
    sums: "OrderedDict[tuple[str, str], Decimal]" = OrderedDict()
    for line in detail.lines:
        if line.kind.column == "项目支出":
            key = (line.project_code, line.project_name or line.project_code)
            sums[key] = sums.get(key, ZERO) + line.amount
    order = {p.code or p.name: i for i, p in enumerate(texts.projects)}
    ranked = sorted(sums.items(), key=lambda kv: (order.get(kv[0][0], order.get(kv[0][1], len(order))), kv[0][0]))
    return distinct_names([(code, name, yuan_to_wan(amount)) for (code, name), amount in ranked])


def projects_from_texts(texts: PackageTexts) -> list[tuple[str, Decimal]]:
    return distinct_names([(p.code, p.name, p.budget or ZERO) for p in texts.projects])


def sheet_rows(blocks: list[tuple]) -> list[list[object]]:
    rows: list[list[object]] = [["类型", "内容（可修改第 B 列起的文字；再次“生成报表”不会覆盖已修改的说明）"]]
    for block in blocks:
        kind = block[0]
        if kind == "table":
            _, caption, header, body = block
            rows.append([KINDS["caption"], caption])
            rows += [[KINDS["header"], *h] for h in header]
            rows += [[KINDS["row"], *r] for r in body]
        else:
            rows.append([KINDS[kind], block[1]])
    return rows


def blocks_from_rows(rows: list[list[object]]) -> list[tuple]:
    blocks: list[tuple] = []
    for row in rows[1:]:
        kind = KIND_OF.get(str(row[0] or "").strip())
        cells = ["" if v is None else str(v) for v in row[1:]]
        while cells and cells[-1] == "":
            cells.pop()
        if kind is None:
            continue
        if kind == "caption":
            blocks.append(["table", cells[0] if cells else "", [], []])
        elif kind in ("header", "row") and blocks and blocks[-1][0] == "table":
            blocks[-1][2 if kind == "header" else 3].append(cells)
        else:
            blocks.append((kind, cells[0] if cells else ""))
    return [tuple(b) for b in blocks]


def _digest(rows: list[list[object]]) -> str:
    normal = [["" if v is None else str(v) for v in r] for r in rows]
    while normal and not any(normal[-1]):
        normal.pop()
    for r in normal:
        while r and r[-1] == "":
            r.pop()
    return hashlib.sha256(json.dumps(normal, ensure_ascii=False).encode()).hexdigest()


def _read_sheet(port: WorkbookPort) -> list[list[object]]:
    rows, cols = port.extent(NARRATIVE_SHEET)
    return port.read_block(NARRATIVE_SHEET, 1, 1, rows, max(cols, 2)) if rows else []


def edited(port: WorkbookPort) -> bool:
    """Has the accountant changed the 情况说明 sheet since it was generated?"""
    if NARRATIVE_SHEET not in port.sheet_names():
        return False
    rows = _read_sheet(port)
    stored = read_meta(port).get(HASH_KEY)
    return bool(rows) and (stored is None or stored != _digest(rows))


TEXT_WIDTH = 64  # column B of the 情况说明 sheet, in Excel's width units (about one digit each)
LINE_POINTS = 13.5  # one line of 10-point text


def _height(text: object) -> float | None:
    """Rows of long text are given the height their wrapped lines need: neither Excel nor LibreOffice
    grows a row written by a program, and a cut-off paragraph prints as a fragment."""
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(text or ""))  # a CJK character is two digits wide
    lines = -(-units // (TEXT_WIDTH - 2))
    return LINE_POINTS * lines + 2 if lines > 1 else None


def write_sheet(port: WorkbookPort, blocks: list[tuple]) -> dict[str, str] | None:
    """Write the generated 情况说明 and return the bookkeeping entries for it (the caller keeps
    them in _bd_meta); None (nothing written) when the sheet was edited by hand."""
    if edited(port):
        return None
    rows = sheet_rows(blocks)
    if NARRATIVE_SHEET in port.sheet_names():
        port.remove_sheet(NARRATIVE_SHEET)
    port.add_sheet(NARRATIVE_SHEET)
    port.write_block(NARRATIVE_SHEET, 1, 1, rows)
    port.style_block(NARRATIVE_SHEET, 2, 1, len(rows), max(len(r) for r in rows), styles.STATEMENT_TEXT)
    port.style_block(NARRATIVE_SHEET, 1, 1, 1, 2, styles.INPUT_HEADER)
    # Printed as pages: paragraphs wrap in column B; the widest table (政府采购, 15 columns) sets the
    # page width, so the other columns stay narrow and the sheet prints landscape, fit to width.
    width = max(len(r) for r in rows)
    port.set_widths(NARRATIVE_SHEET, (8, TEXT_WIDTH) + (11,) * max(width - 2, 0))
    port.set_heights(NARRATIVE_SHEET, 2, [_height(r[1]) for r in rows[1:]])
    port.set_print(NARRATIVE_SHEET, landscape=True, title_rows=(1, 1))
    return {HASH_KEY: _digest(rows)}


def sheet_paragraphs(port: WorkbookPort) -> list[tuple[int, str]]:
    """(row, text) of every paragraph and heading of the 情况说明 sheet, for the narrative check."""
    if NARRATIVE_SHEET not in port.sheet_names():
        return []
    rows = _read_sheet(port)
    return [(r, str(row[1])) for r, row in enumerate(rows, start=1)
            if r > 1 and KIND_OF.get(str(row[0] or "").strip()) in ("title", "h1", "h2", "p") and row[1]]


@dataclass
class FoundStatement:
    sheet: str
    paragraphs: list[tuple[int, str]]  # (row, text)
    columns: dict[int, int]  # row → column of its text
    layout: str  # how it was laid out, said in the report


_STATEMENT_NAMES = ("情况说明", "编制说明", "说明", "文字", "概况")


def find_statement(port: WorkbookPort, skip: set[str]) -> FoundStatement | None:
    """The 情况说明 wherever a sheet holds it: our 类型 | 内容 sheet, or any sheet of paragraphs —
    one per row, or in one of several columns (the longest text of a row is its paragraph)."""
    if NARRATIVE_SHEET in port.sheet_names():
        paragraphs = sheet_paragraphs(port)
        if paragraphs:
            return FoundStatement(NARRATIVE_SHEET, paragraphs, {r: 2 for r, _ in paragraphs}, "类型 | 内容")
    best: tuple[int, FoundStatement] | None = None
    for sheet in port.sheet_names():
        if sheet in skip:
            continue
        rows, cols = port.extent(sheet)
        if not rows:
            continue
        grid = port.read_block(sheet, 1, 1, rows, min(cols, 12))
        paragraphs, columns = [], {}
        for r, row in enumerate(grid, 1):
            texts = [(len(str(v).strip()), c, str(v).strip()) for c, v in enumerate(row, 1)
                     if isinstance(v, str) and len(v.strip()) >= 4]
            if texts:
                _, c, text = max(texts)
                paragraphs.append((r, text))
                columns[r] = c
        prose = sum(1 for _, t in paragraphs if "。" in t or "万元" in t)
        score = prose * 2 + (5 if any(w in sheet for w in _STATEMENT_NAMES) else 0)
        if prose >= 2 and (best is None or score > best[0]):
            layout = "每行一段" if set(columns.values()) == {1} else "多列（取每行最长的文字）"
            best = (score, FoundStatement(sheet, paragraphs, columns, layout))
    return best[1] if best else None


def docx_paragraphs(path) -> list[tuple[int, str]]:
    """(paragraph number, text) of a .docx 情况说明 given to the check."""
    import docx

    from budget_disclosure.engine.issues import InputError, InputProblem

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a file that is not a .docx
        raise InputError([InputProblem(str(path), "", "无法作为 Word 文档（.docx）打开：文件已损坏或不是 .docx（旧版 .doc 请在 Word 中另存为 .docx）")]) from exc
    return [(n, p.text) for n, p in enumerate(document.paragraphs, 1) if p.text.strip()]


def read_sheet_blocks(port: WorkbookPort) -> list[tuple]:
    if NARRATIVE_SHEET not in port.sheet_names():
        return []
    return blocks_from_rows(_read_sheet(port))


def generate_for(unit: str, year: int, figures: Figures, texts: PackageTexts,
                 detail: BudgetDetail | None, compare: bool = True) -> list[tuple]:
    projects = projects_from_detail(detail, texts) if detail is not None else projects_from_texts(texts)
    return generate(unit, year, figures, texts, projects, compare)


def statement_warnings(figures: Figures, texts: PackageTexts, compare: bool) -> list[InputProblem]:
    """What the generated 情况说明 cannot say by itself: a change without its reason, no 上年预算."""
    if not compare:
        return []
    changes = spending_changes(figures.kinds, texts)
    if changes is None:
        return [InputProblem(P.LAST_YEAR.name, "", "未填写上年基本支出、项目支出，情况说明未写比上年增减")]
    sangong = sangong_change(figures.sangong["合计"], texts)
    rows = {code: row for code, _, _, row in texts.last_year_subjects}
    by_subject = [InputProblem(P.LAST_YEAR_SUBJECTS.name, f"D{rows.get(c.code, '')}",
                               f"“{c.code} {c.name}”比上年{direction(c.delta)} {moved}%，请填写增减原因（校验要求说明原因）")
                  for c, moved in unexplained(subject_changes(list(figures.subjects), last_year_subjects(texts)),
                                              texts.subject_reasons)] if texts.last_year_subjects else []
    return [InputProblem(P.REASONS.name, "", f"{c.what}比上年{direction(c.delta)} {abs(c.delta):.2f} 万元，"
                         f"请填写“{REASON_KEY[c.what]}”（校验要求说明原因）")
            for c in missing_reasons(changes + ([sangong] if sangong else []))] + by_subject
