"""budget-disclosure: fill, check and export a 部门预算公开 package.

The package is split in three layers:

* ``engine``  – pure model and derivations (no openpyxl / xlwings import);
* ``layout``  – the declarative layout of every table and input sheet (data);
* ``xlio``    – the only place that touches workbooks (port + adapters).
"""

__version__ = "0.1.0"
