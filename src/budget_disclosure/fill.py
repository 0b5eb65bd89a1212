"""Fill: read the inputs of a workbook, derive the nine tables, write them back (through the port)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from budget_disclosure.engine.codes import Classifications, read_code_rows_csv
from budget_disclosure.engine.derive import derive_all
from budget_disclosure.engine.detail import read_detail
from budget_disclosure.engine.issues import InputError, InputProblem
from budget_disclosure.engine.model import BudgetDetail, DerivedTable
from budget_disclosure.layout.inputs import DETAIL_SHEET
from budget_disclosure.layout.tables import TABLES
from budget_disclosure.xlio.inputs_io import read_codes_sheet, read_raw_input
from budget_disclosure.xlio.port import WorkbookPort
from budget_disclosure.xlio.tables_io import write_table


@dataclass
class FillResult:
    detail: BudgetDetail
    tables: dict[str, DerivedTable]
    warnings: list[InputProblem] = field(default_factory=list)
    statement: str = ""  # what happened to the 情况说明 sheet


def _year_of(info: dict[str, object]) -> int | None:
    text = str(info.get("year") or "").strip().removesuffix("年").split(".")[0]
    return int(text) if text.isdigit() else None


def load_classifications(port: WorkbookPort, year: int | None, codes_file: Path | None = None) -> Classifications:
    """The bundled code lists, overridden by an official list (--codes) and the workbook's 科目代码表."""
    classifications = Classifications.bundled()
    if codes_file is not None:
        classifications = classifications.overridden_by(read_code_rows_csv(Path(codes_file), year), f"用户:{codes_file}")
    sheet_codes = read_codes_sheet(port, year)
    if sheet_codes:
        classifications = classifications.overridden_by(sheet_codes, "用户:科目代码表")
    return classifications


def derive_from_book(port: WorkbookPort, unit: str | None = None, codes_file: Path | None = None,
                     classifications: Classifications | None = None) -> FillResult:
    """Read and validate the inputs and derive the tables, without writing anything."""
    raw = read_raw_input(port)
    if classifications is None:
        classifications = load_classifications(port, _year_of(raw.info), codes_file)
    result = read_detail(raw, classifications)
    detail = result.detail
    if unit is not None:
        try:
            detail = detail.for_unit(unit)
        except KeyError:
            known = "、".join(f"{c} {n}" for c, n in result.detail.units().items())
            raise InputError([InputProblem(DETAIL_SHEET, "", f"预算明细中没有单位编码“{unit}”；现有单位：{known}")]) from None
    return FillResult(detail, derive_all(detail, result.name_of), result.warnings)


def fill_book(port: WorkbookPort, unit: str | None = None, codes_file: Path | None = None) -> FillResult:
    """Derive the nine tables and write each into its sheet's data area."""
    result = derive_from_book(port, unit, codes_file)
    missing = [spec.sheet for spec in TABLES if spec.sheet not in port.sheet_names()]
    if missing:
        raise InputError([InputProblem(s, "", "找不到该表的工作表：请使用本工具的模板") for s in missing])
    for spec in TABLES:
        write_table(port, spec, result.tables[spec.key], result.detail.header)
    result.statement = _write_statement(port, result)
    return result


def _write_statement(port: WorkbookPort, result: FillResult) -> str:
    """Generate the 情况说明 sheet, unless the accountant has edited it."""
    from budget_disclosure import statement
    from budget_disclosure.xlio.package_io import read_package_texts

    texts = read_package_texts(port)
    if not texts.present:
        return "工作簿没有情况说明的输入表（部门职责、上年预算等），未生成情况说明"
    header = result.detail.header
    blocks = statement.generate_for(header.name, header.year, statement.figures_from_derived(result.tables), texts,
                                    result.detail)
    if statement.write_sheet(port, blocks):
        return "已生成“情况说明”工作表"
    return "“情况说明”工作表已被手工修改，未覆盖（清空该表后再生成可重新生成）"
