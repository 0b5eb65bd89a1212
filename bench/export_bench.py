"""Benchmark the full export of the reference package (not a test): prints seconds.

    python bench/export_bench.py [REPEATS]
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from budget_disclosure.cli import main


def run(repeats: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        x, y = Path(tmp) / "x.xlsx", Path(tmp) / "y.xlsx"
        with contextlib.redirect_stdout(io.StringIO()):
            main(["example", "-o", str(x)])
            main(["fill", str(x), "-o", str(y)])
        times = []
        for i in range(repeats):
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                assert main(["export", str(y), "-o", str(Path(tmp) / f"out{i}")]) == 0
            times.append(time.perf_counter() - t0)
    print(f"export of the reference package, {repeats} runs (in-process, after the first import):")
    print(f"  first {times[0]:.2f} s, median {statistics.median(times):.2f} s, min {min(times):.2f} s")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
