"""舍位平衡: choose the printed 万元 values of a package so that every identity holds exactly.

Each amount is printed in 0.01 万元 (one "cent" = 100 元). Its plain rounding may leave a residue
in a sum; here the printed value p of a cell with true value t (元) may be any cent within 0.01 万元
of t (so the plain rounding r, or r ± 1 where that stays within 0.01), and we look for the
printing in which every identity holds with as few cells moved from r as possible — an integer
program solved by HiGHS (``scipy.optimize.milp``). Cells named ``fixed`` (grand totals, the
情况说明's headline figures) keep r. Where no exact printing exists, each identity gets a slack
whose use costs far more than any move: the residue is minimised and every remaining one named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Hashable, Sequence

CENT_YUAN = Decimal(100)  # 0.01 万元 in 元
SLACK_COST = 1000.0  # one cent of residue costs more than moving a thousand cells


@dataclass(frozen=True)
class Relation:
    """Σ left = Σ right ("sum": left = [total], right = parts); "at_most": Σ right ≤ Σ left."""

    left: tuple[Hashable, ...]
    right: tuple[Hashable, ...]
    kind: str = "sum"


@dataclass
class Balanced:
    published: dict[Hashable, int]  # cents of 万元, every cell given
    plain: dict[Hashable, int]
    residues: list[tuple[Relation, int]] = field(default_factory=list)  # identities still off, by how many cents

    @property
    def moved(self) -> list[Hashable]:
        return [k for k, p in self.published.items() if p != self.plain[k]]


def cents(yuan: Decimal, rounding=ROUND_HALF_UP) -> int:
    return int((yuan / CENT_YUAN).to_integral_value(rounding=rounding))


def _plain_holds(relation: Relation, values: dict[Hashable, int]) -> int:
    left = sum(values.get(k, 0) for k in relation.left)
    right = sum(values.get(k, 0) for k in relation.right)
    return left - right


def balance(true_yuan: dict[Hashable, Decimal], relations: Sequence[Relation], fixed: set[Hashable] = frozenset()
            ) -> Balanced:
    """The printing closest to plain rounding in which the relations hold (see the module doc)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    plain = {k: cents(v) for k, v in true_yuan.items()}
    relations = [r for r in relations if any(k in true_yuan for k in (*r.left, *r.right))]
    # only cells in some relation can move; the others keep their plain rounding
    involved = sorted({k for r in relations for k in (*r.left, *r.right) if k in true_yuan}, key=repr)
    index = {k: i for i, k in enumerate(involved)}
    n, m = len(involved), len(relations)
    if not n:
        return Balanced(dict(plain), plain)
    # variables: up_i, down_i (0/1) for each involved cell, then s⁺_j, s⁻_j for each relation
    up_hi = np.zeros(n)
    down_hi = np.zeros(n)
    for k, i in index.items():
        t, r = true_yuan[k], plain[k]
        if k in fixed or t == 0:
            continue  # a blank stays blank; a fixed figure keeps its plain rounding
        lo = cents(t - CENT_YUAN, ROUND_CEILING)
        hi = cents(t + CENT_YUAN, ROUND_FLOOR)
        up_hi[i] = 1 if r + 1 <= hi else 0
        down_hi[i] = 1 if r - 1 >= lo else 0
    size = 2 * n + 2 * m
    cost = np.concatenate([np.ones(2 * n), np.full(2 * m, SLACK_COST)])
    a = lil_matrix((m, size))
    lb, ub = np.zeros(m), np.zeros(m)
    for j, rel in enumerate(relations):
        constant = 0
        for sign, keys in ((1, rel.left), (-1, rel.right)):
            for k in keys:
                if k in index:
                    i = index[k]
                    a[j, i] += sign
                    a[j, n + i] -= sign
                    constant += sign * plain[k]
                elif k in plain:
                    constant += sign * plain[k]
        a[j, 2 * n + j] = 1  # s⁺
        a[j, 2 * n + m + j] = -1  # s⁻
        # Σ sign·(r + up − down) + s⁺ − s⁻ = 0   ⇔   A·x = −constant
        if rel.kind == "at_most":  # Σ right ≤ Σ left  ⇔  left − right ≥ 0
            lb[j], ub[j] = -constant, np.inf
        else:
            lb[j] = ub[j] = -constant
    upper = np.concatenate([up_hi, down_hi, np.full(2 * m, np.inf)])
    result = milp(cost, constraints=LinearConstraint(a.tocsr(), lb, ub), integrality=np.concatenate(
        [np.ones(2 * n), np.zeros(2 * m)]), bounds=Bounds(np.zeros(size), upper), options={"disp": False})
    if result.x is None:  # pragma: no cover - the slacks make every instance feasible
        raise RuntimeError(f"舍位平衡求解失败：{result.message}")
    x = np.round(result.x).astype(int)
    published = dict(plain)
    for k, i in index.items():
        published[k] = plain[k] + int(x[i]) - int(x[n + i])
    residues = [(rel, d) for rel in relations if (d := _plain_holds(rel, published)) and rel.kind != "at_most"]
    return Balanced(published, plain, residues)
