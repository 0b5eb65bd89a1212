"""The schema of a layout profile (layout/profiles/*.toml): every key a profile may have, every value a
closed vocabulary allows. A misspelt key would otherwise be dropped silently — a family losing its 单位
line or an identity without anyone noticing — so a profile that does not conform is refused at load,
naming the file and the key."""

from __future__ import annotations

import re

TOP = {"name", "title", "document", "evidence", "empty_wordings", "tables", "match_order", "rules_off",
       "header_aliases", "identities", "facts", "empty_note", "builtin", "zero_total_states_empty"}
TABLE = {"title", "match", "exclude", "shape", "columns", "hierarchy", "aliases", "unit", "sheet", "header", "lines",
         "sides", "required_lines", "row_column", "optional", "fixed_rows", "row_key", "empty_note"}
BUILTIN_TABLE = {"lines"}  # our own template's tables are built in: a profile only names their line vocabularies
SIDE = {"label", "amounts", "lines"}
IDENTITY = {"title", "basis", "total", "parts", "relation", "columns", "plus", "rows"}
FACT = {"labels", "cell"}
SHAPES = {"sides", "hierarchy", "panels", "grouped", "row", "set-aside"}
HIERARCHIES = {"functional", "economic"}
UNITS = {"万元", "元"}
COLUMN_KINDS = {"", "code", "name", "text", "amount"}
RELATIONS = {"sum", "at_most", "balance"}
DOCUMENTS = {"预算", "决算"}
TABLE_KEY = re.compile(r"^(T\d{1,2}|X\d{1,2}|[A-Z]\w{0,15})$")
RULE_CODE = re.compile(r"^BD\d{3}$")


class ProfileError(ValueError):
    """A profile that does not conform: the message names the file and the key."""


def validate(raw: dict, file: str) -> None:
    problems: list[str] = []

    def unknown(where: str, keys, allowed: set[str]) -> None:
        for key in keys:
            if key not in allowed:
                near = _nearest(key, allowed)
                problems.append(f"{where}: unknown key “{key}”" + (f" (did you mean “{near}”?)" if near else ""))

    def one_of(where: str, value, allowed: set[str]) -> None:
        if value is not None and value not in allowed:
            problems.append(f"{where}: “{value}” is not one of {', '.join(sorted(allowed))}")

    unknown("(top level)", raw, TOP)
    for key in ("name", "title"):
        if key not in raw:
            problems.append(f"(top level): “{key}” is missing")
    one_of("document", raw.get("document"), DOCUMENTS)
    builtin = bool(raw.get("builtin"))
    tables = raw.get("tables", {})
    if not isinstance(tables, dict) or not tables:
        problems.append("tables: none declared")
        tables = {}
    for key, table in tables.items():
        where = f"tables.{key}"
        if not TABLE_KEY.match(key):
            problems.append(f"{where}: a table key is T1 … T99 or a short name")
        if not isinstance(table, dict):
            problems.append(f"{where}: not a table")
            continue
        unknown(where, table, BUILTIN_TABLE if builtin else TABLE)
        if builtin:
            continue
        for needed in ("title", "columns", "shape"):
            if needed not in table:
                problems.append(f"{where}: “{needed}” is missing")
        one_of(f"{where}.shape", table.get("shape"), SHAPES)
        one_of(f"{where}.hierarchy", table.get("hierarchy") or None, HIERARCHIES)
        one_of(f"{where}.unit", table.get("unit") or None, UNITS)
        names = set()
        for column in table.get("columns", []):
            named, _, kind = str(column).partition(":")
            one_of(f"{where}.columns “{column}”", kind, COLUMN_KINDS)
            names.add(named.partition("=")[0])
        for n, side in enumerate(table.get("sides", [])):
            unknown(f"{where}.sides[{n}]", side, SIDE)
            for name in [side.get("label"), *side.get("amounts", [])]:
                if name is not None and name not in names:
                    problems.append(f"{where}.sides[{n}]: “{name}” is not one of the table's columns")
        for name in table.get("optional", []):
            if name not in names:
                problems.append(f"{where}.optional: “{name}” is not one of the table's columns")
    for key in raw.get("match_order", []):
        if key not in tables:
            problems.append(f"match_order: “{key}” is not a table of this profile")
    for code in raw.get("rules_off", {}):
        if not RULE_CODE.match(code):
            problems.append(f"rules_off: “{code}” is not a rule code (BD101 …)")
    for n, identity in enumerate(raw.get("identities", [])):
        where = f"identities[{n}]"
        unknown(where, identity, IDENTITY)
        for needed in ("title", "basis", "total", "parts"):
            if needed not in identity:
                problems.append(f"{where}: “{needed}” is missing (every identity states its 依据 in “basis”)")
        one_of(f"{where}.relation", identity.get("relation"), RELATIONS)
        for pattern in [identity.get("total"), *identity.get("parts", []), *identity.get("plus", [])]:
            table = str(pattern or "").split(":", 1)[0]
            if pattern and table not in tables:
                problems.append(f"{where}: “{pattern}” names table “{table}”, which this profile does not have")
    for n, fact in enumerate(raw.get("facts", [])):
        unknown(f"facts[{n}]", fact, FACT)
        if not fact.get("labels") or "cell" not in fact:
            problems.append(f"facts[{n}]: “labels” and “cell” are both needed")
            continue
        table = str(fact["cell"]).split(":", 1)[0]
        known = table in tables or builtin and re.fullmatch(r"T[1-9]", table)  # our template's nine are built in
        if str(fact["cell"]).count(":") != 2 or not known:
            problems.append(f"facts[{n}]: “{fact['cell']}” is not table:line:column of a table this profile has")
    if problems:
        raise ProfileError(f"{file}: " + "; ".join(problems))


def _nearest(key: str, allowed: set[str]) -> str | None:
    from difflib import get_close_matches

    found = get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
    return found[0] if found else None
