"""The layer contract, read from the source (no import is executed): the engine, the table model, the
readers of grids and the rules touch no file library — files are read and written only by the adapters
in xlio/, xl/ and export/; the engine imports nothing above it; nothing below the command line imports
it. (The remaining cross-imports between layout/, engine/ and reading/ are the table-model issue's.)"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "budget_disclosure"
FILE_LIBRARIES = ("openpyxl", "python_calamine", "xlwings", "pdfplumber", "pdfminer", "pypdf", "pypdfium2", "docx",
                  "reportlab", "lxml", "defusedxml", "zipfile")
PURE = ("engine", "layout", "reading", "checking")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def _modules(*packages: str):
    for package in packages:
        for path in sorted((PACKAGE / package).rglob("*.py")):
            yield path.relative_to(PACKAGE).as_posix(), _imports(path)


def test_the_pure_layers_touch_no_file_library():
    modules = dict(_modules(*PURE))
    assert len(modules) > 50 and "reading/pdf_layout.py" in modules  # the contract is read from the real tree
    offending = {name: sorted(i for i in imports if i.split(".")[0] in FILE_LIBRARIES) for name, imports in modules.items()}
    assert not {k: v for k, v in offending.items() if v}


def test_the_engine_imports_nothing_above_it():
    above = ("checking", "reading", "xlio", "xl", "export", "cli", "batch", "fill", "loading", "flagging")
    offending = {name: sorted(i for i in imports if i.startswith("budget_disclosure.") and i.split(".")[1] in above)
                 for name, imports in _modules("engine")}
    assert not {k: v for k, v in offending.items() if v}


def test_rules_reach_files_only_through_the_check_s_context():
    offending = {name: sorted(i for i in imports if i.startswith(("budget_disclosure.xlio", "budget_disclosure.xl.",
                                                                   "budget_disclosure.export")))
                 for name, imports in _modules("checking/rules")}
    assert not {k: v for k, v in offending.items() if v}


def test_only_the_entry_point_imports_the_command_line():
    importers = [path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
                 if any(i == "budget_disclosure.cli" or i.startswith("budget_disclosure.cli.") for i in _imports(path))]
    assert importers == ["__main__.py"]
