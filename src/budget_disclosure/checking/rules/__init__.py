"""Every rule module; importing this package registers the whole book."""

from budget_disclosure.checking.rules import (  # noqa: F401
    across_documents, batch, classification, completeness, cross_table, detail, document, family, fixed_tables, hierarchy, narrative,
    narrative_family,
    package_parts,
)
