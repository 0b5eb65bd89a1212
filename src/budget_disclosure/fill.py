"""Fill: read the inputs of a workbook, derive the nine tables, write them back (through the port)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

from budget_disclosure.engine.issues import InputError, InputProblem, column_letter
from budget_disclosure.layout.tables import TABLES, first_data_row
from budget_disclosure.loading import FillResult, derive_from_book, far_cell_problems, texts_for
from budget_disclosure.xlio.port import WorkbookPort
from budget_disclosure.xlio.meta import read_meta, update_meta
from budget_disclosure.xlio.tables_io import read_table_values, table_values, write_table


def fill_book(port: WorkbookPort, unit: str | None = None, codes_file: Path | None = None,
              balance: bool | None = None, derived: FillResult | None = None) -> FillResult:
    """Derive the nine tables and write each into its sheet's data area. ``balance`` (default: as the
    单位信息 says) prints them 舍位平衡: every total equal to its parts, the moved cells listed.
    ``derived``: the package already derived from this same workbook's inputs (a copy of it), to
    fill without reading them again."""
    from budget_disclosure import balancing

    # what the table sheets hold now, read first: the 预算明细 may still be parsing on another thread
    names = port.sheet_names()
    typed = {spec.key: read_table_values(port, spec) for spec in TABLES if spec.sheet in names}
    remembered = read_meta(port)
    far = far_cell_problems(port)
    result = derived if derived is not None else derive_from_book(port, unit, codes_file)
    result.warnings += far
    if balance is None:
        balance = balancing.wanted(result.info)
    places: dict = {}
    if balance:
        result.tables, result.balance, places = balancing.balance_tables(result.tables)
    missing = [spec.sheet for spec in TABLES if spec.sheet not in names]
    if missing:
        raise InputError([InputProblem(s, "", "找不到该表的工作表：请使用本工具的模板") for s in missing])
    digests = {}
    for spec in TABLES:
        new = table_values(result.tables[spec.key], spec)
        result.overwritten += hand_edits(spec, typed[spec.key], new, remembered.get(ROWS_KEY + spec.key, "").split())
        write_table(port, spec, result.tables[spec.key], result.detail.header)
        digests[ROWS_KEY + spec.key] = " ".join(row_digest(r) for r in new)
    result.statement = _write_statement(port, result, digests)
    _write_balance_note(port, result, places)
    digests[BALANCED_KEY] = "是" if balance else ""
    update_meta(port, digests)  # once: the remote engine reads the workbook as it was sent
    return result


BALANCED_KEY = "舍位平衡"


def writes_sheet(name: str) -> bool:
    """Whether fill may write this sheet (it only reads the others, which a save carries unchanged)."""
    from budget_disclosure.balancing import NOTE_SHEET
    from budget_disclosure.layout.package_inputs import NARRATIVE_SHEET
    from budget_disclosure.xlio.meta import META_SHEET

    return name in {spec.sheet for spec in TABLES} | {NARRATIVE_SHEET, META_SHEET, NOTE_SHEET}


def _write_balance_note(port: WorkbookPort, result: FillResult, places: dict) -> None:
    """The 舍位说明 sheet of a balanced fill (replaced each time); removed when fill no longer balances."""
    from budget_disclosure.balancing import NOTE_SHEET, note_rows

    if NOTE_SHEET in port.sheet_names():
        port.remove_sheet(NOTE_SHEET)
    if result.balance is None:
        return
    titles = {spec.key: spec.title for spec in TABLES}
    port.add_sheet(NOTE_SHEET)
    port.write_block(NOTE_SHEET, 1, 1, note_rows(result.balance, places["exact"], places["places"], titles))


ROWS_KEY = "生成行摘要:"  # + table key → the digest of every row fill last wrote there


def _normal(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f"{Decimal(repr(value)) if isinstance(value, float) else Decimal(value):.2f}"
    return str(value).strip()


def row_digest(row) -> str:
    return hashlib.sha1("\x1f".join(_normal(v) for v in row).encode()).hexdigest()[:10]


def hand_edits(spec, old: list[list[object]], new: list[list[object]], generated: list[str]) -> list[InputProblem]:
    """Cells of a table's data area that someone typed over (their row differs from what fill last
    wrote there) and that fill now replaces: named with the old and the new value, never silently."""
    problems = []
    for i, row in enumerate(old):
        if i < len(generated) and row_digest(row) == generated[i]:
            continue  # as fill wrote it
        fresh = new[i] if i < len(new) else [None] * len(row)
        for c, (was, now) in enumerate(zip(row, fresh)):
            if _normal(was) and _normal(was) != _normal(now):
                cell = f"{column_letter(c + 1)}{first_data_row(spec) + i}"
                problems.append(InputProblem(spec.sheet, cell, f"手工填写的“{_normal(was)}”已按预算明细改为“{_normal(now) or '空'}”"))
    return problems


def _write_statement(port: WorkbookPort, result: FillResult, meta: dict[str, str]) -> str:
    """Generate the 情况说明 sheet, unless the accountant has edited it; warn about every change
    the statement has to state without a reason given (the check will ask for it too)."""
    from budget_disclosure import statement
    from budget_disclosure.xlio.package_io import read_package_texts

    texts = read_package_texts(port)
    if not texts.present:
        return "工作簿没有情况说明的输入表（部门职责、上年预算等），未生成情况说明"
    texts = texts_for(result, texts)
    header = result.detail.header
    compare = not result.is_unit_package
    figures = statement.figures_from_derived(result.tables)
    blocks = statement.generate_for(header.name, header.year, figures, texts, result.detail, compare)
    result.warnings += statement.statement_warnings(figures, texts, compare)
    written = statement.write_sheet(port, blocks)
    if written is not None:
        meta.update(written)
        return "已生成“情况说明”工作表" + ("（单位预算：上年预算表为部门数，未写比上年增减）" if not compare else "")
    return "“情况说明”工作表已被手工修改，未覆盖（清空该表后再生成可重新生成）"
