"""A PDF's pages (reading/pdf_model.py) laid out for the reader: the tables as one grid in reading
order — exactly what the grid reader (reading/grid.py) reads from a workbook — and the rest of the
text as paragraphs, every cell and every character keeping its page and position. Pure: no PDF
library.

- **Tables**: each piece's columns are those of its drawing, without the slivers that double
  borders leave between cells (a cell's text goes to the column it covers); a table continued on
  the next page — with or without its header and title repeated — is joined to the piece before,
  its columns aligned by position; the title, 编制单位 and 单位 lines above a table and its 注 below go
  with it. A label centred over several columns sits in the first of them, as the workbook reader
  expects of a merged cell.
- **Text**: page numbers and running heads left out; lines joined into paragraphs where a line
  runs on (a new paragraph at an indent, a heading number, or after a short line); a word broken
  at a line end is one word again ("人员\\n经费" → "人员经费"). Each paragraph knows where each of its
  characters is printed.
- **目录**: its entries (title, printed page number) and the page numbers printed on the pages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from budget_disclosure.reading import pdf_toc
from budget_disclosure.reading.labels import BRACKETED_NUMBER, CHINESE_NUMBER, PART_NUMBER
from budget_disclosure.reading.pdf_model import (
    CJK, Box, PdfDocument, PdfPage, PieceCell, TablePiece, TextLine, joined, joiner,
)

MIN_COLUMN = 9.0  # points: narrower grid columns are the gaps of double borders, not columns (a digit and its padding need more)
ROW_TOLERANCE = 3.0  # points: cells of one row have their boxes centred on one line, within this
_PAGE_NUMBER = re.compile(r"^[-—–－─━·•\s]*(第\s*)?(\d{1,3})(\s*页)?(\s*共\s*\d+\s*页)?[-—–－─━·•\s]*$|^(\d{1,3})\s*/\s*\d{1,3}$")
_HEADING = re.compile(rf"^\s*({PART_NUMBER}|{CHINESE_NUMBER}|{BRACKETED_NUMBER}"
                      r"|\d{1,2}[、.．](?![\d.．])\s*\S|\d{1,2}[)）])")
_NOTE = re.compile(r"^\s*(注|说明|备注|[（(]无)")
_SPACE_BY_CJK = re.compile(rf"(?<=[{CJK}])\s+|\s+(?=[{CJK}])")


@dataclass(frozen=True)
class Place:
    """Where something is printed: the file, the page (1-based) and the box on it."""

    file: str
    page: int
    box: Box


@dataclass
class Paragraph:
    text: str
    pieces: list[tuple[int, TextLine, int]] = field(default_factory=list)  # (offset in text, line, page)

    def places(self, file: str, start: int = 0, end: int | None = None) -> list[Place]:
        """Where text[start:end] is printed: one box per line it touches."""
        end = len(self.text) if end is None else end
        out = []
        for n, (offset, line, page) in enumerate(self.pieces):
            stop = self.pieces[n + 1][0] if n + 1 < len(self.pieces) else len(self.text)
            if offset < end and stop > start:
                a, b = max(start, offset) - offset, min(end, stop) - offset
                out.append(Place(file, page, line.box_of(*_line_offsets(line, a, b))))
        return out


def _line_offsets(line: TextLine, a: int, b: int) -> tuple[int, int]:
    """Offsets in a paragraph piece (spaces by Chinese characters removed) → offsets in the line's text."""
    kept = [i for i, _ in enumerate(line.text) if not _removed(line.text, i)]
    if not kept:
        return 0, len(line.text)
    a, b = min(a, len(kept) - 1), min(max(b, a + 1), len(kept))
    return kept[a], kept[b - 1] + 1


def _removed(text: str, i: int) -> bool:
    return text[i].isspace() and bool(_SPACE_BY_CJK.match(text, i))


@dataclass
class TocEntry:
    title: str  # as printed, white space removed
    page: int | None  # the page number the 目录 prints (None: it prints none)
    place: Place


