"""Count what the ribbon macros ask of Excel (not a test): reads per sheet (port calls) and the
actions per sheet the remote engine returns, for the check and fill macros on the example; the
calls into desktop Excel per sheet when flagging (tests/desktop_fake.py counts them); and the size
of the request Excel on the web sends for a 20,000-line department, with and without its 预算明细.

    XLWINGS_LICENSE_KEY=noncommercial python bench/macro_actions.py [--lines 20000]
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


def desktop_calls(path: Path, mutate: list[str]) -> None:
    """Calls into desktop Excel per sheet for a check that flags ``len(mutate)`` wrong amounts of 表3."""
    from openpyxl import load_workbook

    from desktop_fake import FakeDesktopBook

    wb = load_workbook(path, data_only=True)
    for address in mutate:
        wb["表3 支出总表"][address].value = (wb["表3 支出总表"][address].value or 0) + 0.05
    book = FakeDesktopBook({ws.title: {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
                                       if c.value is not None} for ws in wb.worksheets})
    macros.check(book)
    marked = sum(len(s.notes) for s in book.sheets)
    print(f"\ndesktop check, {len(mutate)} amounts wrong: {marked} cells flagged with a note; calls into Excel per "
          f"sheet: " + ", ".join(f"{k} {v}" for k, v in book.calls.most_common(6))
          + f"; cells noted per call of the VBA helper: {marked / max(book.kinds['run BDSetNotes'], 1):.1f}")


def request_sizes(lines: int, tmp: Path) -> None:
    """The JSON Office.js sends for a filled department of ``lines`` 预算明细 lines."""
    import json
    import subprocess

    from budget_disclosure.layout.inputs import DETAIL_SHEET

    source, filled = tmp / "d.xlsx", tmp / "d-filled.xlsx"
    subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
                    "from fill_bench import make_workbook; make_workbook(Path(sys.argv[2]), int(sys.argv[3]), 50)",
                    str(Path(__file__).parent), str(source), str(lines)], check=True)
    main(["fill", str(source), "-o", str(filled), "-q"])
    whole = len(json.dumps(book_json(filled), ensure_ascii=False).encode())
    without = len(json.dumps(book_json(filled, exclude=("使用说明", DETAIL_SHEET)), ensure_ascii=False).encode())
    print(f"\nrequest of a {lines:,}-line department: whole book {whole / 1e6:.2f} MB (fill and export send this; "
          f"Excel on the web's limit 5 MB, sent up to {macros.WEB_MAX_DETAIL_ROWS:,} lines); check without the "
          f"预算明细 {without / 1e6:.2f} MB (target ≤ 2 MB, ratio {without / 2e6:.2f}; the check sends the 预算明细 "
          f"only up to {macros.CHECK_MAX_DETAIL_ROWS:,} lines, {macros.CHECK_MAX_DETAIL_ROWS * macros.DETAIL_LINE_BYTES / 1e6 + macros.PACKAGE_BYTES / 1e6:.2f} MB)")


def run(argv: list[str]) -> None:
    lines = int(argv[argv.index("--lines") + 1]) if "--lines" in argv else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        x, y = Path(tmp) / "x.xlsx", Path(tmp) / "y.xlsx"
        import contextlib
        import io
        with contextlib.redirect_stdout(io.StringIO()):
            main(["example", "-o", str(x)])
            main(["fill", str(x), "-o", str(y)])
        measure(x, macros.fill)
        measure(y, macros.check)
        desktop_calls(y, ["D9"])
        desktop_calls(y, ["D9", "D10", "D11", "D12", "E9", "E10", "E11", "E12"])
        if lines:
            request_sizes(lines, Path(tmp))


if __name__ == "__main__":
    run(sys.argv[1:])
