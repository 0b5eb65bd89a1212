"""Fill: read the inputs of a workbook, derive the nine tables, write them back (through the port)."""

from __future__ import annotations

from pathlib import Path

from budget_disclosure.engine.issues import InputError, InputProblem
from budget_disclosure.layout.tables import TABLES
from budget_disclosure.loading import FillResult, derive_from_book, far_cell_problems, texts_for
from budget_disclosure.xlio.port import WorkbookPort
from budget_disclosure.xlio.tables_io import write_table


def fill_book(port: WorkbookPort, unit: str | None = None, codes_file: Path | None = None) -> FillResult:
    """Derive the nine tables and write each into its sheet's data area."""
    result = derive_from_book(port, unit, codes_file)
    result.warnings += far_cell_problems(port)
    missing = [spec.sheet for spec in TABLES if spec.sheet not in port.sheet_names()]
    if missing:
        raise InputError([InputProblem(s, "", "找不到该表的工作表：请使用本工具的模板") for s in missing])
    for spec in TABLES:
        write_table(port, spec, result.tables[spec.key], result.detail.header)
    result.statement = _write_statement(port, result)
    return result


def _write_statement(port: WorkbookPort, result: FillResult) -> str:
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
    if statement.write_sheet(port, blocks):
        return "已生成“情况说明”工作表" + ("（单位预算：上年预算表为部门数，未写比上年增减）" if not compare else "")
    return "“情况说明”工作表已被手工修改，未覆盖（清空该表后再生成可重新生成）"
