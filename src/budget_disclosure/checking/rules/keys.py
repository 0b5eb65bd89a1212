"""Canonical cells of the fixed-row tables, by meaning (profiles/lines.toml): rules name these,
never positions. A 类 line is keyed by its class code."""

from budget_disclosure.layout.tables import EXPENDITURE_CLASSES

CLASS_ROWS = {code: code for code, _ in EXPENDITURE_CLASSES if code}
CLASS_KEYS = list(CLASS_ROWS)

# 表1 收支总表
T1_IN, T1_OUT = "收入预算数", "支出预算数"
T1_INCOME = {"一般公共预算": "一般公共预算拨款收入", "政府性基金": "政府性基金预算拨款收入",
             "国有资本经营": "国有资本经营预算拨款收入", "财政专户": "财政专户管理资金收入", "单位资金": "单位资金"}
T1_YEAR_INCOME, T1_CARRIED_IN, T1_GRAND_IN = "本年收入合计", "上年结转结余", "收入总计"
T1_YEAR_SPENDING, T1_CARRIED_OUT, T1_GRAND_OUT = "本年支出合计", "年终结转结余", "支出总计"

# 表4 财政拨款收支总表
T4_IN, T4_OUT = "收入金额", "支出合计"
T4_INCOME = ("一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款")
T4_YEAR_INCOME, T4_CARRIED_IN, T4_GRAND_IN = "本年收入合计", "年初财政拨款结转和结余", "收入总计"
T4_CARRIED_BY_TYPE = tuple(f"年初结转:{k}" for k in T4_INCOME)
T4_YEAR_SPENDING, T4_CARRIED_OUT, T4_GRAND_OUT = "本年支出合计", "年末财政拨款结转和结余", "支出总计"
T4_TYPE_COLUMNS = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
T4_TYPE_TABLES = ("T5", "T7", "T8")

# 表9 三公
T9_TOTAL, T9_SUBTOTAL, T9_ABROAD, T9_CARS, T9_CAR_PURCHASE, T9_CAR_RUNNING, T9_RECEPTION = (
    "合计", "三公经费小计", "因公出国(境)费", "公务用车购置及运维费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
T9_COLUMNS = ("合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
