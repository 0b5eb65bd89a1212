"""Turn the raw 单位信息 and 预算明细 cells into a validated BudgetDetail.

Every problem is reported with sheet, cell and what was expected, all at once, so that the
accountant can fix the whole sheet in one pass. A code missing from the (partial) bundled
list is accepted as "未核验" when its name is known; a name that contradicts the list is an error.
"""

from __future__ import annotations

import re
import unicodedata

from bisect import bisect_left
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Callable

from budget_disclosure.engine.codes import (
    KIND_LABEL, LEVEL_DIGITS, LEVEL_NAMES, Classifications, Kind, ancestors, normalize_code, normalize_name,
)
from budget_disclosure.engine.issues import InputError, InputProblem
from budget_disclosure.engine.model import BudgetDetail, BudgetLine, PackageHeader
from budget_disclosure.engine.money import MAX_AMOUNT, AmountError, AmountOutOfRange, parse_amount
from budget_disclosure.engine.unread import UNREAD
from budget_disclosure.engine.vocab import (
    BASIC, FUND_ALIASES, FUND_BY_LABEL, KIND_ALIASES, KIND_BY_LABEL, PROJECT,
)
from budget_disclosure.layout.inputs import DETAIL_COLUMNS, DETAIL_SHEET, INFO_LABEL, INFO_SHEET
from budget_disclosure.layout.tables import EXPENDITURE_CLASSES

_FUNCTIONAL_CLASSES = {code for code, _ in EXPENDITURE_CLASSES if code}
_HEADERS = {c.key: c.header for c in DETAIL_COLUMNS}
_INDEX = {c.key: i for i, c in enumerate(DETAIL_COLUMNS)}
assert tuple(_INDEX) == ("unit_code", "unit_name", "func_code", "func_name", "econ_code", "econ_name", "fund", "kind",
                         "project_code", "project_name", "amount"), "read_detail unpacks the cells in this order"


_CODE_AND_NAME = re.compile(r"^[\[【(（]?\s*(\d[\d\s.\-]*\d)\s*[\]】)）]?[\s\-—:：、]*([^\d\s\-—:：、].*)$")


def split_code_name(text: str) -> tuple[str, str] | None:
    """"[2010101]行政运行", "【2010101】行政运行", "2010101 行政运行" → ("2010101", "行政运行"); None otherwise."""
    m = _CODE_AND_NAME.match(unicodedata.normalize("NFKC", text).strip()) if text else None
    return (normalize_code(m.group(1)), m.group(2).strip()) if m else None


@dataclass
class RawInput:
    """Cells as read from the workbook: 单位信息 values and 预算明细 rows, with their addresses."""

    info: dict[str, object]
    info_cells: dict[str, str]  # field key → "B3"
    rows: list[tuple[int, tuple]]  # (sheet row number, its cells in DETAIL_COLUMNS order, None where absent)
    detail_letters: dict[str, str]  # column key → "G"


@dataclass
class ReadResult:
    detail: BudgetDetail
    names: dict[tuple[Kind, str], str]
    warnings: list[InputProblem] = field(default_factory=list)
    dropped: list[InputProblem] = field(default_factory=list)  # lines whose amount is a dash (提示)

    def name_of(self, kind: Kind, code: str) -> str:
        return self.names[(kind, code)]


OUTLIER = 500  # an amount this many times above or below the department's typical line: 元 and 万元 mixed up
DASHES = ("-", "—", "－", "–")


