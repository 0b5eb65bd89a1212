"""Shared fixtures: the bundled example, filled once per session, and the reference package (tests/data)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

# xlwings' remote engine (used to test the ribbon macros) needs a key; noncommercial is the one
# its licence gives government institutions.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"  # copies of the shared reference material (tests/data/README.md)
SEED_TABLES = DATA / "seed" / "published_tables.json"
SEED_TEXT = DATA / "seed" / "000_45a79a30fb7ab4bf.txt"


def pytest_configure(config):
    config.addinivalue_line("markers", "libreoffice: needs LibreOffice (soffice) on PATH")
    # Many tests run the command line in a child process. Where PYTHONDONTWRITEBYTECODE is set (as on
    # CI machines), every child would compile the package from source again; compiled once here, the
    # children load it (the files go to __pycache__, which git ignores).
    if not hasattr(config, "workerinput"):
        import compileall

        compileall.compile_dir(str(ROOT / "src" / "budget_disclosure"), quiet=1)


@pytest.fixture(scope="session")
def published() -> list[dict]:
    if not SEED_TABLES.exists():
        pytest.fail(f"reference package missing: {SEED_TABLES}")
    return json.loads(SEED_TABLES.read_text("utf-8"))["tables"]


@pytest.fixture(scope="session")
def example_path(tmp_path_factory) -> Path:
    from budget_disclosure.example import build_example

    path = tmp_path_factory.mktemp("example") / "x.xlsx"
    build_example().save(path)
    return path


@pytest.fixture(scope="session")
def filled_path(example_path, tmp_path_factory) -> Path:
    from budget_disclosure.cli import main

    out = tmp_path_factory.mktemp("filled") / "y.xlsx"
    assert main(["fill", str(example_path), "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def exported(filled_path, tmp_path_factory) -> Path:
    """`budget-disclosure export` of the filled example (read only: copy before changing anything)."""
    from budget_disclosure.cli import main
    from budget_disclosure.export.fonts import FontError, find_body_font

    try:
        find_body_font()
    except FontError:
        pytest.skip("no embeddable CJK font")
    out = tmp_path_factory.mktemp("export")
    assert main(["export", str(filled_path), "-o", str(out)]) == 0
    return out


@pytest.fixture
def filled_copy(filled_path, tmp_path) -> Path:
    target = tmp_path / "y.xlsx"
    shutil.copy(filled_path, target)
    return target


def printed(value: object, amount: bool) -> str:
    """A cell as the published text prints it: amounts with two decimals, blanks as ''."""
    if value is None:
        return ""
    if amount and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f"{Decimal(repr(value)) if isinstance(value, float) else Decimal(value):.2f}"
    return str(value)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# One LibreOffice profile for the whole test session: its first start is the slow part.
_PROFILE = Path(tempfile.gettempdir()) / f"bd-lo-profile-{os.getpid()}"


def run_soffice(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    profile = _PROFILE
    return subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", *args],
        cwd=cwd, capture_output=True, text=True, timeout=180,
    )
