"""The package's other parts as a published document prints them, read from the grids the tables are
read from (a PDF's, or a sheet that prints them), each value with the cell it was read from:
项目绩效目标表 as cards — label cells each followed by their value (项目名称 | …, 预算数 | 35.00 | 其中：财政资金 |
35.00 | 其他资金 | …, 资金支出计划 | 3月底25% …), then the indicators under a 一级指标 | 二级指标 | 三级指标 head;
the 政府采购 table in the template's columns; the 固定资产占用情况 table by its rows."""

from __future__ import annotations

import re
from decimal import Decimal

from budget_disclosure.engine.money import YUAN_PER_WAN, amount_or_none
from budget_disclosure.engine.package_texts import Project
from budget_disclosure.layout import package_inputs as P
from budget_disclosure.reading.model import Address

# canonical field (the 项目绩效目标 sheet's column) → how cards label it (folded: no spaces, colons, brackets)
_LABELS = (
    ("项目编码", ("项目编码", "项目代码")),
    ("项目名称", ("项目名称",)),
    ("其中：财政资金", ("其中财政资金", "财政资金", "其中财政拨款", "财政拨款资金")),
    ("其他资金", ("其他资金", "其中其他资金")),
    ("预算数（万元）", ("预算数", "年度资金总额", "资金总额", "年度预算数", "项目预算数", "预算金额", "项目金额")),
    ("资金用途", ("资金用途", "项目概况")),
    ("资金支出计划", ("资金支出计划",)),
    ("绩效目标", ("年度绩效目标", "绩效目标", "年度目标")),
)
_PLAN = re.compile(r"(3|6|10|12)\s*月底\s*[:：]?\s*(\d+(?:\.\d+)?)\s*%")
_INDICATOR_HEAD = ("一级指标", "二级指标", "三级指标")
_INDICATOR_COLUMNS = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
MONEY_FIELDS = ("预算数（万元）", "其中：财政资金", "其他资金")


def _fold(value: object) -> str:
    return re.sub(r"[\s:：（）()%％]", "", str(value or ""))


def _label(value: object) -> tuple[str, str] | None:
    """(field, the unit the label names: 万元 / 元 / "") when the cell is a card's label."""
    text = _fold(value)
    if not text or len(text) > 16:
        return None
    unit = "万元" if "万元" in text else "元" if text.endswith("元") else ""
    bare = text.replace("万元", "").replace("元", "") if unit else text
    for field, words in _LABELS:
        if any(bare == w or bare.startswith(w) and field == "资金支出计划" for w in words):
            return field, unit
    return None


def _amount(value: object, unit: str) -> Decimal | None:
    """A card's amount in 万元 (its label may say 元)."""
    amount = amount_or_none(value)
    return amount / YUAN_PER_WAN if amount is not None and unit == "元" else amount


_MONTH = re.compile(r"^(3|6|10|12)月底$")
_SHARE = re.compile(r"^(\d+(?:\.\d+)?)\s*[%％]$")


def _months(project: Project, sheet: str, r: int, cells: list[tuple[int, object]], below: list[object]) -> None:
    """A plan printed as month heads with their shares beside them or on the row below
    (资金支出计划 | 3月底 | | 6月底 … / | 25% | | 50% …; 12月底 | 100%)."""
    for k, (c, v) in enumerate(cells):
        if not _MONTH.match(_fold(v)):
            continue
        month = _fold(v)
        beside = cells[k + 1] if k + 1 < len(cells) else None
        candidates = [(beside[0], beside[1])] if beside is not None else []
        candidates += [(col, below[col]) for col in (c, c + 1) if col < len(below)]
        for col, value in candidates:
            m = _SHARE.match(str(value or "").strip())
            if m:
                project.plan[month] = Decimal(m.group(1)) / 100
                project.where[month] = Address(sheet, r if (col, value) == candidates[0] and beside is not None else r + 1,
                                               col + 1)
                break


