"""Sources of the Excel add-in (packaged as ``budget_disclosure.addin_sources``)."""
