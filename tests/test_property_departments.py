"""Random departments: every cell of the nine tables against an expected value computed here,
independently of the engine's derivations, and zero 强制 from check on the department package,
on each unit package and across them (部门 = Σ 单位), and export not refused.

Seeded and reproducible. The default run takes a handful of departments; BD_PROPERTY_DEPARTMENTS=500
runs 500 (BD_PROPERTY_SEED picks another seed; BD_PROPERTY_SHARD=0/2 and 1/2 split the run over two
processes). A failure names the seed and department to replay.
"""

from __future__ import annotations

import csv
import io
import os
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources

import pytest

from budget_disclosure.checking.findings import ERROR
from budget_disclosure.checking.service import check_batch, check_book
from budget_disclosure.export.package import export_book
from budget_disclosure.fill import fill_book
from budget_disclosure.layout.inputs import DETAIL_FIRST_ROW, DETAIL_SHEET, INFO_FIELDS, INFO_SHEET
from budget_disclosure.layout.package_inputs import LAST_YEAR, REASONS
from budget_disclosure.layout.tables import EXPENDITURE_CLASSES, TABLE_BY_KEY
from budget_disclosure.xlio.tables_io import read_table_values
from budget_disclosure.xlio.template import build_template

DEPARTMENTS = int(os.environ.get("BD_PROPERTY_DEPARTMENTS", "2"))
SEED = int(os.environ.get("BD_PROPERTY_SEED", "20241"))
SHARD, SHARDS = map(int, os.environ.get("BD_PROPERTY_SHARD", "0/1").split("/"))  # split a long run over processes

