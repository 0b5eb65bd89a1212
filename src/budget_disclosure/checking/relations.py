"""The identities of the rule book as data: run the numeric rules on a package with a context that
records every comparison it would make (total = Σ parts, left = right, part ≤ whole) instead of
judging it. 舍位平衡 (engine/balance.py) balances on exactly these, so the check and the balancing
cannot drift apart."""

from __future__ import annotations

from decimal import Decimal

from budget_disclosure.checking.context import CheckContext, Ref
from budget_disclosure.checking.registry import selected
from budget_disclosure.engine.balance import Relation
from budget_disclosure.engine.codes import Classifications
from budget_disclosure.engine.model import DerivedTable
from budget_disclosure.engine.money import yuan_to_wan
from budget_disclosure.layout.canonical import amount_cells, side_of
from budget_disclosure.layout.families import line_keys, profile
from budget_disclosure.layout.tables import first_data_row
from budget_disclosure.reading.model import Address, ReadCell, ReadPackage, ReadRow, ReadTable

IDENTITY_RULES = ("BD1", "BD2")  # identities inside and across tables (BD3 are soft, BD4+ not arithmetic)


class RecordingContext(CheckContext):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.relations: list[Relation] = []

    def sum_check(self, total: Ref, parts: list[Ref], what: str = ""):
        if self.applicable([total, *parts]):
            self.relations.append(Relation((total,), tuple(parts)))
        return None

    def equal(self, left: Ref, right: Ref, what: str = ""):
        return self.sum_check(left, [right], what)

    def balance(self, left: list[Ref], right: list[Ref], what: str):
        if self.applicable([*left, *right]):
            self.relations.append(Relation(tuple(left), tuple(right)))
        return None

    def at_most(self, part, whole: Ref, what: str):
        parts = part if isinstance(part, list) else [part]
        if self.applicable([whole, *parts]):
            self.relations.append(Relation((whole,), tuple(parts), "at_most"))
        return None


def package_from_derived(tables: dict[str, DerivedTable]) -> ReadPackage:
    """Our own layout's derived tables as the reader would read them once written (printed 万元, the
    cells where fill writes them)."""
    prof = profile()
    out: dict[str, ReadTable] = {}
    for key, table in tables.items():
        spec = prof.tables[key]
        t = ReadTable(key, spec, Address(spec.sheet, 1, 1), spec.title, [spec.sheet])
        t.columns = {spec.names[i] for i in spec.amount_columns} | {n for n, c in zip(spec.names, spec.columns)
                                                                    if c.kind != "amount"}
        first = first_data_row(spec)
        keys = line_keys(spec) if spec.sides else None
        for index, row in enumerate(table.rows):
            if keys is None:
                t.rows.setdefault(row.code, ReadRow(row.code, row.code, "", Address(spec.sheet, first + index, 2)))
            else:
                for k in keys[index]:
                    if k:
                        t.rows.setdefault(k, ReadRow(k, "", k, Address(spec.sheet, first + index, 2)))
        for (row_key, column, value), position in zip(amount_cells(key, table), _positions(key, table)):
            if isinstance(value, Decimal):
                t.cells[(row_key, column)] = ReadCell(yuan_to_wan(value), "", Address(spec.sheet, *position))
        out[key] = t
    return ReadPackage(out, profile="hebei")


def _positions(key: str, table: DerivedTable):
    """(row, column) in the sheet of each amount cell, in ``amount_cells`` order."""
    spec = profile().tables[key]
    first = first_data_row(spec)
    keys = line_keys(spec) if spec.sides else None
    for index, row in enumerate(table.rows):
        for col in spec.amount_columns:
            if keys is not None and (index >= len(keys) or keys[index][side_of(spec, col)] is None):
                continue
            yield first + index, col + 2


def identities(package: ReadPackage) -> list[Relation]:
    """Every identity the rule book checks on this package, over canonical cells."""
    ctx = RecordingContext(package, Classifications.bundled())
    for rule in selected(IDENTITY_RULES, ()):
        if rule.code in ctx.profile.rules_off:
            continue
        ctx.rule = rule
        for _ in rule.check(ctx):
            pass
    return list(dict.fromkeys(ctx.relations))