def project_cards(grids: dict[str, list[list[object]]]) -> list[Project]:
    """Every card of every grid, in order. A card begins at its 项目名称 (its 项目编码 just before it
    belongs to it); its fields and indicators follow until the next card."""
    projects: list[Project] = []
    for sheet, grid in grids.items():
        current: Project | None = None
        pending_code: tuple[str, Address] | None = None
        head: dict[int, str] | None = None  # the indicator columns of the current card
        for r, row in enumerate(grid, 1):
            cells = [(c, v) for c, v in enumerate(row) if v not in (None, "")]
            if not cells:
                continue
            if head is not None and current is not None and len(cells) >= 4 and _label(cells[0][1]) is None:
                indicator = {head[c]: str(v).strip() for c, v in cells if c in head}
                value_col = next((c for c, name in head.items() if name == "指标值"), None)
                if value_col is not None:
                    indicator["_at"] = Address(sheet, r, value_col + 1)
                current.indicators.append(indicator)
                continue
            texts = [_fold(v) for _, v in cells]
            if sum(1 for t in texts if t in _INDICATOR_HEAD) >= 2:
                head = {c: name for c, v in cells for name in _INDICATOR_COLUMNS if _fold(v).startswith(name)}
                continue
            head = None if _label(cells[0][1]) is not None else head
            if current is not None:
                _months(current, sheet, r, cells, grid[r] if r < len(grid) else [])
            for k, (c, v) in enumerate(cells):
                found = _label(v)
                if found is None or k + 1 >= len(cells):
                    if found is not None and found[0] == "其他资金" and current is not None:
                        current.where["其他资金"] = Address(sheet, r, c + 2)  # printed blank: none
                    continue
                field, unit = found
                value_col, value = cells[k + 1]
                if _label(value) is not None:  # the next cell is a label too: this one is blank
                    continue
                at = Address(sheet, r, value_col + 1)
                if field == "项目编码":
                    pending_code = (str(value).strip(), at)
                elif field == "项目名称":
                    current = Project(code=pending_code[0] if pending_code else "", name=str(value).strip(),
                                      budget=None, fiscal=None, other=None, use="", plan={}, goal="")
                    current.where["项目名称"] = at
                    projects.append(current)
                    pending_code = None
                elif current is None:
                    continue
                elif field in MONEY_FIELDS:
                    amount = _amount(value, unit)
                    if amount is not None:
                        setattr(current, {"预算数（万元）": "budget", "其中：财政资金": "fiscal", "其他资金": "other"}[field],
                                amount)
                        current.where[field] = at
                elif field == "资金用途":
                    current.use = str(value).strip()
                elif field == "资金支出计划":
                    for m, share in _PLAN.findall(str(value)):
                        current.plan[f"{m}月底"] = Decimal(share) / 100
                        current.where[f"{m}月底"] = at
                elif field == "绩效目标":
                    current.goal = str(value).strip()
    return [p for p in projects if p.budget is not None]


def procurement_rows(grids: dict[str, list[list[object]]]) -> list[dict[str, object]]:
    """The 政府采购 table's items when a grid prints it with the template's columns (all but at most one
    named in its head: what is not printed is not read, never taken as zero); "_at" gives each column's
    cell. Its 合计 row is left out."""
    wanted = {_fold(c): c for c in P.PROCUREMENT.columns}
    items: list[dict[str, object]] = []
    for sheet, grid in grids.items():
        columns: dict[int, str] | None = None
        for r, row in enumerate(grid, 1):
            named = {c: wanted[_fold(v)] for c, v in enumerate(row) if _fold(v) in wanted}
            if len(named) >= len(P.PROCUREMENT.columns) - 1:
                columns = named
                continue
            if columns is None:
                continue
            if _fold(row[0]) in ("合计", "总计"):
                continue
            total_col = next(c for c, name in columns.items() if name == "合计")
            if sum(1 for v in row if v not in (None, "")) < 4 or total_col >= len(row) or \
                    _amount(row[total_col], "") is None:
                columns = None  # the table has ended (a blank row, a title, the next table's head)
                continue
            item: dict[str, object] = {name: row[c] if c < len(row) else None for c, name in columns.items()}
            item["_at"] = {name: Address(sheet, r, c + 1) for c, name in columns.items()}
            items.append(item)
    return items


def asset_rows(grids: dict[str, list[list[object]]]) -> dict[str, tuple[tuple[object, object], tuple[Address, Address]]]:
    """The 固定资产占用情况 rows a grid prints (1、房屋 … 4、其他固定资产, 其中：办公用房): label →
    ((数量, 价值), (their cells)), under a head 项目 | 数量 | 价值…; none unless three rows are found."""
    labels = {_fold(label): label for label in P.ASSET_ROWS[1:-1]}
    found: dict[str, tuple[tuple[object, object], tuple[Address, Address]]] = {}
    for sheet, grid in grids.items():
        under_head = False
        for r, row in enumerate(grid, 1):
            texts = [_fold(v) for v in row]
            if len(texts) >= 3 and texts[0] == "项目" and texts[1] == "数量" and texts[2].startswith("价值"):
                under_head = True
                continue
            if not under_head or not texts or texts[0] not in labels:
                continue
            values = (row[1] if len(row) > 1 else None, row[2] if len(row) > 2 else None)
            found[labels[texts[0]]] = (values, (Address(sheet, r, 2), Address(sheet, r, 3)))
    return found if len(found) >= 3 else {}
