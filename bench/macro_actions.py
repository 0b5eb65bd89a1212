"""Count what the ribbon macros ask of Excel (not a test): reads per sheet (port calls) and the
actions per sheet the remote engine returns, for the check and fill macros on the example.

    XLWINGS_LICENSE_KEY=noncommercial python bench/macro_actions.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from remote import book_json  # noqa: E402

import xlwings as xw  # noqa: E402

from budget_disclosure.cli import main  # noqa: E402
from budget_disclosure.xl import macros  # noqa: E402
from budget_disclosure.xlio.xlwings_port import XlwingsBook  # noqa: E402


def measure(path: Path, macro) -> None:
    reads: Counter = Counter()
    original = XlwingsBook.read_block

    def counting(self, sheet, *args):
        reads[sheet] += 1
        return original(self, sheet, *args)

    XlwingsBook.read_block = counting
    try:
        book = xw.Book(json=book_json(path))
        t0 = time.perf_counter()
        macro(book)
        elapsed = time.perf_counter() - t0
        actions = book.json()["actions"]
    finally:
        XlwingsBook.read_block = original
    names = [s["name"] for s in book_json(path)["sheets"]]
    per_sheet: dict[str, Counter] = defaultdict(Counter)
    for a in actions:
        position = a.get("sheet_position")
        sheet = names[position] if position is not None and position < len(names) else "(新工作表/工作簿)"
        per_sheet[sheet][a["func"]] += 1
    print(f"\n{macro.__name__}: {len(actions)} actions, {elapsed:.2f} s in Python; max reads per sheet "
          f"{max(reads.values())}")
    print(f"  {'sheet':<28} {'reads':>5} {'actions':>7}  kinds")
    for sheet in dict.fromkeys([*reads, *per_sheet]):
        kinds = ", ".join(f"{k} {v}" for k, v in per_sheet[sheet].most_common())
        print(f"  {sheet:<28} {reads[sheet]:>5} {sum(per_sheet[sheet].values()):>7}  {kinds}")


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        x, y = Path(tmp) / "x.xlsx", Path(tmp) / "y.xlsx"
        import contextlib
        import io
        with contextlib.redirect_stdout(io.StringIO()):
            main(["example", "-o", str(x)])
            main(["fill", str(x), "-o", str(y)])
        measure(x, macros.fill)
        measure(y, macros.check)


if __name__ == "__main__":
    run()
