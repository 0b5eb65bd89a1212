"""Read and prepare the input sheets for the rest of the package, through the port."""

from __future__ import annotations

from decimal import Decimal

from budget_disclosure.engine.detail import cell_text
from budget_disclosure.engine.money import amount_or_none
from budget_disclosure.engine.package_texts import PackageTexts, Project
from budget_disclosure.layout import package_inputs as P
from budget_disclosure.xlio import styles
from budget_disclosure.xlio.port import WorkbookPort

PLAN_COLUMNS = ("3月底", "6月底", "10月底", "12月底")


def prepare_sheets(port: WorkbookPort) -> None:
    """Add the input sheets with their headers (template building)."""
    for sheet in P.PACKAGE_INPUTS:
        port.add_sheet(sheet.name)
        if sheet.shape == P.KEYVALUE:
            port.write_block(sheet.name, 1, 1, [["项目", "内容"]] + [[label, None] for label in sheet.columns])
            port.style_block(sheet.name, 1, 1, 1, 2, styles.INPUT_HEADER)
        else:
            port.write_block(sheet.name, 1, 1, [list(sheet.columns)])
            port.style_block(sheet.name, 1, 1, 1, len(sheet.columns), styles.INPUT_HEADER)
        if sheet is P.ASSETS:
            port.write_block(sheet.name, 2, 1, [[label] for label in P.ASSET_ROWS])
        if sheet.hint:
            column = 3 if sheet.shape == P.KEYVALUE else len(sheet.columns) + 2
            port.write_block(sheet.name, 1, column, [[f"说明：{sheet.hint}"]])
        port.set_widths(sheet.name, sheet.widths)


def percent(value: object) -> Decimal | None:
    """"25%" or 25 % typed as 0.25 → Decimal("0.25"); blank → None."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        number = Decimal(repr(value))
        return number if number <= 1 else number / 100
    text = str(value).strip().replace("％", "%")
    try:
        return Decimal(text.rstrip("%")) / 100 if text.endswith("%") else Decimal(text)
    except ArithmeticError:
        return None


def _rows(port: WorkbookPort, sheet: str, width: int) -> list[tuple[int, list[object]]]:
    rows, _ = port.extent(sheet)
    if rows < 2:
        return []
    block = port.read_block(sheet, 2, 1, rows, width)
    return [(r, values) for r, values in enumerate(block, start=2) if any(v not in (None, "") for v in values)]


def _keyvalue(port: WorkbookPort, sheet: str) -> dict[str, object]:
    return {cell_text(k): v for _, (k, v) in _rows(port, sheet, 2) if cell_text(k)}


def _keyvalue_rows(port: WorkbookPort, sheet: str) -> dict[str, tuple[object, int]]:
    """A key-value input sheet's values with the row each is typed in (to name its cell in a finding)."""
    return {cell_text(k): (v, r) for r, (k, v) in _rows(port, sheet, 2) if cell_text(k)}


def _check_numbers(texts: PackageTexts, sheet: str, row: int, values: list[object], columns: range, kind: str) -> None:
    """Remember every cell that should hold a number (or a percentage) but does not."""
    for col in columns:
        value = values[col - 1] if col - 1 < len(values) else None
        if value in (None, ""):
            continue
        ok = percent(value) is not None if kind == "percent" else amount_or_none(value) is not None
        if not ok:
            texts.bad_cells.append((sheet, row, col, cell_text(value)))


