"""Regenerate src/budget_disclosure/data/subject_names_by_year.csv: the 科目 names as real published packages
print them, with the year each spelling was used (issue 21: names across years). Reads every PDF under
../shared/realworld/ (the six labelled packages and the unlabelled documents) with this tool's own reader
and keeps, for each 功能分类 and 经济分类 code printed in a 类-款-项 table, the name as printed and the
package's year; "documents" names them as shared/realworld does (rw01 … rw06 the labelled packages,
U01 … U15 the unlabelled documents). Run from the repository root:

    python scripts/build_subject_names.py ../shared/realworld
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

from budget_disclosure.batch import CheckOptions, check_one, document_year
from budget_disclosure.engine.codes import normalize_name
from budget_disclosure.xlio.open import open_book

OUT = Path(__file__).resolve().parents[1] / "src" / "budget_disclosure" / "data" / "subject_names_by_year.csv"


def documents(root: Path) -> list[tuple[Path, ...]]:
    """Each published package: one PDF, or its 说明 (-a) and 公开表 (-b)."""
    out = [tuple(sorted(d.glob("*.pdf"))) for d in sorted(root.iterdir()) if d.is_dir() and d.name[:2].isdigit()]
    loose = sorted((root / "unlabelled").glob("*.pdf"))
    pairs: dict[str, list[Path]] = defaultdict(list)
    for pdf in loose:
        pairs[pdf.stem.removesuffix("-a").removesuffix("-b")].append(pdf)
    return [d for d in out if d] + [tuple(v) for v in pairs.values()]


def main(root: Path) -> None:
    seen: dict[tuple[str, str, str], set] = defaultdict(set)  # (kind, code, name) → {(year, document)}
    for files in documents(root):
        tables = files[-1]
        options = CheckOptions(select=("BD4",), companions=((tables, files[0]),) if len(files) > 1 else ())
        outcome = check_one(tables, options, lambda p: open_book(p, for_reading_only=True))
        report = outcome.report
        if report is None:
            print(f"skipped {tables.name}: {outcome.error}", file=sys.stderr)
            continue
        year = document_year(report)
        for t in report.package.tables.values():
            if t.spec.kind not in ("hierarchy", "panels") or not t.spec.hierarchy:
                continue
            for code, row in t.rows.items():
                if code.isdigit() and row.label and len(row.label) <= 40:
                    document = f"U{tables.name[:2]}" if tables.parent.name == "unlabelled" else f"rw{tables.parent.name[:2]}"
                    seen[(t.spec.hierarchy, code, normalize_name(row.label))].add((year, document))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["kind", "code", "name", "years", "documents"])
        for (kind, code, name), uses in sorted(seen.items()):
            years = sorted({y for y, _ in uses if y})
            where = sorted({d for _, d in uses})
            out.writerow([kind, code, name, ";".join(map(str, years)), ";".join(where)])
    with open(OUT.with_name("subject_names_by_year.provenance.csv"), "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["document", "files (shared/realworld/; copied with their sha256 in tests/data/README.md)"])
        for files in documents(root):
            tables = files[-1]
            document = f"U{tables.name[:2]}" if tables.parent.name == "unlabelled" else f"rw{tables.parent.name[:2]}"
            out.writerow([document, " + ".join(str(p.relative_to(root)) for p in files)])
    print(f"{len(seen)} names written to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/realworld"))
