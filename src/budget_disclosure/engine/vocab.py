"""Enumerated values of the 预算明细 input: 资金来源 (fund source) and 支出类型 (expenditure kind).

Each value carries the facts the derivations need, so no table function re-interprets labels.
"""

from __future__ import annotations

from dataclasses import dataclass

# 财政拨款 types: the three columns of the 财政拨款收支总表 and the 三公 table.
GENERAL = "一般公共预算"
GOV_FUND = "政府性基金预算"
STATE_CAPITAL = "国有资本经营预算"
APPROPRIATION_TYPES = (GENERAL, GOV_FUND, STATE_CAPITAL)


@dataclass(frozen=True)
class FundSource:
    label: str
    appropriation: str | None  # one of APPROPRIATION_TYPES for 财政拨款, else None
    carryover: bool  # 上年结转 (funds brought forward)
    income_column: str  # the 收入总表 column the line counts in


FUND_SOURCES: tuple[FundSource, ...] = (
    FundSource("一般公共预算拨款", GENERAL, False, "财政拨款收入"),
    FundSource("政府性基金预算拨款", GOV_FUND, False, "财政拨款收入"),
    FundSource("国有资本经营预算拨款", STATE_CAPITAL, False, "财政拨款收入"),
    FundSource("财政专户管理资金", None, False, "财政专户收入"),
    FundSource("事业收入", None, False, "事业收入"),
    FundSource("经营收入", None, False, "经营收入"),
    FundSource("上级补助收入", None, False, "上级补助收入"),
    FundSource("附属单位上缴收入", None, False, "附属单位上缴收入"),
    FundSource("其他收入", None, False, "其他收入"),
    FundSource("上年结转（一般公共预算拨款）", GENERAL, True, "上年结转"),
    FundSource("上年结转（政府性基金预算拨款）", GOV_FUND, True, "上年结转"),
    FundSource("上年结转（国有资本经营预算拨款）", STATE_CAPITAL, True, "上年结转"),
    FundSource("上年结转（单位资金）", None, True, "上年结转"),
)
FUND_BY_LABEL = {f.label: f for f in FUND_SOURCES}

# 单位资金 in the 收支总表 = every non-财政拨款 own income of the year.
UNIT_FUND_COLUMNS = ("事业收入", "经营收入", "上级补助收入", "附属单位上缴收入", "其他收入")


@dataclass(frozen=True)
class ExpenditureKind:
    label: str
    column: str  # the 支出总表 column
    basic_part: str | None  # 人员经费 / 公用经费 for 基本支出, else None


BASIC = "基本支出"
PROJECT = "项目支出"
EXPENDITURE_KINDS: tuple[ExpenditureKind, ...] = (
    ExpenditureKind("基本支出·人员经费", BASIC, "人员经费"),
    ExpenditureKind("基本支出·公用经费", BASIC, "公用经费"),
    ExpenditureKind("项目支出", PROJECT, None),
    ExpenditureKind("经营支出", "经营支出", None),
    ExpenditureKind("上解上级支出", "上解上级支出", None),
    ExpenditureKind("对附属单位补助支出", "对附属单位补助支出", None),
)
KIND_BY_LABEL = {k.label: k for k in EXPENDITURE_KINDS}
# Spellings accountants type for the same kind.
KIND_ALIASES = {
    "人员经费": "基本支出·人员经费",
    "公用经费": "基本支出·公用经费",
    "基本支出-人员经费": "基本支出·人员经费",
    "基本支出-公用经费": "基本支出·公用经费",
    "基本支出—人员经费": "基本支出·人员经费",
    "基本支出—公用经费": "基本支出·公用经费",
    "上缴上级支出": "上解上级支出",
}
FUND_ALIASES = {
    "一般公共预算": "一般公共预算拨款",
    "一般公共预算财政拨款": "一般公共预算拨款",
    "政府性基金": "政府性基金预算拨款",
    "国有资本经营预算": "国有资本经营预算拨款",
    "财政专户": "财政专户管理资金",
}
