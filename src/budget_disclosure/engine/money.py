"""Exact money: amounts are held in 元 as Decimal and rounded to 万元 only for display.

Every printed cell of an official table is rounded on its own (half-up, two decimals of 万元),
which is exactly how the budget system produces the 0.01 尾差 seen in published packages.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")
YUAN_PER_WAN = Decimal(10000)

_NUMBER_TEXT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def yuan_to_wan(yuan: Decimal) -> Decimal:
    """Round an amount in 元 to 万元 with two decimals, half-up (the official display rule)."""
    return (yuan / YUAN_PER_WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def format_wan(yuan: Decimal | None) -> str:
    """The printed form of a cell: '' for no amount, else 万元 with two decimals."""
    if yuan is None:
        return ""
    return f"{yuan_to_wan(yuan):.2f}"


class AmountError(ValueError):
    """A cell that should hold an amount does not."""


def parse_amount(value: object) -> Decimal | None:
    """Parse a spreadsheet cell into an exact Decimal, or None when blank.

    Accepts numbers and numeric text with thousands separators ("1,234.50"). Floats coming
    from a workbook are converted through their shortest repr, which is exact for any amount
    typed with up to 15 significant digits.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError(f"不是金额：{value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise AmountError(f"不是金额：{value!r}")
        return Decimal(repr(value))
    text = str(value).strip().replace("，", ",").replace(" ", "").replace("\u3000", "")
    if text in ("", "-", "—"):
        return None
    if not _NUMBER_TEXT.match(text):
        raise AmountError(f"不是金额：{str(value)!r}")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - regex already guards this
        raise AmountError(f"不是金额：{str(value)!r}") from exc
