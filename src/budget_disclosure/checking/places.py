"""Where a finding's cells are, said as a reviewer finds them: for a package read from a PDF, the
page and what is printed there — "第 7 页 支出总表 第 12 行“2010101 行政运行” 合计列" — and the box
on the page (for JSON and the annotated copy); a workbook's cells keep their sheet!cell address."""

from __future__ import annotations

import re

from budget_disclosure.checking.findings import Finding
from budget_disclosure.reading.model import Address, ReadPackage

_QUOTED = re.compile(r"“([^”]{2,60})”")


class Locator:
    """The places of a PDF package's cells (the port's ``place``) and the tables' rows and columns."""

    def __init__(self, port, package: ReadPackage, titles: dict[str, str]):
        self.port = port
        self.cells: dict[Address, tuple[str, str, str]] = {}  # address → (table title, row words, column)
        for key, table in package.tables.items():
            title = titles.get(key, key)
            for (row_key, column), cell in table.cells.items():
                row = table.rows.get(row_key)
                words = f"{row.code} {row.label}".strip() if row is not None else row_key
                self.cells[cell.address] = (title, words or "合计", column.split("|")[-1])
            for row in table.rows.values():
                for address in (row.code_address, row.label_address):
                    if address is not None and address not in self.cells:
                        self.cells[address] = (title, f"{row.code} {row.label}".strip(), "")
        self.text_sheets = set(getattr(port, "text_sheets", ()))
        self.toc_sheets = set(getattr(port, "toc_sheets", ()))

    def locate(self, finding: Finding) -> None:
        """Fill the finding's places and words for each of its cells."""
        hint = next(iter(_QUOTED.findall(finding.message)), "")
        for address in [*finding.cells, *finding.compared]:
            places = self.port.place(address, hint if address.sheet in self.text_sheets else "")
            if places:
                finding.places[address] = [(p.file, p.page, p.box.rounded()) for p in places]  # as JSON gives them
            finding.where[address] = self._words(address, places)

    def _words(self, address: Address, places: list) -> str:
        page = places[0].page if places else None
        if page is None and address.sheet not in self.text_sheets:  # a blank table cell: its row's page
            found = self.port.page_of(address)
            page = found[1] if found else None
        prefix = f"第 {page} 页" if page else address.sheet
        if address.sheet in self.toc_sheets:
            return f"{prefix} 目录第 {address.row} 项"
        if address.sheet in self.text_sheets:
            return f"{prefix} 说明第 {address.row} 段"
        if address in self.cells:
            title, row, column = self.cells[address]
            return f"{prefix} {title} “{row}”" + (f" {column}列" if column else "")
        return prefix
