"""A cell whose value is not known: a formula without a result (no cached value, and nothing here
to compute it with). It is not a value and never 0: rules that need the cell are not applicable."""

from __future__ import annotations


class _Unread:
    def __repr__(self) -> str:
        return "UNREAD"

    def __str__(self) -> str:
        return "（公式，无计算结果）"


UNREAD = _Unread()
