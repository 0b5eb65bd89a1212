"""A reviewer's 单位名录 (部门 → 所属单位, optionally 批复日期 and 公开日期) against the packages a
batch checked: which units published, which did not, which published more than 20 days after the
批复, and the 公开率. Pure: rows in, rows out (the workbook is read by the port)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from budget_disclosure.engine.issues import InputError, InputProblem, column_letter

DEADLINE_DAYS = 20  # 《地方预决算公开操作规程》：部门预决算在批复后 20 日内公开
_HEADERS = {"部门": ("部门", "主管部门", "部门名称"), "单位": ("单位", "所属单位", "单位名称", "预算单位"),
            "批复日期": ("批复日期", "批复时间"), "公开日期": ("公开日期", "公开时间", "发布日期"), "年度": ("年度", "预算年度", "年份")}


@dataclass(frozen=True)
class Unit:
    department: str
    unit: str  # the department itself when the row names no unit
    approved: date | None
    published: date | None
    row: int
    year: int | None = None  # the year whose package is looked for (the 名录's 年度 column or title)


@dataclass
class Standing:
    """One unit of the 名录 as the batch found it."""

    unit: Unit
    package: str = ""  # the file(s) of its package, "" when none was found
    outcome: str = ""  # the package's verdict
    days: int | None = None  # 公开日期 − 批复日期

    @property
    def late(self) -> bool:
        return self.days is not None and self.days > DEADLINE_DAYS

    @property
    def timeliness(self) -> str:
        if self.days is None:
            return "—" if not self.package else "未填日期"
        return f"超过{DEADLINE_DAYS}日（{self.days} 日）" if self.late else f"{DEADLINE_DAYS}日内（{self.days} 日）"


def _folded(name: object) -> str:
    return re.sub(r"[\s（）()“”\"'·]", "", str(name or ""))


def _date(value: object, sheet: str, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if m:
        try:
            return date(*(int(g) for g in m.groups()))
        except ValueError:
            pass
    raise InputError([InputProblem(sheet, where, f"“{text}”不是日期（应写作 2025-02-10 或 2025年2月10日）")])


def parse(rows: list[list[object]], sheet: str) -> list[Unit]:
    """The 名录's units from its sheet: a header row naming 部门 (and 单位, 批复日期, 公开日期) within
    the first ten rows, then one unit per row."""
    for h, row in enumerate(rows[:10]):
        names = [_folded(v) for v in row]
        columns = {key: next((c for c, n in enumerate(names) if n in words), None) for key, words in _HEADERS.items()}
        if columns["部门"] is not None:
            break
    else:
        raise InputError([InputProblem(sheet, "", "前 10 行中找不到表头“部门”（名录应有“部门”列，可有“单位”“年度”“批复日期”“公开日期”列）")])
    titled = next((int(m.group(1)) for row in rows[:h] for v in row if v
                   and (m := re.search(r"(20\d\d)\s*年?", str(v)))), None)  # “2019年单位名录”
    units = []
    for r, row in enumerate(rows[h + 1:], h + 2):
        def cell(key):
            c = columns[key]
            return row[c] if c is not None and c < len(row) else None

        department = str(cell("部门") or "").strip()
        unit = str(cell("单位") or "").strip() or department
        if not department:
            if unit:
                raise InputError([InputProblem(sheet, f"{column_letter(columns['部门'] + 1)}{r}", f"单位“{unit}”没有填部门")])
            continue
        dates = {key: _date(cell(key), sheet, f"{column_letter(columns[key] + 1)}{r}") if columns[key] is not None
                 else None for key in ("批复日期", "公开日期")}
        year = cell("年度")
        if year not in (None, "") and not re.fullmatch(r"\s*20\d\d\s*(年|年度)?\s*", str(year).replace(".0", "")):
            raise InputError([InputProblem(sheet, f"{column_letter(columns['年度'] + 1)}{r}", f"“{year}”不是年度（应写作 2025）")])
        year = int(str(year).replace(".0", "").strip()[:4]) if year not in (None, "") else titled
        units.append(Unit(department, unit, dates["批复日期"], dates["公开日期"], r, year))
    if not units:
        raise InputError([InputProblem(sheet, "", "名录中没有单位（表头“部门”下没有内容）")])
    return units


def _matches(listed: str, published: str) -> bool:
    a, b = _folded(listed), _folded(published)
    return bool(a and b) and (a == b or min(len(a), len(b)) >= 4 and (a in b or b in a))


def standings(units: list[Unit], packages: list[dict]) -> tuple[list[Standing], list[dict]]:
    """Each unit with its package: the package of the unit's year (when the 名录 gives one; the latest
    otherwise) whose tables print the unit's name (the same name before a name that holds it); and the
    packages of units the 名录 does not list. ``packages``: the summary's rows (path, unit, year, outcome)."""
    taken: set[int] = set()
    out = []
    for unit in units:
        def candidates(match):
            found = [i for i, p in enumerate(packages) if i not in taken and p.get("unit") and match(unit.unit, p["unit"])
                     and (unit.year is None or p.get("year") == unit.year)]
            return sorted(found, key=lambda i: -(packages[i].get("year") or 0))
        chosen = (candidates(lambda a, b: _folded(a) == _folded(b)) or candidates(_matches) or [None])[0]
        standing = Standing(unit)
        if chosen is not None:
            taken.add(chosen)
            standing.package, standing.outcome = packages[chosen]["path"], packages[chosen].get("outcome", "")
        if unit.approved and unit.published:
            standing.days = (unit.published - unit.approved).days
        out.append(standing)
    unlisted = [p for p in packages if p.get("unit") and not any(_matches(u.unit, p["unit"]) for u in units)]
    return out, unlisted


def rate_line(found: list[Standing], unlisted: list[dict]) -> str:
    """名录 N 个单位，找到公开包 M 个（公开率 x%）；超过 20 日公开 k 个；名录外的公开包 j 个."""
    total, published = len(found), sum(1 for s in found if s.package)
    late = sum(1 for s in found if s.late)
    rate = f"{100 * published / total:.1f}%" if total else "—"
    line = f"名录 {total} 个单位，找到公开包 {published} 个（公开率 {rate}），未找到 {total - published} 个"
    if any(s.days is not None for s in found):
        line += f"；批复后超过 {DEADLINE_DAYS} 日公开 {late} 个"
    if unlisted:
        line += f"；名录外的公开包 {len(unlisted)} 个"
    return line
