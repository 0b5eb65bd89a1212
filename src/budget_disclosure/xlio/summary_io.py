"""The reviewer's summary of a batch check: a workbook (one row per package, every finding, a sheet
per rule with a bar chart) and the same as CSV. Written atomically through openpyxl."""

from __future__ import annotations

import csv
from pathlib import Path

from budget_disclosure.xlio.atomic import write_atomically
from budget_disclosure.xlio.cell_text import csv_safe

PACKAGE_HEADER = ("文件", "单位编码", "单位名称", "年度", "格式", "结论", "强制", "提示", "尾差", "已核对", "应核对", "主要问题",
                  "标记副本", "页数（已读/共）")
PACKAGE_KEYS = ("path", "code", "unit", "year", "profile", "outcome", "errors", "warnings", "rounding", "checked", "total",
                "first", "flagged", "pages")
FLAGGED_COLUMN = PACKAGE_KEYS.index("flagged") + 1
DIRECTORY_HEADER = ("部门", "单位", "公开包", "结论", "批复日期", "公开日期", "批复后公开")
FINDING_HEADER = ("文件", "单位", "规则", "级别", "表", "单元格", "问题", "已说明")
FINDING_KEYS = ("path", "unit", "rule", "severity", "table", "cell", "message", "acknowledged")
RULE_HEADER = ("规则", "名称", "级别", "出现的公开包数", "问题数")


def _widths(ws, widths) -> None:
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _header(ws, names) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    from budget_disclosure.xlio.openpyxl_port import put_row

    put_row(ws, 1, names)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"


