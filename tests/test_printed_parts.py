"""项目绩效目标表 printed as cards (the reference package's layout, which our export reproduces) read
back into projects: every figure and plan as the 项目绩效目标 sheet holds it, from the published text
and from our own PDF."""

from __future__ import annotations

import json

from budget_disclosure.checking.service import _grids
from budget_disclosure.reading.printed_parts import project_cards
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from budget_disclosure.xlio.package_io import read_package_texts
from budget_disclosure.xlio.pdf_book import PdfBook
from conftest import SEED_TABLES, SEED_TEXT


def _as_sheet(projects):
    return [(p.name, p.budget, p.fiscal, p.other or 0, {k: v for k, v in p.plan.items() if v is not None})
            for p in projects]


def test_the_reference_package_s_cards_are_its_projects(filled_path):
    """The published text, split on its tabs, read as cards, gives the projects the example's 项目绩效目标
    sheet lists; their budgets add up to the 项目支出 the published 支出总表 prints."""
    grid = [line.split("\t") for line in SEED_TEXT.read_text("utf-8").splitlines()]
    cards = project_cards({"seed": grid})
    sheet = read_package_texts(OpenpyxlBook.open(filled_path)).projects
    assert _as_sheet(cards) == _as_sheet(sheet) and len(cards) == 8
    tables = {t["title"]: t for t in json.loads(SEED_TABLES.read_text("utf-8"))["tables"]}
    spending = next(t for title, t in tables.items() if title.endswith("部门预算支出总表"))
    total_row = next(r for r in spending["rows"] if "合计" in r)
    assert f"{sum(p.budget for p in cards):.2f}" in total_row
    assert all(p.where["预算数（万元）"].sheet == "seed" for p in cards)


def test_our_pdf_s_cards_are_the_workbook_s_projects(filled_path, exported):
    book = PdfBook([exported / "部门预算公开.pdf"])
    cards = project_cards(_grids(book))
    assert _as_sheet(cards) == _as_sheet(read_package_texts(OpenpyxlBook.open(filled_path)).projects)
    for p in cards:  # each figure located where it is printed
        place = book.place(p.where["预算数（万元）"])
        assert place and place[0].page >= 14


def test_our_pdf_s_procurement_and_assets_are_the_workbook_s(filled_path, exported):
    from budget_disclosure.engine.money import parse_amount
    from budget_disclosure.reading.printed_parts import asset_rows, procurement_rows

    book = PdfBook([exported / "部门预算公开.pdf"])
    sheet = read_package_texts(OpenpyxlBook.open(filled_path))
    money = ("合计", "一般公共预算拨款", "数量", "单价")

    def figures(items):
        return [(i["采购物品名称"], *(parse_amount(i.get(c)) for c in money)) for i in items]
    printed = procurement_rows(_grids(book))
    assert figures(printed) == figures(sheet.procurement) and len(printed) == 3
    assert all(book.place(i["_at"]["合计"]) for i in printed)
    assets = asset_rows(_grids(book))
    assert {k: tuple(parse_amount(v) for v in values) for k, (values, _) in assets.items()} == {
        k: tuple(parse_amount(v) for v in sheet.assets[k]) for k in assets}
