"""Benchmark fill on a synthetic department (not a test): prints figures, asserts nothing.

    python bench/fill_bench.py            # 50 units, 20,000 lines, then 100,000 lines

For each size it reports the engine alone (validate + derive, in memory) and the whole CLI fill
(open workbook, read, derive, write, atomic save).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from budget_disclosure.engine.codes import Classifications
from budget_disclosure.engine.derive import derive_all
from budget_disclosure.engine.detail import read_detail
from budget_disclosure.engine.vocab import EXPENDITURE_KINDS, FUND_SOURCES
from budget_disclosure.layout.inputs import DETAIL_FIRST_ROW, DETAIL_SHEET, INFO_FIELDS, INFO_SHEET
from budget_disclosure.xlio.inputs_io import read_raw_input
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from budget_disclosure.xlio.template import build_template


def synthetic_lines(n_lines: int, n_units: int, seed: int = 7) -> list[list[object]]:
    rng = random.Random(seed)
    codes = Classifications.bundled()
    func = [c for c in codes.functional.codes() if len(c) == 7]
    econ = [c for c in codes.economic.codes() if len(c) == 5]
    appropriation_kinds = [k for k in EXPENDITURE_KINDS if k.column in ("基本支出", "项目支出")]
    rows = []
    for i in range(n_lines):
        unit = rng.randrange(n_units)
        fund = rng.choice(FUND_SOURCES)
        kind = rng.choice(appropriation_kinds if fund.appropriation else EXPENDITURE_KINDS)
        f, e = rng.choice(func), rng.choice(econ)
        rows.append([f"9{unit:05d}", f"合成单位{unit}", f, codes.functional.name(f), e, codes.economic.name(e),
                     fund.label, kind.label, f"P{i % 997:05d}", f"项目{i % 997}", rng.randrange(100, 5_000_000) / 100])
    return rows


def make_workbook(path: Path, n_lines: int, n_units: int) -> None:
    book = build_template()
    info = {"code": "900", "name": "合成部门", "year": 2025, "detail_unit": "元", "remark": "benchmark"}
    book.write_block(INFO_SHEET, 2, 2, [[info.get(k)] for k, _ in INFO_FIELDS])
    book.write_block(DETAIL_SHEET, DETAIL_FIRST_ROW, 1, synthetic_lines(n_lines, n_units))
    book.save(path)


def measure(n_lines: int, n_units: int = 50) -> dict[str, float]:
    from budget_disclosure.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        make_workbook(path, n_lines, n_units)
        book = OpenpyxlBook.open(path)
        t0 = time.perf_counter()
        raw = read_raw_input(book)
        t1 = time.perf_counter()
        result = read_detail(raw, Classifications.bundled())
        tables = derive_all(result.detail, result.name_of)
        t2 = time.perf_counter()
        assert len(tables) == 9
        t3 = time.perf_counter()
        code = main(["fill", str(path), "-o", str(Path(tmp) / "out.xlsx")])
        t4 = time.perf_counter()
        assert code == 0
        return {"read_sheet_s": t1 - t0, "engine_s": t2 - t1, "cli_fill_s": t4 - t3,
                "file_mb": path.stat().st_size / 1e6}


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [20_000, 100_000]
    print(f"{'lines':>8} {'read sheet s':>12} {'engine s':>9} {'CLI fill s':>10} {'xlsx MB':>8}")
    for n in sizes:
        m = measure(n)
        print(f"{n:>8} {m['read_sheet_s']:>12.2f} {m['engine_s']:>9.3f} {m['cli_fill_s']:>10.2f} {m['file_mb']:>8.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
