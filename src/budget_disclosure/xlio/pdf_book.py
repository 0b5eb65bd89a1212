"""A published package in PDF (one file, or 说明 + 公开表 in two) behind the read side of the
workbook port, so that the check reads it as it reads a workbook: each file's tables are one grid
("表格" sheet, reading/pdf_layout.py), its text one paragraph per row ("说明" sheet). Every cell
and paragraph keeps where it is printed (``place``), for findings located on the page and for the
annotated copy."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from budget_disclosure.reading.model import Address, Outline, TocLine
from budget_disclosure.reading.pdf_layout import PdfLayout, Place, layout
from budget_disclosure.xlio.pdf_extract import PdfRejected, read_pdf

TABLES, TEXT, TOC = "表格", "说明", "目录"


class PdfBook:
    """Read-only: ``check`` reads it; fill, flags and clear are refused before it is opened."""

    def __init__(self, paths: Sequence[Path]):
        self.paths = [Path(p) for p in paths]
        self.documents = [read_pdf(p) for p in self.paths]
        for doc in self.documents:
            if not any(page.lines or page.tables for page in doc.pages):
                images = [str(page.number) for page in doc.pages if page.image_only]
                raise PdfRejected(f"{doc.name}：没有可读取的文字" + (
                    f"（第 {'、'.join(images[:20])} 页为图片，是扫描件）" if images else "") +
                    "：本工具读取 PDF 的文字层，不做文字识别（OCR）；请取得由文字生成的 PDF，或核对原始的工作簿")
        self.layouts: list[PdfLayout] = [layout(d) for d in self.documents]
        several = len(self.paths) > 1
        self._sheets: dict[str, tuple[list[list[object]], PdfLayout, str]] = {}
        for path, lay in zip(self.paths, self.layouts):
            suffix = f"·{path.stem}" if several else ""
            if lay.grid:
                self._sheets[TABLES + suffix] = (lay.grid, lay, TABLES)
            if lay.paragraphs:
                self._sheets[TEXT + suffix] = ([[p.text] for p in lay.paragraphs], lay, TEXT)
            if lay.toc:
                self._sheets[TOC + suffix] = ([[e.title, e.page] for e in lay.toc], lay, TOC)
        # the running text and the 目录: never read as tables
        self.text_sheets = {name for name, (_, _, kind) in self._sheets.items() if kind != TABLES}
        self.toc_sheets = {name for name, (_, _, kind) in self._sheets.items() if kind == TOC}

    # -- the read side of the workbook port ---------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    def extent(self, sheet: str) -> tuple[int, int]:
        rows = self._sheets[sheet][0]
        return (len(rows), max((len(r) for r in rows), default=0)) if rows else (0, 0)

    def table_starts(self, sheet: str) -> list[int]:
        """Rows (0-based) where the printed document begins a new titled table: a table read from the grid
        ends before the next one, even when that one is not a table of the family (机构设置, 绩效目标表)."""
        rows, lay, kind = self._sheets[sheet]
        return list(lay.table_starts) if kind == TABLES else []

    def far_cells(self, sheet: str) -> list[tuple[int, int, object]]:
        return []

    def read_block(self, sheet: str, top: int, left: int, bottom: int, right: int) -> list[list[object]]:
        rows = self._sheets[sheet][0]
        out = []
        for r in range(top - 1, bottom):
            row = rows[r] if r < len(rows) else []
            out.append([row[c] if c < len(row) else None for c in range(left - 1, right)])
        return out

    # -- where things are printed --------------------------------------------------------------------
    @property
    def pages(self) -> int:
        return sum(d.page_count for d in self.documents)

    @property
    def pages_read(self) -> int:
        """Pages with a text layer (an image page is not read: no OCR)."""
        return self.pages - sum(len(lay.image_pages) for lay in self.layouts)

    def place(self, address: Address, hint: str = "") -> list[Place]:
        """Where the cell (a table sheet) or the paragraph (the 说明 sheet) at ``address`` is printed;
        in a paragraph, where ``hint`` (a sentence or a figure it names) is, when found in it."""
        if address.sheet not in self._sheets:
            return []
        _, lay, kind = self._sheets[address.sheet]
        if kind == TOC:
            return [lay.toc[address.row - 1].place] if 0 < address.row <= len(lay.toc) else []
        if kind == TABLES:
            found = lay.cell_places.get((address.row - 1, address.col - 1))
            return [found] if found else []  # a blank cell: none (page_of gives its row's page)
        if not 0 < address.row <= len(lay.paragraphs):
            return []
        paragraph = lay.paragraphs[address.row - 1]
        start = paragraph.text.find(hint) if hint else -1
        if start >= 0:
            return paragraph.places(lay.file, start, start + len(hint))
        return paragraph.places(lay.file)

    def page_of(self, address: Address) -> tuple[str, int] | None:
        """(file, page) of any address: a cell, a blank position in a table row, a paragraph."""
        if address.sheet not in self._sheets:
            return None
        _, lay, kind = self._sheets[address.sheet]
        if kind == TABLES and 0 < address.row <= len(lay.row_pages):
            return lay.file, lay.row_pages[address.row - 1]
        places = self.place(address)
        return (places[0].file, places[0].page) if places else None

    def row_pages(self) -> dict[str, list[int]]:
        """The page each row of every sheet is printed on (a table row; a paragraph's first line): kept
        with a check's report, to name the page of a figure compared with another document."""
        out = {}
        for name, (rows, lay, kind) in self._sheets.items():
            if kind == TABLES:
                out[name] = list(lay.row_pages)
            elif kind == TEXT:
                out[name] = [next((p.page for p in par.places(lay.file)), 0) for par in lay.paragraphs]
        return out

    def outlines(self) -> list[Outline]:
        """Each file's 目录, headings (with the page numbers they are printed under) and paragraphs."""
        out = []
        for path, lay, doc in zip(self.paths, self.layouts, self.documents):
            sheets = {kind: name for name, (_, layout_, kind) in self._sheets.items() if layout_ is lay}
            toc = [TocLine(e.title, e.page, Address(sheets[TOC], n, 1)) for n, e in enumerate(lay.toc, 1)]
            paragraphs = [(Address(sheets[TEXT], n, 1), p.text) for n, p in enumerate(lay.paragraphs, 1)]
            numbered = len(lay.printed_page) >= max(2, doc.page_count // 2)  # most pages print their number
            numbers = lay.printed_page if numbered else {}
            headings = [(text, _printed(numbers, page)) for text, page in lay.headings]
            out.append(Outline(path.name, toc, headings, numbered, paragraphs))
        return out

    def first_words(self, limit: int = 2000) -> str:
        """The words the document opens with — its title, unit and year — as printed on its first pages
        pages (to match a 说明 published apart with its tables)."""
        words = []
        for doc in self.documents:
            for page in doc.pages[:6]:
                words += [line.text for line in page.lines]
                words += [c.text for t in page.tables for row in t.rows[:6] for c in row if c is not None and c.text]
        return " ".join(words)[:limit]

    def reading_notes(self) -> list[str]:
        """What the reader says of the files: pages that are images (no OCR), scripts, attachments."""
        notes = []
        if len(self.documents) > 1:
            notes.append("按同一公开包读取：" + " + ".join(d.name for d in self.documents))
        for doc, lay in zip(self.documents, self.layouts):
            for note in doc.notes:
                notes.append(f"{doc.name}：{note}")
            if lay.image_pages:
                pages = "、".join(str(p) for p in lay.image_pages)
                notes.append(f"{doc.name}：第 {pages} 页为图片（扫描件），没有文字层，未读取（本工具不做文字识别）")
        return notes


def _printed(numbers: dict[int, int], page: int) -> int:
    """The number page ``page`` prints, or follows from the nearest page that prints one (a page
    without its number, a cover); the page's place in the file when none prints a number."""
    if page in numbers:
        return numbers[page]
    if not numbers:
        return page
    nearest = min(numbers, key=lambda p: (abs(p - page), p))
    return numbers[nearest] + page - nearest
