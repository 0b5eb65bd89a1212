"""Find the nine tables in sheet grids and read them into spec coordinates.

Tolerant by design: tables are found by their title text, columns by 栏次 or header names
(merged headers, extra blank rows and columns, codes split into 类/款/项 columns), amounts may
be numbers or text with thousands separators, in 万元 or 元 (from the 单位 line). Several tables
on one sheet and one table over several sheets (repeated headers at page breaks) both work.
"""

from __future__ import annotations

import re
from decimal import Decimal

from budget_disclosure.engine.codes import normalize_code
from budget_disclosure.engine.money import AmountError, YUAN_PER_WAN, ZERO, parse_amount
from budget_disclosure.engine.unread import UNREAD
from budget_disclosure.layout.tables import AMOUNT, CODE, NAME, TABLES, TableSpec
from budget_disclosure.reading.labels import HEADER_ALIASES, fold, fold_label
from budget_disclosure.reading.model import Address, ReadCell, ReadPackage, ReadRow, ReadTable

Grid = list[list[object]]
# Most specific first: the first spec whose title patterns match wins.
_MATCH_ORDER = ("T4", "T9", "T6", "T5", "T7", "T8", "T1", "T2", "T3")
_SPECS = {t.key: t for t in TABLES}
_HEADER_WORDS = ("序号", "科目编码", "项目", "合计", "功能分类", "经济分类", "栏次", "收入", "支出", "资金性质")
_YEAR = re.compile(r"(?:预算年度|年度)[:：]?\s*(\d{4})|(\d{4})\s*年")
_UNIT = re.compile(r"单位[:：]\s*(万元|元)")
_UNIT_LINE = re.compile(r"^(\d{3,})\s*(.+)$")


def match_title(text: object) -> TableSpec | None:
    folded = fold(text)
    if not folded or len(folded) > 60 or "表" not in folded or folded.startswith("注"):
        return None
    for key in _MATCH_ORDER:
        spec = _SPECS[key]
        if all(re.search(p, folded) for p in spec.title_keywords) and not any(w in folded for w in spec.title_exclude):
            return spec
    return None


def _row_text(row: list[object]) -> str:
    return "".join(fold(v) for v in row if v not in (None, ""))


def _is_header_row(row: list[object]) -> bool:
    texts = [fold(v) for v in row if isinstance(v, str) and v.strip()]
    return any(t in _HEADER_WORDS or t.startswith(("功能分类", "支出部门经济分类", "经济分类")) for t in texts)


def _column_numbers(row: list[object]) -> dict[int, int] | None:
    """A 栏次 row: grid column → column number, or None when the row is not one."""
    numbers: dict[int, int] = {}
    for c, v in enumerate(row):
        t = fold(v)
        if t == "栏次" or t == "":
            continue
        if isinstance(v, (int, float)) and float(v).is_integer() or t.isdigit():
            numbers[c] = int(float(t if t else v))
        else:
            return None
    ordered = [numbers[c] for c in sorted(numbers)]
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[0] + len(ordered))) and ordered[0] == 1:
        return numbers
    return None


def _header_paths(rows: list[list[object]], width: int) -> list[list[str]]:
    """Per grid column, the header texts from top to bottom; a label spreads over the blanks to
    its right in its row while the row below is filled there (how merged group headers print)."""
    paths: list[list[str]] = [[] for _ in range(width)]
    for r, row in enumerate(rows):
        below = rows[r + 1] if r + 1 < len(rows) else None
        current = ""
        for c in range(width):
            text = fold(row[c]) if c < len(row) else ""
            if text:
                current = text
                paths[c].append(text)
            elif current and below is not None and c < len(below) and fold(below[c]):
                paths[c].append(current)
            else:
                current = ""
    return paths


def _map_columns_by_names(spec: TableSpec, paths: list[list[str]]) -> tuple[dict[int, int], dict[int, str], int | None]:
    """grid column → spec column, grid column → code part (类/款/项), and the 序号 column."""
    names = [fold(n) for n in spec.names]
    mapping: dict[int, int] = {}
    parts: dict[int, str] = {}
    seq = None
    for c, path in enumerate(paths):
        if not path:
            continue
        raw = path[-1]
        leaf = HEADER_ALIASES.get(raw, raw)
        if leaf == "序号":
            seq = c
            continue
        if leaf in ("类", "款", "项") and spec.hierarchy:
            parts[c] = leaf
            continue
        if spec.sides and leaf in ("预算数", "项目") and len(path) > 1:
            # 收入/支出 sides: the group above tells the two 项目 (and 预算数/金额) columns apart
            candidates = [path[0] + raw, path[0] + leaf]
        else:
            candidates = [leaf, "".join(path[-2:]), path[0] + leaf]
        for i, name in enumerate(names):
            if i not in mapping.values() and any(HEADER_ALIASES.get(x, x) == name or x == name for x in candidates):
                mapping[c] = i
                break
    return mapping, parts, seq