def write_summary(target: Path, packages: list[dict], findings: list[dict], rules: list[dict],
                  directory: tuple[str, list[dict]] | None = None, comparisons: list[dict] = (),
                  gaps: list[dict] = ()) -> list[Path]:
    """汇总.xlsx with 汇总 / 问题清单 / 按规则 (and 公开情况 when a 单位名录 was given: its 公开率 line,
    then one row per unit; 与上年比较 / 决算与预算 for the documents compared across years, and 缺少年度),
    and 汇总.csv, 汇总.问题清单.csv beside it."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    from budget_disclosure.xlio.openpyxl_port import put_row

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    _header(ws, PACKAGE_HEADER)
    for r, p in enumerate(packages, 2):
        put_row(ws, r, [p.get(k) for k in PACKAGE_KEYS])
        if p.get("flagged"):
            cell = ws.cell(r, FLAGGED_COLUMN)
            cell.hyperlink, cell.font = p["flagged"], Font(color="0563C1", underline="single")
        if p.get("outcome") in ("不通过", "无法校验"):
            ws.cell(r, 6).font = Font(color="C00000", bold=True)
    ws.auto_filter.ref = f"A1:N{max(1, len(packages) + 1)}"
    _widths(ws, (40, 12, 28, 8, 10, 14, 6, 6, 6, 8, 8, 60, 30, 10))

    fs = wb.create_sheet("问题清单")
    _header(fs, FINDING_HEADER)
    for r, f in enumerate(findings, 2):
        put_row(fs, r, [f.get(k) for k in FINDING_KEYS])
        if f.get("link"):
            cell = fs.cell(r, 6)
            cell.hyperlink, cell.font = f["link"], Font(color="0563C1", underline="single")
    fs.auto_filter.ref = f"A1:H{max(1, len(findings) + 1)}"
    _widths(fs, (40, 28, 8, 6, 28, 22, 90, 20))

    rs = wb.create_sheet("按规则")
    _header(rs, RULE_HEADER)
    for r, rule in enumerate(rules, 2):
        put_row(rs, r, [rule["rule"], rule["title"], rule["severity"], rule["packages"], rule["findings"]])
    rs.auto_filter.ref = f"A1:E{max(1, len(rules) + 1)}"
    _widths(rs, (8, 50, 6, 14, 10))
    if rules:
        chart = BarChart()
        chart.type, chart.title = "bar", "各规则出现的公开包数"
        chart.y_axis.title, chart.x_axis.title = "公开包数", "规则"
        chart.add_data(Reference(rs, min_col=4, min_row=1, max_row=len(rules) + 1), titles_from_data=True)
        chart.set_categories(Reference(rs, min_col=1, min_row=2, max_row=len(rules) + 1))
        chart.height, chart.width = max(7, 0.6 * len(rules)), 18
        rs.add_chart(chart, "G2")

    if directory is not None:
        _directory_sheet(wb, *directory)
    _comparison_sheets(wb, comparisons, gaps)
    target = Path(target)
    write_atomically(target, lambda tmp: wb.save(tmp))
    written = [target]
    for name, header, rows, keys in (
            (target.with_suffix(".csv"), PACKAGE_HEADER, packages,
             PACKAGE_KEYS),
            (target.with_name(f"{target.stem}.问题清单.csv"), FINDING_HEADER, findings,
             FINDING_KEYS)):
        def write(tmp, header=header, rows=rows, keys=keys):
            with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
                out = csv.writer(f)
                out.writerow(header)
                out.writerows([[csv_safe(row.get(k)) for k in keys] for row in rows])
        write_atomically(name, write)
        written.append(name)
    return written


def _directory_sheet(wb, line: str, rows: list[dict]) -> None:
    """公开情况: the 公开率 line, then each unit of the 名录 with its package (or none) and timeliness."""
    from openpyxl.styles import Font

    from budget_disclosure.xlio.openpyxl_port import put_row

    ds = wb.create_sheet("公开情况")
    put_row(ds, 1, [line])
    ds.cell(1, 1).font = Font(bold=True)
    put_row(ds, 2, DIRECTORY_HEADER)
    for cell in ds[2]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, 3):
        put_row(ds, r, [row.get(k) for k in ("department", "unit", "package", "outcome", "approved", "published",
                                             "timeliness")])
        if not row.get("package") or row.get("late"):
            ds.cell(r, 3 if not row.get("package") else 7).font = Font(color="C00000", bold=True)
    ds.freeze_panes = "A3"
    ds.auto_filter.ref = f"A2:G{max(2, len(rows) + 2)}"
    _widths(ds, (28, 36, 50, 14, 12, 12, 18))


COMPARISON_HEADER = ("本年文件", "对照文件", "对照年度", "核对处数", "不符", "未核对（原因：处数）", "说明")
COMPARISON_SHEETS = {"上年": "与上年比较", "同年预算": "决算与预算"}


def _comparison_sheets(wb, comparisons: list[dict], gaps: list[dict]) -> None:
    """One sheet per kind of comparison across documents (a row per pair compared), and the units
    whose documents skip a year."""
    from budget_disclosure.xlio.openpyxl_port import put_row

    for kind, title in COMPARISON_SHEETS.items():
        rows = [c for c in comparisons if c["kind"] == kind]
        if not rows:
            continue
        ws = wb.create_sheet(title)
        _header(ws, COMPARISON_HEADER)
        for r, c in enumerate(rows, 2):
            skipped = "；".join(f"{why}：{n}" for why, n in c.get("not_compared", {}).items())
            put_row(ws, r, [c.get("this"), c["file"], c.get("year"), c.get("compared"), c.get("findings"), skipped,
                            c.get("problem", "")])
        ws.auto_filter.ref = f"A1:G{len(rows) + 1}"
        _widths(ws, (50, 50, 8, 8, 6, 60, 40))
    if gaps:
        ws = wb.create_sheet("缺少年度")
        _header(ws, ("单位", "文件种类", "已有年度", "缺少年度"))
        for r, g in enumerate(gaps, 2):
            put_row(ws, r, [g["unit"], g["kind"], "、".join(map(str, g["years"])), "、".join(map(str, g["missing"]))])
        _widths(ws, (40, 10, 30, 20))
