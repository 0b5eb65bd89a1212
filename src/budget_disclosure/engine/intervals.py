"""Interval arithmetic for printed figures: a number printed to d decimals stands for any value within
half its last digit, and a rate, share or change computed from printed numbers lies in the interval
their intervals give. One place for every rule that recomputes a figure from others: a stated figure
that is the result of the printed figures, rounded, is right; one that only their rounding (or one unit
of its own last digit) separates from it is 尾差; beyond, the two readings disagree (强制)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

AGREE, ROUNDING_ONLY, DISAGREE = "agree", "rounding", "disagree"


def half_unit(places: int) -> Decimal:
    """Half the last printed digit: 0.005 for two decimals, 0.5 for a whole number."""
    return Decimal(5).scaleb(-places - 1)


@dataclass(frozen=True)
class Interval:
    low: Decimal
    high: Decimal

    @classmethod
    def printed(cls, value: Decimal, places: int) -> "Interval":
        """The values a figure printed to ``places`` decimals may stand for."""
        h = half_unit(places)
        return cls(value - h, value + h)

    @classmethod
    def exact(cls, value: Decimal) -> "Interval":
        return cls(value, value)

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(self.low + other.low, self.high + other.high)

    def __sub__(self, other: "Interval") -> "Interval":
        return Interval(self.low - other.high, self.high - other.low)

    def __mul__(self, other: "Interval") -> "Interval":
        corners = [a * b for a in (self.low, self.high) for b in (other.low, other.high)]
        return Interval(min(corners), max(corners))

    def __truediv__(self, other: "Interval") -> "Interval":
        if other.low <= 0 <= other.high:
            raise ZeroDivisionError("the divisor's interval holds zero")
        corners = [a / b for a in (self.low, self.high) for b in (other.low, other.high)]
        return Interval(min(corners), max(corners))

    def scaled(self, factor: Decimal) -> "Interval":
        return self * Interval.exact(factor)

    @property
    def middle(self) -> Decimal:
        return (self.low + self.high) / 2

    def distance(self, other: "Interval") -> Decimal:
        """How far apart two intervals are (0 when they meet)."""
        if other.high < self.low:
            return self.low - other.high
        if other.low > self.high:
            return other.low - self.high
        return Decimal(0)

    def shown(self, places: int) -> str:
        """“18.74～18.91” (one digit more than the stated figure prints, so the edge is visible)."""
        q = Decimal(1).scaleb(-(places + 1))
        return f"{self.low.quantize(q)}～{self.high.quantize(q)}"


def judge(stated: Decimal, places: int, computed: Interval, point: Decimal | None = None) -> str:
    """A stated figure printed to ``places`` decimals against what the figures it derives from give:
    AGREE when it is their result as printed (``point``, computed from the printed figures), rounded;
    ROUNDING_ONLY when it is not, but the rounding of those figures explains it (it meets ``computed``,
    the interval of every value they may stand for) or one unit of its own last digit does; DISAGREE
    otherwise — the two readings differ beyond rounding."""
    point = computed.middle if point is None else point
    if abs(stated - point) <= half_unit(places):
        return AGREE
    gap = Interval.printed(stated, places).distance(computed)
    return ROUNDING_ONLY if gap <= Decimal(1).scaleb(-places) else DISAGREE
