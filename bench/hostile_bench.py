"""Time and peak memory of the CLI on hostile and large inputs (not a test): prints figures, one
process per run, measured in the same run. Targets (issue: messy and hostile workbooks): every
case within 60 s and 1 GiB; a bomb refused in under 2 s; a 20k-line package checked in ≤ 300 MB.

    python bench/hostile_bench.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from fill_bench import make_workbook  # noqa: E402

from budget_disclosure.example import build_example  # noqa: E402


# The process's own high-water mark (VmHWM, reset by exec; ru_maxrss is not, on Linux).
PEAK = ("import runpy, sys; sys.argv = ['budget-disclosure'] + sys.argv[1:]\n"
        "try:\n    runpy.run_module('budget_disclosure', run_name='__main__')\n"
        "finally:\n    print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')),"
        " file=sys.stderr)")


def run(args: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS in MiB, exit code) of one CLI process (it reports its own peak)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, *args, "-q"], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    return elapsed, peak_kib / 1024, done.returncode


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        example = tmp / "x.xlsx"
        build_example().save(example)
        filled = tmp / "y.xlsx"
        subprocess.run([sys.executable, "-m", "budget_disclosure", "fill", str(example), "-o", str(filled), "-q"],
                       check=True)
        from openpyxl import load_workbook
        wb = load_workbook(filled)
        wb["表3 支出总表"]["XFD1"] = "x"
        wb["预算明细"]["A1048576"] = "y"
        stray = tmp / "stray.xlsx"
        wb.save(stray)
        bomb = tmp / "bomb.xlsx"
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z, zipfile.ZipFile(filled) as src:
            for item in src.infolist():
                z.writestr(item.filename, src.read(item.filename))
            z.writestr("xl/sharedStrings2.xml", b"\0" * (1536 * 2**20))  # 1.5 GiB of XML in a few MB
        big = tmp / "big.xlsx"
        make_workbook(big, 20_000, 50)
        cases = [
            ("check filled example", ["check", str(filled)]),
            ("check stray XFD1 / A1048576", ["check", str(stray)]),
            ("fill stray XFD1 / A1048576", ["fill", str(stray), "-o", str(tmp / "s2.xlsx")]),
            (f"check bomb ({bomb.stat().st_size / 2**20:.1f} MB file, 1.5 GiB XML)", ["check", str(bomb)]),
            ("fill 20,000 lines", ["fill", str(big), "-o", str(tmp / "big2.xlsx")]),
            ("check 20,000 lines (filled)", ["check", str(tmp / "big2.xlsx")]),
        ]
        print(f"{'case':<48} {'seconds':>8} {'peak MiB':>9} {'exit':>5}")
        for name, args in cases:
            seconds, peak, code = run(args)
            print(f"{name:<48} {seconds:>8.2f} {peak:>9.0f} {code:>5}")


if __name__ == "__main__":
    main()
