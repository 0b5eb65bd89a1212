"""xlwings Server (Excel on the web, Mac, Windows via Office.js): the ribbon buttons of
``addin/server/manifest.xml`` call these scripts; they run the same macros as the desktop add-in.

Import this module from the server project's ``custom_scripts`` (needs an xlwings licence key;
``noncommercial`` covers use by a government institution, see README).
"""

from __future__ import annotations

import xlwings as xw
from xlwings.server import script

from budget_disclosure.xl import macros


@script
def bd_fill(book: xw.Book):
    macros.fill(book)


@script
def bd_check(book: xw.Book):
    macros.check(book)


@script
def bd_clear(book: xw.Book):
    macros.clear(book)


@script
def bd_export(book: xw.Book):
    macros.export(book)


@script
def bd_help(book: xw.Book):
    macros.help(book)
