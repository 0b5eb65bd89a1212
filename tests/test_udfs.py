"""UDFs as functions and through xlwings' own argument and return conversion (the Office.js
custom-functions path of xlwings Server, run in a child process with XLWINGS_ON_SERVER=true)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from budget_disclosure.example import example_rows
from budget_disclosure.layout.inputs import DETAIL_COLUMNS
from budget_disclosure.xl import udf_core

DETAIL = [[c.header for c in DETAIL_COLUMNS]] + example_rows()
T6_302_ITEMS = [8.46, 2.40, 54.38, 13.68, 65.81, 0.40, 2.70, 12.46, 3.11, 14.61, 10.78, 53.43, 79.54, 31.10]


def test_functions():
    assert udf_core.official_name("2010101") == "行政运行"
    assert udf_core.official_name(30213) == "维修（护）费"
    assert udf_core.official_name("2019999") == "（未核验）"
    # the year argument: the built-in list is 2024's; another year's name is said to be that list's
    assert udf_core.official_name("2010101", 2024) == udf_core.official_name("2010101", "2024年") == "行政运行"
    assert udf_core.official_name("2010101", 2019) == "行政运行（2024年科目表的名称，2019年未核验）"
    assert udf_core.foot(56.54, [None, 53.43, 3.11]) == ""
    assert udf_core.foot(352.85, T6_302_ITEMS) == "尾差 -0.01"
    assert udf_core.foot("1,291.05", ["1,291.00"]) == "差 0.05"
    tables = udf_core.tables_from_values(DETAIL)
    assert udf_core.amount(tables, "表3", "2010101", "合计") == 1291.0
    assert udf_core.amount(tables, "T6", "302", 3) == 352.85  # 栏次 3 = 合计
    assert udf_core.amount(tables, "三公", "三、公务接待费", "合计") == 3.11
    assert udf_core.amount(tables, "表5", "2010101", "项目支出") == ""
    rows = udf_core.table_rows(tables, "表7")
    assert rows == [["注：无政府基金预算财政拨款预算，空表列示。", "", "", "", "", ""]]
    assert udf_core.table_rows(tables, 6)[0][:5] == [1, "", "合计", 2145.22, 1792.37]


CHILD = r'''
import asyncio, json, sys
import xlwings as xw
from xlwings.server import custom_functions_call, custom_functions_meta
import budget_disclosure.xl.udfs as module
detail = json.loads(sys.argv[1])
def call(name, args):
    data = {"func_name": name, "args": args, "caller_address": "Sheet1!A1", "formula_name": "BD." + name,
            "version": xw.__version__, "runtime": "1.4", "culture_info_name": "zh-CN", "date_format": "yyyy/m/d",
            "client": "Office.js"}
    return asyncio.run(custom_functions_call(data, module))
print(json.dumps({
    "meta": [f["id"] for f in custom_functions_meta(module)["functions"]],
    "name": call("BD_NAME", [[["2010101"]], [[0]]]),
    "foot": call("BD_FOOT", [[[352.85]], [[v] for v in json.loads(sys.argv[2])]]),
    "amount": call("BD_AMOUNT", [[["表3"]], [["2010101"]], [["合计"]], detail]),
    "table": call("BD_TABLE", [[["表9"]], detail]),
}, ensure_ascii=False))
'''


def test_through_xlwings_conversion():
    # Office.js sends empty cells as 0: the detail range arrives that way.
    detail = [[0 if v is None else v for v in row] for row in DETAIL] + [[0] * len(DETAIL[0])] * 3
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(detail, ensure_ascii=False), json.dumps(T6_302_ITEMS)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["meta"] == ["BD_AMOUNT", "BD_FOOT", "BD_NAME", "BD_TABLE"]
    assert result["name"] == [["行政运行"]]
    assert result["foot"] == [["尾差 -0.01"]]
    assert result["amount"] == [[1291.0]]
    assert result["table"][0] == [1, "合计", 56.54, 56.54, "", ""] and len(result["table"]) == 7
