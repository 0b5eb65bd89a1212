"""Loading a package from a workbook: code lists, the validated 预算明细, the derived tables and
the package texts, and which package it is (the department's, or one unit's). One step that
fill, check and export share, so they always agree on what the workbook holds."""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from budget_disclosure.engine.codes import Classifications, read_code_rows_csv
from budget_disclosure.engine.derive import derive_all
from budget_disclosure.engine.detail import RawInput, ReadResult, read_detail, unusual_amounts
from budget_disclosure.engine.issues import InputError, InputProblem, column_letter
from budget_disclosure.engine.model import BudgetDetail, DerivedTable
from budget_disclosure.engine.package_texts import PackageTexts
from budget_disclosure.layout.inputs import DETAIL_SHEET
from budget_disclosure.xlio.inputs_io import read_codes_sheet, read_raw_input
from budget_disclosure.xlio.port import WorkbookPort


@dataclass
class FillResult:
    detail: BudgetDetail  # the lines of the package (one unit's for a unit package)
    tables: dict[str, DerivedTable]
    warnings: list[InputProblem] = field(default_factory=list)
    statement: str = ""  # what happened to the 情况说明 sheet
    department: BudgetDetail | None = None  # every line of the workbook
    overwritten: list[InputProblem] = field(default_factory=list)  # typed-over table cells fill replaced
    unusual: list[InputProblem] = field(default_factory=list)  # detail amounts that look wrong
    info: dict[str, object] = field(default_factory=dict)  # the 单位信息 as typed
    balance: object = None  # the 舍位平衡 done by fill (engine.balance.Balanced), if asked for
    inputs: tuple | None = field(default=None, repr=False)  # (RawInput, ReadResult) it was made from

    def for_unit(self, unit: str | None) -> "FillResult":
        """One unit's package (None: the department's) from the same inputs, without reading them
        again: a new result, which a fill may change."""
        return package_of(*self.inputs, unit)

    @property
    def is_unit_package(self) -> bool:
        return self.department is not None and self.detail.header.code != self.department.header.code


def year_of(info: dict[str, object]) -> int | None:
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


class _CyclePause:
    """Building 100,000 lines makes hundreds of thousands of objects, none of them in a reference
    cycle: the cyclic collector would walk the whole heap again and again for nothing (a fifth of
    reading a large 预算明细). Paused while lines are built; reference counting still frees
    everything. Counted, so that overlapping builds (threads of the xlwings server, nested calls)
    leave the collector as the first one found it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.depth = 0
        self.was_enabled = False

    @contextmanager
    def __call__(self):
        with self.lock:
            if self.depth == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.depth += 1
        try:
            yield
        finally:
            with self.lock:
                self.depth -= 1
                if self.depth == 0 and self.was_enabled:
                    gc.enable()


_without_cycle_collection = _CyclePause()


def derive_from_book(port: WorkbookPort, unit: str | None = None, codes_file: Path | None = None,
                     classifications: Classifications | None = None) -> FillResult:
    """Read and validate the inputs and derive the tables (of one unit when ``unit`` is given),
    without writing anything."""
    with _without_cycle_collection():
        return _derive_from_book(port, unit, codes_file, classifications)


def _derive_from_book(port: WorkbookPort, unit: str | None, codes_file: Path | None,
                      classifications: Classifications | None) -> FillResult:
    raw = read_raw_input(port)
    if classifications is None:
        classifications = load_classifications(port, year_of(raw.info), codes_file)
    return package_of(raw, read_detail(raw, classifications), unit)


def package_of(raw: RawInput, result: ReadResult, unit: str | None) -> FillResult:
    """The package of the department (``unit`` None or the department's code) or of one of its units,
    from the inputs read and validated once."""
    detail = result.detail
    if unit is not None and unit != detail.header.code:
        try:
            detail = detail.for_unit(unit)
        except KeyError:
            known = "、".join(f"{c} {n}" for c, n in result.detail.units().items())
            raise InputError([InputProblem(DETAIL_SHEET, "", f"预算明细中没有单位编码“{unit}”；现有单位：{known}")]) from None
    letter = raw.detail_letters.get("amount", "")
    with _without_cycle_collection():
        unusual = result.dropped + unusual_amounts(list(detail.lines), lambda row: f"{letter}{row}")
        tables = derive_all(detail, result.name_of)
    return FillResult(detail, tables, list(result.warnings), department=result.detail, info=raw.info, unusual=unusual,
                      inputs=(raw, result))


def unit_of_tables(table_codes: list[str], department: BudgetDetail) -> str | None:
    """Which package the tables are: None for the department's own, else the unit code their page
    headers name (a unit package is checked against that unit's lines only)."""
    codes = [c for c in table_codes if c]
    if not codes:
        return None
    code = max(set(codes), key=codes.count)
    if code != department.header.code and code in department.units():
        return code
    return None


def texts_for(result: FillResult, texts: PackageTexts) -> PackageTexts:
    """The package texts as they apply to this package: a unit's package lists only the projects
    found in that unit's lines (the 项目绩效目标 sheet is the department's)."""
    if not result.is_unit_package:
        return texts
    own = {l.project_code for l in result.detail.lines if l.project_code} | {
        l.project_name for l in result.detail.lines if l.project_name}
    return replace(texts, projects=[p for p in texts.projects if (p.code and p.code in own) or p.name in own])


def far_cell_problems(port: WorkbookPort) -> list[InputProblem]:
    """Cells far beyond a sheet's content (a stray entry at XFD1 or A1048576) are not read: say
    where they are, so nothing is ignored silently."""
    problems = []
    for sheet in port.sheet_names():
        far = port.far_cells(sheet)
        for row, col, value in far[:3]:
            text = str(value)
            problems.append(InputProblem(sheet, f"{column_letter(col)}{row}",
                                         f"远离表格内容的单元格（“{text[:20]}”），未读取；如是误输入请删除"))
        if len(far) > 3:
            problems.append(InputProblem(sheet, "", f"另有 {len(far) - 3} 个远离表格内容的单元格未读取"))
    return problems
