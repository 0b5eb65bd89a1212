"""A reviewer's marked-up copy of a published PDF: each finding's cell or sentence highlighted, its
message in the highlight's note (what a PDF reader shows on hover and lists in its comments pane) —
the PDF counterpart of the in-cell flags. Written with pypdf into a new file beside the original,
atomically; the original is never touched.

Positions come from the reader (pdfplumber), in the page as displayed: top-left origin, rotation
applied. A PDF annotation's rectangle is in the page's own user space (bottom-left origin, before
/Rotate): ``user_rect`` turns one into the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from budget_disclosure.xlio.atomic import write_atomically

COLOURS = {"强制": "ff3030", "提示": "ffd400", "尾差": "4aa3ff"}
AUTHOR = "预算公开校验"


@dataclass(frozen=True)
class Mark:
    page: int  # 1-based
    box: tuple[float, float, float, float]  # x0, top, x1, bottom as displayed
    text: str
    severity: str


def user_point(x: float, top: float, rotation: int, media) -> tuple[float, float]:
    """A point of the page as displayed (x from the left, top from the top) in user space."""
    mx0, my0, mx1, my1 = (float(v) for v in media)
    width, height = mx1 - mx0, my1 - my0
    rotation %= 360
    if rotation == 90:
        ux, uy = top, x
    elif rotation == 180:
        ux, uy = width - x, top
    elif rotation == 270:
        ux, uy = width - top, height - x
    else:
        ux, uy = x, height - top
    return mx0 + ux, my0 + uy


def user_rect(box, rotation: int, media) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) on the page as displayed → (llx, lly, urx, ury) in user space."""
    x0, top, x1, bottom = box
    points = [user_point(x, y, rotation, media) for x, y in ((x0, top), (x1, bottom))]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _quad(box, rotation: int, media) -> list[float]:
    """The highlight's corners as the text reads (upper left, upper right, lower left, lower right, as
    displayed), so that a reader draws it along the line even on a rotated page."""
    x0, top, x1, bottom = box
    return [v for x, y in ((x0, top), (x1, top), (x0, bottom), (x1, bottom)) for v in user_point(x, y, rotation, media)]


def annotate(source: Path, target: Path, marks: list[Mark], unplaced: list[str]) -> int:
    """Write ``source`` with ``marks`` as highlights to ``target``; findings that have no place on a page
    are listed in one note on the first page. Returns the number of highlights written."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Highlight, Text
    from pypdf.generic import ArrayObject, FloatObject, NameObject, TextStringObject

    reader = PdfReader(str(source))
    if reader.is_encrypted:
        reader.decrypt("")  # permissions only (an open password is refused before): the copy is the public text
    writer = PdfWriter(clone_from=reader)
    written = 0
    for mark in marks:
        if not 0 < mark.page <= len(writer.pages):
            continue
        page = writer.pages[mark.page - 1]
        rotation = int(page.get("/Rotate", 0) or 0)
        x0, top, x1, bottom = mark.box
        box = (x0 - 1, top - 1, x1 + 1, bottom + 1)
        llx, lly, urx, ury = user_rect(box, rotation, page.mediabox)
        quad = ArrayObject([FloatObject(v) for v in _quad(box, rotation, page.mediabox)])
        annotation = Highlight(rect=(llx, lly, urx, ury), quad_points=quad,
                               highlight_color=COLOURS.get(mark.severity, "ff3030"))
        annotation[NameObject("/Contents")] = TextStringObject(mark.text)
        annotation[NameObject("/T")] = TextStringObject(AUTHOR)
        writer.add_annotation(page_number=mark.page - 1, annotation=annotation)
        written += 1
    if unplaced and len(writer.pages):
        first = writer.pages[0]
        mx0, my0, mx1, my1 = (float(v) for v in first.mediabox)
        note = Text(rect=(mx0 + 10, my1 - 30, mx0 + 30, my1 - 10), text="\n".join(unplaced), open=False)
        note[NameObject("/T")] = TextStringObject(f"{AUTHOR}：无法定位到页面的问题 {len(unplaced)} 个")
        writer.add_annotation(page_number=0, annotation=note)
    write_atomically(Path(target), lambda tmp: writer.write(str(tmp)))
    return written
