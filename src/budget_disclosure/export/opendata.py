"""CSV per table and a datapackage.json (Fiscal Data Package) for open-data portals.

The CSVs are UTF-8 with a byte-order mark: Excel on Chinese Windows opens a CSV without one in the
system code page (GBK) and garbles every character; with it, Excel, WPS, LibreOffice and data tools
(which strip the mark) all read the text right."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from budget_disclosure.export.printable import PrintTable
from budget_disclosure.layout.tables import AMOUNT, CODE, NAME
from budget_disclosure.xlio.cell_text import csv_safe

CSV_NAMES = {"T1": "t1_income_expenditure_summary", "T2": "t2_income", "T3": "t3_expenditure",
             "T4": "t4_appropriation_summary", "T5": "t5_general_budget", "T6": "t6_general_basic_economic",
             "T7": "t7_government_fund", "T8": "t8_state_capital", "T9": "t9_three_public"}


def csv_text(table: PrintTable) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["序号", *table.spec.names])
    for row in table.text_rows():
        writer.writerow([csv_safe(cell) for cell in row])
    return buf.getvalue()


def _field(name: str, kind: str, hierarchy: str) -> dict:
    field = {"name": name, "title": name, "type": "number" if kind == AMOUNT else "string"}
    if kind == AMOUNT:
        field.update({"columnType": "value", "unit": "万元", "decimalChar": "."})
    elif kind == CODE:
        field["columnType"] = f"{'functional' if hierarchy == 'functional' else 'economic'}-classification:generic:code"
    elif kind == NAME:
        field["columnType"] = f"{'functional' if hierarchy == 'functional' else 'economic'}-classification:generic:label"
    return field


def _direction(resource: str, field: str) -> str:
    """收入总表 is income throughout; the 收入 side of 收支总表 and 财政拨款收支总表 is income too."""
    return "revenue" if resource == CSV_NAMES["T2"] or field.startswith("收入") else "expenditure"


def write_open_data(tables: list[PrintTable], out_dir: Path, title: str, year: int | None) -> list[Path]:
    written = []
    resources = []
    for table in tables:
        name = CSV_NAMES[table.spec.key]
        path = out_dir / f"{name}.csv"
        path.write_text(csv_text(table), encoding="utf-8-sig")
        written.append(path)
        spec = table.spec
        fields = [{"name": "序号", "title": "序号", "type": "integer"}] + [
            _field(n, c.kind, spec.hierarchy) for n, c in zip(spec.names, spec.columns)]
        resources.append({"name": name, "title": spec.title, "path": path.name, "format": "csv", "encoding": "utf-8",
                          "schema": {"fields": fields}})
    measures = {f"{r['name']}:{f['name']}": {"source": f["name"], "resource": r["name"], "currency": "CNY",
                                              "factor": 10000, "direction": _direction(r["name"], f["name"])}
                for r in resources for f in r["schema"]["fields"] if f.get("columnType") == "value"}
    dimensions = {
        "functional-classification": {"dimensionType": "classification", "classificationType": "functional",
                                      "attributes": {"code": {"source": "科目编码"}, "label": {"source": "科目名称"}},
                                      "primaryKey": "code"},
        "economic-classification": {"dimensionType": "classification", "classificationType": "economic",
                                    "attributes": {"code": {"source": "科目编码"}, "label": {"source": "科目名称"}},
                                    "primaryKey": "code"},
    }
    package = {"profile": "fiscal-data-package", "name": "department-budget-disclosure", "title": title,
               "fiscalPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"} if year else {},
               "countryCode": "CN", "resources": resources, "model": {"measures": measures, "dimensions": dimensions}}
    path = out_dir / "datapackage.json"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    return written + [path]
