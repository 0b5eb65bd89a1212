"""Read any workbook that holds the nine tables in an official layout (pure: grids in, tables out)."""