def _is_repeated_header(row: list[object], header_texts: set[str]) -> bool:
    texts = {fold(v) for v in row if v not in (None, "")}
    return bool(texts) and (texts <= header_texts or "栏次" in texts)


class _TableReader:
    def __init__(self, spec: TableSpec, sheet: str, title_row: int, title_col: int, title_text: str):
        self.table = ReadTable(spec.key, spec, Address(sheet, title_row + 1, title_col + 1), title_text, [sheet])
        self.spec = spec
        self.mapping: dict[int, int] = {}
        self.parts: dict[int, str] = {}
        self.seq: int | None = None
        self.header_texts: set[str] = set()
        self.fixed_used: dict[int, set[int]] = {}
        self.last_parts: dict[str, str] = {}

    # -- block structure ----------------------------------------------------------------------
    def read_block(self, sheet: str, grid: Grid, top: int, bottom: int, continuation: bool = False) -> None:
        """Rows top..bottom (0-based, inclusive) of a sheet: page header, header rows, data."""
        r = top
        header_rows: list[list[object]] = []
        numbers = None
        while r <= bottom:
            row = grid[r]
            text = _row_text(row)
            if not continuation and not header_rows:
                self._page_header(sheet, r, row)
            if _is_header_row(row) or (header_rows and _column_numbers(row) is not None) or (
                    header_rows and not self._looks_like_data(row) and text):
                numbers = _column_numbers(row)
                if numbers is not None:
                    r += 1
                    break
                header_rows.append(row)
            elif header_rows:
                break
            r += 1
        if header_rows or numbers:
            self._map_columns(header_rows, numbers, max((len(g) for g in grid), default=0))
        elif not self.mapping:
            self.table.column_problems.append(f"{sheet}：找不到表头（序号/科目编码/项目…）")
            return
        for r in range(r, bottom + 1):
            self._data_row(sheet, r, grid[r])

    def _looks_like_data(self, row: list[object]) -> bool:
        values = [v for v in row if v not in (None, "")]
        if not values:
            return False
        first = fold(values[0])
        if first in ("合计", "总计") or first.startswith("注"):
            return True
        return any(isinstance(v, (int, float)) for v in values) or bool(re.match(r"^\d{3,}$", first))

    def _page_header(self, sheet: str, r: int, row: list[object]) -> None:
        t = self.table
        for c, v in enumerate(row):
            if not isinstance(v, str) or not v.strip():
                continue
            folded = fold(v)
            addr = Address(sheet, r + 1, c + 1)
            if m := _UNIT.search(folded):
                t.money_unit, t.money_unit_address = m.group(1), addr
                t.scale = Decimal(1) / YUAN_PER_WAN if m.group(1) == "元" else Decimal(1)
                continue
            if ("预算年度" in folded or "年度" in folded) and (m := _YEAR.search(folded)):
                t.year, t.year_address = int(m.group(1) or m.group(2)), addr
                continue
            for prefix in ("编制单位:", "编制部门:", "单位名称:", "部门名称:", "部门:", "单位:"):
                if folded.startswith(prefix):
                    folded = folded[len(prefix):]
            if m := _UNIT_LINE.match(" ".join(str(v).split())):
                t.unit_code, t.unit_name, t.unit_address = m.group(1), fold(m.group(2)), addr
            elif not t.unit_name and ("编制" in fold(v) or "部门" in fold(v) or "单位" in fold(v)) and len(folded) > 3:
                t.unit_name, t.unit_address = folded, addr

    def _map_columns(self, header_rows: list[list[object]], numbers: dict[int, int] | None, width: int) -> None:
        spec = self.spec
        paths = _header_paths(header_rows, width)
        mapping, parts, seq = _map_columns_by_names(spec, paths)
        self.header_texts = {fold(v) for row in header_rows for v in row if v not in (None, "")}
        if numbers:
            ordered = sorted(numbers)
            n = len(ordered)
            if n == len(spec.columns):
                mapping = {c: numbers[c] - 1 for c in ordered}
            elif n == len(spec.amount_columns):
                amount_map = {c: spec.amount_columns[numbers[c] - 1] for c in ordered}
                mapping = {c: i for c, i in mapping.items() if spec.columns[i].kind != AMOUNT} | amount_map
        if mapping or not self.mapping:
            self.mapping, self.parts = mapping, parts
            self.seq = seq if seq is not None else (0 if paths and not paths[0] else self.seq)
        found = set(self.mapping.values())
        missing = [spec.names[i] for i in range(len(spec.columns)) if i not in found
                   and not (spec.columns[i].kind == CODE and self.parts)]
        if missing:
            self.table.column_problems.append("找不到列：" + "、".join(missing))

    # -- data rows ----------------------------------------------------------------------------
    def _data_row(self, sheet: str, r: int, row: list[object]) -> None:
        if not any(v not in (None, "") for v in row):
            return
        if _is_repeated_header(row, self.header_texts) or _column_numbers(row) is not None:
            return
        first = next((v for v in row if v not in (None, "")), None)
        if isinstance(first, str) and fold(first).startswith("注"):
            self.table.note, self.table.note_address = first.strip(), Address(sheet, r + 1, row.index(first) + 1)
            return
        if self.spec.sides:
            self._fixed_row(sheet, r, row)
        else:
            self._hierarchy_row(sheet, r, row)

    def _cell(self, sheet: str, r: int, c: int, value: object) -> ReadCell | None:
        if value is UNREAD:
            cell = ReadCell(None, str(UNREAD), Address(sheet, r + 1, c + 1), unread=True)
            self.table.unread.append(cell)
            return cell
        text = "" if value is None else str(value).strip()
        try:
            amount = parse_amount(value)
        except AmountError:
            cell = ReadCell(None, text, Address(sheet, r + 1, c + 1))
            self.table.bad_amounts.append(cell)
            return cell
        scaled = amount * self.table.scale if amount is not None else None
        return ReadCell(scaled, text, Address(sheet, r + 1, c + 1))

    def _hierarchy_row(self, sheet: str, r: int, row: list[object]) -> None:
        spec = self.spec
        code_col = next((c for c, i in self.mapping.items() if spec.columns[i].kind == CODE), None)
        name_col = next((c for c, i in self.mapping.items() if spec.columns[i].kind == NAME), None)
        get = lambda c: row[c] if c is not None and c < len(row) else None  # noqa: E731
        if self.parts:
            code = self._split_code({part: normalize_code(get(c)) for c, part in self.parts.items()})
            code_addr = Address(sheet, r + 1, min(self.parts) + 1)
        else:
            code = normalize_code(get(code_col))
            code_addr = Address(sheet, r + 1, code_col + 1) if code_col is not None else None
        label = str(get(name_col) or "").strip()
        first_text = next((fold(v) for v in row if isinstance(v, str) and v.strip()), "")
        if not code and (fold(label) or first_text) in ("合计", "总计"):
            key = ""  # the 合计 row: its label may stand in the name column or wherever the row starts
        elif not code and not label:
            return
        elif not code:
            self.table.unmatched_labels.append((label, Address(sheet, r + 1, (name_col or 0) + 1)))
            return
        else:
            key = code
        label_addr = Address(sheet, r + 1, name_col + 1) if name_col is not None else None
        self._store_row(key, code, label, code_addr or label_addr or Address(sheet, r + 1, 1), code_addr, label_addr,
                        sheet, r, row)

    def _split_code(self, parts: dict[str, str]) -> str:
        lei, kuan, xiang = parts.get("类", ""), parts.get("款", ""), parts.get("项", "")
        if lei:
            self.last_parts = {"类": lei[:3]}
        lei = self.last_parts.get("类", "") if not lei else lei[:3]
        if kuan:
            kuan = kuan[-2:]
            self.last_parts["款"] = kuan
        elif xiang:
            kuan = self.last_parts.get("款", "")
        if not lei:
            return ""
        return lei + kuan + (xiang[-2:] if xiang else "")

    def _store_row(self, key: str, code: str, label: str, address: Address, code_addr: Address | None,
                   label_addr: Address | None, sheet: str, r: int, row: list[object]) -> None:
        t = self.table
        if key in t.rows:
            t.duplicates.append((key, address))
            return
        t.rows[key] = ReadRow(key, code, label, address, code_addr, label_addr)
        for c, i in self.mapping.items():
            if self.spec.columns[i].kind == AMOUNT and c < len(row):
                cell = self._cell(sheet, r, c, row[c])
                if cell is not None:
                    t.cells[(key, i)] = cell

    def _fixed_row(self, sheet: str, r: int, row: list[object]) -> None:
        spec = self.spec
        inverse = {i: c for c, i in self.mapping.items()}
        for side, (label_col, amount_cols) in enumerate(spec.sides):
            c = inverse.get(label_col)
            if c is None or c >= len(row):
                continue
            label = fold_label(row[c])
            if not label:
                continue
            index = self._fixed_index(side, label)
            addr = Address(sheet, r + 1, c + 1)
            if index is None:
                self.table.unmatched_labels.append((str(row[c]).strip(), addr))
                continue
            key = f"#{index}"
            t = self.table
            t.rows.setdefault(key, ReadRow(key, "", str(row[c]).strip(), addr, None, addr))
            for i in amount_cols:
                ac = inverse.get(i)
                if ac is not None and ac < len(row):
                    cell = self._cell(sheet, r, ac, row[ac])
                    if cell is not None:
                        if (key, i) in t.cells:
                            t.duplicates.append((key, cell.address))
                        else:
                            t.cells[(key, i)] = cell

    def _fixed_index(self, side: int, label: str) -> int | None:
        used = self.fixed_used.setdefault(side, set())
        for index, labels in enumerate(self.spec.fixed_rows):
            if index in used or side >= len(labels):
                continue
            if fold_label(labels[side]) == label:
                used.add(index)
                return index
        return None


