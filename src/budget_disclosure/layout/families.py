"""Layout families as data: one profile per family (profiles/*.toml).

A profile says which tables the family publishes (their roles T1…T9 and the extra tables it
knows, X…), how each is recognised (title patterns) and laid out (shape, canonical columns,
header aliases, line vocabularies, money unit), the 空表 wordings, the Hebei rules that do not
hold in the family and the family's own identities. The reader, the template and fill take the
tables from here; adding a family is adding a file.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from budget_disclosure.layout.lines import vocabulary
from budget_disclosure.layout.profile_schema import validate
from budget_disclosure.layout.tables import AMOUNT, CODE, NAME, TABLE_BY_KEY, TEXT, Column, TableSpec
from budget_disclosure.reading.labels import HEADER_ALIASES, fold, fold_label

DEFAULT = "hebei"
# Roles of the extra tables, in messages
EXTRA_TITLES = {"X1": "财政拨款支出预算表（功能科目）", "X2": "财政拨款基本支出预算表（经济科目）",
                "X3": "机关运行经费支出预算表", "X4": "政府采购预算表"}
_KINDS = {"code": CODE, "name": NAME, "text": TEXT, "amount": AMOUNT}
# Hebei titles are tried most specific first
_HEBEI_ORDER = ("T4", "T9", "T6", "T5", "T7", "T8", "T1", "T2", "T3")


@dataclass(frozen=True)
class CellPattern:
    """"T1:收入总计:收入预算数" — table, row ("" 合计, "*" every row, "#classes" every 类 line), column.
    A trailing "?" marks a part some packages of the family do not print: when it is not read it
    counts as zero (the rest of the identity still runs); any other cell not read makes the identity
    not applicable."""

    table: str
    row: str
    column: str
    optional: bool = False

    @classmethod
    def parse(cls, text: str) -> "CellPattern":
        optional = text.endswith("?")
        text = text.rstrip("?")
        table, row, column = text.split(":", 2) if text.count(":") >= 2 else (*text.split(":"), "")
        return cls(table, row, column, optional)


@dataclass(frozen=True)
class Identity:
    title: str
    basis: str
    total: CellPattern
    parts: tuple[CellPattern, ...]
    relation: str = "sum"  # "sum": total = Σ parts; "at_most": Σ parts ≤ total; "balance": total + Σ plus = Σ parts
    columns: tuple[str, ...] = ()  # repeat for each column (replacing every pattern's column)
    rows: tuple[str, ...] = ()  # the rows a wildcard stands for, when not all
    plus: tuple[CellPattern, ...] = ()  # "balance": more cells on the total's side


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    document: str
    evidence: tuple[str, ...]
    empty_wordings: tuple[str, ...]
    tables: dict[str, TableSpec]
    match_order: tuple[str, ...]
    rules_off: dict[str, str] = field(default_factory=dict)
    header_aliases: dict[str, str] = field(default_factory=dict)
    identities: tuple[Identity, ...] = ()
    facts: tuple[tuple[tuple[str, ...], CellPattern], ...] = ()  # how the family's text names table figures
    zero_total_states_empty: bool = False  # an empty table printing "合计 0" has said it is empty
    empty_note: str = ""  # how the family words the note under an empty table (in messages)

    @property
    def roles(self) -> tuple[str, ...]:
        """The tables the family publishes and checks (set-aside tables are only recognised)."""
        return tuple(k for k, t in self.tables.items() if t.kind != "set-aside")

    @property
    def standard_roles(self) -> tuple[str, ...]:
        return tuple(k for k in self.roles if k.startswith("T"))

    def match_title(self, text: object) -> TableSpec | None:
        """The table this title names in the family, or None (remembered: a batch of one layout
        repeats the same few hundred titles)."""
        folded = fold(text)
        memo = self.__dict__.setdefault("_title_memo", {})  # (a frozen instance: its own dict, not a field)
        if folded not in memo:
            if len(memo) > 50_000:
                memo.clear()
            spec = self._match_title(folded)
            memo[folded] = spec.key if spec is not None else None
        found = memo[folded]
        return self.tables[found] if found is not None else None

    def _match_title(self, folded: str) -> TableSpec | None:
        if not folded or len(folded) > 60 or "表" not in folded or folded.startswith(("注", "说明")):
            return None
        return self._title_spec(folded) or self._title_spec(_plain_title(folded))

    def _title_spec(self, folded: str) -> TableSpec | None:
        for key in self.match_order:
            spec = self.tables[key]
            if all(re.search(p, folded) for p in spec.title_keywords) and not any(w in folded for w in spec.title_exclude):
                return spec
        return None

    def alias(self, spec: TableSpec, text: str) -> str:
        """The canonical name of a folded header text in a table of this family."""
        own = dict(spec.aliases)
        if text in own:
            return own[text]
        if text in self.header_aliases:
            return self.header_aliases[text]
        return HEADER_ALIASES.get(text, text)


# Words titles add without changing which table they name ("收支预算汇总表" for 收支预算总表, "基本支出情况表"):
# a title no table of the family matches is tried again in the plain words
_TITLE_FILLERS = (("汇总表", "总表"), ("情况表", "表"), ("汇总", ""))


def _plain_title(folded: str) -> str:
    for wordy, plain in _TITLE_FILLERS:
        folded = folded.replace(wordy, plain)
    return folded


@cache
def line_keys(spec: TableSpec) -> tuple[tuple[str | None, ...], ...]:
    """For a built-in fixed-row spec: the canonical key of every label cell (None when blank)."""
    used: list[set[str]] = [set() for _ in spec.lines]
    keys = []
    for labels in spec.fixed_rows:
        row = []
        for side, label in enumerate(labels):
            folded = fold_label(label)
            if not folded or side >= len(spec.lines):
                row.append(None)
                continue
            key = vocabulary(spec.lines[side]).key(folded, used[side])
            if key is None:
                raise ValueError(f"{spec.key}: no line for {label!r} in vocabulary {spec.lines[side]}")
            used[side].add(key.split(":")[-1])
            used[side].add(key)
            row.append(key)
        keys.append(tuple(row))
    return tuple(keys)


@cache
def required_lines(spec: TableSpec) -> frozenset[str]:
    if spec.required_lines is not None:
        return frozenset(spec.required_lines)
    if spec.fixed_rows and spec.lines:
        return frozenset(k for row in line_keys(spec) for k in row if k)
    if spec.kind == "row" and spec.row_column is not None:
        return frozenset(n for n in spec.names if n not in spec.optional)
    return frozenset()


def _column(text: str) -> tuple[str, str, Column]:
    """"收入预算数=决算数:amount": canonical name, the name the family prints, kind."""
    named, _, kind = text.partition(":")
    name, _, shown = named.partition("=")
    return name, shown or name, Column(_KINDS[kind or "amount"], 14 if not kind else 30)


def _table(key: str, raw: dict, family: str) -> TableSpec:
    columns = [_column(c) for c in raw.get("columns", [])]
    names = tuple(n for n, _, _ in columns)
    sides = tuple((names.index(s["label"]), tuple(names.index(a) for a in s["amounts"])) for s in raw.get("sides", []))
    lines = tuple(s.get("lines", "") for s in raw.get("sides", [])) or tuple(raw.get("lines", ()))
    header = tuple(tuple(r) for r in raw["header"]) if "header" in raw else (("序号", *(s for _, s, _ in columns)),)
    return TableSpec(
        key=key, sheet=raw.get("sheet", raw["title"]), title=raw["title"], header=header,
        columns=tuple(c for _, _, c in columns), names=names, sides=sides, hierarchy=raw.get("hierarchy", ""),
        shown=tuple((n, shown) for n, shown, _ in columns if shown != n),
        fixed_rows=tuple(tuple(r) for r in raw.get("fixed_rows", ())),
        title_keywords=tuple(raw.get("match", ())), title_exclude=tuple(raw.get("exclude", ())),
        shape=raw.get("shape", ""), lines=lines,
        aliases=tuple((fold(k), v) for k, v in raw.get("aliases", {}).items()),
        row_key=raw.get("row_key"), row_column=raw.get("row_column"), money_unit=raw.get("unit", ""),
        optional=tuple(raw.get("optional", ())),
        required_lines=tuple(raw["required_lines"]) if "required_lines" in raw else None,
        empty_note=raw.get("empty_note", ""), family=family,
    )


def _identity(raw: dict) -> Identity:
    return Identity(raw["title"], raw.get("basis", ""), CellPattern.parse(raw["total"]),
                    tuple(CellPattern.parse(p) for p in raw["parts"]), raw.get("relation", "sum"),
                    tuple(raw.get("columns", ())), tuple(raw.get("rows", ())),
                    tuple(CellPattern.parse(p) for p in raw.get("plus", ())))


def _load(name: str) -> Profile:
    with resources.files("budget_disclosure.layout").joinpath(f"profiles/{name}.toml").open("rb") as f:
        raw = tomllib.load(f)
    validate(raw, f"layout/profiles/{name}.toml")  # a misspelt key is an error, never silently dropped
    if raw.get("builtin"):
        tables = {}
        for key, spec in TABLE_BY_KEY.items():
            extra = raw.get("tables", {}).get(key, {})
            tables[key] = dataclasses.replace(spec, lines=tuple(extra.get("lines", ())), family=name)
        order = tuple(raw.get("match_order", _HEBEI_ORDER))
    else:
        tables = {k: _table(k, v, name) for k, v in raw["tables"].items()}
        order = tuple(raw.get("match_order", tables))
    return Profile(
        name=name, title=raw["title"], document=raw.get("document", "预算"),
        evidence=tuple(fold(e) for e in raw.get("evidence", ())),
        empty_wordings=tuple(raw.get("empty_wordings", ())), tables=tables, match_order=order,
        rules_off=dict(raw.get("rules_off", {})),
        header_aliases={fold(k): v for k, v in raw.get("header_aliases", {}).items()},
        identities=tuple(_identity(i) for i in raw.get("identities", ())),
        zero_total_states_empty=bool(raw.get("zero_total_states_empty", False)),
        facts=tuple((tuple(f["labels"]), CellPattern.parse(f["cell"])) for f in raw.get("facts", ())),
        empty_note=raw.get("empty_note", ""),
    )


@cache
def profile_names() -> tuple[str, ...]:
    folder = resources.files("budget_disclosure.layout").joinpath("profiles")
    names = sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml") and p.name != "lines.toml")
    return tuple(sorted(names, key=lambda n: n != DEFAULT))


@cache
def profile(name: str = DEFAULT) -> Profile:
    if name not in profile_names():
        raise KeyError(name)
    return _load(name)


def all_profiles() -> list[Profile]:
    return [profile(n) for n in profile_names()]
