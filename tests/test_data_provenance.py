"""Every copied test file is what its provenance says it is (and, where shared/ sits beside the
checkout, still identical to its source)."""

from __future__ import annotations

import hashlib
import re

from conftest import DATA, ROOT

ROWS = re.compile(r"^\| `([^`]+)` \| `([^`]+)` \| `([0-9a-f]{64})` \|", re.M)


def test_copied_test_data_matches_its_provenance():
    rows = ROWS.findall((DATA / "README.md").read_text("utf-8"))
    assert len(rows) >= 2
    listed = {name for name, _, _ in rows}
    present = {str(p.relative_to(DATA)) for p in DATA.rglob("*") if p.is_file() and p.name != "README.md"}
    assert present == listed, present ^ listed
    for name, source, digest in rows:
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name
        original = ROOT.parent / source
        if original.exists():
            assert hashlib.sha256(original.read_bytes()).hexdigest() == digest, f"{name} differs from {source}"
