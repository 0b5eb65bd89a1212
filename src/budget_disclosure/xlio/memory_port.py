"""A read-only, in-memory workbook (sheet name → 2-D values) behind the port, for values that
arrive without a workbook: UDF arguments of Office.js custom functions."""

from __future__ import annotations


class MemoryBook:
    def __init__(self, grids: dict[str, list[list[object]]]):
        self.grids = {name: [list(r) for r in grid] for name, grid in grids.items()}

    def sheet_names(self) -> list[str]:
        return list(self.grids)

    def extent(self, sheet: str) -> tuple[int, int]:
        grid = self.grids[sheet]
        return (len(grid), max((len(r) for r in grid), default=0)) if grid else (0, 0)

    def far_cells(self, sheet: str) -> list[tuple[int, int, object]]:
        return []

    def read_block(self, sheet: str, top: int, left: int, bottom: int, right: int) -> list[list[object]]:
        grid = self.grids[sheet]
        out = []
        for r in range(top - 1, bottom):
            row = grid[r] if r < len(grid) else []
            out.append([(row[c] if c < len(row) else None) for c in range(left - 1, right)])
        return [[None if v == "" else v for v in row] for row in out]
