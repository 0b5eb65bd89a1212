"""The filled reference example equals the published package in every cell of all nine tables."""

from __future__ import annotations

import unicodedata

import pytest
from openpyxl import load_workbook

from budget_disclosure.layout.tables import TABLES, column_number_row
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from budget_disclosure.xlio.tables_io import read_table_values
from conftest import printed


def _fold(text: str) -> str:
    # The seed prints 维修(护)费 with half-width brackets; the official name uses full-width ones.
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize("index", range(9), ids=[t.key for t in TABLES])
def test_every_cell_equals_published(filled_path, published, index):
    spec, expected = TABLES[index], published[index]
    assert _fold(spec.title) == _fold(expected["title"])
    book = OpenpyxlBook.open(filled_path)
    # Columns are aligned by 栏次: our 栏次 row must carry the published column numbers.
    numbers = book.read_block(spec.sheet, column_number_row(spec), 2, column_number_row(spec), spec.width)[0]
    assert [str(n) for n in numbers] == expected["column_numbers"]

    values = read_table_values(book, spec)
    amount = {i + 1 for i in spec.amount_columns}
    rows = [[printed(v, i in amount) for i, v in enumerate(row)] for row in values]
    notes = [r[0] for r in rows if r[0].startswith("注：")]
    data = [r for r in rows if not r[0].startswith("注：")]
    assert notes == expected["notes"]
    assert len(data) == len(expected["rows"])
    for ours, theirs in zip(data, expected["rows"]):
        assert [_fold(c) for c in ours] == [_fold(c) for c in theirs]


def test_page_header_carries_unit_and_year(filled_path, published):
    wb = load_workbook(filled_path)
    for spec, expected in zip(TABLES, published):
        ws = wb[spec.sheet]
        row = [c.value for c in ws[2]]
        assert row[0] == expected["unit"]
        assert f"预算年度：{expected['year']}" in row
        assert row[-1] == f"单位：{expected['money_unit']}"


def test_basic_table_shows_the_four_published_rounding_residues(filled_path):
    """302, 303, 合计 and 人员经费 of the 基本支出表 differ by 0.01 from the sums of printed rows."""
    from decimal import Decimal

    book = OpenpyxlBook.open(filled_path)
    spec = TABLES[5]
    rows = {str(r[1] or "合计"): [Decimal(repr(v)) if isinstance(v, float) else Decimal(0) for v in r[3:6]]
            for r in read_table_values(book, spec)}
    kuan = lambda prefix: sum((v[0] for c, v in rows.items() if len(c) == 5 and c.startswith(prefix)), Decimal(0))  # noqa: E731
    assert rows["302"][0] - kuan("302") == Decimal("-0.01")
    assert rows["303"][0] - kuan("303") == Decimal("-0.01")
    assert rows["合计"][0] - (rows["301"][0] + rows["302"][0] + rows["303"][0]) == Decimal("0.01")
    assert rows["合计"][1] - (rows["301"][0] + rows["303"][0]) == Decimal("0.01")
