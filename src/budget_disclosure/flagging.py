"""In-cell flags: colour and note on every cell of a finding, a 校验结果 sheet with links, and
an exact undo (``clear``). The original fill and note of every flagged cell are kept in a very
hidden sheet, so clearing restores them exactly; values are never touched."""

from __future__ import annotations

import json
from collections import defaultdict

from budget_disclosure.checking.findings import ERROR, ROUNDING, SEVERITY_ORDER, WARNING, Finding
from budget_disclosure.checking.registry import rule_title
from budget_disclosure.checking.service import FINDINGS_SHEET, FLAGS_SHEET, CheckReport
from budget_disclosure.reading.grid import table_title
from budget_disclosure.xlio import styles
from budget_disclosure.xlio.port import KEEP_NOTE, UNKNOWN_FILL, WorkbookPort

COLOURS = {ERROR: "solid:FFC7CE", WARNING: "solid:FFEB9C", ROUNDING: "solid:DDEBF7"}
SUSPECT_COLOUR = "solid:FF8080"  # the most likely wrong cell of several failed identities
NOTE_AUTHOR = "budget-disclosure 校验"
FINDINGS_HEADER = ("序号", "严重程度", "规则", "规则名称", "表", "单元格", "问题", "应为", "实际", "差额",
                   "按预算明细的元数", "出错说明", "相关单元格")


def _amount(value) -> object:
    return float(value) if value is not None and not isinstance(value, str) else value


def _place(address) -> str:
    return f"{address.sheet}!{address.a1}"


def note_text(findings: list[Finding], suspect: bool = False) -> str:
    lines = [f"【疑似出错】以下 {len(findings)} 项核对都涉及本格，最可能是本格填错"] if suspect and len(findings) > 1 else []
    if suspect and len(findings) == 1:
        lines.append("【疑似出错】预算明细表明本格有误")
    for f in sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity]):
        lines.append(f"【{f.severity} {f.rule}】{f.message}")
        if f.related and f.severity == ERROR:
            lines.append("相关单元格：" + "、".join(_place(a) for a in f.related[:8]) + ("等" if len(f.related) > 8 else ""))
        if f.detail_note:
            lines.append(f.detail_note)
        if f.acknowledged:
            lines.append(f"已说明：{f.acknowledged}")
    return "\n".join(lines)


def unknown_fills(port: WorkbookPort) -> int:
    """How many flagged cells' original fill the engine could not read (clearing leaves them
    without fill): Excel on the web when the ribbon could not send the colours."""
    if FLAGS_SHEET not in port.sheet_names():
        return 0
    rows, _ = port.extent(FLAGS_SHEET)
    records = port.read_block(FLAGS_SHEET, 2, 1, rows, 4) if rows >= 2 else []
    return sum(1 for r in records if r[0] and r[3] and json.loads(r[3])[0] == UNKNOWN_FILL)


def clear_flags(port: WorkbookPort) -> int:
    """Undo every flag: restore fills and notes, remove 校验结果 and the bookkeeping sheet."""
    restored = 0
    if FLAGS_SHEET in port.sheet_names():
        rows, _ = port.extent(FLAGS_SHEET)
        records = port.read_block(FLAGS_SHEET, 2, 1, rows, 5) if rows >= 2 else []
        by_sheet: dict[str, list[tuple]] = defaultdict(list)
        for sheet, row, col, original in ((r[0], r[1], r[2], r[3]) for r in records if r[0]):
            by_sheet[sheet].append(((int(row), int(col)), tuple(json.loads(original))))
        for sheet, items in by_sheet.items():
            if sheet in port.sheet_names():
                port.set_marks(sheet, [c for c, _ in items], [m for _, m in items])
                restored += len(items)
        port.remove_sheet(FLAGS_SHEET)
    port.remove_sheet(FINDINGS_SHEET)
    return restored


def _onto_anchors(port: WorkbookPort, per_cell: dict, sheets: set[str]) -> dict:
    """A cell inside a merged range is marked on the range's top-left cell (the only one that holds
    a fill and a note); findings of cells that share an anchor are noted together."""
    by_sheet: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for sheet, row, col in per_cell:
        if sheet in sheets:
            by_sheet[sheet].append((row, col))
    moved: dict[tuple[str, int, int], list[Finding]] = defaultdict(list)
    seen: dict[tuple[str, int, int], set[int]] = defaultdict(set)  # ids of the findings each anchor holds
    for sheet, cells in by_sheet.items():
        for (row, col), (r, c) in zip(cells, port.anchors(sheet, cells)):
            key = (sheet, r, c)
            for f in per_cell[(sheet, row, col)]:
                if id(f) not in seen[key]:
                    seen[key].add(id(f))
                    moved[key].append(f)
    for key, findings in per_cell.items():  # cells outside the workbook (a .docx) stay as they were
        if key[0] not in sheets:
            moved[key] = findings
    return moved