def middle_value(values: list[Decimal]) -> Decimal | None:
    """``sorted(values)[len(values) // 2]``, exactly, sorting floats (several times faster than
    Decimals) and then only the Decimals that share the middle float."""
    if not values:
        return None
    floats = sorted(map(float, values))
    middle = floats[len(floats) // 2]
    below = bisect_left(floats, middle)  # float() never reverses an order: these are all smaller
    return sorted(v for v in values if float(v) == middle)[len(floats) // 2 - below]


def unusual_amounts(lines: list[BudgetLine], cell_of) -> list[InputProblem]:
    """Negative amounts, and amounts thousands of times away from the department's typical line (a
    万元 figure typed into the 元 column, or 元 typed twice over): hints naming the cell."""
    typical = middle_value([abs(a) for a in (l.amount for l in lines) if a])
    # the few lines beyond the bounds are looked at one by one (the cell named only for them)
    if typical:
        low, high = typical / OUTLIER, typical * OUTLIER
        if low * OUTLIER == typical:  # exact (it is, for an amount of less than 25 digits)
            suspects = [l for l in lines if l.amount < low or l.amount > high]
        else:
            suspects = [l for l in lines if l.amount < 0 or l.amount * OUTLIER < typical or l.amount > high]
    else:
        suspects = [l for l in lines if l.amount < 0]
    problems = []
    for line in suspects:
        if line.amount < 0:
            problems.append(InputProblem(DETAIL_SHEET, cell_of(line.row), f"金额为负数（{line.amount:,.2f} 元），请核对"))
        elif typical and line.amount >= 1 and line.amount * OUTLIER < typical:
            problems.append(InputProblem(DETAIL_SHEET, cell_of(line.row), f"金额 {line.amount:,.2f} 元远小于本部门明细的一般金额"
                                         f"（中位数 {typical:,.2f} 元），是否按万元填写了？金额单位应为元"))
        elif typical and line.amount > high:
            problems.append(InputProblem(DETAIL_SHEET, cell_of(line.row), f"金额 {line.amount:,.2f} 元是本部门明细一般金额"
                                         f"（中位数 {typical:,.2f} 元）的 {line.amount / typical:,.0f} 倍，请核对单位和位数"))
    return problems


def cell_text(value: object) -> str:
    """A cell as text: None → "", 101.0 → "101", stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_header(raw: RawInput) -> tuple[PackageHeader | None, list[InputProblem]]:
    problems = []

    def where(key: str) -> str:
        return raw.info_cells.get(key, "")

    code, name = cell_text(raw.info.get("code")), cell_text(raw.info.get("name"))
    if not code:
        problems.append(InputProblem(INFO_SHEET, where("code"), f"“{INFO_LABEL['code']}”为空，应填写部门（单位）编码，如 101"))
    if not name:
        problems.append(InputProblem(INFO_SHEET, where("name"), f"“{INFO_LABEL['name']}”为空，应填写部门全称"))
    year_text = cell_text(raw.info.get("year")).removesuffix("年")
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    if year is None:
        problems.append(InputProblem(INFO_SHEET, where("year"),
                                     f"“{INFO_LABEL['year']}”应为四位年份，如 2024，实际为“{cell_text(raw.info.get('year'))}”"))
    unit = cell_text(raw.info.get("detail_unit")) or "元"
    if unit != "元":
        problems.append(InputProblem(INFO_SHEET, where("detail_unit"), f"预算明细金额单位应为“元”，实际为“{unit}”"))
    if problems:
        return None, problems
    return PackageHeader(code, name, year), []


class _Resolver:
    """Checks codes against the lists and remembers the name to print for every code used."""

    def __init__(self, classifications: Classifications):
        self.classifications = classifications
        self.names: dict[tuple[Kind, str], str] = {}
        self.unverified: dict[tuple[Kind, str], InputProblem] = {}
        self.unnamed: dict[tuple[Kind, str], InputProblem] = {}
        self._valid: dict[tuple[Kind, object, object], str] = {}  # code and name as typed → code, when no problem

    def check(self, kind: Kind, code_value: object, name_value: object, at: Callable[[str], str],
              problems: list[InputProblem]) -> str | None:
        """The code of a line, or None with its problems appended (each problem names this line's cell,
        ``at(column key)``, so only the valid pairs — most lines repeat a few hundred codes — are remembered)."""
        key = (kind, code_value, name_value)
        if key in self._valid:
            return self._valid[key]
        before = len(problems)
        prefix = "func" if kind == "functional" else "econ"
        code = self._check(kind, code_value, name_value, at(f"{prefix}_code"), at(f"{prefix}_name"), problems)
        if code is not None and len(problems) == before:
            self._valid[key] = code
        return code

    def _check(self, kind: Kind, code_value: object, name_value: object, cell: str, name_cell: str,
               problems: list[InputProblem]) -> str | None:
        label = KIND_LABEL[kind]
        code = normalize_code(code_value)
        name = cell_text(name_value)
        # a budget system's "[2010101]行政运行" / "2010101 行政运行", in the code column or (code left
        # blank) in the name column: the code and the name it holds
        joined = split_code_name(cell_text(code_value)) if code and not code.isdigit() else \
            split_code_name(name) if not code else None
        if joined is not None:
            from_code = bool(code)
            code, written = joined
            if from_code and name and name != cell_text(code_value) and normalize_name(name) != normalize_name(written):
                problems.append(InputProblem(DETAIL_SHEET, name_cell,
                                             f"{label}科目编码写作“{cell_text(code_value)}”，名称列却是“{name}”"))
                return None
            name = written
        leaf_digits = LEVEL_DIGITS[kind][-1]
        leaf_level = LEVEL_NAMES[len(LEVEL_DIGITS[kind]) - 1]
        if not code:
            problems.append(InputProblem(DETAIL_SHEET, cell, f"{label}科目编码为空，应为{leaf_digits}位{leaf_level}级编码"))
            return None
        if not code.isdigit() or len(code) != leaf_digits:
            problems.append(InputProblem(
                DETAIL_SHEET, cell, f"{label}科目编码“{cell_text(code_value)}”格式不对，应为{leaf_digits}位{leaf_level}级编码"))
            return None
        codes = self.classifications.of(kind)
        top = code[:3]
        known_top = top in _FUNCTIONAL_CLASSES if kind == "functional" else top in codes
        if not known_top:
            problems.append(InputProblem(DETAIL_SHEET, cell, f"{label}科目编码“{code}”的类“{top}”不存在于{label}科目中"))
            return None
        official = codes.get(code)
        if official is not None:
            if name and normalize_name(name) != normalize_name(official.name):
                problems.append(InputProblem(
                    DETAIL_SHEET, name_cell,
                    f"{label}科目 {code} 的名称应为“{official.name}”，实际为“{name}”"))
                return None
            self.names[(kind, code)] = official.name
        elif name:
            self.names.setdefault((kind, code), name)
            self.unverified.setdefault((kind, code), InputProblem(
                DETAIL_SHEET, cell, f"{label}科目 {code} {name} 不在内置科目表中（内置表不完整），未核验"))
        else:
            problems.append(InputProblem(
                DETAIL_SHEET, name_cell, f"{label}科目 {code} 不在内置科目表中，请填写科目名称或提供当年官方科目表"))
            return None
        for parent in ancestors(kind, code):
            parent_name = codes.name(parent)
            if parent_name is not None:
                self.names[(kind, parent)] = parent_name
            elif (kind, parent) not in self.names:
                self.unnamed.setdefault((kind, parent), InputProblem(
                    DETAIL_SHEET, cell,
                    f"{label}科目 {parent}（{code} 的上级）不在内置科目表中，名称未知：请在“科目代码表”工作表补充"
                    f"该编码及名称，或用 --codes 提供当年官方科目表"))
        return code

    def finish(self, problems: list[InputProblem]) -> None:
        problems.extend(p for key, p in self.unnamed.items() if key not in self.names)


_REQUIRED_TEXT = tuple(c for c in DETAIL_COLUMNS if c.required and c.key not in ("func_code", "econ_code"))
_CENT = Decimal("0.01")


def _text(value: object) -> str:
    return value.strip() if value.__class__ is str else cell_text(value)


_MAX_INT = int(MAX_AMOUNT)
_new = object.__new__
_set = object.__setattr__


def new_line(unit_code, unit_name, func_code, func_name, econ_code, econ_name, fund, kind, project_code, project_name,
             amount, row) -> BudgetLine:
    """A BudgetLine without the frozen dataclass's __init__ (one object.__setattr__ per field: a sixth
    of reading 20,000 lines): its __dict__ set whole. The same object, checked in a test."""
    line = _new(BudgetLine)
    _set(line, "__dict__", {
        "unit_code": unit_code, "unit_name": unit_name, "func_code": func_code, "func_name": func_name,
        "econ_code": econ_code, "econ_name": econ_name, "fund": fund, "kind": kind, "project_code": project_code,
        "project_name": project_name, "amount": amount, "row": row})
    return line


assert tuple(f.name for f in fields(BudgetLine)) == tuple(new_line.__code__.co_varnames[:12]), "new_line names every field"


def _vocabulary(text: str, by_label: dict, aliases: dict) -> object:
    return by_label.get(aliases.get(text, text))


def _fast_amount(value: object) -> Decimal | None:
    """The amount of a number cell that is plainly valid (finite, at most two decimals), else None
    (then the full checks run and say what is wrong). The same Decimal ``parse_amount`` gives."""
    if value.__class__ is float:
        text = repr(value)
        dot = text.find(".")
        if "e" not in text and "n" not in text and (dot < 0 or len(text) - dot <= 3) and -1e15 < value < 1e15:
            return Decimal(text)
        return None
    return Decimal(value) if value.__class__ is int and -_MAX_INT < value < _MAX_INT else None


def read_detail(raw: RawInput, classifications: Classifications) -> ReadResult:
    """Validate everything; raise InputError listing every problem, or return the detail."""
    header, problems = read_header(raw)
    resolver = _Resolver(classifications)
    dashes: list[InputProblem] = []
    lines: list[BudgetLine] = []
    letters = raw.detail_letters
    # a sheet of 20,000 lines repeats a few fund sources, kinds and amounts' forms: looked up once
    funds: dict[str, object] = {}
    kinds: dict[str, object] = {}
    # the cells as typed → what they resolved to, once a line with them passed every check: a later
    # line whose functional, economic and fund-and-kind cells all passed before, with a plain amount
    # and both unit cells filled, has nothing new to check and takes the short way
    functional_passed: dict[tuple, tuple] = {}
    economic_passed: dict[tuple, tuple] = {}
    fund_kind_passed: dict[tuple, tuple] = {}
    for row_number, cells in raw.rows:
        (unit_code, unit_name, func_code, func_name, econ_code, econ_name, fund_value, kind_value,
         project_code, project_name, raw_amount) = cells
        f = functional_passed.get((func_code, func_name))
        e = economic_passed.get((econ_code, econ_name))
        fk = fund_kind_passed.get((fund_value, kind_value))
        if f and e and fk and unit_code.__class__ is str and unit_name.__class__ is str and header is not None:
            amount = _fast_amount(raw_amount)
            unit, unit_title = unit_code.strip(), unit_name.strip()
            if amount is not None and unit and unit_title:
                lines.append(new_line(unit, unit_title, f[0], f[1], e[0], e[1], fk[0], fk[1], _text(project_code),
                                      _text(project_name), amount, row_number))
                continue

        def at(key: str) -> str:
            return f"{letters[key]}{row_number}"

        row_problems: list[InputProblem] = []
        for column in _REQUIRED_TEXT:
            value = cells[_INDEX[column.key]]
            if value is None or (value.__class__ is str and not value.strip()):
                hint = f"，应为下列之一：{'、'.join(column.choices)}" if column.choices else ""
                row_problems.append(InputProblem(DETAIL_SHEET, at(column.key), f"“{column.header}”为空{hint}"))
        func = resolver.check("functional", func_code, func_name, at, row_problems)
        econ = resolver.check("economic", econ_code, econ_name, at, row_problems)

        fund_text = _text(fund_value)
        fund = funds[fund_text] if fund_text in funds else funds.setdefault(
            fund_text, _vocabulary(fund_text, FUND_BY_LABEL, FUND_ALIASES))
        if fund_text and fund is None:
            row_problems.append(InputProblem(DETAIL_SHEET, at("fund"),
                                             f"资金来源“{fund_text}”无法识别，应为下列之一：{'、'.join(FUND_BY_LABEL)}"))
        kind_text = _text(kind_value)
        kind = kinds[kind_text] if kind_text in kinds else kinds.setdefault(
            kind_text, _vocabulary(kind_text, KIND_BY_LABEL, KIND_ALIASES))
        if kind_text and kind is None:
            row_problems.append(InputProblem(DETAIL_SHEET, at("kind"),
                                             f"支出类型“{kind_text}”无法识别，应为下列之一：{'、'.join(KIND_BY_LABEL)}"))
        if fund and kind and fund.appropriation and kind.column not in (BASIC, PROJECT):
            row_problems.append(InputProblem(
                DETAIL_SHEET, at("kind"),
                f"财政拨款资金（{fund.label}）的支出类型应为基本支出或项目支出，实际为“{kind.label}”"))

        amount: Decimal | None = None
        if isinstance(raw_amount, str) and raw_amount.strip() in DASHES:
            dashes.append(InputProblem(DETAIL_SHEET, at("amount"), f"金额写作“{raw_amount.strip()}”，该行未计入；"
                                                                  f"无金额的行请删除，金额为零请填 0"))
        if raw_amount is UNREAD:
            row_problems.append(InputProblem(DETAIL_SHEET, at("amount"), "金额是公式，没有计算结果：请在 Excel 中打开并保存后"
                                                                         "再生成（或安装 LibreOffice 以重新计算）"))
            raw_amount = None
        try:
            amount = parse_amount(raw_amount)
        except AmountOutOfRange:
            row_problems.append(InputProblem(DETAIL_SHEET, at("amount"),
                                             f"金额“{cell_text(raw_amount)}”超出预算金额的范围（绝对值应小于 10^15 元），"
                                             f"请检查是否多输了位数"))
        except AmountError:
            row_problems.append(InputProblem(DETAIL_SHEET, at("amount"),
                                             f"金额应为数字（单位：元），实际为“{cell_text(raw_amount)}”"))
        else:
            if amount is not None and amount != amount.quantize(_CENT):
                row_problems.append(InputProblem(DETAIL_SHEET, at("amount"),
                                                 f"金额以元为单位，最多两位小数，实际为“{cell_text(raw_amount)}”"))
        if row_problems:
            problems.extend(row_problems)
            continue
        if amount is None or header is None:
            continue
        f = functional_passed[(func_code, func_name)] = (func, resolver.names[("functional", func)])
        e = economic_passed[(econ_code, econ_name)] = (econ, resolver.names[("economic", econ)])
        fund_kind_passed[(fund_value, kind_value)] = (fund, kind)
        lines.append(new_line(_text(unit_code), _text(unit_name), func, f[1], econ, e[1], fund, kind,
                              _text(project_code), _text(project_name), amount, row_number))
    resolver.finish(problems)
    if not raw.rows and not problems:
        problems.append(InputProblem(DETAIL_SHEET, "", "预算明细没有数据行：请从第2行起按列填写或粘贴预算明细"))
    if problems:
        raise InputError(problems)
    assert header is not None
    return ReadResult(BudgetDetail(header, tuple(lines)), resolver.names, list(resolver.unverified.values()), dashes)
