"""How much of a package was checked: per table, recognised or not, cells read, identities
evaluated and not applicable; for the file, k of n identities — the basis of an honest verdict.

An identity not evaluated because a cell the family prints was not read counts against the
package (无法完整校验); one whose cell the family's layout does not have is said once and not
counted (收入总表无“小计”列：BD105、BD106 不适用).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from budget_disclosure.checking.context import CheckContext
from budget_disclosure.layout.families import EXTRA_TITLES


@dataclass
class TableCoverage:
    key: str
    title: str
    recognised: bool
    found_as: str = ""  # the title as printed
    cells: int = 0
    evaluated: int = 0
    not_applicable: int = 0
    sheets: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"table": self.key, "title": self.title, "recognised": self.recognised, "found_as": self.found_as,
                "sheets": self.sheets, "cells_read": self.cells, "identities_checked": self.evaluated,
                "identities_not_applicable": self.not_applicable}


@dataclass
class Coverage:
    profile: str
    evidence: str
    tables: list[TableCoverage]
    evaluated: int
    not_applicable: int
    notes: list[str] = field(default_factory=list)  # what was not applicable, said once
    set_aside: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.evaluated + self.not_applicable

    @property
    def complete(self) -> bool:
        return self.not_applicable == 0

    @property
    def ratio(self) -> str:
        return f"{self.evaluated}/{self.total}"

    def as_dict(self) -> dict:
        return {"profile": self.profile, "evidence": self.evidence, "identities_checked": self.evaluated,
                "identities_total": self.total, "complete": self.complete,
                "tables": [t.as_dict() for t in self.tables], "not_applicable": self.notes,
                "set_aside": self.set_aside}


def _collapse(reasons: dict[str, set[str]]) -> list[str]:
    """One line per table and kind of absence: the rows of one table are said together."""
    lines = []
    rows: dict[str, tuple[list[str], set[str]]] = defaultdict(lambda: ([], set()))
    for reason, rules in reasons.items():
        if reason.endswith("”行") and "无“" in reason:
            table, _, row = reason.partition("无“")
            rows[table][0].append(row[:-2])
            rows[table][1].update(rules)
        else:
            lines.append(f"{reason}：{'、'.join(sorted(rules))} 不适用")
    for table, (names, rules) in rows.items():
        shown = "、".join(f"“{n}”" for n in names[:3]) + (f"等 {len(names)} 行" if len(names) > 3 else "行")
        lines.append(f"{table}无{shown}：{'、'.join(sorted(rules))} 不适用")
    return lines


def build(ctx: CheckContext) -> Coverage:
    package, prof = ctx.package, ctx.profile
    per_table_eval: dict[str, int] = defaultdict(int)
    for (_, table), n in ctx.evaluated.items():
        per_table_eval[table] += n
    counted: dict[str, int] = defaultdict(int)
    seen_missing_tables: set[tuple[str, str]] = set()
    off: dict[str, set[str]] = defaultdict(set)
    short: dict[str, set[str]] = defaultdict(set)
    for a in ctx.absences:
        if a.counted:
            if a.reason.startswith("无") and (a.rule, a.table) in seen_missing_tables:
                continue
            seen_missing_tables.add((a.rule, a.table))
            counted[a.table] += 1
            short[a.reason].add(a.rule)
        else:
            off[a.reason].add(a.rule)
    tables = []
    for key, spec in prof.tables.items():
        if spec.kind == "set-aside":
            continue
        t = package.tables.get(key)
        tables.append(TableCoverage(key, spec.title, t is not None, t.title_text if t else "", t.cells_read if t else 0,
                                    per_table_eval.get(key, 0), counted.get(key, 0), t.sheets if t else []))
    # figures of a table read in part that no column of it took: not read, so the table is not complete
    for key, t in package.tables.items():
        if t.unplaced and t.placed:
            counted[key] += 1
            short[f"{prof.tables[key].title if key in prof.tables else key}有 {t.unplaced} 个数字不在任何可识别的列中"
                  f"（自 {t.unplaced_at} 起），未读取"].add("读取")
    notes = [f"{reason}（本格式应有）：{'、'.join(sorted(rules))} 未核对" for reason, rules in short.items()]
    notes += _collapse(off)
    notes += [f"本格式不适用：{code}（{why}）" for code, why in prof.rules_off.items()]
    set_aside = [f"{title}（{where}）：{EXTRA_TITLES.get(role, role)}，已识别，未参与核对"
                 for role, title, where in package.set_aside]
    evaluated = sum(ctx.evaluated.values())
    return Coverage(prof.name, package.evidence, tables, evaluated, sum(counted.values()), notes, set_aside)