def apply_flags(port: WorkbookPort, report: CheckReport) -> int:
    """Flag the findings (replacing earlier flags) and write the 校验结果 sheet; returns how many
    cells were marked. An error or 尾差 marks one cell — its suspect, or where it failed — and
    lists its other cells as 相关; a warning marks every cell it names."""
    clear_flags(port)
    per_cell: dict[tuple[str, int, int], list[Finding]] = defaultdict(list)
    for finding in report.findings:
        marked = finding.cells if finding.severity == WARNING else [finding.marked] if finding.cells else []
        for address in marked:
            per_cell[(address.sheet, address.row, address.col)].append(finding)
    sheets = set(port.sheet_names())
    per_cell = _onto_anchors(port, per_cell, sheets)
    by_sheet: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for sheet, row, col in per_cell:
        if sheet in sheets:  # a finding in a .docx given to the check has no cell to colour
            by_sheet[sheet].append((row, col))
    bookkeeping = [["工作表", "行", "列", "原格式(JSON)", "标记说明"]]
    kept: set[tuple[str, int, int]] = set()  # cells with the user's own note, left as it is
    for sheet, cells in by_sheet.items():
        originals = port.get_marks(sheet, cells)
        marks = []
        for (row, col), original in zip(cells, originals):
            findings = per_cell[(sheet, row, col)]
            worst = min(findings, key=lambda f: SEVERITY_ORDER[f.severity] + (0.5 if f.acknowledged else 0))
            suspect = any(f.suspect is not None and (f.suspect.sheet, f.suspect.row, f.suspect.col) == (sheet, row, col)
                          for f in findings)
            note = note_text(findings, suspect)
            if original[1] == KEEP_NOTE:
                note = KEEP_NOTE
                kept.add((sheet, row, col))
            elif original[1]:
                note = f"{note}\n—— 原批注 ——\n{original[1]}"
            colour = SUSPECT_COLOUR if suspect and not worst.acknowledged else COLOURS[worst.severity]
            marks.append((colour, note, NOTE_AUTHOR))
            bookkeeping.append([sheet, row, col, json.dumps(list(original), ensure_ascii=False), worst.rule])
        port.set_marks(sheet, cells, marks)
    port.add_sheet(FLAGS_SHEET, hidden=True)
    port.write_block(FLAGS_SHEET, 1, 1, bookkeeping)
    _write_findings_sheet(port, report, kept, port.supports_notes())
    return len(bookkeeping) - 1


KEPT_NOTE = "（有原批注，说明见本行）"


def _write_findings_sheet(port: WorkbookPort, report: CheckReport, kept: set = frozenset(), notes: bool = True) -> None:
    port.add_sheet(FINDINGS_SHEET)
    head = [[f"校验结论：{report.verdict}"], [f"单位：{report.unit}　预算年度：{report.year or ''}　"
                                          f"执行规则 {len(report.rules_run)} 条；强制错误未说明时不能导出公开包"]]
    if not notes:
        head.append(["此版本 Excel 不支持批注（需 ExcelApi 1.18，如 Office 2021/2024 批量许可版）：问题单元格只着色，"
                     "说明见下表，点“单元格”列的地址可跳转"])
    elif kept:
        head.append([f"{len(kept)} 个问题单元格原有批注，已原样保留；这些单元格的问题见下表（“单元格”列注明{KEPT_NOTE}）"])
    if report.detail_problem:
        head.append([report.detail_problem])
    head += [[n] for n in report.notes]
    head.append([])
    top = len(head) + 1
    rows = [list(FINDINGS_HEADER)]
    links = []
    for i, f in enumerate(report.findings, 1):
        title = table_title(report.package.profile, f.table) if f.table else "整个公开包"
        marked = f.marked
        cell = _place(marked) + ("（疑似出错）" if f.suspect is not None else "") if marked else ""
        if marked and (marked.sheet, marked.row, marked.col) in kept:
            cell += KEPT_NOTE
        rows.append([i, f.severity, f.rule, rule_title(f.rule, f.name), title, cell, f.message, _amount(f.expected), _amount(f.actual),
                     _amount(f.difference), f.detail_note, f.acknowledged, "、".join(_place(a) for a in f.related)])
        if marked:
            links.append((top + i, 6, f"'{marked.sheet}'!{marked.a1}"))
    port.write_block(FINDINGS_SHEET, 1, 1, head + rows)
    port.style_block(FINDINGS_SHEET, 1, 1, 1, 1, styles.GUIDE_TITLE)
    port.style_block(FINDINGS_SHEET, top, 1, top, len(FINDINGS_HEADER), styles.INPUT_HEADER)
    port.set_links(FINDINGS_SHEET, links)
    port.set_widths(FINDINGS_SHEET, (6, 8, 8, 22, 26, 30, 70, 12, 12, 10, 40, 30, 40))
    if len(rows) > 1:
        port.style_block(FINDINGS_SHEET, top + 1, 1, top + len(rows) - 1, len(FINDINGS_HEADER), styles.FINDING_TEXT)
    port.set_print(FINDINGS_SHEET, landscape=True, title_rows=(top, top))
