"""A stand-in for desktop Excel behind xlwings (no Excel runs here), for counting what the ribbon's
flags ask of it: every call into Excel — a range's property read or set, a sheet or workbook
operation, an Application.Run of the add-in's VBA helpers — is counted, per sheet. The helpers
(BDGetMarks, BDSetNotes, BDAnchors in addin/RibbonBudget.bas) are played by Python here, so the
counts and the result are those of the Python side; the VBA itself needs an Excel to run."""

from __future__ import annotations

from collections import Counter

from openpyxl.utils.cell import coordinate_from_string, column_index_from_string, get_column_letter


def _cell(address: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(address.replace("$", ""))
    return row, column_index_from_string(letters)


def _cells(address: str):
    for part in address.split(","):
        if not any(ch.isdigit() for ch in part):  # whole columns ("A:A"): sized, never read
            yield 1, column_index_from_string(part.split(":")[0].replace("$", ""))
            continue
        first, _, last = part.partition(":")
        (r1, c1), (r2, c2) = _cell(first), _cell(last or first)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                yield r, c


class _Range:
    def __init__(self, sheet: "FakeSheet", cells: list[tuple[int, int]]):
        object.__setattr__(self, "_sheet", sheet)
        object.__setattr__(self, "_list", cells)

    def __setattr__(self, name, value):
        self._sheet.count(f"set {name}")
        if name == "color":
            for cell in self._list:
                self._sheet.fills[cell] = value
        elif name in ("value", "formula"):
            r0, c0 = self._list[0]
            for i, row in enumerate(value if isinstance(value, list) else [[value]]):
                for j, v in enumerate(row if isinstance(row, list) else [row]):
                    self._sheet.values[(r0 + i, c0 + j)] = v

    def __getattr__(self, name):
        self._sheet.count(f"get {name}")
        if name in ("font", "borders"):
            return _Sink(self._sheet)
        if name == "options":
            return lambda **kw: self
        if name == "value":
            rows = sorted({r for r, _ in self._list})
            cols = sorted({c for _, c in self._list})
            return [[self._sheet.values.get((r, c)) for c in cols] for r in rows]
        if name == "color":
            return self._sheet.fills.get(self._list[0])
        raise AttributeError(name)


class _Sink:
    def __init__(self, sheet):
        object.__setattr__(self, "_sheet", sheet)

    def __setattr__(self, name, value):
        self._sheet.count(f"set {name}")


class FakeSheet:
    def __init__(self, book: "FakeDesktopBook", name: str, values: dict | None = None):
        self.book, self.name = book, name
        self.values: dict = dict(values or {})
        self.fills: dict = {}
        self.notes: dict = {}
        self.api = _Sink(self)

    def count(self, what: str) -> None:
        self.book.calls[self.name] += 1
        self.book.kinds[what] += 1

    def range(self, first, last=None):
        if isinstance(first, tuple):
            last = last or first
            cells = [(r, c) for r in range(first[0], last[0] + 1) for c in range(first[1], last[1] + 1)]
        elif ":" in first and first.split(":")[0].isdigit():  # whole rows / columns: sized once
            cells = [(int(first.split(":")[0]), 1)]
        else:
            cells = list(_cells(first))
        return _Range(self, cells)

    @property
    def used_range(self):
        self.count("get used_range")
        cells = [k for k, v in self.values.items() if v not in (None, "")] or [(1, 1)]
        last = max(r for r, _ in cells), max(c for _, c in cells)
        rng = _Range(self, [(r, c) for r in range(1, last[0] + 1) for c in range(1, last[1] + 1)])
        object.__setattr__(rng, "last_cell", type("Last", (), {"row": last[0], "column": last[1]}))
        return rng

    def delete(self):
        self.count("delete")
        self.book._sheets.remove(self)


class _Sheets:
    def __init__(self, book):
        self.book = book

    def __iter__(self):
        return iter(list(self.book._sheets))

    def __len__(self):
        return len(self.book._sheets)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.book._sheets[key]
        return next(s for s in self.book._sheets if s.name == key)

    def add(self, name, after=None):
        sheet = FakeSheet(self.book, name)
        sheet.count("add sheet")
        self.book._sheets.append(sheet)
        return sheet


class FakeDesktopBook:
    """``FakeDesktopBook({sheet: {(row, col): value}})``; ``calls`` counts calls per sheet."""

    def __init__(self, grids: dict[str, dict]):
        self.name = "部门.xlsx"
        self.calls: Counter = Counter()
        self.kinds: Counter = Counter()
        self._sheets = [FakeSheet(self, name, grid) for name, grid in grids.items()]
        self.sheets = _Sheets(self)
        book = self

        class App:
            engine = type("Engine", (), {"name": "excel"})

            @staticmethod
            def macro(name):
                return lambda *args: book._helper(name, *args)

            @staticmethod
            def alert(*args, **kwargs):
                pass

        self.app = App()

    def _helper(self, name: str, book_name: str, sheet_name: str, addresses: str, texts: str = ""):
        sheet = self.sheets[sheet_name]
        sheet.count(f"run {name}")
        cells = [_cell(a) for a in addresses.split(";")]
        if name == "BDGetMarks":
            return tuple((("solid:" + sheet.fills[c].lstrip("#").upper()) if sheet.fills.get(c) else "none",
                          sheet.notes.get(c, "")) for c in cells)
        if name == "BDSetNotes":
            for cell, text in zip(cells, texts.split("\x1f")):
                sheet.notes.pop(cell, None)
                if text:
                    sheet.notes[cell] = text
            return None
        if name == "BDAnchors":
            return tuple(f"{get_column_letter(c)}{r}" for r, c in cells)
        raise AttributeError(name)
