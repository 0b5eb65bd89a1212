"""Read the input sheets (单位信息, 预算明细, optional 科目代码表) through the port."""

from __future__ import annotations

from operator import itemgetter

from budget_disclosure.engine.codes import CodeListError, code_rows_from_records, normalize_name
from budget_disclosure.engine.detail import RawInput
from budget_disclosure.engine.issues import InputError, InputProblem, column_letter
from budget_disclosure.layout.inputs import (
    DETAIL_COLUMNS, DETAIL_FIRST_ROW, DETAIL_HEADER_ROW, DETAIL_SHEET, INFO_FIELDS, INFO_SHEET,
)
from budget_disclosure.xlio.port import WorkbookPort

CODES_SHEET = "科目代码表"
_INFO_BY_LABEL = {normalize_name(label): key for key, label in INFO_FIELDS}
# Header spellings seen in budget-system exports, mapped to our columns.
_DETAIL_ALIASES = {
    "单位代码": "unit_code", "功能科目编码": "func_code", "功能分类编码": "func_code", "功能科目名称": "func_name",
    "功能分类名称": "func_name", "部门经济分类编码": "econ_code", "经济科目编码": "econ_code",
    "部门经济分类名称": "econ_name", "经济科目名称": "econ_name", "资金性质": "fund", "金额": "amount",
    "金额(元)": "amount", "预算数（元）": "amount", "预算数(元)": "amount",
}
_DETAIL_BY_HEADER = {normalize_name(c.header): c.key for c in DETAIL_COLUMNS}
_DETAIL_BY_HEADER.update({normalize_name(k): v for k, v in _DETAIL_ALIASES.items()})


def _require_sheet(port: WorkbookPort, sheet: str) -> None:
    if sheet not in port.sheet_names():
        raise InputError([InputProblem(sheet, "", f"找不到工作表“{sheet}”：请使用本工具的模板（budget-disclosure example 可生成示例）")])


def read_raw_input(port: WorkbookPort) -> RawInput:
    _require_sheet(port, INFO_SHEET)
    _require_sheet(port, DETAIL_SHEET)
    info: dict[str, object] = {}
    info_cells: dict[str, str] = {}
    rows, _ = port.extent(INFO_SHEET)
    for r, (label, value) in enumerate(port.read_block(INFO_SHEET, 1, 1, max(rows, 1), 2), start=1):
        key = _INFO_BY_LABEL.get(normalize_name(str(label or "")))
        if key and key not in info:
            info[key], info_cells[key] = value, f"B{r}"
    for key, label in INFO_FIELDS:
        info_cells.setdefault(key, "")

    last_row, last_col = port.extent(DETAIL_SHEET)
    header = port.read_block(DETAIL_SHEET, DETAIL_HEADER_ROW, 1, DETAIL_HEADER_ROW, max(last_col, 1))[0]
    positions: dict[str, int] = {}
    for index, text in enumerate(header, start=1):
        key = _DETAIL_BY_HEADER.get(normalize_name(str(text or "")))
        if key and key not in positions:
            positions[key] = index
    missing = [c for c in DETAIL_COLUMNS if c.key not in positions and c.required]
    if missing:
        raise InputError([InputProblem(DETAIL_SHEET, "1", "第1行缺少列：" + "、".join(f"“{c.header}”" for c in missing))])
    data = port.read_block(DETAIL_SHEET, DETAIL_FIRST_ROW, 1, last_row, last_col) if last_row >= DETAIL_FIRST_ROW else []
    # each row's cells in DETAIL_COLUMNS order, None for a column the sheet does not have (one C-level
    # itemgetter per row: a 100,000-line sheet is read in a blink)
    padded = any(c.key not in positions for c in DETAIL_COLUMNS)  # a missing column reads the pad cell
    fetch = itemgetter(*(positions[c.key] - 1 if c.key in positions else last_col for c in DETAIL_COLUMNS))
    detail_rows = []
    for offset, values in enumerate(data):
        if (values[0] is None or values[0] == "") and all(v is None or (isinstance(v, str) and not v.strip())
                                                          for v in values):
            continue
        detail_rows.append((DETAIL_FIRST_ROW + offset, fetch([*values, None] if padded else values)))
    letters = {c.key: column_letter(positions[c.key]) if c.key in positions else "?" for c in DETAIL_COLUMNS}
    return RawInput(info, info_cells, detail_rows, letters)


def read_codes_sheet(port: WorkbookPort, year: int | None) -> list[tuple[str, str]]:
    """Codes the user added in the optional 科目代码表 sheet (empty list when absent or empty)."""
    if CODES_SHEET not in port.sheet_names():
        return []
    rows, cols = port.extent(CODES_SHEET)
    records = port.read_block(CODES_SHEET, 1, 1, rows, max(cols, 2)) if rows else []
    if len([r for r in records if any(v not in (None, "") for v in r)]) <= 1:
        return []
    try:
        return code_rows_from_records(records, CODES_SHEET, year)
    except CodeListError as exc:
        raise InputError([InputProblem(CODES_SHEET, "A1", str(exc))]) from exc
