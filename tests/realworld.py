"""Workbooks built from the realworld packages (tests/data/realworld/*/tables.json) the way such a
package reaches a reviewer: one sheet per table with its title, the 编制单位 / 单位 line, the real
header nesting (a merged group header printed once, over the blanks of its span), amounts as
printed (text with thousands separators) or as numbers, 合计 where the table prints it (or moved
first / last), the table's note below it, and the 情况说明 as a sheet or a .docx."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from conftest import DATA

CASES = {p.name[:2]: p for p in sorted((DATA / "realworld").iterdir()) if p.is_dir()}
BUDGET_CASES = ("01", "02", "04", "05", "06")
ALL_CASES = ("01", "02", "03", "04", "05", "06")  # 03 is a 决算
_NUMBER = re.compile(r"^-?[\d,]+(?:\.\d+)?$")


def load(case: str) -> dict:
    return json.loads((CASES[case] / "tables.json").read_text("utf-8")) | {"case": case}


def _header_rows(columns: list[str]) -> list[list[str | None]]:
    paths = [c.split("-") for c in columns]
    paths = [[part.split("#")[0] if part.endswith(("#2", "#3")) else part for part in p] for p in paths]
    # "项目名称#2" right after "项目名称": the second, unnamed level of one label column; "决算数#2" in a
    # second panel is printed with its own header
    unnamed = [c.endswith("#2") and "-" not in c and i > 0 and columns[i - 1] == c[:-2] for i, c in enumerate(columns)]
    depth = max(len(p) for p in paths)
    rows: list[list[str | None]] = [[None] * len(paths) for _ in range(depth)]
    for c, path in enumerate(paths):
        if unnamed[c]:  # the second, unnamed level of a merged label column
            continue
        for level, part in enumerate(path):
            same_group = c > 0 and not unnamed[c - 1] and paths[c - 1][:level + 1] == path[:level + 1] and level < len(path) - 1
            rows[level][c] = None if same_group else part
    return rows


def _amount(text: str, as_numbers: bool) -> object:
    if not text:
        return None
    if as_numbers and _NUMBER.match(text):
        value = Decimal(text.replace(",", ""))
        return int(value) if value == value.to_integral() and "." not in text else float(value)
    return text


def _is_total(row: list[str]) -> bool:
    return any(cell.replace(" ", "") in ("合计", "总计") for cell in row)


def build(case: str, path: Path, *, as_numbers: bool = False, total: str = "as printed", one_sheet: bool = False,
          statement: str = "sheet", disguise: bool = False) -> Path:
    """statement: "sheet" (one paragraph per row), "typed" (类型 | 内容), "columns" (序号 | 内容 | 备注),
    "none"; a .docx is written by ``statement_docx``. ``disguise``: the package as another province might
    lay out the same tables (``disguised``)."""
    data = load(case)
    if disguise:
        data = disguised(data)
    wb = Workbook()
    wb.remove(wb.active)
    ws = None
    r = 1
    for n, (title, table) in enumerate(data["tables"].items(), 1):
        if ws is None or not one_sheet:
            ws = wb.create_sheet(f"表{n}")
            r = 1
        width = max(len(table["columns"]), 3)
        ws.cell(r, 1, title)
        ws.cell(r + 1, 1, f"编制单位：{data['entity']}")
        ws.cell(r + 1, width, f"单位：{table.get('unit', data['unit'])}")
        r += 2
        for header in _header_rows(table["columns"]):
            for c, text in enumerate(header, 1):
                ws.cell(r, c, text)
            r += 1
        rows = list(table["rows"])
        if total != "as printed" and len(rows) > 1:
            totals = [row for row in rows if _is_total(row) and not any(ch in "".join(row) for ch in "收支")]
            body = [row for row in rows if row not in totals]
            rows = totals + body if total == "first" else body + totals
        codes = {i for i, name in enumerate(table["columns"]) if name.split("-")[-1] in ("类", "款", "项")
                 or "编码" in name or "代码" in name}
        for row in rows:
            for c, text in enumerate(row, 1):
                amount = (c - 1) not in codes and _NUMBER.match(text or "x")
                ws.cell(r, c, _amount(text, as_numbers) if amount else (text or None))
            r += 1
        if table.get("note") and table["note"].startswith(("注", "(", "（")):
            ws.cell(r, 1, table["note"])
            r += 1
        r += 2
    if statement != "none":
        _statement_sheet(wb, data, statement)
    wb.save(path)
    return path


_REWORDED = (("预算总表", "预算汇总表"), ("决算总表", "决算汇总表"), ("支出表", "支出情况表"))
# header words other packages use for the same column (科目名称 without its 功能分类 prefix, 金额 for 预算数)
_RENAMED = {"功能分类科目名称": "科目名称", "经济分类科目名称": "科目名称", "功能分类科目编码": "科目编码",
            "经济分类科目编码": "科目编码", "预算数": "金额", "科目代码": "科目编码"}


def _sibling_amounts(columns: list[str]) -> tuple[int, int] | None:
    """The last two columns that are amounts under one parent header (基本支出 | 项目支出), to swap."""
    for i in range(len(columns) - 1, 0, -1):
        a, b = columns[i - 1].split("-"), columns[i].split("-")
        names = {a[-1], b[-1]}
        if len(a) == len(b) and a[:-1] == b[:-1] and not names & {"类", "款", "项", "科目编码", "科目名称", "项目", "合计"} \
                and not any("名称" in n or "编码" in n or "代码" in n for n in names):
            return i - 1, i
    return None


def disguised(data: dict) -> dict:
    """The same package as another province's office might print it: titles reworded (预算总表 → 预算汇总表,
    支出表 → 支出情况表), headers renamed within the words real packages use (科目名称, 科目编码, 金额), in
    each table the last two sibling amount columns swapped (data with them), and the 合计 row moved last. What was read must not change: same findings, same coverage."""
    tables = {}
    for title, table in data["tables"].items():
        for old, new in _REWORDED:
            title = title.replace(old, new)
        table = dict(table)
        table["columns"] = ["-".join(_RENAMED.get(part, part) for part in c.split("-")) for c in table["columns"]]
        swap = _sibling_amounts(table["columns"])
        if swap is not None:
            i, j = swap
            columns = list(table["columns"])
            columns[i], columns[j] = columns[j], columns[i]
            rows = []
            for row in table["rows"]:
                row = list(row) + [""] * (len(columns) - len(row))
                row[i], row[j] = row[j], row[i]
                rows.append(row)
            table["columns"], table["rows"] = columns, rows
        tables[title] = table
    return data | {"tables": tables}


_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(?\d+[)）]|\d+\s*[、.．])")


def paragraphs(case: str) -> list[str]:
    """The 情况说明 sentences joined into paragraphs as printed: a new paragraph where a sentence
    starts with a heading or list number (一、 （一） 1、 1．)."""
    out: list[str] = []
    for f in load(case)["text_figures"]:
        sentence = f["sentence"]
        if out and not _HEADING.match(sentence):
            out[-1] += sentence
        else:
            out.append(sentence)
    return out


def _statement_sheet(wb, data: dict, layout: str) -> None:
    ws = wb.create_sheet("情况说明" if layout != "sheet" else "部门预算编制说明")
    texts = [f"{data['entity']}{data['year']}年部门预算编制说明"] + paragraphs(data["case"])
    for r, text in enumerate(texts, 1):
        if layout == "typed":
            if r == 1:
                ws.cell(1, 1, "类型")
                ws.cell(1, 2, "内容")
            ws.cell(r + 1, 1, "段落")
            ws.cell(r + 1, 2, text)
        elif layout == "columns":
            ws.cell(r, 1, r)
            ws.cell(r, 2, text)
            ws.cell(r, 3, "")
        else:
            ws.cell(r, 1, text)


def statement_docx(case: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    data = load(case)
    document.add_heading(f"{data['entity']}{data['year']}年部门预算编制说明", 1)
    for text in paragraphs(case):
        document.add_paragraph(text)
    document.save(str(path))
    return path
