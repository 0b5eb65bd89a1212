"""The product's cell styles, by role (shared by the template builder and the table writer)."""

from budget_disclosure.xlio.port import CellStyle

TITLE = CellStyle(bold=True, size=16, align="center", border=False)
GUIDE_TITLE = CellStyle(bold=True, size=14, border=False)
PAGE_HEADER = CellStyle(size=10, border=False)
PAGE_HEADER_RIGHT = CellStyle(size=10, align="right", border=False)
PAGE_HEADER_CENTER = CellStyle(size=10, align="center", border=False)
HEADER = CellStyle(bold=True, size=10, align="center", wrap=True)
COLUMN_NUMBER = CellStyle(size=9, align="center")
SEQ = CellStyle(size=10, align="center")
CODE = CellStyle(size=10, align="left", text=True)
TEXT = CellStyle(size=10, align="left")
AMOUNT = CellStyle(size=10, align="right", number_format="0.00")
NOTE = CellStyle(size=10, border=False)
INPUT_HEADER = CellStyle(bold=True, size=10, align="center", wrap=True, fill="DDEBF7")
INPUT_CELL = CellStyle(size=10)
INPUT_AMOUNT = CellStyle(size=10, align="right", number_format="#,##0.00")
INPUT_CODE = CellStyle(size=10, text=True)
# Long text that must print as readable pages (情况说明, 校验结果): wrapped, from the top of the cell.
STATEMENT_TEXT = CellStyle(size=10, valign="top", wrap=True, border=False)
FINDING_TEXT = CellStyle(size=9, valign="top", wrap=True)
