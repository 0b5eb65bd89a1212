"""Reports of a check: text grouped by table, JSON, and the rule book as text or Markdown."""

from __future__ import annotations

import json
from decimal import Decimal

from budget_disclosure.checking.findings import ERROR, ROUNDING, SEVERITY_EN, WARNING
from budget_disclosure.checking.registry import all_rules
from budget_disclosure.checking.service import CheckReport
from budget_disclosure.layout.families import EXTRA_TITLES, profile


def _json_value(value):
    if isinstance(value, Decimal):
        # two decimals where that is exact (万元 as printed); full precision otherwise (a 元 layout)
        return str(value.quantize(Decimal("0.01"))) if value == value.quantize(Decimal("0.01")) else str(value)
    return value


def _title(report: CheckReport, key: str) -> str:
    tables = profile(report.package.profile).tables
    return tables[key].title if key in tables else EXTRA_TITLES.get(key, "")


def coverage_lines(report: CheckReport) -> list[str]:
    """The profile with its evidence, then one line per table: read or not, cells, identities."""
    c = report.coverage
    if c is None:
        return []
    lines = [f"  {c.evidence}；已核对 {c.ratio} 项关系"]
    for t in c.tables:
        if not t.recognised:
            lines.append(f"    {t.title}：未找到")
            continue
        na = f"，{t.not_applicable} 项未核对" if t.not_applicable else ""
        lines.append(f"    {t.title}：读取 {t.cells} 格，核对 {t.evaluated} 项{na}")
    lines += [f"    {s}" for s in c.set_aside]
    return lines


def report_text(path: str, report: CheckReport) -> str:
    lines = [f"== {path}　{report.unit} {report.year or ''}　{report.verdict}"]
    lines += coverage_lines(report)
    if report.pages:
        read, total = report.pages
        lines.append(f"  读取 PDF {read}/{total} 页" + ("" if read == total else f"（{total - read} 页为图片，未读取）"))
    if report.coverage is not None:
        lines += [f"  {n}" for n in report.coverage.notes]
    if report.detail_problem:
        lines.append(f"  {report.detail_problem}")
    for note in report.notes:
        lines.append(f"  {note}")
    current = None
    for f in report.findings:
        if f.table != current:
            current = f.table
            lines.append(f"[{_title(report, f.table) or '整个公开包'}]")
        where = _where(f, f.marked) + ("（疑似出错）" if f.suspect is not None else "") if f.cells else "-"
        ack = f"（已说明：{f.acknowledged}）" if f.acknowledged else ""
        lines.append(f"  {f.severity} {f.rule} {where}：{f.message}{ack}")
        if f.severity == ERROR and f.related:
            lines.append(f"      相关：{'、'.join(_where(f, a) for a in f.related[:8])}{'等' if len(f.related) > 8 else ''}")
        if f.detail_note:
            lines.append(f"      {f.detail_note}")
    return "\n".join(lines)


def _where(finding, address) -> str:
    """A cell as the reader finds it: sheet!cell in a workbook; page and what is printed there in a PDF."""
    return finding.where.get(address) or str(address)


def _page_places(finding) -> list[dict]:
    return [{"cell": str(a), "where": finding.where.get(a, ""), "file": file, "page": page, "bbox": bbox}
            for a in finding.cells for file, page, bbox in finding.places.get(a, ())]


