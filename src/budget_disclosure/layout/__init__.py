"""Declarative layouts: the nine official tables and the input sheets, as data."""
