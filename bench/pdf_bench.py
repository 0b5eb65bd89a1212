"""PDF check speed against the extractor's own floor (not a test): for each realworld PDF, the whole
`budget-disclosure check x.pdf` process against a whole process that only opens the file with
pdfplumber and extracts every page's tables (the floor: what reading the tables costs at least);
then a batch of 100 PDFs (the six realworld ones repeated) with `--jobs 2` against 100 × the floor's
median. Ratios in one run; CPU seconds of the children.

    python bench/pdf_bench.py [--batch 100] [--runs 3]

Targets (issue: the published PDF): a check ≤ 1.3 × the floor; the batch ≤ 0.7 × (floor × 100) on two cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "tests" / "data" / "realworld").glob("*/source.pdf"))
FLOOR = ("import sys, pdfplumber\n"
         "with pdfplumber.open(sys.argv[1]) as pdf:\n"
         "    for page in pdf.pages:\n"
         "        [t.extract() for t in page.find_tables()]\n")


def _timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'document':<40} {'floor s':>8} {'check s':>8} {'ratio':>6}   (CPU seconds, median of {args.runs})")
    floors, ratios = [], []
    for pdf in CASES:
        floor = statistics.median(_timed([sys.executable, "-c", FLOOR, str(pdf)])[1] for _ in range(args.runs))
        check = statistics.median(_timed([sys.executable, "-m", "budget_disclosure", "check", str(pdf), "-q"])[1]
                                  for _ in range(args.runs))
        floors.append(floor)
        ratios.append(check / floor)
        print(f"{pdf.parent.name:<40} {floor:8.2f} {check:8.2f} {check / floor:6.2f}")
    print(f"{'median':<40} {statistics.median(floors):8.2f} {'':>8} {statistics.median(ratios):6.2f}   target ≤ 1.3")
    folder = Path(tempfile.mkdtemp(prefix="bd-pdf-batch-"))
    try:
        for n in range(args.batch):
            pdf = CASES[n % len(CASES)]
            target = folder / f"{n:03d}" / pdf.name
            target.parent.mkdir()
            shutil.copy(pdf, target)
        mean_floor = sum(floors) / len(floors)
        wall, cpu = _timed([sys.executable, "-m", "budget_disclosure", "check", str(folder), "-q", "--jobs", "2"])
        floor_total = mean_floor * args.batch
        print(f"batch of {args.batch} PDFs, --jobs 2: {wall:.1f} s wall, {cpu:.1f} s CPU; "
              f"floor × {args.batch} = {floor_total:.1f} s; wall ÷ floor = {wall / floor_total:.2f} (target ≤ 0.7) "
              f"on {os.cpu_count()} cores")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