def report_dict(path: str, report: CheckReport) -> dict:
    return {
        "path": path,
        "unit": report.unit,
        "year": report.year,
        "verdict": report.verdict,
        "outcome": report.outcome,
        "passed": report.outcome == "通过",
        "profile": report.package.profile,
        "coverage": report.coverage.as_dict() if report.coverage else None,
        "has_detail": report.has_detail,
        "pages": {"read": report.pages[0], "total": report.pages[1]} if report.pages else None,
        "notes": ([report.detail_problem] if report.detail_problem else []) + report.notes,
        "findings": [
            {
                "rule": f.rule, "name": f.name, "severity": SEVERITY_EN[f.severity], "severity_zh": f.severity,
                "table": _title(report, f.table) if f.table else "",
                "sheet": f.marked.sheet if f.cells else "", "cell": f.marked.a1 if f.cells else "",
                "cells": [str(a) for a in f.cells], "suspect": str(f.suspect) if f.suspect else None,
                "related": [str(a) for a in f.related], "message": f.message,
                "expected": _json_value(f.expected), "actual": _json_value(f.actual),
                "difference": _json_value(f.difference), "detail": f.detail_note, "acknowledged": f.acknowledged,
                **({"where": _where(f, f.marked), "page": f.places[f.marked][0][1], "bbox": f.places[f.marked][0][2],
                    "places": _page_places(f)} if f.cells and f.marked in f.places else {}),
            }
            for f in report.findings
        ],
    }


def summary_dict(reports: list[dict]) -> dict:
    counts = {"error": 0, "warning": 0, "info": 0, "acknowledged": 0}
    for r in reports:
        for f in r.get("findings", []):
            counts[f["severity"]] += 1
            counts["acknowledged"] += bool(f["acknowledged"])
    return {"files": len(reports), "passed": sum(1 for r in reports if r.get("passed")),
            "failed": sum(1 for r in reports if r.get("outcome") == "不通过"),
            "incomplete": sum(1 for r in reports if r.get("outcome") == "无法完整校验"),
            "unusable": sum(1 for r in reports if "error" in r), **counts}


def rules_text() -> str:
    return "\n".join(f"{r.code}  {r.severity}  {r.name:<42} {r.title}" for r in all_rules())


def rules_markdown() -> str:
    out = ["# 规则手册 (rule book)", "",
           "Generated by `budget-disclosure rules --format md` from the rule registry; do not edit by hand.", "",
           f"Severities: {ERROR} (error, blocks export unless 出错说明 is given), {WARNING} (warning), "
           f"{ROUNDING} (info: a difference within the rounding of the printed figures).", "",
           "A printed total T of n printed items with |T − Σ| ≤ 0.005 × (number of non-blank printed cells involved) "
           "万元 is 尾差; a larger difference is an error. Blank cells are exact zeros.", "",
           f"**The {ERROR} contract.** A {ERROR} finding is two independent readings that disagree beyond rounding, "
           "both named: the cells (or the sentence and the table cells it restates, listed as 相关 and located on "
           "their page in a PDF) and the figures as printed. A rate, share, completion rate or change recomputed from "
           "printed figures is judged against the interval their rounding allows (engine/intervals.py) and the "
           f"message states that interval; what only rounding separates is {ROUNDING}. A figure whose table, column "
           "or line was not read — or whose table was recognised but not placed — is not checked and is counted in "
           f"the coverage, never taken as zero. The other {ERROR} rules state a required element verifiably absent or "
           "unreadable (a table, its 空表 note, a number that is not a number, a template instruction printed); "
           f"anything less certain is {WARNING}.", "",
           "Sources cited as 依据 (all public): 《中华人民共和国预算法》第十四条 (budgets, their explanations and "
           "the 三公 spending are published); 《地方预决算公开操作规程》 (财政部 财预〔2016〕143号: the tables, "
           "空表 notes, the 情况说明 and its explanation of changes, 项/款 level of detail); 财政部《政府收支分类科目》 "
           "(the code lists); the nine tables' own printed definitions (表式: a total row or column is the sum of its "
           "items; the same figure in two tables is equal); GovBudgetChecker (an open-source checker of these packages) "
           "for rule numbers such as BUD-T006.", "",
           "| code | name | severity | 规则 |", "|---|---|---|---|"]
    rules = all_rules()
    out += [f"| [{r.code}](#{r.code.lower()}) | `{r.name}` | {r.severity} | {r.title} |" for r in rules]
    for r in rules:
        out += ["", f"## {r.code}", "", f"`{r.name}` — {r.severity} — {r.title}", "", r.doc.replace("\n    ", "\n")]
    return "\n".join(out) + "\n"


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
