"""The rule registry: every rule is a small function with a code, a kebab name, a severity,
a Chinese title and a docstring (依据, 失败示例, 通过示例), registered by ``@rule``.

``breaks`` describes an edit of the filled reference example that makes the rule fire: it is
the rule's failing fixture in the tests (the untouched example is the passing one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from budget_disclosure.checking.findings import Finding


@dataclass(frozen=True)
class Edit:
    """Change one cell of the filled example: add ``delta`` 万元 or set ``value``.

    ``table`` is T1 … T9, or "@sheet" for an input sheet, where ``row`` is text that finds the
    row and ``value`` may be ("sub", old, new) to replace text inside the cell."""

    table: str
    row: str  # row key: 科目 code, "" for 合计, the canonical line of a fixed-row table
    col: str | int  # canonical column name; for an "@sheet" edit, the 1-based column after the first
    delta: str | None = None
    value: object = None
    remove_table: bool = False


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    title: str
    check: Callable[..., Iterable[Finding]]
    breaks: tuple[Edit, ...] = field(default_factory=tuple)
    # Edits that make the reference example pass this rule, for rules the published package
    # itself fails (its real defects); empty when the untouched example passes.
    fixes: tuple[Edit, ...] = field(default_factory=tuple)
    # "package": check(ctx) on one package; "batch": check(packages) across the packages checked together
    scope: str = "package"

    @property
    def doc(self) -> str:
        return (self.check.__doc__ or "").strip()


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str, title: str, breaks: Iterable[Edit] = (), fixes: Iterable[Edit] = (),
         scope: str = "package"):
    def register(check: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        if code in RULES:
            raise ValueError(f"duplicate rule code {code}")
        if not check.__doc__ or "依据" not in check.__doc__:
            raise ValueError(f"{code}: docstring must give its 依据 and examples")
        RULES[code] = Rule(code, name, severity, title, check, tuple(breaks), tuple(fixes), scope)
        return check
    return register


def rule_title(code: str, fallback: str = "") -> str:
    """A rule's Chinese title, as a person reads it (not its kebab name)."""
    all_rules()
    return RULES[code].title if code in RULES else fallback or code


def all_rules() -> list[Rule]:
    import budget_disclosure.checking.rules  # noqa: F401  (registers every rule)

    return [RULES[c] for c in sorted(RULES)]


def selected(select: Iterable[str] = (), ignore: Iterable[str] = (), scope: str = "package") -> Iterator[Rule]:
    select, ignore = tuple(select), tuple(ignore)
    for r in all_rules():
        if r.scope != scope:
            continue
        if select and not r.code.startswith(select):
            continue
        if ignore and r.code.startswith(ignore):
            continue
        yield r
