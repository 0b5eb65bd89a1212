"""A finance bureau's batch and the large packages, measured against issue 12's targets. Prints
figures and ratios measured in the same run; asserts nothing.

    python bench/batch_bench.py [--packages N] [--lines N ...]

Targets: a batch of example-sized packages at ≥ 50 packages/s on 2 cores (≤ 5× a bare calamine read
of the same files in one process); one `check y.xlsx`, whole process, ≤ 0.6× a bare
`openpyxl.load_workbook` of the same file (also a whole process); a 100k-line package checked in
≤ 5 s; a 20k-line department filled from the command line in ≤ 2 s; peak memory ≤ 300 MB at 100k.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

CLI = [sys.executable, "-m", "budget_disclosure"]


_MEASURED = ("import resource, runpy, sys; sys.argv = sys.argv[1:]; "
             "exec('try:\\n runpy.run_module(sys.argv[0], run_name=\"__main__\")\\nexcept SystemExit: pass'); "
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")


def _run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and the child's own peak memory (MB). ``args`` is [python, -m, module, …] or
    [python, -c, code]; the module form is run under a wrapper that reports its peak."""
    if args[1] == "-m":
        args = [args[0], "-c", _MEASURED, *args[2:]]
    t = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    lines = done.stderr.strip().splitlines()
    peak = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else float("nan")
    return wall, peak


def _bare_calamine(files: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
    return time.perf_counter() - t


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages", type=int, default=100)
    parser.add_argument("--lines", type=int, nargs="*", default=[20_000, 100_000])
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        example = tmp / "example.xlsx"
        subprocess.run([*CLI, "example", "-o", str(example), "-q"], check=True)
        filled = tmp / "filled.xlsx"
        subprocess.run([*CLI, "fill", str(example), "-o", str(filled), "-q"], check=True)
        folder = tmp / "batch"
        folder.mkdir()
        for i in range(args.packages):
            shutil.copy(filled, folder / f"p{i:04d}.xlsx")
        files = sorted(folder.iterdir())
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        batch_s, _ = _run([*CLI, "check", str(folder), "--jobs", "2", "-q"])
        bare_s = _bare_calamine(files)
        rate = args.packages / batch_s
        print(f"batch: {args.packages} packages, --jobs 2 on {cores} cores: {batch_s:.2f} s = {rate:.1f} packages/s "
              f"(target ≥ 50); bare calamine read {bare_s:.2f} s; ratio {batch_s / bare_s:.1f}× (target ≤ 5×)")

        check_s, check_mb = _run([*CLI, "check", str(filled), "-q"])
        load_s, _ = _run([sys.executable, "-c", f"import openpyxl; openpyxl.load_workbook({str(filled)!r})"])
        print(f"single check, whole process: {check_s:.2f} s ({check_mb:.0f} MB); bare openpyxl load, whole process: "
              f"{load_s:.2f} s; ratio {check_s / load_s:.2f} (target ≤ 0.6)")

        for lines in args.lines:
            source = tmp / f"d{lines}.xlsx"
            # built in a child: on Linux a child's peak memory starts from its parent's at the fork,
            # and building a 100k-line workbook here would make every measured peak look like it
            subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
                            "from fill_bench import make_workbook; make_workbook(Path(sys.argv[2]), int(sys.argv[3]), 50)",
                            str(Path(__file__).parent), str(source), str(lines)], check=True)
            out = tmp / f"d{lines}-filled.xlsx"
            fill_s, fill_mb = _run([*CLI, "fill", str(source), "-o", str(out), "-q"])
            check_s, check_mb = _run([*CLI, "check", str(out), "-q"])
            print(f"{lines} lines / 50 units: CLI fill {fill_s:.1f} s ({fill_mb:.0f} MB)"
                  + (f" (target ≤ 2 s at 20k, ratio {fill_s / 2:.2f})" if lines == 20_000 else "")
                  + f"; check {check_s:.1f} s ({check_mb:.0f} MB)"
                  + (f" (target ≤ 5 s at 100k, ratio {check_s / 5:.1f})" if lines == 100_000 else "")
                  + (f"; peak memory target ≤ 300 MB: fill {fill_mb / 300:.2f}, check {check_mb / 300:.2f}"
                     if lines == 100_000 else ""))
            if lines <= 20_000:
                _compare_fills(source, tmp, fill_s)


_WHOLE_BOOK_FILL = ("import sys; from pathlib import Path; from budget_disclosure.fill import fill_book; "
                    "from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook; "
                    "b = OpenpyxlBook.open(Path(sys.argv[1])); fill_book(b); b.save(Path(sys.argv[2]))")


def _compare_fills(source: Path, tmp: Path, fill_s: float) -> None:
    """The same fill through openpyxl over the whole workbook (what fill did before it carried the
    sheets it does not write), and the CLI fill of the workbook as an office suite saves it (shared
    strings, its own styles; LibreOffice stands in for Excel)."""
    whole_s, _ = _run([sys.executable, "-c", _WHOLE_BOOK_FILL, str(source), str(tmp / "whole.xlsx")])
    print(f"  whole-book openpyxl fill of the same file: {whole_s:.1f} s; "
          f"the CLI fill takes {fill_s / whole_s:.2f} of it")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return
    office = tmp / "office"
    subprocess.run([soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(office), str(source)],
                   capture_output=True, check=False, timeout=600)
    saved = office / source.name
    if saved.exists():
        office_s, office_mb = _run([*CLI, "fill", str(saved), "-o", str(tmp / "office-filled.xlsx"), "-q"])
        print(f"  CLI fill of the workbook as LibreOffice saves it: {office_s:.1f} s ({office_mb:.0f} MB) "
              f"(target ≤ 2 s, ratio {office_s / 2:.2f})")


if __name__ == "__main__":
    main(sys.argv[1:])
