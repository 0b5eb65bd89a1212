"""Input sheets for the rest of the package (情况说明, 绩效目标, 政府采购, 国有资产, 名词解释).

Each is one of three shapes: paragraphs (one per row in column A), key/value rows (label in A,
value in B), or a table with a header row. Numbers the 情况说明 repeats from the tables are not
here: they are bound to the tables.
"""

from __future__ import annotations

from dataclasses import dataclass

PARAGRAPHS, KEYVALUE, TABLE = "paragraphs", "keyvalue", "table"


@dataclass(frozen=True)
class InputSheet:
    name: str
    shape: str
    columns: tuple[str, ...]  # table headers, or key labels for key/value sheets
    widths: tuple[float, ...]
    hint: str = ""


DUTIES = InputSheet("部门职责", PARAGRAPHS, ("部门职责（每段一行，按顺序）",), (120,))
ORGANISATION = InputSheet("机构设置", TABLE, ("单位名称", "单位性质", "单位规格", "经费保障形式"), (40, 12, 16, 16))
LAST_YEAR = InputSheet("上年预算", KEYVALUE, (
    "上年年度", "上年基本支出（万元）", "上年项目支出（万元）", "上年因公出国（境）费（万元）", "上年公务用车购置费（万元）",
    "上年公务用车运行维护费（万元）", "上年公务接待费（万元）", "上年经营支出（万元）", "上年上解上级支出（万元）",
    "上年对附属单位补助支出（万元）", "上年机关运行经费（万元）"), (34, 20),
    "用于“比上年增减”（部门预算）；合计由各类支出相加，不再填写；经营、上解上级、对附属单位补助支出未填写的按 0")
LAST_YEAR_SUBJECTS = InputSheet("上年科目", TABLE, ("科目编码", "科目名称", "上年预算数（万元）", "增减原因"),
                                (14, 44, 18, 50),
                                "上年一般公共预算财政拨款支出，按功能分类科目（类、款、项）；情况说明据此逐项写比上年增减。"
                                "可由 fill --previous 上年公开包 填写；变化超过 50% 的科目请填写增减原因")
# Where last year's published package prints each figure of the 上年预算 sheet, in canonical cells
# (table, line or 科目 row, column), the first the package prints: the 支出总表's 合计 row by kind of
# spending, the 三公 table by item; 机关运行经费 where the family prints it (a line of the 三公 table,
# a table of its own), else our 基本支出表's 公用经费, which our 情况说明 states as it.
LAST_YEAR_SOURCES = {
    "上年基本支出（万元）": (("T3", "", "基本支出"),),
    "上年项目支出（万元）": (("T3", "", "项目支出"),),
    "上年经营支出（万元）": (("T3", "", "经营支出"),),
    "上年上解上级支出（万元）": (("T3", "", "上解上级支出"),),
    "上年对附属单位补助支出（万元）": (("T3", "", "对附属单位补助支出"),),
    "上年因公出国（境）费（万元）": (("T9", "因公出国(境)费", "合计"),),
    "上年公务用车购置费（万元）": (("T9", "公务用车购置费", "合计"),),
    "上年公务用车运行维护费（万元）": (("T9", "公务用车运行维护费", "合计"),),
    "上年公务接待费（万元）": (("T9", "公务接待费", "合计"),),
    "上年机关运行经费（万元）": (("T9", "机关运行经费", "合计"), ("X3", "", "合计"), ("T6", "", "公用经费")),
}
SUBJECT_SOURCE = ("T5", "合计")  # 上年科目: last year's 一般公共预算支出表, each 科目's 合计
REASONS = InputSheet("增减原因", KEYVALUE, (
    "基本支出增减原因", "项目支出增减原因", "三公经费增减原因", "机关运行经费主要用途", "经营支出增减原因",
    "上解上级支出增减原因", "对附属单位补助支出增减原因"), (22, 100))
PERFORMANCE = InputSheet("整体绩效目标", PARAGRAPHS, ("部门整体绩效目标（每段一行，可含“（一）…”小标题）",), (120,))
PROJECTS = InputSheet("项目绩效目标", TABLE, (
    "项目编码", "项目名称", "预算数（万元）", "其中：财政资金", "其他资金", "资金用途", "3月底", "6月底", "10月底", "12月底",
    "绩效目标"), (24, 30, 12, 12, 10, 40, 8, 8, 8, 8, 50))
INDICATORS = InputSheet("绩效指标", TABLE, (
    "项目编码", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"), (24, 12, 16, 20, 40, 14, 16))
PROCUREMENT = InputSheet("政府采购", TABLE, (
    "项目名称", "预算资金", "采购物品名称", "政府采购目录序号", "计量单位", "数量", "单价", "合计", "一般公共预算拨款",
    "基金预算拨款", "国有资本经营预算拨款", "财政专户核拨", "单位资金", "上年结转结余", "预留中小微企业份额"),
    (30, 10, 22, 14, 8, 8, 8, 10, 12, 10, 12, 10, 10, 10, 12))
ASSETS = InputSheet("国有资产", TABLE, ("项目", "数量", "价值（万元）"), (34, 12, 16),
                    "第一行“截止时间”在 B 列填日期；最后一行“本年度拟购置固定资产总额”在 C 列填金额")
ASSET_ROWS = ("截止时间", "1、房屋（平方米）", "其中：办公用房（平方米）", "2、车辆（台、辆）", "3、单价在20万元以上的设备",
              "4、其他固定资产", "本年度拟购置固定资产总额")
GLOSSARY = InputSheet("名词解释", TABLE, ("名词", "解释"), (22, 110))
OTHER = InputSheet("其他说明", KEYVALUE, ("部门主管专项资金情况", "政府采购说明", "其他需要说明的事项"), (22, 100))
NARRATIVE_SHEET = "情况说明"

PACKAGE_INPUTS = (DUTIES, ORGANISATION, LAST_YEAR, LAST_YEAR_SUBJECTS, REASONS, PERFORMANCE, PROJECTS, INDICATORS, PROCUREMENT, ASSETS,
                  GLOSSARY, OTHER)
