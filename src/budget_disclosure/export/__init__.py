"""Export of the disclosure package: values-only workbook, Word, PDF and open data."""
