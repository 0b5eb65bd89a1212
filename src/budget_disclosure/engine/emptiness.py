"""What an empty table is: one definition that fill (the 空表 note it writes), check (BD502 and
the rules that ask whether a table has data) and export (whether to print the note) share.

A table is empty when a reader of the printed table sees no budget in it:
- no printed amount is non-zero (0.00, blank and "-" are all nothing), and
- in a 类-款-项 table, no 科目 row carries a printed amount: a row printing 0.00 is a budget that
  rounds to less than 0.005 万元 (under 50 元) and is data, not an empty table.
Fixed-row tables (收支总表, 财政拨款收支总表, 三公表) print all their rows always, so only
their amounts count.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from budget_disclosure.engine.money import ZERO


def is_empty(hierarchical: bool, printed: Iterable[Decimal | None], body_rows_with_amounts: int) -> bool:
    """``printed``: every amount cell as printed (万元, None when blank);
    ``body_rows_with_amounts``: 科目 rows (not 合计) with at least one printed amount."""
    if any(v is not None and v != ZERO for v in printed):
        return False
    return not (hierarchical and body_rows_with_amounts)
