"""The rule book: rules in a registry, rounding-aware verdicts, findings located by cell."""
