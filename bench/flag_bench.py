"""Flags at scale (not a test): a 支出总表 of 20,000 rows, every row a finding and every row's label a
merged cell (as budget-system exports print them), checked plain and with --flag; prints both whole-process
times and their ratio, measured in one run.

    python bench/flag_bench.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook


def build(folder: Path, rows: int) -> Path:
    from budget_disclosure.cli import main

    example, filled = folder / "x.xlsx", folder / "y.xlsx"
    main(["example", "-o", str(example), "-q"])
    main(["fill", str(example), "-o", str(filled), "-q"])
    wb = load_workbook(filled)
    ws = wb["表3 支出总表"]
    top = ws.max_row + 1
    for i in range(rows):
        r = top + i
        ws.cell(r, 1, i + 100)
        ws.cell(r, 2, f"2019{i % 10}{i:05d}"[:7])  # 项 codes the code list does not know: a 提示 each
        ws.cell(r, 3, f"合成项目{i}")
        ws.cell(r, 4, 1.0)
        ws.cell(r, 5, 1.0)
        ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=3 + (i % 2))  # merged labels
    path = folder / "big.xlsx"
    wb.save(path)
    return path


def run(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "budget_disclosure", *args, "-q"], capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = build(folder, args.rows)
        plain = min(run("check", str(path)) for _ in range(2))
        copy = folder / "copy.xlsx"
        shutil.copy(path, copy)
        flagged = run("check", str(copy), "--flag", "-o", str(folder / "flagged.xlsx"))
        print(f"{args.rows:,} rows, each a finding, labels merged: check {plain:.2f} s, check --flag {flagged:.2f} s, "
              f"ratio {flagged / plain:.2f} (target ≤ 2)")


if __name__ == "__main__":
    main()
