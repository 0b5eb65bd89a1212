"""The only place that touches workbooks: a small port and its adapters."""