@dataclass
class PdfLayout:
    file: str
    grid: list[list[object]] = field(default_factory=list)
    cell_places: dict[tuple[int, int], Place] = field(default_factory=dict)  # (grid row, col) 0-based → place
    row_pages: list[int] = field(default_factory=list)  # the page of each grid row
    paragraphs: list[Paragraph] = field(default_factory=list)
    toc: list[TocEntry] = field(default_factory=list)
    printed_page: dict[int, int] = field(default_factory=dict)  # page → the number printed on it
    image_pages: list[int] = field(default_factory=list)
    # (text as printed, page) of what may head a part, in reading order: each paragraph's start (its
    # whole text when short) and each table's title lines
    headings: list[tuple[str, int]] = field(default_factory=list)
    title_lines: list[tuple[int, float, str]] = field(default_factory=list)  # (page, top, text) of table titles
    table_starts: list[int] = field(default_factory=list)  # grid rows where a titled table begins (ends the one before)


# -- tables -----------------------------------------------------------------------------------------
class _Cell(NamedTuple):
    """A cell on the reader's grid: its text, its box as drawn, where its characters are, their size."""

    text: str
    box: Box
    text_box: Box | None = None
    size: float = 10.0

    def joined(self, other: "_Cell") -> "_Cell":
        boxes = [b for b in (self.text_box, other.text_box) if b is not None]
        text_box = boxes[0] if len(boxes) == 1 else boxes[0].union(boxes[1]) if boxes else None
        return _Cell(joined((self.text, other.text)), self.box.union(other.box), text_box, max(self.size, other.size))


Row = list[_Cell | None]


@dataclass
class _Piece:
    """A table piece on the reader's columns."""

    page: int
    box: Box
    columns: list[tuple[float, float]]
    rows: list[Row]


def normalise(piece: TablePiece, page: int) -> _Piece:
    """The piece on the reader's rows and columns.

    Columns: the extractor's, without the slivers that double borders leave between cells (narrower
    than MIN_COLUMN); a cell's text goes to the first column it covers for the most part — where a
    label centred over several columns is read. Rows: by where the cells sit, not by every ruling
    line (word processors draw an inner box in some cells, which splits a row in the drawing but not
    on the page): cells whose boxes share a centre line are one row; a cell whose box holds the
    centres of two rows or more is merged over them and read in the first (as a workbook's merged
    cell). A label wrapped across a line of its cell's inner box is joined again."""
    columns = [c for c in piece.columns if c[1] - c[0] >= MIN_COLUMN] or piece.columns
    cells = [cell for row in piece.rows for cell in row if cell is not None and cell.text]
    centres: list[float] = []
    row_of: dict[int, int] = {}
    for cell in sorted(cells, key=lambda c: c.box.bottom - c.box.top):
        top, bottom = cell.box.top, cell.box.bottom
        middle = (top + bottom) / 2
        inside = [i for i, c in enumerate(centres) if top + 1 < c < bottom - 1]
        near = [i for i, c in enumerate(centres) if abs(c - middle) <= ROW_TOLERANCE]
        if len(inside) >= 2:
            row_of[id(cell)] = min(inside, key=lambda i: centres[i])
        elif near:
            row_of[id(cell)] = min(near, key=lambda i: abs(centres[i] - middle))
        else:
            row_of[id(cell)] = len(centres)
            centres.append(middle)
    rank = {i: n for n, i in enumerate(sorted(range(len(centres)), key=lambda i: centres[i]))}
    placed: dict[tuple[int, int], list[PieceCell]] = {}
    for cell in cells:
        placed.setdefault((rank[row_of[id(cell)]], _covered(cell.box.x0, cell.box.x1, columns)), []).append(cell)
    rows: list[Row] = []
    for r in range(len(centres)):
        out: Row = [None] * len(columns)
        for c in range(len(columns)):
            for part in sorted(placed.get((r, c), ()), key=lambda p: (round(p.box.top), p.box.x0)):
                cell = _Cell(part.text, part.box, part.text_box, part.size)
                out[c] = cell if out[c] is None else out[c].joined(cell)
        if any(out):
            rows.append(out)
    drawn = [cell.box for row in piece.rows for cell in row if cell is not None]
    return _Piece(page, piece.box, columns, _rejoin_wrapped(_head_under_parents(rows), drawn))


_FIGURE = re.compile(r"\d[\d,]*\.\d|\d{1,3}(,\d{3})+|^\d+$")