def read_package_texts(port: WorkbookPort) -> PackageTexts:
    texts = PackageTexts()
    names = set(port.sheet_names())
    texts.present = {s.name for s in P.PACKAGE_INPUTS if s.name in names}
    if P.DUTIES.name in names:
        texts.duties = [cell_text(r[0]) for _, r in _rows(port, P.DUTIES.name, 1)]
    if P.ORGANISATION.name in names:
        texts.organisation = [[cell_text(v) for v in r] for _, r in _rows(port, P.ORGANISATION.name, 4)]
    if P.LAST_YEAR.name in names:
        for row, r in _rows(port, P.LAST_YEAR.name, 2):
            _check_numbers(texts, P.LAST_YEAR.name, row, r, range(2, 3), "amount")
        rows = _keyvalue_rows(port, P.LAST_YEAR.name)
        texts.last_year = {k: v for k, (v, _) in rows.items()}
        texts.last_year_rows = {k: r for k, (_, r) in rows.items()}
    if P.LAST_YEAR_SUBJECTS.name in names:
        for row, r in _rows(port, P.LAST_YEAR_SUBJECTS.name, 4):
            _check_numbers(texts, P.LAST_YEAR_SUBJECTS.name, row, r, range(3, 4), "amount")
            code = cell_text(r[0]).split(".")[0]
            if code:
                texts.last_year_subjects.append((code, cell_text(r[1]), r[2], row))
                if cell_text(r[3]):
                    texts.subject_reasons[code] = cell_text(r[3])
    if P.REASONS.name in names:
        texts.reasons = {k: cell_text(v) for k, v in _keyvalue(port, P.REASONS.name).items()}
    if P.PERFORMANCE.name in names:
        texts.performance = [cell_text(r[0]) for _, r in _rows(port, P.PERFORMANCE.name, 1)]
    indicators: dict[str, list[dict[str, str]]] = {}
    if P.INDICATORS.name in names:
        for row, r in _rows(port, P.INDICATORS.name, len(P.INDICATORS.columns)):
            indicator = dict(zip(P.INDICATORS.columns[1:], map(cell_text, r[1:])))
            indicator["_row"] = row
            indicators.setdefault(cell_text(r[0]), []).append(indicator)
    if P.PROJECTS.name in names:
        for row, r in _rows(port, P.PROJECTS.name, len(P.PROJECTS.columns)):
            _check_numbers(texts, P.PROJECTS.name, row, r, range(3, 6), "amount")
            _check_numbers(texts, P.PROJECTS.name, row, r, range(7, 11), "percent")
            code = cell_text(r[0])
            texts.projects.append(Project(
                code=code, name=cell_text(r[1]), budget=amount_or_none(r[2]), fiscal=amount_or_none(r[3]), other=amount_or_none(r[4]),
                use=cell_text(r[5]), plan={k: percent(v) for k, v in zip(PLAN_COLUMNS, r[6:10])}, goal=cell_text(r[10]),
                row=row, indicators=indicators.get(code, [])))
    if P.PROCUREMENT.name in names:
        for row, r in _rows(port, P.PROCUREMENT.name, len(P.PROCUREMENT.columns)):
            _check_numbers(texts, P.PROCUREMENT.name, row, r, range(2, 3), "amount")
            _check_numbers(texts, P.PROCUREMENT.name, row, r, range(6, 16), "amount")
            item = dict(zip(P.PROCUREMENT.columns, r))
            item["_row"] = row
            texts.procurement.append(item)
    if P.ASSETS.name in names:
        for row, r in _rows(port, P.ASSETS.name, 3):
            if row > 2:  # row 2 is 截止时间, a date
                _check_numbers(texts, P.ASSETS.name, row, r, range(2, 4), "amount")
            texts.assets[cell_text(r[0]).replace(" ", "")] = (r[1], r[2])
    if P.GLOSSARY.name in names:
        texts.glossary = [(cell_text(r[0]), cell_text(r[1])) for _, r in _rows(port, P.GLOSSARY.name, 2)]
    if P.OTHER.name in names:
        texts.other = {k: cell_text(v) for k, v in _keyvalue(port, P.OTHER.name).items()}
    return texts


def example_values(data: dict) -> dict[str, list[list[object]]]:
    """Rows (below the header) of each input sheet for the bundled example."""
    last = data["上年预算"]
    sangong = last["三公经费"]
    projects, indicators = [], []
    for p in data["项目绩效目标"]:
        plan = p["资金支出计划"]
        projects.append([p["项目编码"], p["项目名称"], float(p["预算数"]), float(p["财政资金"]),
                         float(p["其他资金"]) if p["其他资金"] else None, p["资金用途"],
                         *[plan[k] or None for k in PLAN_COLUMNS], p["绩效目标"]])
        indicators += [[p["项目编码"], *[i[c] or None for c in P.INDICATORS.columns[1:]]] for i in p["绩效指标"]]
    procurement = [[(float(v) if c not in ("项目名称", "采购物品名称", "政府采购目录序号", "计量单位") and v else v or None)
                    for c, v in ((c, item.get(c, "")) for c in P.PROCUREMENT.columns)] for item in data["政府采购"]]
    assets_data = data["国有资产"]
    assets = [["截止时间", assets_data["截止时间"], None]]
    for label in P.ASSET_ROWS[1:-1]:
        entry = assets_data["项目"].get(label, {"数量": "", "价值": ""})
        assets.append([label, int(entry["数量"]) if entry["数量"] else None,
                       float(entry["价值"]) if entry["价值"] else None])
    assets.append(["本年度拟购置固定资产总额", None, float(assets_data["本年度拟购置固定资产总额"])])
    return {
        P.DUTIES.name: [[p] for p in data["部门职责"]],
        P.ORGANISATION.name: [[o[c] for c in P.ORGANISATION.columns] for o in data["机构设置"]],
        P.LAST_YEAR.name: [[P.LAST_YEAR.columns[0], last["年度"]], [P.LAST_YEAR.columns[1], float(last["基本支出"])],
                           [P.LAST_YEAR.columns[2], float(last["项目支出"])],
                           *[[f"上年{k}（万元）", float(v)] for k, v in sangong.items()]],
        P.REASONS.name: [[P.REASONS.columns[0], data["增减原因"]["基本支出"]],
                         [P.REASONS.columns[1], data["增减原因"]["项目支出"]],
                         [P.REASONS.columns[2], data["增减原因"]["三公经费"] or None],
                         [P.REASONS.columns[3], data["机关运行经费用途"]]],
        P.PERFORMANCE.name: [[p] for p in data["整体绩效目标"]],
        P.PROJECTS.name: projects,
        P.INDICATORS.name: indicators,
        P.PROCUREMENT.name: procurement,
        P.ASSETS.name: assets,
        P.GLOSSARY.name: [[g["名词"], g["解释"]] for g in data["名词解释"]],
        P.OTHER.name: [[P.OTHER.columns[0], "".join(data["专项资金"])], [P.OTHER.columns[1], data["政府采购说明"]],
                       [P.OTHER.columns[2], "".join(data["其他需要说明的事项"])]],
    }
