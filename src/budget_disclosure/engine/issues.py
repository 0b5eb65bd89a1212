"""Input problems found while reading a workbook, located by sheet and cell, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputProblem:
    sheet: str
    cell: str  # "G12", or "" when the whole sheet is meant
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{where}：{self.message}"


class InputError(Exception):
    """The input cannot be used; ``problems`` lists every problem found (not just the first)."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def column_letter(index: int) -> str:
    """1 → A, 27 → AA (kept here so the engine needs no spreadsheet library)."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str) -> int:
    """A → 1, AA → 27 (the inverse of ``column_letter``)."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number
