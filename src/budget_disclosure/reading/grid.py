"""Find a family's tables in sheet grids and read them into canonical coordinates.

The layout profile (layout/families.py) says what to look for: title patterns, the canonical
columns and their header aliases, the line vocabularies of fixed-row tables, the money unit.
Tolerant by design: merged headers, extra blank rows and columns, codes split into 类/款/项
columns, amounts as numbers or text with thousands separators, 合计 first or last and in any
label cell, several tables on one sheet, one table over several sheets — a sheet continues a
table only when it repeats that table's header. The same role met twice is a duplicate table,
never merged. ``read_package`` without a profile detects it from titles and headers.
"""

from __future__ import annotations

import re
from decimal import Decimal

from budget_disclosure.engine.codes import normalize_code
from budget_disclosure.engine.money import AmountError, YUAN_PER_WAN, ZERO, amount_or_none, parse_amount
from budget_disclosure.engine.unread import UNREAD
from budget_disclosure.layout.families import EXTRA_TITLES, Profile, all_profiles, line_keys, profile
from budget_disclosure.layout.lines import vocabulary
from budget_disclosure.layout.tables import AMOUNT, CODE, NAME, TableSpec
from budget_disclosure.reading.labels import HEADER_WORDS, fold, fold_label
from budget_disclosure.reading.model import Address, ReadCell, ReadPackage, ReadRow, ReadTable

Grid = list[list[object]]
_HEADER_WORDS = ("序号", "科目编码", "科目代码", "项目", "合计", "功能分类", "经济分类", "栏次", "收入", "支出", "资金性质",
                 "预算数", "金额", "科目名称", "基本支出", "三公", "采购", "类", "款")
_TOTAL_WORDS = ("合计", "总计")
_YEAR = re.compile(r"(?:预算年度|年度)[:：]?\s*(\d{4})|(\d{4})\s*年")
_UNIT = re.compile(r"单位[:：]\s*(万元|元)")
_UNIT_LINE = re.compile(r"^(\d{3,})(?!\d)\s*(?!年)(.+)$")  # "101 张家口…"; never "2024年…"
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_HALF_CENT = Decimal("0.005")  # half the last digit of a figure printed in 万元
_LOCAL_CODE = re.compile(r"^\d{3}[-.]\d{2}(?:[-.]\d{2})?$")


def _is_number(value: object) -> bool:
    if value is None or value is UNREAD or isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return True
    try:
        return parse_amount(value) is not None
    except AmountError:
        return False