def _head_under_parents(rows: list[Row]) -> list[Row]:
    """In a table's head (its rows before the first figure), a heading a word processor centred down
    merged rows sits lower than its siblings; put it right under the group heading above it (the
    nearest wider cell over it), where its siblings are — when that place is free."""
    start = 0  # past the title and the 编制单位 / 单位 lines drawn inside the table
    while start < len(rows) and all(_furniture(c.text) for c in rows[start] if c is not None):
        start += 1
    head = start
    while head < len(rows) and not any(c is not None and _FIGURE.search(c.text) for c in rows[head]):
        head += 1
    if head - start < 3:
        return rows
    rows = [list(row) for row in rows]
    for i in range(start + 1, head):  # a heading wrapped in its narrow cell, each line drawn in a box of its own
        for c, cell in enumerate(rows[i]):
            k = next((k for k in range(i - 1, start - 1, -1) if rows[k][c] is not None), None)
            if cell is not None and k is not None and _heading_goes_on(rows[k][c], cell):
                rows[k][c], rows[i][c] = rows[k][c].joined(cell), None
    for i in range(start + 1, head):
        for c, cell in enumerate(rows[i]):
            if cell is None:
                continue
            parent = next((j for j in range(i - 1, start - 1, -1) for p in rows[j] if p is not None and p is not cell
                           and p.box.x0 <= cell.box.x0 + 2 and p.box.x1 >= cell.box.x1 - 2
                           and p.box.width > cell.box.width + 5), None)
            if parent is None or parent + 1 >= i:
                continue
            target = parent + 1
            if all(rows[k][c] is None for k in range(target, i)):
                rows[target][c], rows[i][c] = cell, None
    return [row for row in rows if any(row)]


def _wrapped(above: _Cell, cell: _Cell, drawn: list[Box] | None) -> bool:
    """Whether ``cell`` holds the second line of the label in ``above``: a fragment (no figure, code
    or ordinal of its own) in a cell drawn as wide as the one above, the upper line running to the
    cell's edge (it wrapped), the two lines meeting at the line between the cells (a row's own text
    sits in its middle or at its foot, not against the line above) a line apart, not a row apart —
    and, within a page, that line is not a row's (a cell of another column runs across it)."""
    if above.text_box is None or cell.text_box is None or re.search(r"\d", cell.text) \
            or re.match(r"^[(（一二三四五六七八九十]", cell.text):
        return False
    upper, lower, size = above.text_box, cell.text_box, above.size
    if abs(above.box.x0 - cell.box.x0) > 1.5 or abs(above.box.x1 - cell.box.x1) > 1.5:
        return False
    if upper.x1 < above.box.x1 - 1.6 * size:
        return False
    if drawn is None:  # across a page break (the row cut there, each part centred on its own page)
        return len(cell.text) <= 8
    if above.box.bottom - upper.bottom > 0.6 * size or lower.top - cell.box.top > 0.6 * size:
        return False
    line = cell.box.top
    return any(d.top < line - 1 and d.bottom > line + 1 for d in drawn) and 0 <= lower.top - upper.bottom <= 0.7 * size


_ORDINAL = re.compile(r"^\s*([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．])")


def _heading_goes_on(above: _Cell, cell: _Cell) -> bool:
    """A heading's next line in its own box: drawn as wide as the box above, the line above full to its
    edge, the two lines a line apart, the second a fragment (no figure, no ordinal)."""
    if above.text_box is None or cell.text_box is None or re.search(r"\d", cell.text) or _ORDINAL.match(cell.text) \
            or _furniture(above.text):
        return False
    if abs(above.box.x0 - cell.box.x0) > 1.5 or abs(above.box.x1 - cell.box.x1) > 1.5 or len(cell.text) > 8:
        return False
    size = above.size
    return above.text_box.x1 >= above.box.x1 - 1.6 * size and 0 <= cell.text_box.top - above.text_box.bottom <= 1.6 * size


def _rejoin_wrapped(rows: list[Row], drawn: list[Box]) -> list[Row]:
    """Labels wrapped in their cell but split into two rows by the drawing (see ``_wrapped``); and in a
    list whose items are numbered (一、二、…), a row holding nothing but an unnumbered fragment under a
    numbered item that runs to its cell's edge is the item's second line."""
    out: list[Row] = []
    for row in rows:
        row = list(row)
        if out:
            alone = sum(1 for cell in row if cell is not None) == 1
            for c, cell in enumerate(row):
                # the item above in this column: the row before, or the one before it when the row between
                # holds only other lists' cells (lists side by side whose rows are not the same height)
                back = 1 if out[-1][c] is not None or len(out) < 2 else 2
                above = out[-back][c]
                numbered = alone and above is not None and cell is not None and _ORDINAL.match(above.text) \
                    and not _ORDINAL.match(cell.text) and _wrapped(above, cell, None)
                if cell is not None and above is not None and (numbered or _wrapped(above, cell, drawn)):
                    out[-back][c] = above.joined(cell)
                    row[c] = None
        if any(row):
            out.append(row)
    return out


