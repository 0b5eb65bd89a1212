"""The bundled example: the reference package (张家口市人大常委会办公室 2024) as input sheets.

Its 元 detail lines are a reconstruction: the published tables are only their margins. The
lines were chosen so that fill reproduces every published figure, including the four 0.01 尾差
of the 基本支出表 (see docs/example.md for how).
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources

from budget_disclosure.layout.inputs import DETAIL_COLUMNS, DETAIL_FIRST_ROW, DETAIL_SHEET, INFO_FIELDS, INFO_SHEET
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from budget_disclosure.xlio.package_io import example_values
from budget_disclosure.xlio.template import build_template

EXAMPLE_INFO = {
    "code": "101",
    "name": "张家口市人民代表大会常务委员会办公室",
    "year": 2024,
    "detail_unit": "元",
    "remark": "示例：预算明细为根据已公开的九张表重构的数据（公开表是其汇总结果），并非预算系统的原始明细，仅供演示和测试。",
}
EXAMPLE_DETAIL = "example_zjk_2024_detail.csv"


def example_rows() -> list[list[object]]:
    text = (resources.files("budget_disclosure") / "data" / EXAMPLE_DETAIL).read_text("utf-8")
    records = list(csv.DictReader(io.StringIO(text)))
    rows = []
    for record in records:
        row: list[object] = [record[c.header] or None for c in DETAIL_COLUMNS]
        amount_index = [c.is_amount for c in DETAIL_COLUMNS].index(True)
        row[amount_index] = int(row[amount_index])
        rows.append(row)
    return rows


EXAMPLE_PACKAGE = "example_zjk_2024_package.json"


def example_package() -> dict:
    """The reference package's texts, 绩效目标, 政府采购, 国有资产 (scripts/extract_seed_package.py)."""
    return json.loads((resources.files("budget_disclosure") / "data" / EXAMPLE_PACKAGE).read_text("utf-8"))


def build_example() -> OpenpyxlBook:
    book = build_template()
    book.write_block(INFO_SHEET, 2, 2, [[EXAMPLE_INFO.get(key)] for key, _ in INFO_FIELDS])
    book.write_block(DETAIL_SHEET, DETAIL_FIRST_ROW, 1, example_rows())
    for sheet, rows in example_values(example_package()).items():
        if rows:
            book.write_block(sheet, 2, 1, rows)
    return book