# -- the vocabulary as the input sheet documents it (README), not taken from the engine --------
GENERAL, FUND, CAPITAL = "一般公共预算", "政府性基金预算", "国有资本经营预算"
FUNDS = {  # label → (财政拨款 type or None, carry-over, 收入总表 column)
    "一般公共预算拨款": (GENERAL, False, "财政拨款收入"), "政府性基金预算拨款": (FUND, False, "财政拨款收入"),
    "国有资本经营预算拨款": (CAPITAL, False, "财政拨款收入"), "财政专户管理资金": (None, False, "财政专户收入"),
    "事业收入": (None, False, "事业收入"), "经营收入": (None, False, "经营收入"),
    "上级补助收入": (None, False, "上级补助收入"), "附属单位上缴收入": (None, False, "附属单位上缴收入"),
    "其他收入": (None, False, "其他收入"),
    "上年结转（一般公共预算拨款）": (GENERAL, True, "上年结转"), "上年结转（政府性基金预算拨款）": (FUND, True, "上年结转"),
    "上年结转（国有资本经营预算拨款）": (CAPITAL, True, "上年结转"), "上年结转（单位资金）": (None, True, "上年结转"),
}
FUND_SPELLINGS = {"一般公共预算拨款": ["一般公共预算拨款", "一般公共预算"], "财政专户管理资金": ["财政专户管理资金", "财政专户"]}
KINDS = ("基本支出·人员经费", "基本支出·公用经费", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出")
T2_COLUMNS = ("合计", "小计", "财政拨款收入", "财政专户收入", "事业收入", "经营收入", "上级补助收入", "附属单位上缴收入",
              "其他收入", "上年结转")
T3_COLUMNS = ("合计", "基本支出", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出")
SANGONG = {"因公出国（境）费": ("30212",), "公务用车购置费": ("31013", "30913"), "公务用车运行维护费": ("30231",),
           "公务接待费": ("30217",)}


def _codes(name: str, digits: int) -> dict[str, str]:
    text = (resources.files("budget_disclosure") / "data" / name).read_text("utf-8")
    return {r["code"]: r["name"] for r in csv.DictReader(io.StringIO(text)) if len(r["code"]) == digits}


FUNCTIONAL = _codes("functional_classification.csv", 7)
FUNCTIONAL_PARENTS = {**_codes("functional_classification.csv", 3), **_codes("functional_classification.csv", 5)}
ITEMS = sorted(c for c in FUNCTIONAL if c[:5] in FUNCTIONAL_PARENTS and c[:3] in FUNCTIONAL_PARENTS)
ECONOMIC = _codes("economic_classification_department.csv", 5)
ECONOMIC_CLASSES = _codes("economic_classification_department.csv", 3)
SECTIONS = sorted(c for c in ECONOMIC if c[:3] in ECONOMIC_CLASSES)
SANGONG_CODES = [c for codes in SANGONG.values() for c in codes]


def wan(yuan: Decimal) -> Decimal:
    return (yuan / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# -- random departments ------------------------------------------------------------------------
def _amount(rng: random.Random) -> tuple[Decimal, object]:
    """(true 元, as typed): ordinary, sub-50 元, .50 ties at the 万元 rounding, cents; number or text."""
    pick = rng.random()
    if pick < 0.15:
        value = Decimal(rng.randint(1, 49))
    elif pick < 0.3:
        value = Decimal(rng.randint(1, 500) * 100 + 50)  # x.xx5 万元 exactly: rounds up
    elif pick < 0.5:
        value = Decimal(rng.randint(1, 3_000_000)) + Decimal(rng.randint(1, 99)) / 100
    else:
        value = Decimal(rng.randint(1, 500) * 1000)
    form = rng.random()
    if form < 0.2:
        return value, f"{value:,.2f}"
    if form < 0.4 and value == value.to_integral():
        return value, int(value)
    return value, float(value)


def _spelling(rng: random.Random, code: str) -> object:
    form = rng.random()
    if form < 0.15 and len(code) == 7:
        return f"{code[:3]} {code[3:5]} {code[5:]}"
    if form < 0.25 and len(code) == 7:
        return f"{code[:3]}-{code[3:5]}-{code[5:]}"
    if form < 0.4:
        return int(code)
    return code


def random_department(rng: random.Random, number: int) -> dict:
    code = f"9{number % 100:02d}"
    units = [(f"{code}{i:03d}", f"测试单位{number}-{i}") for i in range(1, rng.randint(3, 5) + 1)]
    projects = [(f"{code}P{i}", f"专项工作经费{i}") for i in range(1, 5)]  # names end in a digit
    lines = []
    for _ in range(rng.randint(25, 60)):
        fund = rng.choice(list(FUNDS))
        appropriation = FUNDS[fund][0]
        kind = rng.choice(KINDS[:3] if appropriation else KINDS)
        econ = rng.choice(SANGONG_CODES if rng.random() < 0.2 else SECTIONS)
        project = rng.choice(projects) if kind == "项目支出" else ("", "")
        value, typed = _amount(rng)
        func = rng.choice(ITEMS)
        lines.append(dict(unit=rng.choice(units), func=func, econ=econ, fund=fund, kind=kind, project=project,
                          value=value, typed=typed, func_typed=_spelling(rng, func),
                          fund_typed=rng.choice(FUND_SPELLINGS.get(fund, [fund]))))
    for fund in ("一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款", "事业收入"):  # 三公 in every funding kind
        value, typed = _amount(rng)
        econ = rng.choice(SANGONG_CODES)
        lines.append(dict(unit=units[0], func=rng.choice(ITEMS), econ=econ, fund=fund, kind="基本支出·公用经费",
                          project=("", ""), value=value, typed=typed, func_typed=econ and None, fund_typed=fund))
        lines[-1]["func_typed"] = lines[-1]["func"]
    last_year = None
    if rng.random() < 0.7:
        last_year = {k: Decimal(rng.randint(0, 500000)) / 100 for k in (1, 2, 3, 4, 5, 6)}
    return dict(code=code, name=f"测试部门{number}", units=units, lines=lines, last_year=last_year)


def build_book(dept: dict):
    book = build_template()
    info = {"code": dept["code"], "name": dept["name"], "year": 2025, "detail_unit": "元", "remark": None}
    book.write_block(INFO_SHEET, 2, 2, [[info.get(key)] for key, _ in INFO_FIELDS])
    rows = [[l["unit"][0], l["unit"][1], l["func_typed"], None, l["econ"], None, l["fund_typed"], l["kind"],
             l["project"][0] or None, l["project"][1] or None, l["typed"]] for l in dept["lines"]]
    book.write_block(DETAIL_SHEET, DETAIL_FIRST_ROW, 1, rows)
    if dept["last_year"]:
        values = dept["last_year"]
        book.write_block(LAST_YEAR.name, 2, 1, [[LAST_YEAR.columns[0], 2024]] + [
            [LAST_YEAR.columns[i], float(values[i])] for i in range(1, 7)])
        book.write_block(REASONS.name, 2, 1, [[k, "工作任务调整"] for k in REASONS.columns])
    return book


# -- the expected tables, computed here -----------------------------------------------------------
def _ancestors(code: str, levels: tuple[int, ...]) -> list[str]:
    return [code[:n] for n in levels if n <= len(code)]


def hierarchy(lines, key, columns, width: int, levels: tuple[int, ...]) -> list[tuple[str, list[Decimal]]]:
    """("", 合计) then every code with a non-zero column, in code order: exact 元 per column."""
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * width)
    total = [Decimal(0)] * width
    for line in lines:
        for column in columns(line):
            for node in _ancestors(key(line), levels):
                sums[node][column] += line["value"]
            total[column] += line["value"]
    codes = sorted(c for c, v in sums.items() if any(v))
    return [("", total)] + [(c, sums[c]) for c in codes] if codes else []


def expected_tables(lines) -> dict[str, list[list[Decimal | None]]]:
    """Amount cells of every row, as printed (万元, None for blank), keyed T1 … T9, plus row codes."""
    approp = lambda l: FUNDS[l["fund"]][0]  # noqa: E731
    carried = lambda l: FUNDS[l["fund"]][1]  # noqa: E731
    column = lambda l: FUNDS[l["fund"]][2]  # noqa: E731
    total = lambda keep: sum((l["value"] for l in lines if keep(l)), Decimal(0))  # noqa: E731
    blank = lambda v: None if v == 0 else wan(v)  # noqa: E731
    out: dict[str, object] = {}

    by_class = lambda keep: {c: total(lambda l, c=c: keep(l) and l["func"][:3] == c) for c, _ in EXPENDITURE_CLASSES if c}  # noqa: E731,E501
    unit_funds = ("事业收入", "经营收入", "上级补助收入", "附属单位上缴收入", "其他收入")
    current = lambda l: not carried(l)  # noqa: E731
    income = [total(lambda l, t=t: current(l) and approp(l) == t) for t in (GENERAL, FUND, CAPITAL)]
    income += [total(lambda l: current(l) and column(l) == "财政专户收入"),
               total(lambda l: current(l) and column(l) in unit_funds)]
    year_income, carry = total(current), total(carried)
    classes = by_class(lambda l: True)
    t1 = []
    for i, (code, _) in enumerate(EXPENDITURE_CLASSES):
        t1.append([blank(income[i]) if i < 5 else None, blank(classes.get(code, Decimal(0)) if code else Decimal(0))])
    t1 += [[blank(year_income), blank(total(lambda l: True))], [blank(carry), None],
           [blank(year_income + carry), blank(total(lambda l: True))]]
    out["T1"] = [("#%d" % i, r) for i, r in enumerate(t1)]

    def t2_columns(l):
        return (0, 9) if carried(l) else (0, 1, T2_COLUMNS.index(column(l)))
    out["T2"] = hierarchy(lines, lambda l: l["func"], t2_columns, 10, (3, 5, 7))
    kind_column = lambda l: T3_COLUMNS.index("基本支出" if l["kind"].startswith("基本支出") else l["kind"])  # noqa: E731
    out["T3"] = hierarchy(lines, lambda l: l["func"], lambda l: (0, kind_column(l)), 6, (3, 5, 7))

    funded = [l for l in lines if approp(l)]
    types = (GENERAL, FUND, CAPITAL)
    t4 = []
    for i, (code, _) in enumerate(EXPENDITURE_CLASSES):
        parts = [sum((l["value"] for l in funded if approp(l) == t and code and l["func"][:3] == code), Decimal(0))
                 for t in types]
        t4.append([blank(total(lambda l, t=types[i]: approp(l) == t and current(l))) if i < 3 else None,
                   *[blank(v) for v in [sum(parts, Decimal(0)), *parts]]])
    spent = [sum((l["value"] for l in funded if approp(l) == t), Decimal(0)) for t in types]
    spent_row = [blank(v) for v in [sum(spent, Decimal(0)), *spent]]
    year = total(lambda l: approp(l) and current(l))
    carried_by = [total(lambda l, t=t: approp(l) == t and carried(l)) for t in types]
    t4 += [[blank(year), *spent_row], [blank(sum(carried_by, Decimal(0))), None, None, None, None]]
    t4 += [[blank(v), None, None, None, None] for v in carried_by]
    t4 += [[blank(year + sum(carried_by, Decimal(0))), *spent_row]]
    out["T4"] = [("#%d" % i, r) for i, r in enumerate(t4)]

    basic_project = lambda l: (0, 1 if l["kind"].startswith("基本支出") else 2)  # noqa: E731
    for key, t in (("T5", GENERAL), ("T7", FUND), ("T8", CAPITAL)):
        out[key] = hierarchy([l for l in funded if approp(l) == t], lambda l: l["func"], basic_project, 3, (3, 5, 7))
    general_basic = [l for l in funded if approp(l) == GENERAL and l["kind"].startswith("基本支出")]
    out["T6"] = hierarchy(general_basic, lambda l: l["econ"],
                          lambda l: (0, 1 if l["kind"].endswith("人员经费") else 2), 3, (3, 5))

    def item(codes):
        parts = [sum((l["value"] for l in funded if approp(l) == t and l["econ"] in codes), Decimal(0)) for t in types]
        return [blank(v) for v in [sum(parts, Decimal(0)), *parts]]
    every = tuple(SANGONG_CODES)
    cars = SANGONG["公务用车购置费"] + SANGONG["公务用车运行维护费"]
    t9 = [item(every), item(every), item(SANGONG["因公出国（境）费"]), item(cars), item(SANGONG["公务用车购置费"]),
          item(SANGONG["公务用车运行维护费"]), item(SANGONG["公务接待费"])]
    out["T9"] = [("#%d" % i, r) for i, r in enumerate(t9)]
    for key in ("T2", "T3", "T5", "T6", "T7", "T8"):
        out[key] = [(code, [blank(v) if code or any(vs) else None for v in vs])
                    for code, vs in out[key] for vs in [vs]]
    return out


def _printed(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


def compare_tables(book, expected, where: str) -> int:
    """Assert every cell of the nine tables; returns how many cells were compared."""
    compared = 0
    for key, rows in expected.items():
        spec = TABLE_BY_KEY[key]
        written = read_table_values(book, spec)
        amount_cols = spec.amount_columns
        fixed = bool(spec.sides)
        empty = (not rows) if not fixed else not any(v for _, r in rows for v in r)
        body = written[:-1] if written and isinstance(written[-1][0], str) and written[-1][0].startswith("注") else written
        note = written[-1][0] if body is not written else None
        assert note == (spec.empty_note if empty else None), (where, key, note)
        assert len(body) == len(rows), (where, key, [r[1] for r in body], [c for c, _ in rows])
        for (code, values), got in zip(rows, body):
            if not fixed:
                assert (got[1] or "") == code, (where, key, got[1], code)
                if code:
                    names = FUNCTIONAL if len(code) == 7 else FUNCTIONAL_PARENTS if key != "T6" else None
                    if names is not None:
                        assert got[2] == names[code], (where, key, code, got[2])
                    else:
                        assert got[2] == {**ECONOMIC, **ECONOMIC_CLASSES}[code], (where, key, code, got[2])
            cells = [_printed(got[c + 1]) for c in amount_cols]
            assert cells == values, (where, key, code, cells, values)
            compared += len(cells)
    return compared


def _departments():
    rng = random.Random(SEED)
    departments = [(n, random_department(rng, n)) for n in range(DEPARTMENTS)]
    return [d for d in departments if d[0] % SHARDS == SHARD]


@pytest.mark.parametrize("number,dept", _departments(), ids=lambda v: f"dept{v}" if isinstance(v, int) else "")
def test_random_department_fills_right_and_passes_its_own_check(number, dept, tmp_path):
    where = f"seed {SEED}, department {number}"
    packages = [(None, dept["lines"])] + [(code, [l for l in dept["lines"] if l["unit"][0] == code])
                                          for code, _ in dept["units"]]
    reports, cells = [], 0
    for unit, lines in packages:
        if unit is not None and not lines:
            continue
        book = build_book(dept)
        fill_book(book, unit=unit)
        cells += compare_tables(book, expected_tables(lines), f"{where}, {unit or '部门'}")
        report = check_book(book)
        blocking = [(f.rule, str(f.marked), f.message) for f in report.findings if f.severity == ERROR]
        assert not blocking, (where, unit or "部门", blocking[:5])
        reports.append((unit or "部门", report))
        if unit is None and number == 0:
            export_book(book, tmp_path / "out")  # the department package is published, not refused
    check_batch(reports)  # 部门 = Σ 单位, cell by cell
    department = reports[0][1]
    assert not [f.message for f in department.findings if f.rule == "BD901" and f.severity == ERROR], where
    assert "BD901" in department.rules_run
    assert cells > 300