def _covered(start: float, end: float, ranges: list[tuple[float, float]]) -> int:
    """The first range that [start, end] covers for the most part (60 %), else the one it overlaps most."""
    for i, (a, b) in enumerate(ranges):
        if min(end, b) - max(start, a) >= 0.6 * (b - a):
            return i
    return max(range(len(ranges)), key=lambda i: min(end, ranges[i][1]) - max(start, ranges[i][0]))


def _aligned(piece: _Piece, columns: list[tuple[float, float]]) -> list[Row]:
    """A continuation's rows on the columns of the table it continues: each of its columns to the
    first of those it covers (a 合计 label spanning the code and name columns goes to the first)."""
    mapping = {i: _covered(x0, x1, columns) for i, (x0, x1) in enumerate(piece.columns)}
    rows = []
    for row in piece.rows:
        out: Row = [None] * len(columns)
        for i, cell in enumerate(row):
            if cell is not None:
                j = mapping[i]
                out[j] = cell if out[j] is None else out[j].joined(cell)
        rows.append(out)
    return rows


def _continues(previous: _Piece, piece: _Piece) -> bool:
    """Whether a piece at the top of a page can go on with the table that ended the page before: its
    table sits where that one sat, and each of its columns lies over one of that table's columns
    (the columns a page draws can be fewer — a row spanning several — or, printed from a
    spreadsheet, a little apart)."""
    if abs(previous.box.x0 - piece.box.x0) > 12 or abs(previous.box.x1 - piece.box.x1) > 12:
        return False
    used = {c for row in piece.rows for c, cell in enumerate(row) if cell is not None}
    return all(max(min(x1, b) - max(x0, a) for a, b in previous.columns) >= 0.5 * min(x1 - x0, 40)
               for c, (x0, x1) in enumerate(piece.columns) if c in used)


def _orphan_rows(lines: list[TextLine], piece: _Piece, above: bool) -> tuple[list[TextLine], list[Row]]:
    """A row of a table printed without its ruling at a page break — the first row under the page's top
    edge, or the last one above its foot — is read by the extractor as lines of text beside the table.
    A line right above (or below) the table, within its width, in parts that fall on its columns and
    with a code or a figure among them, is that row."""
    if not piece.rows:
        return lines, []
    rows: list[Row] = []
    kept = list(lines)
    edge = piece.box.top if above else piece.box.bottom
    candidates = reversed(lines) if above else lines
    for line in candidates:
        gap = edge - line.box.bottom if above else line.box.top - edge
        parts = line.parts(gap=line.size)
        inside = line.box.x0 >= piece.box.x0 - 2 and line.box.x1 <= piece.box.x1 + 2
        if not (0 <= gap <= 2.5 * line.size and inside and len(parts) >= 2 and any(re.fullmatch(r"[\d,.]+", t) for t, _ in parts)):
            break
        row: Row = [None] * len(piece.columns)
        for text, box in parts:
            c = _covered(box.x0, box.x1, piece.columns)
            row[c] = _Cell(text, box, box, line.size) if row[c] is None else row[c].joined(_Cell(text, box, box, line.size))
        if above:
            rows.insert(0, row)
        else:
            rows.append(row)
        kept.remove(line)
        edge = line.box.top if above else line.box.bottom
    return kept, rows


def _title_row(row: Row) -> bool:
    """A row of a drawn table that holds a table's title (a spreadsheet printed whole draws its titles
    inside the grid): one text, and it reads as a title."""
    texts = [c.text for c in row if c is not None]
    return len(texts) == 1 and _title_like(texts[0]) and not re.search(r"\d[\d,]*\.\d", texts[0])


def _segments(piece: _Piece) -> list[_Piece]:
    """A drawn table cut before each title row inside it: one piece per table."""
    cuts = [r for r, row in enumerate(piece.rows) if r > 0 and _title_row(row)]
    if not cuts:
        return [piece]
    out, start = [], 0
    for cut in cuts + [len(piece.rows)]:
        rows = piece.rows[start:cut]
        if rows:
            boxes = [c.box for row in rows for c in row if c is not None]
            box = boxes[0]
            for other in boxes[1:]:
                box = box.union(other)
            out.append(_Piece(piece.page, box, piece.columns, rows))
        start = cut
    return out


