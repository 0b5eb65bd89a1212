"""A published PDF as the reader sees it: per page, the text lines outside tables and the ruled (or
text-aligned) table pieces, every piece of text with its position — nothing of any PDF library.

Coordinates are PDF points from the page's top-left corner in the page as displayed (rotation
applied), as pdfplumber gives them; ``Box`` is (x0, top, x1, bottom).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"  # CJK punctuation, ideographs, full-width forms
_CJK_CHAR = re.compile(f"[{CJK}]")


def joiner(before: str, after: str) -> str:
    """What goes between two pieces of one text printed on two lines: nothing where a Chinese character
    meets the break (a label wrapped in its cell is one label), a space between Latin words and figures."""
    return "" if _CJK_CHAR.match(before[-1:]) or _CJK_CHAR.match(after[:1]) else " "


def joined(texts) -> str:
    out = ""
    for text in texts:
        out += (joiner(out, text) if out else "") + text
    return out


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    def union(self, other: "Box") -> "Box":
        return Box(min(self.x0, other.x0), min(self.top, other.top), max(self.x1, other.x1),
                   max(self.bottom, other.bottom))

    def rounded(self) -> list[float]:
        return [round(self.x0, 1), round(self.top, 1), round(self.x1, 1), round(self.bottom, 1)]


@dataclass(frozen=True)
class TextLine:
    """A printed line, its text as read (a space where the characters leave a gap), the x-range of
    each character of ``text`` (an inserted space gets the gap), and its font size."""

    text: str
    box: Box
    size: float = 10.0  # the font size of its characters (the largest)
    spans: tuple[tuple[float, float], ...] = ()

    def box_of(self, start: int, end: int) -> Box:
        """The box of text[start:end] on this line."""
        if not self.spans or start >= len(self.spans):
            return self.box
        end = max(start + 1, min(end, len(self.spans)))
        return Box(self.spans[start][0], self.box.top, self.spans[end - 1][1], self.box.bottom)

    def parts(self, gap: float | None = None) -> list[tuple[str, Box]]:
        """The line cut where characters leave a wide gap (a 编制单位 line and its 单位 far right)."""
        gap = 2 * self.size if gap is None else gap
        if not self.spans:
            return [(self.text, self.box)]
        out, start = [], 0
        for i in range(len(self.text) + 1):
            wide = i < len(self.text) and self.text[i] == " " and self.spans[i][1] - self.spans[i][0] > gap
            if i == len(self.text) or wide:
                text = self.text[start:i].strip()
                if text:
                    out.append((text, self.box_of(start, i)))
                start = i + 1
        return out


@dataclass(frozen=True)
class PieceCell:
    text: str
    box: Box  # the cell as drawn
    text_box: Box | None = None  # where its characters are
    size: float = 10.0  # their font size


@dataclass
class TablePiece:
    """A table as found on one page: rows of cells over the extractor's column grid (``None`` where a
    merged cell to the left or above covers the position)."""

    box: Box
    rows: list[list[PieceCell | None]]
    columns: list[tuple[float, float]]  # the grid's column x-ranges


@dataclass
class PdfPage:
    number: int  # 1-based, as a reader counts
    width: float
    height: float
    lines: list[TextLine] = field(default_factory=list)  # outside every table piece, top to bottom
    tables: list[TablePiece] = field(default_factory=list)
    image_only: bool = False  # no text layer but images: a scan (no OCR)


@dataclass
class PdfDocument:
    name: str  # the file's name
    pages: list[PdfPage]
    page_count: int
    notes: list[str] = field(default_factory=list)  # what the reader noticed (scripts, attachments, …)
