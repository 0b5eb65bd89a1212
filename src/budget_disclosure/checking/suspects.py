"""Point at the wrong cell, not at everything near it.

One mistyped amount breaks every identity it takes part in: its row sum, its 类/款 footing, the
same figure in another table, the 元 detail. Those failed identities share the cell. Among the
error findings that are connected through shared cells, the suspect is the cell that explains
them: the one the 预算明细 proves wrong (BD601) if any, else the one most of them share, when
that is a single cell. Each error finding then marks one cell (its suspect, or where it
failed) and lists its other cells as 相关.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from budget_disclosure.checking.findings import ERROR, Finding
from budget_disclosure.reading.model import Address

DETAIL_RULE = "BD601"


def _groups(findings: list[Finding]) -> list[list[Finding]]:
    """Findings connected through a shared cell (union-find over cells)."""
    parent = list(range(len(findings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[Address, int] = {}
    for i, f in enumerate(findings):
        for cell in f.cells:
            if cell in first_with:
                parent[root(i)] = root(first_with[cell])
            else:
                first_with[cell] = i
    groups: dict[int, list[Finding]] = defaultdict(list)
    for i, f in enumerate(findings):
        groups[root(i)].append(f)
    return list(groups.values())


def _suspect(group: list[Finding]) -> Address | None:
    counts = Counter(cell for f in group for cell in dict.fromkeys(f.cells))
    proven = [f.cells[0] for f in group if f.rule == DETAIL_RULE and f.cells]
    candidates = proven or list(counts)
    best = max((counts[c] for c in candidates), default=0)
    top = [c for c in candidates if counts[c] == best]
    if len(top) == 1 and (proven or best >= 2):
        return top[0]
    return None


def assign_suspects(findings: list[Finding]) -> None:
    """Set ``suspect`` on the error findings whose group points at one cell; the others mark
    where they failed (their first cell: the total, or the cell compared)."""
    errors = [f for f in findings if f.severity == ERROR and f.cells]
    for group in _groups(errors):
        suspect = _suspect(group)
        for f in group:
            f.suspect = suspect if suspect in f.cells else None


def say_suspect_figures(findings: list[Finding], printed) -> None:
    """A finding marked on its suspect, whose figures are those of the identity it broke (a total, a
    row sum), also says what the suspect cell prints: the note on that cell then quotes its own figure.
    ``printed``: the text a cell prints, or None."""
    for f in findings:
        if f.suspect is not None and f.cells and f.suspect != f.cells[0] and f.rule != DETAIL_RULE:
            text = printed(f.suspect)
            if text is not None:
                f.message += f"；疑似出错的是其中的 {f.suspect.a1}（印为 {text}）"