# -- text -------------------------------------------------------------------------------------------
def _is_page_number(line: TextLine, page: PdfPage) -> int | None:
    margin = 0.1 * page.height
    if line.box.top < margin or line.box.bottom > page.height - margin:
        m = _PAGE_NUMBER.match(line.text)
        if m:
            return int(m.group(2) or m.group(5))
    return None


_NOT_TABLE_WORDS = re.compile(r"代表|表彰|表决|表达|表示|表现|表明|表述|发表|表率|[本此该空]表")


def _title_like(text: str) -> bool:
    """A table's title: names a 表 (not as in 人民代表大会), short, no sentence."""
    t = "".join(text.split())
    return "表" in _NOT_TABLE_WORDS.sub("", t) and len(t) <= 60 and not any(p in t for p in "。，；") \
        and not t.endswith((":", "：")) and not _NOTE.match(t)


def _furniture(text: str) -> bool:
    """A line printed with a table: its title, 公开NN表, 编制单位 / 部门 / 单位, a year line."""
    t = "".join(text.split())
    return _title_like(t) or bool(re.search(r"(编制单位|编制部门|部门名称|单位名称|预算单位|主管部门|部门|单位)[:：]|单位[:：]?\s*万?元$|"
                                             r"^公开\d+表$|^表[一二三四五六七八九十\d]+$|^\d{4}年度?$", t))


def _narrative(line: TextLine) -> bool:
    t = line.text
    return "。" in t or len("".join(t.split())) > 45 and not _furniture(t)


def _running_heads(doc: PdfDocument) -> set[str]:
    """Lines printed at the same height on many pages (a document title in the header): not text."""
    seen: Counter = Counter()
    for page in doc.pages:
        for line in page.lines:
            if line.box.top < 0.08 * page.height or line.box.bottom > 0.92 * page.height:
                seen["".join(line.text.split())] += 1
    return {text for text, n in seen.items() if n >= 3 and not _PAGE_NUMBER.match(text)}


def layout(doc: PdfDocument) -> PdfLayout:
    out = PdfLayout(doc.name)
    heads = _running_heads(doc)
    text_lines: list[tuple[TextLine, int]] = []  # (line, page) of the narrative, in reading order
    state = _Tables(out)
    carried: list[TextLine] = []  # a title printed at the foot of a page, for the table on the next
    toc_open = False  # the page before was the 目录's
    for page in doc.pages:
        if page.image_only:
            out.image_pages.append(page.number)
        lines = []
        for line in page.lines:
            number = _is_page_number(line, page)
            if number is not None:
                out.printed_page[page.number] = number
            elif "".join(line.text.split()) not in heads:
                lines.append(line)
        if out.toc and toc_open:  # a 目录 run on to the top of this page
            k = pdf_toc.continued(out.toc[0], lines)
            _toc(out, lines[:k], page.number)
            lines = lines[k:]
            toc_open = bool(k) and not lines and not page.tables  # the 目录 may go on over one more page
        else:
            toc_open = False
        tables = page.tables  # the page's table pieces, less a 目录 drawn as a table (the document is not changed)
        if tables and _toc_table(page):
            rows = [[c for c in row if c is not None and c.text] for t in tables for row in t.rows]
            _toc(out, [TextLine(" ".join(c.text for c in row), pdf_toc.box_of(row)) for row in rows if row],
                 page.number, spaced=True)
            tables = []
        if not tables and pdf_toc.is_toc_page(page):
            body = _toc(out, lines, page.number)
            state.last, carried, toc_open = None, [], body == len(lines)
            if body == len(lines):
                continue
            lines = lines[body:]  # the body begins on the 目录's page
        if not tables:
            text_lines += [(line, page.number) for line in carried + lines]
            state.last, carried = None, []
            continue
        elements = sorted([(line.box.top, 0, line) for line in lines] + [(t.box.top, 1, t) for t in tables],
                          key=lambda e: (e[0], e[1]))
        pending: list[TextLine] = list(carried)  # lines since the last table: text, or the next table's own
        carried = []
        first = True
        for _, kind, element in elements:
            if kind == 0:
                pending.append(element)
                continue
            piece = normalise(element, page.number)
            pending, orphans = _orphan_rows(pending, piece, above=True)
            piece.rows = orphans + piece.rows
            above = _above(pending)
            text_lines += [(line, page.number) for line in pending[:len(pending) - len(above)]]
            for n, segment in enumerate(_segments(piece)):
                state.add(segment, above if n == 0 else [], may_continue=first and n == 0 and len(above) == len(pending))
            pending, first = [], False
        if state.last is not None and pending:
            pending, orphans = _orphan_rows(pending, state.last, above=False)
            for row in orphans:
                state.write(row, page.number)
        notes, rest = _notes(pending)
        for line in notes:
            _grid_line(out, line, page.number)
        tail = _above(rest)  # a title at the foot of the page: its table starts on the next
        if tail and any(_title_like(line.text) for line in tail):
            rest, carried = rest[:len(rest) - len(tail)], tail
        text_lines += [(line, page.number) for line in rest]
        if rest or carried:
            state.last = None  # text (or a new title) after the table: the next page's table is another
        _grid_row(out, [], page.number)  # between pages: a blank row, which the reader passes over
    out.paragraphs = _paragraphs(_without_overflow(text_lines), doc)
    out.headings = _headings(out)
    return out


