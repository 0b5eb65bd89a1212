"""政府收支分类科目: the functional (支出功能分类) and economic (部门预算支出经济分类) code lists.

The bundled lists are partial (see data/*.provenance.csv): a code missing from them is
"未核验" (not verified), never "wrong". A user-supplied official list for the budget year
overrides and extends the bundled one.
"""

from __future__ import annotations

from functools import cache

import csv
import io
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Literal

Kind = Literal["functional", "economic"]

# Digits per level: 类 / 款 / 项 (functional), 类 / 款 (economic).
LEVEL_DIGITS: dict[Kind, tuple[int, ...]] = {"functional": (3, 5, 7), "economic": (3, 5)}
LEVEL_NAMES = ("类", "款", "项")
KIND_LABEL: dict[Kind, str] = {"functional": "功能分类", "economic": "经济分类"}

_BUNDLED_FILES: dict[Kind, str] = {
    "functional": "functional_classification.csv",
    "economic": "economic_classification_department.csv",
}


def normalize_name(name: str) -> str:
    """Compare names the way a reader does: full/half-width folded, white space ignored."""
    folded = unicodedata.normalize("NFKC", name or "")
    return "".join(folded.split())


def normalize_code(value: object) -> str:
    """A code as typed ("2010101", 2010101, "201 01 01", "201-01-01") → "2010101"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for sep in (" ", "-", ".", "\u3000"):
        text = text.replace(sep, "")
    return text


def code_level(kind: Kind, code: str) -> int | None:
    """1-based level of a well-formed code, or None when malformed."""
    if not code.isdigit():
        return None
    digits = LEVEL_DIGITS[kind]
    return digits.index(len(code)) + 1 if len(code) in digits else None


def ancestors(kind: Kind, code: str) -> list[str]:
    """The codes of the 类 and 款 above a code, top first (the code itself excluded)."""
    return [code[:n] for n in LEVEL_DIGITS[kind] if n < len(code)]


# The year of the built-in code lists (the reference package's 政府收支分类科目).
BUNDLED_YEAR = 2024


@dataclass(frozen=True)
class CodeEntry:
    code: str
    name: str
    source: str


class CodeList:
    """One classification (functional or economic) for one budget year."""

    def __init__(self, kind: Kind, entries: Iterable[CodeEntry]):
        self.kind = kind
        self._entries = {e.code: e for e in entries}

    def __contains__(self, code: str) -> bool:
        return code in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, code: str) -> CodeEntry | None:
        return self._entries.get(code)

    def name(self, code: str) -> str | None:
        entry = self._entries.get(code)
        return entry.name if entry else None

    def codes(self) -> list[str]:
        return sorted(self._entries)

    def overridden_by(self, other: "CodeList") -> "CodeList":
        """This list with every entry of ``other`` (an official list) taking precedence."""
        merged = dict(self._entries)
        merged.update(other._entries)
        return CodeList(self.kind, merged.values())

    @classmethod
    def bundled(cls, kind: Kind) -> "CodeList":
        return _bundled(cls, kind)

    @classmethod
    def _read_bundled(cls, kind: Kind) -> "CodeList":
        data = resources.files("budget_disclosure") / "data"
        rows = list(csv.DictReader(io.StringIO((data / _BUNDLED_FILES[kind]).read_text("utf-8"))))
        prov_name = _BUNDLED_FILES[kind].replace(".csv", ".provenance.csv")
        provenance = {
            r["code"]: r["source"]
            for r in csv.DictReader(io.StringIO((data / prov_name).read_text("utf-8")))
        }
        return cls(
            kind,
            (CodeEntry(r["code"], r["name"], "内置:" + provenance.get(r["code"], "?")) for r in rows),
        )


@dataclass(frozen=True)
class Classifications:
    """Both code lists in force for a package."""

    functional: CodeList
    economic: CodeList

    @classmethod
    def bundled(cls) -> "Classifications":
        return cls(CodeList.bundled("functional"), CodeList.bundled("economic"))

    def of(self, kind: Kind) -> CodeList:
        return self.functional if kind == "functional" else self.economic

    def overridden_by(self, rows: Iterable[tuple[str, str]], source: str) -> "Classifications":
        """Apply an official list given as (code, name) rows; each code goes to its classification.

        Economic codes are 3 or 5 digits starting with 3; functional codes start with 2.
        """
        functional, economic = [], []
        for code, name in rows:
            code = normalize_code(code)
            entry = CodeEntry(code, str(name).strip(), source)
            (economic if code.startswith("3") else functional).append(entry)
        return Classifications(
            self.functional.overridden_by(CodeList("functional", functional)),
            self.economic.overridden_by(CodeList("economic", economic)),
        )


class CodeListError(ValueError):
    pass


def read_code_rows_csv(path: Path, year: int | None) -> list[tuple[str, str]]:
    """Read an official code list from CSV: columns code/编码 and name/名称, optional year/年度."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            records = list(csv.reader(fh))
    except UnicodeDecodeError as exc:
        raise CodeListError(f"{path}：科目表应为 UTF-8 编码的 CSV（在 Excel 中“另存为 CSV UTF-8”）") from exc
    return code_rows_from_records(records, str(path), year)


