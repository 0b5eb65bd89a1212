"""openpyxl, imported without numpy: openpyxl imports numpy (a sixth of a second, a third of
openpyxl's own import) only to accept numpy's number types as cell values, which the product never
writes (its amounts are Decimal, int or float). Imported before openpyxl by the modules that use
it; numpy stays importable for whoever needs it later (scipy, for 舍位平衡)."""

import sys

if "openpyxl" not in sys.modules and "numpy" not in sys.modules:
    sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` raises ImportError meanwhile
    try:
        import openpyxl  # noqa: F401
    finally:
        del sys.modules["numpy"]
