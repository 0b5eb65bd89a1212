"""The thin Excel layer: ribbon macros, UDFs and xlwings Server scripts over the same engine."""