def _shown(value: object) -> str:
    """A cell as a message quotes it: a whole number as the sheet shows it, whichever adapter read it
    (calamine reads every number as a float, openpyxl a whole one as an int)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _nonzero_figure(value: object) -> bool:
    """A figure other than 0 (as a number, or as text that reads as an amount): parsed once."""
    if value is None or value is UNREAD or isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return value != 0
    amount = amount_or_none(value)
    return amount is not None and amount != 0


def _texts(row: list[object]) -> list[str]:
    return [fold(v) for v in row if isinstance(v, str) and v.strip()]


def _is_total_only(row: list[object]) -> bool:
    """A row whose only text is 合计 / 总计 / 无 is data (an empty table's body), never a header."""
    texts = _texts(row)
    return bool(texts) and all(t in (*_TOTAL_WORDS, "无") for t in texts)


def _is_header_row(row: list[object]) -> bool:
    """Text only (no amount), with a word headers use; a 合计-only row is data."""
    if any(_is_number(v) for v in row if not (isinstance(v, str) and not v.strip())):
        return False
    texts = _texts(row)
    if not texts or _is_total_only(row) or texts[0].startswith("注"):
        return False
    return any(any(w in t for w in _HEADER_WORDS) for t in texts)


def _is_header_continuation(row: list[object]) -> bool:
    """A lower header row (小计 / 购置费 / 运行费): text only, no ordinal label, not a 合计-only row."""
    if any(_is_number(v) for v in row if not (isinstance(v, str) and not v.strip())):
        return False
    texts = _texts(row)
    return bool(texts) and not _is_total_only(row) and not texts[0].startswith("注") and not any(
        fold_label(t) != t for t in texts)


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
    if len(ordered) >= 3 and ordered == list(range(1, len(ordered) + 1)):
        return numbers
    return None


def _header_paths(rows: list[list[object]], width: int) -> list[list[str]]:
    """Per grid column, the header texts from top to bottom, level by level: a label spreads over the
    blanks to its right in its row while the row below is filled there (how merged group headers
    print) — and never past the end of its own parent group above (a 运行维护费 heading does not
    reach into the 公务接待费 group beside it)."""
    paths: list[list[str]] = [[] for _ in range(width)]
    for r, row in enumerate(rows):
        current, owner = "", None
        for c in range(width):
            text = fold(row[c]) if c < len(row) else ""
            if text:
                current, owner = text, c
                paths[c].append(text)
            elif not any(c < len(lower) and fold(lower[c]) for lower in rows[r + 1:]):
                continue  # nothing under it either: an empty column, which ends no heading
            elif current and paths[c] == paths[owner][:-1]:
                paths[c].append(current)
            else:
                current = ""
    return paths


class _TableReader:
    def __init__(self, prof: Profile, spec: TableSpec, sheet: str, title_row: int, title_col: int, title_text: str):
        self.profile = prof
        self.table = ReadTable(spec.key, spec, Address(sheet, title_row + 1, title_col + 1), title_text, [sheet])
        self.spec = spec
        if spec.money_unit:
            self._set_unit(spec.money_unit, None)
        self.mapping: dict[int, str] = {}  # grid column → canonical column
        self.serials: set[int] = set()  # columns of running numbers (序号): no figures of the table
        self.placed_columns: set[int] = set()
        self.panels: list[dict[str, int]] = []  # "panels": canonical column → grid column, per panel
        self.row_lines: dict[int, str] = {}  # "row" with row_column "*": grid column → its line
        self.parts: dict[int, str] = {}  # grid column → 类/款/项
        self.header_texts: set[str] = set()
        self.used_lines: dict[int, set[str]] = {}
        self.last_parts: dict[str, str] = {}
        self.group = ""  # grouped tables: the current first-level label
        self.pending_group: list | None = None  # rows of a group whose name is printed further down
        self.side_pending: dict[int, str] = {}  # lists side by side: a line read without its amount
        # our own layout: each side's printed labels → their keys, in order (a label may repeat)
        self.builtin_keys: dict[int, dict[str, list[str]]] = {}
        if spec.fixed_rows and spec.lines:
            for labels, keys in zip(spec.fixed_rows, line_keys(spec)):
                for side, (label, key) in enumerate(zip(labels, keys)):
                    if key:
                        self.builtin_keys.setdefault(side, {}).setdefault(fold_label(label), []).append(key)

    # -- block structure ----------------------------------------------------------------------
    def read_block(self, sheet: str, grid: Grid, top: int, bottom: int, continuation: bool = False) -> None:
        """Rows top..bottom (0-based, inclusive) of a sheet: page header, header rows, data."""
        r = top
        header_rows: list[list[object]] = []
        numbers = None
        while r <= bottom:
            row = grid[r]
            if not header_rows and not continuation:
                self._page_header(sheet, r, row)
            if header_rows and (numbers := _column_numbers(row)) is not None:
                r += 1
                break
            if (_is_header_row(row) or header_rows and len(header_rows) < 4 and _is_header_continuation(row)) and \
                    not self._is_page_line(row):
                header_rows.append(row)
            elif header_rows and any(v not in (None, "") for v in row):
                break
            r += 1
        if header_rows:
            self._map_columns(header_rows, numbers, max((len(g) for g in grid[top:bottom + 1]), default=0))
        elif not self.mapping:
            self.table.column_problems.append(f"{sheet}：找不到表头")
            for r in range(top, bottom + 1):
                self._unplaced(sheet, r, grid[r], set())
            return
        for r in range(r, bottom + 1):
            self._data_row(sheet, r, grid[r])
        self._flush_group(self.group)

    def _is_page_line(self, row: list[object]) -> bool:
        texts = _texts(row)
        return all(_UNIT.search(t) or t.startswith(("编制单位", "编制部门", "单位名称", "部门名称", "预算年度", "部门:", "单位:"))
                   or re.fullmatch(r"(公开\d+表|表\d+|\d{4}年)", t) for t in texts)

    def _set_unit(self, unit: str, address: Address | None) -> None:
        t = self.table
        t.money_unit, t.money_unit_address = unit, address
        t.scale = Decimal(1) / YUAN_PER_WAN if unit == "元" else Decimal(1)

    def _page_header(self, sheet: str, r: int, row: list[object], loose: bool = True) -> None:
        t = self.table
        loose = loose and len(_texts(row)) <= 2 and not _is_header_row(row)  # a column heading is no unit's name
        labelled = False  # the cell before was a bare "部门：" / "编制单位：": this one is the name
        for c, v in enumerate(row):
            if not isinstance(v, str) or not v.strip():
                continue
            folded = fold(v)
            addr = Address(sheet, r + 1, c + 1)
            if m := _UNIT.search(folded):
                self._set_unit(m.group(1), addr)
                folded = folded[:m.start()].strip()  # one printed line "部门：X 单位：万元" names both
                v = folded
                if not re.search(r"(编制单位|编制部门|单位名称|部门名称|部门|单位)[:：]", folded):
                    continue
            if ("预算年度" in folded or "年度" in folded) and (m := _YEAR.search(folded)):
                t.year, t.year_address = int(m.group(1) or m.group(2)), addr
                continue
            prefixed, labelled = labelled, False
            for prefix in ("编制单位:", "编制部门:", "单位名称:", "部门名称:", "部门:", "单位:"):
                at = folded.find(prefix)
                if at == 0 or at > 0 and "表" in folded[:at]:  # "收支预算总表公开表一部门:…" : a title before it
                    folded, prefixed = folded[at + len(prefix):], True
                    labelled = not folded
                    break
            if m := _UNIT_LINE.match(" ".join(str(v).split())):
                t.unit_code, t.unit_name, t.unit_address = m.group(1), fold(m.group(2)), addr
            elif not t.unit_name and len(folded) > 3 and (
                    prefixed or loose and any(w in fold(v) for w in ("编制", "部门", "单位"))):
                t.unit_name, t.unit_address = folded, addr

    def _map_columns(self, header_rows: list[list[object]], numbers: dict[int, int] | None, width: int) -> None:
        spec = self.spec
        paths = _header_paths(header_rows, width)
        names = list(spec.names)
        mapping: dict[int, str] = {}
        parts: dict[int, str] = {}
        self.panels = []
        for c, path in enumerate(paths):
            if len(path) > 1 and path[-1] in _TOTAL_WORDS and self._is_label(path[:-1], names):
                path = path[:-1]  # a 合计 under a label column's heading is the first data row's, not a heading
            if not path:
                continue
            leaf = path[-1]
            if leaf in ("序号", "栏次", "行次"):
                self.serials.add(c)
                continue
            if leaf in ("类", "款", "项") and spec.hierarchy:
                parts[c] = leaf
                continue
            if spec.kind == "row" and spec.row_column == "*":
                # the leaf is the column (预算数 / 决算数), the path above it the line
                line = self._line_of(path[:-1])
                if line is not None and f"{line}|{leaf}" in names:
                    mapping[c] = f"{line}|{leaf}"
                    self.row_lines[c] = line
                continue
            # the whole path, then its last parts (a heading wrapped over three lines is three parts), the
            # group with the leaf, the leaf
            candidates = ["".join(path), *("".join(path[-k:]) for k in range(len(path) - 1, 1, -1)), path[0] + leaf, leaf]
            taken = set(mapping.values()) if spec.kind != "panels" else set(self.panels[-1]) if self.panels else set()
            if (name := self._column_name(candidates, names, taken)) is None and spec.kind == "panels":
                name = self._column_name(candidates, names, set())
                if name is not None:
                    self.panels.append({})  # the same column again: the next panel starts
            if name is not None:
                mapping[c] = name
                if spec.kind == "panels":
                    if not self.panels:
                        self.panels.append({})
                    self.panels[-1][name] = c
        if numbers and len(numbers) == len(spec.columns) and spec.family == "hebei":
            mapping = {c: spec.names[numbers[c] - 1] for c in sorted(numbers)}
        elif numbers and spec.family == "hebei" and len(numbers) == len(spec.amount_columns):
            amounts = {c: spec.names[spec.amount_columns[numbers[c] - 1]] for c in sorted(numbers)}
            mapping = {c: n for c, n in mapping.items() if n not in amounts.values() and c not in amounts} | amounts
        if spec.kind == "sides":
            mapping = self._sides_in_order(mapping, paths)
        self.header_texts = {fold(v) for row in header_rows for v in row if v not in (None, "")}
        if mapping or not self.mapping:
            self.mapping, self.parts = mapping, parts
        self.placed_columns = set(self.mapping) | set(self.parts) | self.serials  # the columns a figure may be in
        self.table.columns = {n.split("|", 1)[-1] for n in self.mapping.values()} | (
            {spec.names[0]} if self.parts else set())
        found = self.table.columns | set(self.mapping.values())
        missing = [n for i, n in enumerate(spec.names) if n not in found and n not in spec.optional
                   and not (spec.columns[i].kind == CODE and self.parts)]
        if missing:
            self.table.column_problems.append("找不到列：" + "、".join(missing))

    def _is_label(self, path: list[str], names: list[str]) -> bool:
        """Whether a header path names a code, name or text column of the table."""
        name = self._column_name(["".join(path), "".join(path[-2:]), path[-1]], names, set())
        return name is not None and self.spec.columns[names.index(name)].kind != AMOUNT

    def _sides_in_order(self, mapping: dict[int, str], paths: list[list[str]]) -> dict[int, str]:
        """In a table of lists side by side, each list's amounts are the columns after its label
        column and before the next list's: where the headers of a word-processor table sit over the
        wrong columns (支出用途 drawn over the 功能分类 金额 column), the order of the columns decides."""
        spec = self.spec
        labels = []
        for label_index, amount_indexes in spec.sides:
            at = next((c for c, n in mapping.items() if n == spec.names[label_index]), None)
            labels.append((at, [spec.names[i] for i in amount_indexes]))
        if any(at is None for at, _ in labels) or [at for at, _ in labels] != sorted(at for at, _ in labels):
            return mapping
        amount_names = {n for _, names in labels for n in names}
        out = dict(mapping)
        for k, (at, names) in enumerate(labels):
            end = labels[k + 1][0] if k + 1 < len(labels) else len(paths)
            between = [c for c in range(at + 1, end) if mapping.get(c) in amount_names or
                       c not in mapping and paths[c] and paths[c][-1] in ("金额", "预算数", "决算数")]
            if len(between) == len(names):
                if {mapping.get(c) for c in between} == set(names):
                    continue  # every amount named by its own header (in another order than ours): as printed
                for c, name in zip(between, names):
                    out[c] = name
        return out

    def _line_of(self, path: list[str]) -> str | None:
        """The canonical line a header path names (without its 预算数 / 决算数 leaf)."""
        if not path or not self.spec.lines:
            return None
        vocab = vocabulary(self.spec.lines[0])
        for candidate in dict.fromkeys([*("".join(path[-k:]) for k in range(2, len(path) + 1)), path[-1], "".join(path)]):
            own = dict(self.spec.aliases).get(candidate)
            key = own or vocab.key(fold_label(candidate))
            if key is not None:
                return key
        return None

    def _column_name(self, candidates: list[str], names: list[str], taken: set[str]) -> str | None:
        """Most specific candidate first; a header that is a canonical name is taken as it is,
        otherwise through the table's, the family's and the common aliases (and, where a row's
        columns are lines, the line vocabulary)."""
        spec = self.spec
        lines = vocabulary(spec.lines[0]) if spec.kind == "row" and spec.lines else None
        reworded = [_reworded(c) for c in candidates]
        for candidate in dict.fromkeys([*candidates, *(c for c in reworded if c)]):
            for name in (candidate, self.profile.alias(spec, candidate),
                         lines.key(fold_label(candidate)) if lines else None):
                if name in names and name not in taken:
                    return name
        return None

    # -- data rows ----------------------------------------------------------------------------
    def _data_row(self, sheet: str, r: int, row: list[object]) -> None:
        if not any(v not in (None, "") for v in row):
            return
        texts = {fold(v) for v in row if v not in (None, "")}
        if (texts and texts <= self.header_texts and not _is_total_only(row)) or "栏次" in texts or \
                _column_numbers(row) is not None:
            return  # a header repeated on a page break
        first = next((v for v in row if v not in (None, "")), None)
        if self.table.note and isinstance(first, str) and len(_texts(row)) == 1 and len(self.table.note) < 2000:
            self.table.note += "\n" + first.strip()  # the note goes on, below the table
            return
        if isinstance(first, str) and fold(first).startswith(("注", "(无", "（无", "说明")):
            self.table.note, self.table.note_address = first.strip(), Address(sheet, r + 1, row.index(first) + 1)
            return
        if texts and all(fold(t) == "无" for t in texts):
            self.table.says_none = True
            return
        self._unplaced(sheet, r, row, self.placed_columns)
        kind = self.spec.kind
        if kind == "hierarchy":
            self._hierarchy_row(sheet, r, row)
        elif kind == "sides":
            self._fixed_row(sheet, r, row)
        elif kind == "grouped":
            self._grouped_row(sheet, r, row)
        elif kind == "row":
            self._single_row(sheet, r, row)
        elif kind == "panels":
            for panel in self.panels:
                self._panel_row(sheet, r, row, panel)

    def _unplaced(self, sheet: str, r: int, row: list[object], placed_columns: set[int]) -> None:
        """Count the row's figures (other than 0) in no column of the table: the head did not say what they are."""
        for c, v in enumerate(row):
            if c not in placed_columns and _nonzero_figure(v):
                self.table.unplaced += 1
                if self.table.unplaced_at is None:
                    self.table.unplaced_at = Address(sheet, r + 1, c + 1)

    def _cell(self, sheet: str, r: int, c: int, value: object) -> ReadCell | None:
        address = Address(sheet, r + 1, c + 1)
        if value is UNREAD:
            cell = ReadCell(None, str(UNREAD), address, unread=True)
            self.table.unread.append(cell)
            return cell
        text = "" if value is None else str(value).strip()
        try:
            amount = parse_amount(value)
        except AmountError:
            if fold(text) == "无":
                return ReadCell(None, text, address)
            cell = ReadCell(None, text, address)
            self.table.bad_amounts.append(cell)
            return cell
        scale = self.table.scale
        if amount is not None and scale != 1:
            amount *= scale
        return ReadCell(amount, text, address, half_unit=self._half_unit(value))

    def _half_unit(self, value: object) -> Decimal:
        """Half the last printed digit, in 万元: a 万元 figure is printed to 0.01; a 元 figure to
        the 元 or to the 分 it shows."""
        if self.table.money_unit != "元":
            return _HALF_CENT
        text = str(value)
        decimals = len(text.split(".", 1)[1]) if "." in text and not isinstance(value, int) else 0
        if isinstance(value, float) and value.is_integer():
            decimals = 0
        return Decimal(5).scaleb(-decimals - 1) * self.table.scale

    def _store(self, key: str, row: ReadRow, cells: list[tuple[str, int, int, object]]) -> None:
        t = self.table
        if key in t.rows:
            t.duplicates.append((key, row.address))
            return
        t.rows[key] = row
        for name, r, c, value in cells:
            cell = self._cell(row.address.sheet, r, c, value)
            if cell is not None:
                t.cells[(key, name)] = cell

    def _hierarchy_row(self, sheet: str, r: int, row: list[object]) -> None:
        spec = self.spec
        get = lambda c: row[c] if c is not None and c < len(row) else None  # noqa: E731
        code_col = next((c for c, n in self.mapping.items() if spec.columns[spec.names.index(n)].kind == CODE), None)
        name_col = next((c for c, n in self.mapping.items() if spec.columns[spec.names.index(n)].kind == NAME), None)
        label_texts = [fold(v) for c, v in enumerate(row) if isinstance(v, str) and v.strip()
                       and (c not in self.mapping or spec.columns[spec.names.index(self.mapping[c])].kind != AMOUNT)]
        if any(t in _TOTAL_WORDS for t in label_texts):
            code, code_addr = "", None  # 合计 in any label cell — the 类 column included — is the total row
        elif self.parts:
            code = self._split_code({part: normalize_code(get(c)) for c, part in self.parts.items()})
            code_addr = Address(sheet, r + 1, min(self.parts) + 1)
        else:
            raw = get(code_col)
            code = normalize_code(raw)
            code_addr = Address(sheet, r + 1, code_col + 1) if code_col is not None else None
            if raw is not None and _LOCAL_CODE.match(str(raw).strip()):
                self.table.odd_codes.append((str(raw).strip(), code_addr))
        label = str(get(name_col) or "").strip()
        if code and not _CODE.match(code):
            if fold(label) in ("", "无") and fold(code) == "无":
                return
            self.table.unmatched_labels.append((f"{_shown(get(code_col)) or code} {label}".strip(),
                                                code_addr or Address(sheet, r + 1, 1)))
            return
        if not code and not any(t in _TOTAL_WORDS for t in label_texts):
            if label_texts and not all(t == "无" for t in label_texts):
                self.table.unmatched_labels.append((label or label_texts[0], Address(sheet, r + 1, (name_col or 0) + 1)))
            return
        label_addr = Address(sheet, r + 1, name_col + 1) if name_col is not None else None
        address = code_addr or label_addr or Address(sheet, r + 1, 1)
        cells = [(n, r, c, row[c]) for c, n in self.mapping.items()
                 if spec.columns[spec.names.index(n)].kind == AMOUNT and c < len(row)]
        self._store(code, ReadRow(code, code, label, address, code_addr, label_addr), cells)

    def _panel_row(self, sheet: str, r: int, row: list[object], panel: dict[str, int]) -> None:
        """One panel of a table printed in panels side by side: a 类-款 row, or the panel's total line."""
        spec = self.spec
        names = {spec.columns[spec.names.index(n)].kind: n for n in panel}
        code_col, name_col = panel.get(names.get(CODE, "")), panel.get(names.get(NAME, ""))
        get = lambda c: row[c] if c is not None and c < len(row) else None  # noqa: E731
        code, label = normalize_code(get(code_col)), str(get(name_col) or "").strip()
        amounts = [(n, r, c, row[c]) for n, c in panel.items() if spec.columns[spec.names.index(n)].kind == AMOUNT
                   and c < len(row)]
        if code and not _CODE.match(code) and not label:
            code, label = "", str(get(code_col)).strip()  # a label merged over the code and name columns
        if not code and not label:
            return
        if code and _CODE.match(code):
            code_addr = Address(sheet, r + 1, code_col + 1)
            label_addr = Address(sheet, r + 1, name_col + 1) if name_col is not None else None
            self._store(code, ReadRow(code, code, label, code_addr, code_addr, label_addr), amounts)
            return
        key = vocabulary(spec.lines[0]).key(fold_label(label)) if spec.lines else None
        addr = Address(sheet, r + 1, (name_col if name_col is not None else code_col or 0) + 1)
        if key is None:
            self.table.unmatched_labels.append((label or _shown(get(code_col)), addr))
            return
        self._store(key, ReadRow(key, "", label, addr, None, addr), amounts)

    def _split_code(self, parts: dict[str, str]) -> str:
        lei, kuan, xiang = parts.get("类", ""), parts.get("款", ""), parts.get("项", "")
        if lei:
            self.last_parts = {"类": lei[:3]}
        lei = self.last_parts.get("类", "") if not lei else lei[:3]
        if kuan:
            kuan = kuan[-2:].zfill(2)  # "2" printed for 02 (a number format that drops the zero)
            self.last_parts["款"] = kuan
        elif xiang:
            kuan = self.last_parts.get("款", "")
        if not lei:
            return ""
        return lei + kuan + (xiang[-2:].zfill(2) if xiang else "")

    def _line_key(self, side: int, label: str) -> str | None:
        used = self.used_lines.setdefault(side, set())
        own = self.builtin_keys.get(side, {})
        key = next((k for k in own.get(label, ()) if k not in used), None)
        if key is None:
            vocab = vocabulary(self.spec.lines[side]) if side < len(self.spec.lines) and self.spec.lines[side] else None
            key = vocab.key(label, used) if vocab else None
            if key is not None and self.builtin_keys and not any(key in ks for ks in own.values()):
                key = None  # a line our own layout does not print
        if key is not None:
            used.add(key)
            used.add(key.split(":")[-1])
        return key

    def _fixed_row(self, sheet: str, r: int, row: list[object]) -> None:
        spec = self.spec
        inverse = {n: c for c, n in self.mapping.items()}
        for side, (label_index, amount_indexes) in enumerate(spec.sides):
            c = inverse.get(spec.names[label_index])
            if c is None or c >= len(row):
                continue
            label = fold_label(row[c])
            pending = self.side_pending.pop(side, None)
            if not label and pending is not None:
                self._late_amount(sheet, r, row, side, pending)
                continue
            if not label or label == "无":
                continue
            addr = Address(sheet, r + 1, c + 1)
            key = self._line_key(side, label)
            if key is None:
                self.table.unmatched_labels.append((_shown(row[c]), addr))
                continue
            names = [spec.names[i] for i in amount_indexes]
            cells = [(n, r, inverse[n], row[inverse[n]]) for n in names if n in inverse and inverse[n] < len(row)]
            if all(v in (None, "") for *_, v in cells) and any(w in key for w in ("合计", "小计", "总计")):
                cells = self._spanned(side, row, r, names) or cells  # a total centred over the next list
            if all(v in (None, "") for *_, v in cells):
                self.side_pending[side] = key  # its amount may be printed a row lower
            self._store(key, ReadRow(key, "", str(row[c]).strip(), addr, None, addr), cells)

    def _late_amount(self, sheet: str, r: int, row: list[object], side: int, key: str) -> None:
        """Lists side by side whose rows differ in height: a label wrapped over two lines of its list has
        its amount printed beside the other lists' next row — on a row where its own list has no label."""
        spec = self.spec
        inverse = {n: c for c, n in self.mapping.items()}
        for i in spec.sides[side][1]:
            name = spec.names[i]
            c = inverse.get(name)
            if c is None or c >= len(row) or row[c] in (None, ""):
                continue
            cell = self._cell(sheet, r, c, row[c])
            if cell is not None and cell.value is not None and (key, name) in self.table.cells \
                    and self.table.cells[(key, name)].value is None:
                self.table.cells[(key, name)] = cell

    def _spanned(self, side: int, row: list[object], r: int, names: list[str]) -> list | None:
        """A total label centred over the next side too: its amount is printed in that side's column."""
        spec = self.spec
        inverse = {n: c for c, n in self.mapping.items()}
        if side + 1 >= len(spec.sides):
            return None
        label_index, amount_indexes = spec.sides[side + 1]
        label_col = inverse.get(spec.names[label_index])
        if label_col is not None and label_col < len(row) and fold(row[label_col]):
            return None
        there = [inverse.get(spec.names[i]) for i in amount_indexes]
        found = [(names[0], r, c, row[c]) for c in there[:1] if c is not None and c < len(row) and row[c] not in (None, "")]
        return found or None

    def _grouped_row(self, sheet: str, r: int, row: list[object], held: bool = False) -> None:
        spec = self.spec
        inverse = {n: c for c, n in self.mapping.items()}
        first = inverse.get(spec.names[0])
        amount_cols = [inverse[n] for n in spec.names if n in inverse and spec.columns[spec.names.index(n)].kind == AMOUNT]
        if first is None or not amount_cols:
            return
        second = inverse.get(spec.names[1]) if len(spec.names) > 2 else None
        if second is None:
            second = next((c for c in range(first + 1, min(amount_cols)) if c not in self.mapping), None)
        level1 = str(row[first]).strip() if first < len(row) and row[first] not in (None, "") else ""
        level2 = str(row[second]).strip() if second is not None and second < len(row) and row[second] not in (None, "") else ""
        if not level1 and not level2:
            return
        # A group's name merged down its rows is printed in their middle (a word processor centres it):
        # a 小计 without a name opens a group whose name comes a row or two later.
        if not held and not level1 and fold_label(level2) == "小计":
            self._flush_group(self.group)
            self.pending_group = [(sheet, r, row)]
            return
        if not held and self.pending_group is not None:
            if not level1:
                self.pending_group.append((sheet, r, row))
                return
            self._flush_group(level1)
        if level1:
            self.group = level1
        group = fold_label(level1 or self.group)
        sub = fold(level2)
        sub = ("其中:" + fold_label(sub)) if sub.startswith("其中") else fold_label(sub)
        key = f"{group}|{sub}" if sub else group
        addr = Address(sheet, r + 1, (second if level2 and second is not None else first) + 1)
        amount_names = [n for n in spec.names if spec.columns[spec.names.index(n)].kind == AMOUNT]
        cells = [(n, r, inverse[n], row[inverse[n]]) for n in amount_names if n in inverse and inverse[n] < len(row)]
        self._store(key, ReadRow(key, "", level2 or level1, addr, None, addr), cells)

    def _flush_group(self, name: str) -> None:
        """The rows held back for a group whose name had not been read yet, under ``name``."""
        pending, self.pending_group = self.pending_group, None
        if pending:
            self.group = name
            for sheet, r, row in pending:
                self._grouped_row(sheet, r, row, held=True)

    def _single_row(self, sheet: str, r: int, row: list[object]) -> None:
        spec = self.spec
        if not any(_is_number(row[c]) for c in self.mapping if c < len(row)):
            if not _is_total_only(row):
                self.table.unmatched_labels.append((" ".join(_texts(row))[:40], Address(sheet, r + 1, 1)))
            return
        if self.table.cells:
            self.table.duplicates.append(("数据行", Address(sheet, r + 1, 1)))
            return
        first = min(self.mapping) if self.mapping else 0
        for c, name in sorted(self.mapping.items()):
            value = row[c] if c < len(row) else None
            if spec.row_column == "*":  # each column is a (line | 预算数/决算数) pair
                key, column = name.split("|", 1)
                self.table.rows.setdefault(key, ReadRow(key, "", key, Address(sheet, r + 1, c + 1)))
            elif spec.row_column is not None:  # the columns are lines
                key, column = name, spec.row_column
                self.table.rows.setdefault(key, ReadRow(key, "", name, Address(sheet, r + 1, c + 1)))
            else:
                key, column = spec.row_key or "", name
                self.table.rows.setdefault(key, ReadRow(key, "", "合计", Address(sheet, r + 1, first + 1)))
            cell = self._cell(sheet, r, c, value)
            if cell is not None:
                self.table.cells[(key, column)] = cell
        if spec.row_column is not None and spec.row_column != "*":
            self.table.columns = {spec.row_column}


def _reworded(candidate: str) -> str | None:
    """A header path in the words the families' columns use (HEADER_WORDS), without the year it may open
    with ("2024年机关运行经费预算数"), or None when it has none of them."""
    out = _OPENING_YEAR.sub("", candidate)
    for other, ours in HEADER_WORDS:
        out = out.replace(other, ours)
    return out if out != candidate else None


_OPENING_YEAR = re.compile(r"^20\d\d年(?:度)?")


def _title_candidates(grids: dict[str, Grid]) -> list[tuple[str, int, int, str]]:
    """Cells that may be a table title: short text with 表 in it, a header row below (a 目录 line has none)."""
    found = []
    for sheet, grid in grids.items():
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if isinstance(value, str) and "表" in value and len(value) <= 80 and _confirmed(grid, r):
                    found.append((sheet, r, c, value))
    return found


def _title_hits(prof: Profile, candidates) -> list[tuple[str, int, int, TableSpec, str]]:
    hits, rows = [], set()
    for sheet, r, c, value in candidates:
        if (sheet, r) in rows:
            continue  # one title per row
        if spec := prof.match_title(value):
            hits.append((sheet, r, c, spec, value.strip()))
            rows.add((sheet, r))
    return hits


def _confirmed(grid: Grid, r: int) -> bool:
    """A title is followed within a few rows by a header row (a 目录 line is not)."""
    return any(_is_header_row(row) for row in grid[r + 1:r + 8])


def detect_profile(grids: dict[str, Grid], candidates=None) -> tuple[Profile, str]:
    """The family whose titles and header words the workbook shows most; with its evidence."""
    candidates = _title_candidates(grids) if candidates is None else candidates
    words = {fold(v) for grid in grids.values() for row in grid[:60] for v in row if isinstance(v, str) and v.strip()}
    text = "".join(sorted(words))
    best = None
    for prof in all_profiles():
        roles = {h[3].key for h in _title_hits(prof, candidates)}
        standard = [k for k in roles if k in prof.roles]
        clues = [e for e in prof.evidence if e in text]
        score = (len(standard), len(clues))
        if best is None or score > best[0]:
            best = (score, prof, standard, clues)
    assert best is not None
    (_, _), prof, standard, clues = best
    evidence = f"按{prof.title}格式读取：{len(standard)}/{len(prof.roles)} 张表"
    if clues:
        evidence += "（依据：" + "、".join(clues[:4]) + "）"
    elif standard:  # titles only: a layout none of the families knows, read by the one whose titles fit
        evidence = (f"未识别出格式（表中没有任何已知格式特有的用语），按表标题与{prof.title}相近读取："
                    f"{len(standard)}/{len(prof.roles)} 张表；表头对不上的列不读取")
    return prof, evidence


def read_package(grids: dict[str, Grid], profile_name: str | None = None,
                 starts: dict[str, list[int]] | None = None) -> ReadPackage:
    """All tables of a family found in the sheets (in workbook order). ``starts``: per sheet, the rows
    (0-based) where a document printed a new titled table — a table read ends before the next one."""
    candidates = _title_candidates(grids)
    if profile_name:
        prof = profile(profile_name)
        evidence = f"按{prof.title}格式读取（--profile {profile_name}）"
    else:
        prof, evidence = detect_profile(grids, candidates)
    hits = _title_hits(prof, candidates)
    package = ReadPackage({}, profile=prof.name, evidence=evidence)
    readers: dict[str, _TableReader] = {}
    last: _TableReader | None = None
    for sheet, grid in grids.items():
        sheet_hits = [h for h in hits if h[0] == sheet]
        first_title = sheet_hits[0][1] if sheet_hits else len(grid)
        if last is not None and _repeats_header(last, grid[:min(first_title, 15)]):
            if sheet not in last.table.sheets:
                last.table.sheets.append(sheet)
            last.read_block(sheet, grid, 0, first_title - 1, continuation=True)
        elif not sheet_hits and any(_is_header_row(row) for row in grid[:15]):
            package.unknown_sheets.append(sheet)
        for n, (_, r, c, spec, text) in enumerate(sheet_hits):
            bottom = sheet_hits[n + 1][1] - 1 if n + 1 < len(sheet_hits) else len(grid) - 1
            bottom = min([bottom] + [s - 1 for s in (starts or {}).get(sheet, ()) if r < s <= bottom])
            where = Address(sheet, r + 1, c + 1)
            if spec.kind == "set-aside":
                package.set_aside.append((spec.key, text, where))
                last = None
                continue
            if spec.key in readers:
                package.duplicate_tables.append((spec.key, text, where))
                last = None
                continue
            reader = readers[spec.key] = _TableReader(prof, spec, sheet, r, c, text)
            if re.search(r"(部门|单位)[:：]", fold(text)):  # a title cell that names the unit and the money unit too
                reader._page_header(sheet, r, [text], loose=False)
            reader.read_block(sheet, grid, r + 1, bottom)
            last = reader
    package.tables = {k: readers[k].table for k in prof.tables if k in readers}
    for table in package.tables.values():
        _unit_from_title(table)
    for key in prof.roles:
        spec = prof.tables[key]
        if key not in package.tables:
            package.problems.append(f"找不到{spec.title}（按标题查找）")
        else:
            for problem in package.tables[key].column_problems:
                package.problems.append(f"{spec.title}：{problem}")
    for role, title, where in package.duplicate_tables:
        package.problems.append(f"{title}（{where}）与已读取的{prof.tables[role].title}是同一张表：重复的表未读取")
    _fix_unit_slips(package)
    return package


_TITLED_UNIT = re.compile(r"^(?P<year>\d{4})年度?(?P<unit>.{4,40}?)(?:部门|单位)?(?:财务)?(?:收支|收入|支出|财政拨款|一般公共预算|"
                          r"政府性基金|国有资本|三公|机关运行|政府采购)")


def _unit_from_title(table: ReadTable) -> None:
    """A table without a 编制单位 line whose title names the unit and year ("2017年度江苏省高级人民法院
    部门收支预算总表"): both taken from the title."""
    if table.unit_name and table.year:
        return
    m = _TITLED_UNIT.match(fold_label(table.title_text))
    if m is None:
        return
    if not table.unit_name:
        table.unit_name, table.unit_address = m.group("unit"), table.title
    if not table.year:
        table.year, table.year_address = int(m.group("year")), table.title


def _repeats_header(reader: _TableReader, rows: Grid) -> bool:
    """A sheet without a title continues the last table only when it repeats that table's header."""
    if not reader.header_texts:
        return False
    for row in rows:
        texts = {fold(v) for v in row if v not in (None, "")}
        if len(texts) >= 2 and texts <= reader.header_texts | {"栏次"} and _is_header_row(row):
            return True
    return False


def table_title(prof_name: str, key: str) -> str:
    prof = profile(prof_name)
    return prof.tables[key].title if key in prof.tables else EXTRA_TITLES.get(key, key)


def _grand_total(table: ReadTable) -> Decimal:
    values = [abs(c.value) for c in table.cells.values() if c.value is not None]
    return max(values, default=ZERO)


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
                        table.cells[k] = ReadCell(cell.value / factor, cell.text, cell.address,
                                                  half_unit=cell.half_unit / factor)
                package.unit_slips.append((key, factor))
                break


def match_title(text: object, prof_name: str = "hebei") -> TableSpec | None:
    return profile(prof_name).match_title(text)
