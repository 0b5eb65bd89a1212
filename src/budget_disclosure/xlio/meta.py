"""The tool's own bookkeeping in a very hidden sheet (_bd_meta): key → text. It remembers what the
tool last generated, so that it can tell the accountant's edits from its own output."""

from __future__ import annotations

from budget_disclosure.xlio.port import WorkbookPort

META_SHEET = "_bd_meta"


def read_meta(port: WorkbookPort) -> dict[str, str]:
    if META_SHEET not in port.sheet_names():
        return {}
    rows, _ = port.extent(META_SHEET)
    return {str(k): str(v) for k, v in port.read_block(META_SHEET, 1, 1, rows, 2) if k} if rows else {}


def update_meta(port: WorkbookPort, entries: dict[str, str]) -> None:
    """Set these keys, keeping the others."""
    merged = {**read_meta(port), **entries}
    port.remove_sheet(META_SHEET)
    port.add_sheet(META_SHEET, hidden=True)
    port.write_block(META_SHEET, 1, 1, [[k, v] for k, v in merged.items()])
