"""科目 paths as the 情况说明 writes them — "一般公共服务支出（类）统计信息事务（款）专项普查活动（项）",
"公共安全支出（204类）司法（06款）行政运行（01项）", "法院（款）行政运行（项）", "人大事务行政运行（项）",
"公共安全（类）" — resolved against the 功能分类 rows of the package's own tables (names as printed,
codes when the text gives them), and the precision a text figure is printed to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from budget_disclosure.checking.narrative_facts import SCALE
from budget_disclosure.engine.codes import normalize_name
from budget_disclosure.engine.intervals import Interval
from budget_disclosure.layout.lines import class_code

FUNCTIONAL_TABLES = ("T3", "T5", "X1", "T7", "T8", "T2")
ECONOMIC_TABLES = ("T6", "X2", "X3")
# a name may hold a bracketed word of its own (维修（护）费, 因公出国（境）费) before its level mark
_NAME = r"[^\s（()）“”\"，,。；;:：\d.．、][^\s（()）“”\"，,。；;:：\d.．]*?(?:[（(][^（()）类款项\d]{1,2}[）)][^\s（()）“”\"，,。；;:：\d.．]*?)?"
_SEGMENT = _NAME + r"[（(]\d{0,3}[类款项][）)]"
PATH = re.compile(rf"((?:{_SEGMENT}){{1,3}})")
_PART = re.compile(r"(" + _NAME.replace("\\s", "") + r")[（(](\d{0,3})([类款项])[）)]")


def decimals(number: str) -> int:
    return len(number.split(".", 1)[1]) if "." in number else 0


def printed_interval(number: str, unit: str = "万元") -> Interval:
    """The values a figure printed in the text stands for, in 万元: half its last digit either way."""
    return Interval.printed(Decimal(number.replace(",", "")), decimals(number)).scaled(SCALE[unit])


def rounding_range(computed: Interval, places: int, percent: bool = True) -> str:
    """How a message states the interval the printed figures allow."""
    return f"按印出数的舍入范围应在 {computed.shown(places)}{'%' if percent else ''} 之间"


def rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


_VARIANTS = str.maketrans({"它": "他"})  # 其它 / 其他: the same word


def same_name(a: str, b: str) -> bool:
    """Two 科目 names are the same, full-width or not, with or without a trailing 支出, 其它 for 其他."""
    x, y = normalize_name(a).translate(_VARIANTS), normalize_name(b).translate(_VARIANTS)
    return x == y or x.removesuffix("支出") == y.removesuffix("支出")


@dataclass
class Subject:
    text: str  # as written
    code: str | None  # resolved
    problem: str  # why it could not be resolved ("" when it was)
    start: int
    end: int
    economic: bool = False  # a path of the 经济分类 (its code is an economic one)


def functional_names(package) -> dict[str, str]:
    """code → name as the package's own 功能分类 tables print it."""
    return _names(package, FUNCTIONAL_TABLES, "functional")


def economic_names(package) -> dict[str, str]:
    """code → name as the package's own 经济分类 tables print it (基本支出表 by 类 and 款)."""
    return _names(package, ECONOMIC_TABLES, "economic")


def _names(package, keys: tuple[str, ...], hierarchy: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for key in keys:
        t = package.tables.get(key)
        if t is None or t.spec.kind not in ("hierarchy", "panels") or t.spec.hierarchy != hierarchy:
            continue
        for code, row in t.rows.items():
            if code and code.isdigit() and row.label:
                names.setdefault(code, row.label)
    return names


def _children(names: dict[str, str], parent: str, digits: int) -> dict[str, str]:
    return {c: n for c, n in names.items() if len(c) == digits and c.startswith(parent)}


def _by_name(candidates: dict[str, str], name: str) -> str | None:
    return next((c for c, n in candidates.items() if same_name(n, name)), None)


def _closest(pool: dict[str, str], name: str) -> tuple[str, str] | None:
    """The 科目 of the pool whose name is written nearly the same (a word swapped, 的 or 费 left out)."""
    from difflib import SequenceMatcher

    scored = [(SequenceMatcher(None, normalize_name(n), normalize_name(name)).ratio(), c, n) for c, n in pool.items()]
    best = max(scored, default=None)
    return (best[1], best[2]) if best is not None and best[0] >= 0.75 else None


def resolve(written: str, names: dict[str, str]) -> tuple[str | None, str]:
    """The code a written path stands for, or (None, why not). Economic paths ("工资福利支出（类）
    基本工资（款）") have 3- and 5-digit codes like the functional 类 and 款."""
    parts = _PART.findall(written)
    code = ""
    for name, digits, level in parts:
        name = name.strip()
        width = {"类": 3, "款": 5, "项": 7}[level]
        pool = _children(names, code, width) if code else {c: n for c, n in names.items() if len(c) == width}
        if digits:
            candidate = (code + digits) if code and len(digits) <= 2 else digits if len(digits) == 3 else None
            if candidate is None or candidate not in names:
                return None, f"“{name}（{digits}{level}）”在表中没有对应科目"
            if not same_name(names[candidate], name):
                old = class_code(name) == candidate
                why = "是调整前的类名称" if old else "与表中名称不符"
                return None, f"“{name}（{digits}{level}）”{why}：{candidate} 在表中为“{names[candidate]}”"
            code = candidate
            continue
        found = _by_name(pool, name)
        if found is None and "、" in name:  # "公诉、审判、侦查、执行等检察监督支出" is one name; "A、B（项）" two
            found = _by_name(pool, name.rsplit("、", 1)[1])
        if found is None and level == "项" and not code:
            # 款 name and 项 name written together: 人大事务行政运行（项）
            found = next((c for c, n in pool.items() for k in (c[:5],) if k in names
                          and same_name(names[k] + n, name)), None)
        if found is None and level == "类":
            old = class_code(name)
            if old and old in names:
                return None, f"“{name}（类）”是调整前的类名称：{old} 在表中为“{names[old]}”"
        if found is None:
            elsewhere = _by_name({c: n for c, n in names.items() if len(c) != width}, name)
            if elsewhere is not None:
                actual = {3: "类", 5: "款", 7: "项"}[len(elsewhere)]
                return None, f"“{name}（{level}）”在表中是{actual}（{elsewhere} {names[elsewhere]}），不是{level}"
            where = f"{code} {names.get(code, '')}下" if code else "表中"
            near = _closest(pool, name)
            if near is not None:
                return None, f"“{name}（{level}）”不在{where}，与表中“{near[1]}”（{near[0]}）相近：名称写得不对"
            shown = "；".join(n for n in list(pool.values())[:6])
            return None, f"“{name}（{level}）”不在{where}（{'有：' + shown if shown else '无此级科目'}）"
        code = found
    return (code or None), ""


_MARK = re.compile(r"[类款项][）)]")


def subjects(text: str, names: dict[str, str], economic: dict[str, str] | None = None) -> list[Subject]:
    """The 科目 paths the text writes, resolved: against the 功能分类 first; a path that is not a
    functional one but is an economic one (工资福利支出（类）基本工资（款）) against the 经济分类
    (``Subject.economic``); otherwise the functional reason is kept."""
    if not _MARK.search(text):
        return []
    out = []
    for m in PATH.finditer(text):
        code, problem = resolve(m.group(1), names)
        economic_code = None
        if code is None and economic:
            economic_code, _ = resolve(m.group(1), economic)
        if economic_code is not None:
            out.append(Subject(m.group(1), economic_code, "", m.start(1), m.end(1), economic=True))
        else:
            out.append(Subject(m.group(1), code, problem, m.start(1), m.end(1)))
    return out
