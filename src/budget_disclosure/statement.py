"""The 情况说明 in the workbook: generate it from the tables and inputs, keep it in a sheet the
accountant may edit, and read it back (for export and for the narrative check).

Fill (re)writes the sheet only while nobody has edited it since the last generation (a hash in
a very hidden sheet tells), so the tool never overwrites what the accountant typed.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from decimal import Decimal

from budget_disclosure.engine.model import BudgetDetail, DerivedTable
from budget_disclosure.engine.money import ZERO, yuan_to_wan
from budget_disclosure.engine.comparison import REASON_KEY, missing_reasons, sangong_change, spending_changes
from budget_disclosure.engine.issues import InputProblem
from budget_disclosure.engine.narrative import Figures, direction, generate
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
    return Figures.from_tables(value)


def figures_from_read(package: ReadPackage) -> Figures:
    def value(key: str, row_key: str, column: str) -> Decimal:
        table = package.tables.get(key)
        return table.value(row_key, column).quantize(Decimal("0.01")) if table else ZERO
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
    return [(name, yuan_to_wan(amount)) for (_, name), amount in ranked]


def projects_from_texts(texts: PackageTexts) -> list[tuple[str, Decimal]]:
    return [(p.name, p.budget or ZERO) for p in texts.projects]


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
    return [InputProblem(P.REASONS.name, "", f"{c.what}比上年{direction(c.delta)} {abs(c.delta):.2f} 万元，"
                         f"请填写“{REASON_KEY[c.what]}”（校验要求说明原因）")
            for c in missing_reasons(changes + ([sangong] if sangong else []))]
