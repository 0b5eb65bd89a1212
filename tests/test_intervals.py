"""Interval arithmetic for printed figures (engine/intervals.py), against an independent oracle: every
way of choosing the underlying values within half a printed digit, enumerated on a grid."""

from __future__ import annotations

import random
from decimal import Decimal
from itertools import product

from budget_disclosure.engine.intervals import AGREE, DISAGREE, ROUNDING_ONLY, Interval, half_unit, judge


def _values(printed: Decimal, places: int, steps: int = 6) -> list[Decimal]:
    h = half_unit(places)
    return [printed - h + 2 * h * k / steps for k in range(steps + 1)]


def test_a_rate_s_interval_holds_every_rate_its_printed_figures_allow():
    rng = random.Random(7)
    for _ in range(200):
        places = rng.choice([0, 1, 2])
        now = Decimal(rng.randrange(1, 10**6)).scaleb(-places)
        base = Decimal(rng.randrange(1, 10**6)).scaleb(-places)
        if base - half_unit(places) <= 0:
            continue
        computed = (Interval.printed(now, places) / Interval.printed(base, places) - Interval.exact(Decimal(1))) \
            .scaled(Decimal(100))
        rates = [(n / b - 1) * 100 for n, b in product(_values(now, places), _values(base, places))]
        assert computed.low <= min(rates) and max(rates) <= computed.high
        assert computed.low in rates and computed.high in rates  # and no wider than they are


def test_a_stated_figure_is_right_rounding_or_wrong():
    computed = Interval(Decimal("18.74"), Decimal("18.91"))  # 110 (printed whole) ÷ 584.35
    assert judge(Decimal("18.82"), 2, computed, Decimal("18.824")) == AGREE
    assert judge(Decimal("18.85"), 2, computed, Decimal("18.824")) == ROUNDING_ONLY  # the rounding of 110 allows it
    assert judge(Decimal("18.92"), 2, computed, Decimal("18.824")) == ROUNDING_ONLY  # one unit beyond
    assert judge(Decimal("18.95"), 2, computed, Decimal("18.824")) == DISAGREE
    tight = Interval(Decimal("18.8232"), Decimal("18.8249"))  # 110.00 ÷ 584.35
    assert judge(Decimal("18.85"), 2, tight, Decimal("18.824")) == DISAGREE
