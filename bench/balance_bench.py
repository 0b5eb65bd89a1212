"""舍位平衡 speed: the balancing step (identities from the rule book, the integer program, the tables
rewritten) on the reference example and on a synthetic 50-unit department. Prints figures only.

    python bench/balance_bench.py [LINES]      # default 20000 lines for the large department

Targets (issue 15): the example ≤ 0.5 s; a 50-unit, 20,000-line department ≤ 5 s. The one-off
import of scipy (HiGHS) is measured and printed apart: it is paid once per process.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def _timed(fn):
    t = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t


def main(argv: list[str]) -> None:
    lines = int(argv[0]) if argv else 20_000
    _, import_s = _timed(lambda: __import__("scipy.optimize"))
    from budget_disclosure.balancing import balance_tables
    from budget_disclosure.example import build_example
    from budget_disclosure.loading import derive_from_book
    from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
    from fill_bench import make_workbook

    with tempfile.TemporaryDirectory() as tmp:
        derived = derive_from_book(build_example())
        (_, result, _), example_s = _timed(lambda: balance_tables(derived.tables))
        big = Path(tmp) / "big.xlsx"
        make_workbook(big, lines, 50)
        derived_big, derive_s = _timed(lambda: derive_from_book(OpenpyxlBook.open(big)))
        (_, big_result, places), big_s = _timed(lambda: balance_tables(derived_big.tables))
    print(f"scipy import (once per process): {import_s:.2f} s")
    print(f"example: balance {example_s:.3f} s (target ≤ 0.5 s, ratio {example_s / 0.5:.2f}); "
          f"{len(result.moved)} cells moved, {len(result.residues)} residues")
    print(f"{lines} lines / 50 units: {len(places['exact'])} cells; read and derive {derive_s:.2f} s; "
          f"balance {big_s:.2f} s (target ≤ 5 s, ratio {big_s / 5:.2f}); {len(big_result.moved)} cells moved, "
          f"{len(big_result.residues)} residues")


if __name__ == "__main__":
    main(sys.argv[1:])