def _headings(out: PdfLayout) -> list[tuple[str, int]]:
    """What may head a part, in reading order: the start of each paragraph (all of it when short: a
    heading wrapped onto two lines) and the title lines of each table."""
    found = [(page, top, text) for page, top, text in out.title_lines]
    for paragraph in out.paragraphs:
        _, line, page = paragraph.pieces[0]
        text = paragraph.text if len(paragraph.text) <= 60 else line.text
        found.append((page, line.box.top, text))
    return [(text, page) for page, _, text in sorted(found, key=lambda f: (f[0], f[1]))]


def _without_overflow(lines: list[tuple[TextLine, int]]) -> list[tuple[TextLine, int]]:
    """A text box that overflows its page is printed clipped, and the same lines again on the next page:
    the text layer holds them twice (where a page repeats the lines the page before ended with, the
    repeat is dropped)."""
    out: list[tuple[TextLine, int]] = []
    previous: list[str] = []  # the texts of the page before
    page, current = None, []
    for line, number in lines + [(None, None)]:
        if number != page:
            if current:
                texts = [t.text for t, _ in current]
                k = next((k for k in range(min(len(previous), len(texts), 40), 1, -1) if previous[-k:] == texts[:k]), 0)
                out += current[k:]
                previous = texts
            page, current = number, []
        if line is not None:
            current.append((line, number))
    return out


