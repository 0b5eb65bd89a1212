"""The pure engine: model, code lists and table derivations. No Excel here."""