def read_package(grids: dict[str, Grid]) -> ReadPackage:
    """All tables found in the sheets (in workbook order)."""
    hits: list[tuple[str, int, int, TableSpec, str]] = []
    for sheet, grid in grids.items():
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                spec = match_title(value) if isinstance(value, str) else None
                if spec and _confirmed(grid, r):
                    hits.append((sheet, r, c, spec, str(value).strip()))
                    break
    package = ReadPackage({})
    readers: dict[str, _TableReader] = {}
    last: _TableReader | None = None
    for sheet, grid in grids.items():
        sheet_hits = [h for h in hits if h[0] == sheet]
        if not sheet_hits:
            if last is not None and any(_is_header_row(row) for row in grid[:15]):
                last.table.sheets.append(sheet)
                last.read_block(sheet, grid, 0, len(grid) - 1, continuation=True)
            continue
        first_title = sheet_hits[0][1]
        if last is not None and first_title > 0 and any(_is_header_row(row) for row in grid[:first_title]):
            last.read_block(sheet, grid, 0, first_title - 1, continuation=True)
        for n, (_, r, c, spec, text) in enumerate(sheet_hits):
            bottom = sheet_hits[n + 1][1] - 1 if n + 1 < len(sheet_hits) else len(grid) - 1
            reader = readers.get(spec.key)
            if reader is None:
                reader = readers[spec.key] = _TableReader(spec, sheet, r, c, text)
                reader.read_block(sheet, grid, r + 1, bottom)
            else:  # the same title again: a continuation page
                if sheet not in reader.table.sheets:
                    reader.table.sheets.append(sheet)
                reader.read_block(sheet, grid, r + 1, bottom, continuation=True)
            last = reader
    package.tables = {k: readers[k].table for k in _SPECS if k in readers}
    for key, spec in _SPECS.items():
        if key not in package.tables:
            package.problems.append(f"找不到{spec.title}（按标题查找）")
        else:
            for problem in package.tables[key].column_problems:
                package.problems.append(f"{spec.title}：{problem}")
    _fix_unit_slips(package)
    return package


