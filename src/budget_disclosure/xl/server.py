"""xlwings Server (Excel on the web, Mac, Windows via Office.js): the ribbon buttons of the add-in
manifest call these scripts through ``ribbon.js``; they run the same macros as the desktop add-in.

``budget-disclosure server init DIR`` writes a project whose ``custom_scripts`` imports this module
(an xlwings licence key is needed; ``noncommercial`` covers use by a government institution).

What the client sends: the values of the sheets a script reads (``exclude``: never the sheets no
script reads; the 预算明细 is left out of a check when it is too large for one request, and the
check then says so), and two arguments from ``ribbon.js``: the fill colours of the sheets (JSON,
so that a flag records the cell's real fill and 清除标记 restores it) and how many 预算明细 rows were
left out (0 when the sheet was sent).
"""

from __future__ import annotations

import json

import xlwings as xw
from xlwings import script

from budget_disclosure.layout.inputs import GUIDE_SHEET
from budget_disclosure.xl import macros

NOT_READ = [GUIDE_SHEET]  # no script reads the 使用说明: never sent


def _fills(text: str) -> dict | None:
    """The client's fill colours: {sheet: [[row, column, "#RRGGBB"], …]} (cells without fill left out)."""
    if not text:
        return None
    try:
        sent = json.loads(text)
    except ValueError:
        return None
    return sent if isinstance(sent, dict) else None


@script(exclude=NOT_READ)
def bd_fill(book: xw.Book):
    macros.fill(book)


@script(exclude=NOT_READ)
def bd_check(book: xw.Book, fills: str = "", omitted_detail_rows: int = 0):
    macros.check(book, _fills(fills), omitted_detail_rows=int(omitted_detail_rows or 0))


@script(exclude=NOT_READ)
def bd_clear(book: xw.Book, fills: str = ""):
    macros.clear(book, _fills(fills))


@script(exclude=NOT_READ)
def bd_export(book: xw.Book, origin: str = ""):
    """``origin``: the server as the browser reaches it (https://host), to make the link whole."""
    from budget_disclosure.xl import downloads

    macros.export_download(book, lambda archive, name: origin.rstrip("/") + downloads.publish(archive, name))


@script(include=[GUIDE_SHEET])
def bd_help(book: xw.Book):
    macros.help(book)


@script(include=[GUIDE_SHEET])
def bd_too_large(book: xw.Book, what: str = "", detail_rows: int = 0):
    """Sent instead of a request Excel on the web could not carry: says so, and what to do."""
    macros.too_large(book, what, int(detail_rows or 0))
