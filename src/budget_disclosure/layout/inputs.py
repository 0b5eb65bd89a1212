"""The input sheets of the template: 单位信息 (key/value) and 预算明细 (one row per budget line)."""

from __future__ import annotations

from dataclasses import dataclass

from budget_disclosure.engine.vocab import EXPENDITURE_KINDS, FUND_SOURCES

GUIDE_SHEET = "使用说明"
INFO_SHEET = "单位信息"
DETAIL_SHEET = "预算明细"

# 单位信息: label in column A, value in column B, one field per row from row 2.
INFO_FIELDS: tuple[tuple[str, str], ...] = (
    ("code", "部门（单位）编码"),
    ("name", "部门（单位）名称"),
    ("year", "预算年度"),
    ("detail_unit", "预算明细金额单位"),
    ("remark", "备注"),
    ("balance", "舍位平衡"),  # 是: fill chooses the printed 万元 so that every total equals its parts
)
INFO_LABEL = dict(INFO_FIELDS)


@dataclass(frozen=True)
class DetailColumn:
    key: str
    header: str
    width: float
    required: bool
    choices: tuple[str, ...] = ()
    is_amount: bool = False
    is_code: bool = False


DETAIL_COLUMNS: tuple[DetailColumn, ...] = (
    DetailColumn("unit_code", "单位编码", 12, True, is_code=True),
    DetailColumn("unit_name", "单位名称", 30, True),
    DetailColumn("func_code", "功能分类科目编码", 14, True, is_code=True),
    DetailColumn("func_name", "功能分类科目名称", 28, False),
    DetailColumn("econ_code", "经济分类科目编码", 14, True, is_code=True),
    DetailColumn("econ_name", "经济分类科目名称", 22, False),
    DetailColumn("fund", "资金来源", 26, True, choices=tuple(f.label for f in FUND_SOURCES)),
    DetailColumn("kind", "支出类型", 18, True, choices=tuple(k.label for k in EXPENDITURE_KINDS)),
    DetailColumn("project_code", "项目编码", 24, False, is_code=True),
    DetailColumn("project_name", "项目名称", 34, False),
    DetailColumn("amount", "金额（元）", 16, True, is_amount=True),
)
DETAIL_HEADER_ROW = 1
DETAIL_FIRST_ROW = 2