def _confirmed(grid: Grid, r: int) -> bool:
    """A title is followed within a few rows by a header row (a 目录 line is not)."""
    return any(_is_header_row(row) for row in grid[r + 1:r + 8])


def _grand_total(table: ReadTable) -> Decimal:
    if table.spec.sides:
        values = [c.value for c in table.cells.values() if c.value is not None]
        return max((abs(v) for v in values), default=ZERO)
    return abs(table.value("", 2 if table.spec.hierarchy else 1))


def _fix_unit_slips(package: ReadPackage) -> None:
    """A table whose total is 10000 times the department's has its 单位 wrong: rescale it and record it.

    The department total is the median of the 收支总表, 收入总表 and 支出总表 totals (they must be
    equal, so one slipped table cannot move it). Every table is a part of that total, so one 10000
    times larger is a slip; one 10000 times smaller is a slip only among those three.
    """
    totals = {k: _grand_total(t) for k, t in package.tables.items()}
    anchors = sorted(totals[k] for k in ("T1", "T2", "T3") if totals.get(k))
    if len(anchors) != 3 and len(anchors) != 1:
        return
    base = anchors[len(anchors) // 2]
    for key, total in totals.items():
        if not total:
            continue
        ratio = total / base
        for factor in (YUAN_PER_WAN, Decimal(1) / YUAN_PER_WAN):
            if factor < 1 and key not in ("T1", "T2", "T3"):
                continue
            if abs(ratio / factor - 1) < Decimal("0.05"):
                table = package.tables[key]
                table.scale = table.scale / factor
                for k, cell in list(table.cells.items()):
                    if cell.value is not None:
                        table.cells[k] = ReadCell(cell.value / factor, cell.text, cell.address)
                package.unit_slips.append((key, factor))
                break
