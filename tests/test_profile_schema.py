"""Every layout profile conforms to the schema, and one that does not is refused at load naming its file
and key: a misspelt key, a shape or relation outside the vocabulary, an identity without its 依据, a
rules_off code the rule book does not have."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

import pytest

from budget_disclosure.checking.registry import all_rules
from budget_disclosure.layout.families import all_profiles, profile_names
from budget_disclosure.layout.profile_schema import ProfileError, validate


def _raw(name: str) -> dict:
    with resources.files("budget_disclosure.layout").joinpath(f"profiles/{name}.toml").open("rb") as f:
        return tomllib.load(f)


def test_every_profile_loads_and_its_rules_off_are_rules_of_the_book():
    codes = {r.code for r in all_rules()}
    for prof in all_profiles():
        assert set(prof.rules_off) <= codes, (prof.name, set(prof.rules_off) - codes)
        assert all(i.basis for i in prof.identities), prof.name  # every identity states its 依据


@pytest.mark.parametrize("edit, words", [
    (lambda raw: raw["tables"]["T3"].__setitem__("colums", raw["tables"]["T3"].pop("columns")), ("colums", "columns")),
    (lambda raw: raw["tables"]["T2"].__setitem__("shape", "hierachy"), ("tables.T2.shape", "hierachy")),
    (lambda raw: raw["identities"][0].__setitem__("relation", "at-most"), ("identities[0].relation", "at-most")),
    (lambda raw: raw["identities"][0].pop("basis"), ("identities[0]", "basis")),
    (lambda raw: raw.__setitem__("empty_wording", raw.pop("empty_wordings")), ("empty_wording", "empty_wordings")),
    (lambda raw: raw["tables"]["T1"]["sides"][0].__setitem__("amounts", ["收入预算"]), ("sides[0]", "收入预算")),
    (lambda raw: raw["facts"][0].__setitem__("cell", "T11:收入总计:收入预算数"), ("facts[0]", "T11")),
])
def test_a_profile_that_does_not_conform_is_refused_naming_file_and_key(edit, words):
    assert "shanghai" in profile_names()
    raw = copy.deepcopy(_raw("shanghai"))
    validate(raw, "shanghai.toml")  # as shipped: conforms
    edit(raw)
    with pytest.raises(ProfileError) as caught:
        validate(raw, "layout/profiles/shanghai.toml")
    message = str(caught.value)
    assert message.startswith("layout/profiles/shanghai.toml: ") and all(w in message for w in words), message
