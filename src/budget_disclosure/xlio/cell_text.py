"""Text a spreadsheet would run: the one definition every writer uses.

A cell we write from input text (a 部门职责 paragraph, an 出错说明, a unit or file name) must never
become a live formula in the workbooks and CSVs we write. Excel, WPS and LibreOffice take text
beginning with ``=``, ``+``, ``-`` or ``@`` as a formula when it is typed, pasted or imported from
CSV, and a leading tab or carriage return hides such a start from a naive check (OWASP, CSV
injection). Each writer keeps such text as text in its own way: openpyxl stores it as a string cell
(a cell type — the reader sees the text as written), Excel through xlwings takes it with the
apostrophe prefix (hidden in the cell), and a CSV cell gets a leading apostrophe (the only way CSV
has). Numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def runs_as_formula(value: object) -> bool:
    """Whether a spreadsheet would take this text as a formula (a number written as text is a number)."""
    return isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value)


def csv_safe(value: object) -> object:
    """A CSV cell that a spreadsheet will not run: formula-like text gets a leading apostrophe."""
    return "" if value is None else excel_input(value)


def excel_input(value: object) -> object:
    """A value to hand to Excel as if typed (xlwings, desktop and Office.js): formula-like text gets
    the apostrophe prefix, which Excel keeps out of the cell's value and shows nowhere but the
    formula bar."""
    return "'" + value if runs_as_formula(value) else value
