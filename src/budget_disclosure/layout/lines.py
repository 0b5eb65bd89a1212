"""The canonical lines of fixed-row tables (profiles/lines.toml): a printed label → the key rules use.

A 类 line is keyed by its class code; every other line by its canonical name. Labels compare
folded and without their ordinal (一、 / 1. / （一） / 其中：).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from budget_disclosure.layout.tables import EXPENDITURE_CLASSES
from budget_disclosure.reading.labels import fold, fold_label


@dataclass(frozen=True)
class Vocabulary:
    name: str
    aliases: dict[str, str]  # folded label → key
    classes: bool  # 类 lines, keyed by code
    repeat_prefix: str = ""

    def key(self, label: str, used: set[str] | frozenset = frozenset()) -> str | None:
        """The key of a printed label (already folded without ordinal), or None."""
        key = self.aliases.get(label)
        if key is None and self.classes:
            key = class_code(label)
        if key is not None and key in used and self.repeat_prefix:
            key = self.repeat_prefix + key
        return key


@cache
def _data() -> dict:
    with resources.files("budget_disclosure.layout").joinpath("profiles/lines.toml").open("rb") as f:
        return tomllib.load(f)


@cache
def vocabulary(name: str) -> Vocabulary:
    raw = dict(_data()["vocabularies"][name])
    classes = bool(raw.pop("classes", False))
    prefix = str(raw.pop("repeat_prefix", ""))
    aliases: dict[str, str] = {}
    for key, spellings in raw.items():
        for spelling in (key, *spellings):
            aliases[fold_label(spelling)] = key
    return Vocabulary(name, aliases, classes, prefix)


@cache
def _class_names() -> dict[str, str]:
    names = {fold_label(name): code for code, name in EXPENDITURE_CLASSES if code}
    names.update({fold(name): code for name, code in _data()["classes"].items()})
    return names


def class_code(label: str) -> str | None:
    """The 类 code of a printed class name (current or an earlier year's)."""
    return _class_names().get(fold_label(label))


def is_class_key(key: str) -> bool:
    return len(key) == 3 and key.isdigit()
