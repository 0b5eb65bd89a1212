"""舍位平衡: a balanced fill prints tables in which every identity of the rule book holds exactly,
each cell within 0.01 万元 of its true 元 value, with as few cells moved as possible (compared with
a brute-force minimum on small cases), the moves listed in 舍位说明, and the check content."""

from __future__ import annotations

import itertools
import os
import random
from decimal import Decimal

import pytest

from budget_disclosure.balancing import NOTE_SHEET
from budget_disclosure.checking.findings import ERROR, ROUNDING
from budget_disclosure.checking.service import check_book
from budget_disclosure.engine.balance import CENT_YUAN, Relation, balance, cents
from budget_disclosure.fill import fill_book
from budget_disclosure.layout.canonical import exact_values
from budget_disclosure.layout.inputs import INFO_FIELDS, INFO_SHEET
from budget_disclosure.loading import derive_from_book
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook

import test_property_departments as departments

IDENTITY_FAMILIES = ("BD1", "BD2")


def _table_values(report) -> dict:
    return {(k, row, col): cell.value for k, t in report.package.tables.items() for (row, col), cell in t.cells.items()
            if cell.value is not None}


def _assert_balanced(book, where: str) -> int:
    """No 尾差 and no error from any identity; every printed cell within 0.01 万元 of its true value."""
    report = check_book(book)
    residues = [f.message for f in report.findings if f.rule.startswith(IDENTITY_FAMILIES) and f.severity == ROUNDING]
    assert not residues, (where, residues[:3])
    assert not [f.message for f in report.findings if f.severity == ERROR], where
    exact = exact_values(derive_from_book(book).tables)
    printed = _table_values(report)
    for ref, yuan in exact.items():
        assert abs(printed.get(ref, Decimal(0)) * 10000 - yuan) <= CENT_YUAN, (where, ref, printed.get(ref), yuan)
    return len(exact)


def test_example_balanced_foots_exactly_and_lists_every_moved_cell(example_path, tmp_path):
    plain_book = OpenpyxlBook.open(example_path)
    fill_book(plain_book)
    plain = _table_values(check_book(plain_book))
    book = OpenpyxlBook.open(example_path)
    result = fill_book(book, balance=True)
    assert result.balance is not None and not result.balance.residues
    book.save(tmp_path / "b.xlsx")
    book = OpenpyxlBook.open(tmp_path / "b.xlsx")
    _assert_balanced(book, "example")
    balanced = _table_values(check_book(book))
    changed = {ref for ref in plain if balanced.get(ref) != plain[ref]}
    assert changed == set(result.balance.moved) and 0 < len(changed) <= 8
    assert all(abs(balanced[r] - plain[r]) == Decimal("0.01") for r in changed)
    listed = book.read_block(NOTE_SHEET, 4, 1, 3 + len(changed), 7)
    assert sorted((row[2], row[3]) for row in listed) == sorted((r[1], r[2]) for r in changed)
    # the 情况说明 states the published figures: its check finds nothing either
    assert not [f for f in check_book(book).findings if f.rule.startswith("BD8") and f.severity == ERROR]


def test_the_choice_is_kept_in_the_unit_information(example_path):
    book = OpenpyxlBook.open(example_path)
    row = 2 + [k for k, _ in INFO_FIELDS].index("balance")
    book.write_block(INFO_SHEET, row, 2, [["是"]])
    assert fill_book(book).balance is not None
    assert NOTE_SHEET in book.sheet_names()
    book.write_block(INFO_SHEET, row, 2, [["否"]])
    assert fill_book(book).balance is None and NOTE_SHEET not in book.sheet_names()


@pytest.mark.parametrize("number", range(int(os.environ.get("BD_BALANCE_DEPARTMENTS", "1"))))
def test_random_departments_balance_exactly(number, tmp_path):
    """One department by default (BD_BALANCE_DEPARTMENTS=20 runs twenty: all foot exactly, 0 residues)."""
    rng = random.Random(20261202 + number)
    dept = departments.random_department(rng, number)
    book = departments.build_book(dept)
    book.save(tmp_path / "d.xlsx")
    book = OpenpyxlBook.open(tmp_path / "d.xlsx")
    result = fill_book(book, balance=True)
    assert not result.balance.residues
    cells = _assert_balanced(book, f"dept{number}")
    assert cells > 50


def _brute_force(true: dict[str, Decimal], relations: list[Relation], fixed: set[str]) -> int | None:
    """The fewest cells moved by one cent (within 0.01 万元 of the true value) so that every relation holds."""
    keys = sorted(true)
    plain = {k: cents(v) for k, v in true.items()}
    options = []
    for k in keys:
        t = true[k]
        moves = [0] if k in fixed or t == 0 else [d for d in (0, -1, 1) if abs((plain[k] + d) * CENT_YUAN - t) <= CENT_YUAN]
        options.append(moves)
    best = None
    for choice in itertools.product(*options):
        moved = sum(1 for d in choice if d)
        if best is not None and moved >= best:
            continue
        value = {k: plain[k] + d for k, d in zip(keys, choice)}
        if all(sum(value[x] for x in r.left) == sum(value[x] for x in r.right) for r in relations):
            best = moved
    return best


def _small_case(rng: random.Random):
    """A total over 2–4 parts, each part a total over 2 items, and one item printed twice (in two tables)."""
    items = {f"i{n}": Decimal(rng.randrange(1, 900000)) for n in range(rng.randint(4, 6))}
    names = list(items)
    groups = [names[i:i + 2] for i in range(0, len(names), 2)]
    true = dict(items)
    relations = []
    for g, group in enumerate(groups):
        true[f"g{g}"] = sum(items[x] for x in group)
        relations.append(Relation((f"g{g}",), tuple(group)))
    true["total"] = sum(items.values())
    relations.append(Relation(("total",), tuple(f"g{g}" for g in range(len(groups)))))
    true["copy"] = items[names[0]]
    relations.append(Relation(("copy",), (names[0],)))
    return true, relations, {"total"}


def test_moved_cells_equal_a_brute_force_minimum_on_small_cases():
    rng = random.Random(15)
    compared = 0
    for _ in range(60):
        true, relations, fixed = _small_case(rng)
        expected = _brute_force(true, relations, fixed)
        result = balance(true, relations, fixed)
        if expected is None:  # no exact printing: the residue is reported instead
            assert result.residues
            continue
        assert not result.residues
        assert len(result.moved) == expected, (true, result.published)
        for r in relations:
            assert sum(result.published[x] for x in r.left) == sum(result.published[x] for x in r.right)
        compared += 1
    assert compared >= 40
