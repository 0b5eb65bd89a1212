"""Row keys of the fixed-row tables, by meaning (positions in the layout specs)."""

from budget_disclosure.layout.tables import EXPENDITURE_CLASSES

CLASS_ROWS = {code: f"#{i}" for i, (code, _) in enumerate(EXPENDITURE_CLASSES) if code}
N_CLASSES = len(EXPENDITURE_CLASSES)

# 表1 收支总表: columns 1 = 收入预算数, 3 = 支出预算数
T1_INCOME = {"一般公共预算": "#0", "政府性基金": "#1", "国有资本经营": "#2", "财政专户": "#3", "单位资金": "#4"}
T1_YEAR_TOTAL, T1_CARRIED, T1_GRAND = f"#{N_CLASSES}", f"#{N_CLASSES + 1}", f"#{N_CLASSES + 2}"

# 表4 财政拨款收支总表: column 1 = 收入金额; 3 合计, 4 一般公共, 5 政府性基金, 6 国有资本经营
T4_INCOME = ("#0", "#1", "#2")
T4_YEAR_TOTAL, T4_CARRIED = f"#{N_CLASSES}", f"#{N_CLASSES + 1}"
T4_CARRIED_BY_TYPE = tuple(f"#{N_CLASSES + 2 + i}" for i in range(3))
T4_GRAND = f"#{N_CLASSES + 5}"
T4_TYPE_COLUMNS = (4, 5, 6)
T4_TYPE_TABLES = ("T5", "T7", "T8")

# 表9 三公: columns 1 合计, 2 一般公共, 3 政府性基金, 4 国有资本经营
T9_TOTAL, T9_SUBTOTAL, T9_ABROAD, T9_CARS, T9_CAR_PURCHASE, T9_CAR_RUNNING, T9_RECEPTION = (
    "#0", "#1", "#2", "#3", "#4", "#5", "#6")
T9_COLUMNS = (1, 2, 3, 4)