class _Tables:
    """The tables of a document as they go into the grid, piece by piece: a piece either starts a
    table (with the lines printed above it) or goes on with the table that ended the page before."""

    def __init__(self, out: PdfLayout):
        self.out = out
        self.last: _Piece | None = None  # the piece that ended the previous page
        self.last_title = ""
        self.last_row: Row | None = None  # the grid row last written for that table (its cells)
        self.written: list[int] = []  # the grid rows written, in order

    def add(self, piece: _Piece, above: list[TextLine], may_continue: bool) -> None:
        titles = ["".join(line.text.split()) for line in above if _title_like(line.text)]
        starts_titled = bool(piece.rows) and _title_row(piece.rows[0])
        new_title = bool(titles) and titles[-1] != self.last_title or starts_titled
        if may_continue and self.last is not None and not new_title and _continues(self.last, piece):
            if len(piece.columns) > len(self.last.columns) and len(self.last.rows) <= 3:
                self._refine(piece.columns)  # the page before held only the head's first rows: finer columns now
            rows = _aligned(piece, self.last.columns)
            if rows and self.last_row is not None:
                rows = self._rejoin_across_pages(rows)
            for row in rows:  # the same table, on: its repeated page lines dropped
                self.write(row, piece.page)
            piece = _Piece(piece.page, piece.box, self.last.columns, rows)
        else:
            if new_title or above:  # titled, or under lines of its own: another table
                self.out.table_starts.append(len(self.out.grid))
            joined = _rejoin_header_lines(above)
            for line in joined:
                _grid_line(self.out, line, piece.page)
            self.out.title_lines += [(piece.page, line.box.top, line.text) for line in joined]
            if starts_titled:  # a title printed in the table's first row
                cell = next(c for c in piece.rows[0] if c)
                self.out.title_lines.append((piece.page, cell.box.top, cell.text))
            for row in piece.rows:
                self.write(row, piece.page)
            if titles or starts_titled:
                self.last_title = titles[-1] if titles else "".join(next(c for c in piece.rows[0] if c).text.split())
        self.last = piece

    def _rejoin_across_pages(self, rows: list[Row]) -> list[Row]:
        """A row cut by the page break: the label's end at the top of the next page goes back to it."""
        first, previous = rows[0], self.last_row
        joined = False
        for c, cell in enumerate(first):
            above = previous[c] if c < len(previous) else None
            if cell is not None and above is not None and _wrapped(above, cell, None):
                self._amend(c, above.joined(cell))
                first[c] = None
                joined = True
        if joined and not any(first):
            return rows[1:]
        return rows

    def write(self, row: Row, page: int) -> None:
        _grid_row(self.out, row, page)
        self.last_row = list(row)
        self.written.append(len(self.out.grid) - 1)

    def _refine(self, columns: list[tuple[float, float]]) -> None:
        """The rows already written for the current table, put on finer columns (each cell to the first
        column it covers), as a table whose first page printed only its head's top rows."""
        assert self.last is not None
        for r, row in zip(self.written[-len(self.last.rows):], self.last.rows):
            cells: Row = [None] * len(columns)
            for cell in row:
                if cell is not None:
                    c = _covered(cell.box.x0, cell.box.x1, columns)
                    cells[c] = cell if cells[c] is None else cells[c].joined(cell)
            self.out.grid[r] = [c.text if c else None for c in cells]
            for c in range(max(len(row), len(cells))):
                self.out.cell_places.pop((r, c), None)
            for c, cell in enumerate(cells):
                if cell is not None:
                    self.out.cell_places[(r, c)] = Place(self.out.file, self.out.row_pages[r], cell.box)
        self.last = _Piece(self.last.page, self.last.box, columns, self.last.rows)

    def _amend(self, c: int, cell: _Cell) -> None:
        """The last written row's cell ``c``, amended."""
        r = len(self.out.grid) - 1
        while r >= 0 and not any(v is not None for v in self.out.grid[r]):
            r -= 1  # past the blank row between pages
        self.out.grid[r][c] = cell.text
        self.out.cell_places[(r, c)] = Place(self.out.file, self.out.row_pages[r], cell.box)
        self.last_row[c] = cell


def _above(pending: list[TextLine]) -> list[TextLine]:
    """The lines just above a table that belong to it (title, 公开NN表, 编制单位, 单位): the last few
    before it, back to the first line of running text."""
    out: list[TextLine] = []
    for line in reversed(pending):
        if len(out) >= 6 or (_narrative(line) and not _furniture(line.text)):
            break
        out.insert(0, line)
    return out


_NAME_LINE = re.compile(r"^\s*(编制单位|编制部门|部门名称|单位名称|预算单位|部门|单位)\s*[:：]")


def _rejoin_header_lines(lines: list[TextLine]) -> list[TextLine]:
    """A 部门名称 printed in a narrow box wraps: its second line (right under it, at the same left
    edge, no colon, no figure) is the rest of the name, even with the 单位 line printed between; a
    title too long for its line ends on the next ("…支出预" + "算表")."""
    out: list[TextLine] = []
    for line in lines:
        text, spans = _kept(line, lambda ch: not ch.isspace() and ch not in "“”\"")
        if not text:
            continue  # the quotes of a title's “三公” printed a little above its line
        if out and len(text) <= 5 and text.endswith("表") and not out[-1].text.rstrip().endswith("表") \
                and -line.size <= line.box.top - out[-1].box.bottom <= line.size:
            # a title too long for its line: "…培训费支出预" + "算表"
            head = out[-1]
            out[-1] = TextLine(head.text + text, head.box.union(line.box), head.size, head.spans + spans)
            continue
        head = next((o for o in reversed(out) if _NAME_LINE.match(o.text) and abs(o.box.x0 - line.box.x0) <= 2
                     and 0 <= line.box.top - o.box.bottom <= 0.9 * line.size), None)
        if head is not None and not re.search(r"[:：\d]", line.text) and not _title_like(line.text) and len(line.text) <= 20:
            rest = line.text.strip()
            start = line.text.index(rest[0]) if rest else 0
            out[out.index(head)] = TextLine(head.text + rest, head.box.union(line.box), head.size,
                                            head.spans + line.spans[start:start + len(rest)])
            continue
        out.append(line)
    return out


