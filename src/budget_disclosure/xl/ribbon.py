"""The ribbon's single entry point: the VBA callback passes the button id here.

The add-in's VBA has one generic callback (ASCII only):
    RunPython "import budget_disclosure.xl.ribbon as r; r.on_ribbon('<button id>')"
so a new button is an XML-only change plus a handler below.
"""

from __future__ import annotations

from budget_disclosure.xl import macros

HANDLERS = {
    "bd_fill": macros.fill,
    "bd_check": macros.check,
    "bd_clear": macros.clear,
    "bd_export": macros.export,
    "bd_help": macros.help,
}


def on_ribbon(control_id: str, book=None) -> str:
    if book is None:
        import xlwings as xw

        book = xw.Book.caller()
    handler = HANDLERS.get(control_id)
    if handler is None:
        macros._alert(book, f"未知的按钮：{control_id}")
        return ""
    return handler(book)
