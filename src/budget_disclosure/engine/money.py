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

# ASCII digits only (\d would take Arabic-Indic and other scripts' digits); full-width ones are
# folded to ASCII first, as Chinese input methods type them
_NUMBER_TEXT = re.compile(r"^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
# No budget comes near 10^15 元 (a thousand trillion); beyond it a figure is a typing slip, and past
# 10^25 Decimal's 28 digits can no longer round it to 分
MAX_AMOUNT = Decimal(10) ** 15


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


class AmountOutOfRange(AmountError):
    """A number, but beyond any budget (``MAX_AMOUNT``)."""


def _bounded(amount: Decimal, shown: object) -> Decimal:
    if not -MAX_AMOUNT < amount < MAX_AMOUNT:
        raise AmountOutOfRange(f"金额超出范围：{shown!s}（绝对值应小于 10^15）")
    return amount


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
        if not value.is_finite():
            raise AmountError(f"不是金额：{value!r}")
        return _bounded(value, value)
    if isinstance(value, int):
        return _bounded(Decimal(value), value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise AmountError(f"不是金额：{value!r}")
        return _bounded(Decimal(repr(value)), value)
    text = str(value).strip().translate(_FULL_WIDTH).replace(" ", "").replace("\u3000", "")
    if text in ("", "-", "—"):
        return None
    if not _NUMBER_TEXT.match(text):
        raise AmountError(f"不是金额：{str(value)!r}")
    try:
        return _bounded(Decimal(text.replace(",", "")), str(value).strip())
    except InvalidOperation as exc:  # pragma: no cover - regex already guards this
        raise AmountError(f"不是金额：{str(value)!r}") from exc


def amount_or_none(value: object) -> Decimal | None:
    """The amount a cell holds, or None when it is blank or holds no amount (for readers that skip
    what is not a figure rather than report it)."""
    try:
        return parse_amount(value)
    except AmountError:
        return None