_CODE_HEADERS = {"code", "编码", "科目编码", "代码"}
_NAME_HEADERS = {"name", "名称", "科目名称"}
_YEAR_HEADERS = {"year", "年度", "预算年度"}


def code_rows_from_records(records: list[list[object]], where: str, year: int | None) -> list[tuple[str, str]]:
    """(code, name) rows from a table whose first non-empty row is a header."""
    records = [r for r in records if any(c not in (None, "") for c in r)]
    if not records:
        raise CodeListError(f"{where}：科目代码表为空")
    header = [normalize_name(str(c or "")).lower() for c in records[0]]

    def find(names: set[str]) -> int | None:
        return next((i for i, h in enumerate(header) if h in names), None)

    code_col, name_col, year_col = find(_CODE_HEADERS), find(_NAME_HEADERS), find(_YEAR_HEADERS)
    if code_col is None or name_col is None:
        raise CodeListError(f"{where}：第1行应有列名“编码”(code)和“名称”(name)，实际为 {records[0]}")
    rows = []
    for r in records[1:]:
        cells = list(r) + [None] * (len(header) - len(r))
        if year is not None and year_col is not None and cells[year_col] not in (None, ""):
            if str(cells[year_col]).strip().split(".")[0] != str(year):
                continue
        if cells[code_col] in (None, ""):
            continue
        rows.append((normalize_code(cells[code_col]), str(cells[name_col] or "").strip()))
    return rows


@cache
def _bundled(cls, kind: Kind) -> CodeList:
    """The built-in lists are read once: a CodeList is never changed (overriding makes a new one)."""
    return cls._read_bundled(kind)


# -- names across years -----------------------------------------------------------------------------
@cache
def printed_names() -> dict[tuple[str, str, str], tuple[tuple[int, ...], tuple[str, ...]]]:
    """(kind, code, name as printed, normalised) → (the years real published packages used that spelling,
    which packages): data/subject_names_by_year.csv, made by scripts/build_subject_names.py from the
    documents of shared/realworld (rw01 … rw06, U01 … U15)."""
    import csv

    out = {}
    with (resources.files("budget_disclosure") / "data" / "subject_names_by_year.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            years = tuple(int(y) for y in row["years"].split(";") if y)
            out[(row["kind"], row["code"], row["name"])] = (years, tuple(d for d in row["documents"].split(";") if d))
    return out


def years_printed(kind: str, code: str, name: str) -> tuple[int, ...]:
    """The years real packages printed this 科目 under this name (none: not seen)."""
    return printed_names().get((kind, code, normalize_name(name)), ((), ()))[0]