def _kept(line: TextLine, keep) -> tuple[str, tuple]:
    """The line's characters that ``keep`` accepts, with their x-ranges (so a box still finds them)."""
    pairs = [(ch, span) for ch, span in zip(line.text, line.spans or [None] * len(line.text)) if keep(ch)]
    return "".join(ch for ch, _ in pairs), tuple(span for _, span in pairs if span is not None)


def _notes(pending: list[TextLine]) -> tuple[list[TextLine], list[TextLine]]:
    """Lines after a table: its 注 / 说明 (with their wrapped lines) go with it; the rest is text."""
    if not pending or not _NOTE.match(pending[0].text):
        return [], pending
    notes = [pending[0]]
    for line in pending[1:]:
        if _HEADING.match(line.text) and not re.match(r"^\s*\d+[.．、]", line.text) or _title_like(line.text):
            break
        if line.box.top - notes[-1].box.bottom > 2.5 * line.size:
            break
        notes.append(line)
    return notes, pending[len(notes):]


def _grid_line(out: PdfLayout, line: TextLine, page: int) -> None:
    """A line printed with a table, its parts (cut at wide gaps) in consecutive cells."""
    _grid_row(out, [(text, box) for text, box in line.parts()], page)


def _grid_row(out: PdfLayout, cells, page: int) -> None:
    """A grid row from cells (text and box, or None), each cell's place kept."""
    r = len(out.grid)
    out.grid.append([c[0] if c else None for c in cells])
    out.row_pages.append(page)
    for c, cell in enumerate(cells):
        if cell is not None:
            out.cell_places[(r, c)] = Place(out.file, page, cell[1])


def _toc_table(page: PdfPage) -> bool:
    return pdf_toc.is_toc_table([c.text for t in page.tables for row in t.rows for c in row if c and c.text])


def _toc(out: PdfLayout, lines: list[TextLine], page: int, spaced: bool = False) -> int:
    """The 目录's entries on this page go into ``out.toc``; returns where the page's body begins."""
    found, body = pdf_toc.entries(lines, spaced)
    if out.toc and found and lines and out.toc[-1].place.page != page and found[0].title and \
            not pdf_toc.ENTRY_NUMBER.match(found[0].title) and out.toc[-1].page is None:
        last = out.toc[-1]  # the entry the page before ended with goes on here
        out.toc[-1] = TocEntry(last.title + found[0].title, found[0].page, last.place)
        found = found[1:]
    out.toc += [TocEntry(e.title, e.page, Place(out.file, page, e.line.box)) for e in found]
    return body


# -- paragraphs -------------------------------------------------------------------------------------
def _margins(lines: list[tuple[TextLine, int]]) -> dict[int, tuple[float, float]]:
    """Per page, the left and right margins of its running text (the commonest line starts and ends)."""
    by_page: dict[int, list[TextLine]] = {}
    for line, page in lines:
        by_page.setdefault(page, []).append(line)
    margins = {}
    for page, page_lines in by_page.items():
        left = Counter(round(line.box.x0) for line in page_lines).most_common(1)[0][0]
        # the right margin: where most long lines end (one line run into the margin must not make the
        # full lines look short)
        ends = sorted(line.box.x1 for line in page_lines if len(line.text) >= 12) or \
            sorted(line.box.x1 for line in page_lines)
        right = ends[int(0.75 * (len(ends) - 1))]
        margins[page] = (left, right)
    return margins


def _paragraphs(lines: list[tuple[TextLine, int]], doc: PdfDocument) -> list[Paragraph]:
    margins = _margins(lines)
    out: list[Paragraph] = []
    previous: tuple[TextLine, int] | None = None
    for line, page in lines:
        text = _SPACE_BY_CJK.sub("", line.text.strip())
        if not text:
            continue
        left, right = margins[page]
        starts = previous is None or _HEADING.match(text) is not None or line.box.x0 > left + 1.2 * line.size \
            or _ends_short(previous, margins) or _title_like(text) and not out[-1].text.endswith(("，", "、"))
        if starts:
            out.append(Paragraph(text, [(0, line, page)]))
        else:
            para = out[-1]
            space = joiner(para.text, text)
            para.pieces.append((len(para.text) + len(space), line, page))
            para.text += space + text
        previous = (line, page)
    return out


def _ends_short(previous: tuple[TextLine, int], margins: dict[int, tuple[float, float]]) -> bool:
    """A line that stops well before the right margin ends its paragraph."""
    line, page = previous
    right = margins[page][1]
    return line.box.x1 < right - 2.5 * line.size
