"""One PDF of the whole disclosure, in the seed's order: title, 目录 with page numbers, the nine
tables (each fitting the page width, header rows repeated), then the 情况说明; page numbers in the
footer; a CJK font embedded."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Paragraph, Spacer, Table, TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from budget_disclosure.export.fonts import find_body_font, find_heading_font
from budget_disclosure.export.printable import PrintTable
from budget_disclosure.layout.tables import AMOUNT

MARGIN = 15 * mm


def _register_fonts() -> tuple[str, str]:
    body, heading = find_body_font(), find_heading_font(find_body_font())
    pdfmetrics.registerFont(TTFont("BD-Body", str(body.path), subfontIndex=body.subfont))
    pdfmetrics.registerFont(TTFont("BD-Heading", str(heading.path), subfontIndex=heading.subfont))
    return "BD-Body", "BD-Heading"


class _Doc(BaseDocTemplate):
    def __init__(self, path: Path, title: str, **kw):
        super().__init__(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                         bottomMargin=MARGIN, title=title, author="budget-disclosure", **kw)
        portrait_frame = Frame(MARGIN, MARGIN, A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN, id="p")
        wide = landscape(A4)
        landscape_frame = Frame(MARGIN, MARGIN, wide[0] - 2 * MARGIN, wide[1] - 2 * MARGIN, id="l")
        self.addPageTemplates([
            PageTemplate("portrait", [portrait_frame], onPage=self._footer, pagesize=A4),
            PageTemplate("landscape", [landscape_frame], onPage=self._footer, pagesize=wide),
        ])

    def _footer(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("BD-Body", 9)
        canvas.drawCentredString(canvas._pagesize[0] / 2, 8 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        style = getattr(flowable, "style", None)
        if isinstance(flowable, Paragraph) and style is not None and style.name in ("H1", "S1"):
            self.notify("TOCEntry", (0 if style.name == "H1" else 1, flowable.getPlainText(), self.page))


def _styles(body: str, heading: str) -> dict[str, ParagraphStyle]:
    base = dict(fontName=body, wordWrap="CJK")
    return {
        "Title": ParagraphStyle("Title", fontName=heading, fontSize=20, leading=28, alignment=1, spaceAfter=18),
        "TOCTitle": ParagraphStyle("TOCTitle", fontName=heading, fontSize=16, leading=22, alignment=1, spaceAfter=12),
        "H1": ParagraphStyle("H1", fontName=heading, fontSize=15, leading=21, alignment=1, spaceAfter=6),
        "H2": ParagraphStyle("H2", fontName=heading, fontSize=12.5, leading=18, spaceBefore=8, spaceAfter=4),
        "S1": ParagraphStyle("S1", fontName=heading, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=4),
        "S2": ParagraphStyle("S2", fontName=heading, fontSize=11, leading=17, spaceBefore=6, spaceAfter=2),
        "Caption": ParagraphStyle("Caption", fontName=heading, fontSize=10.5, leading=15, alignment=1, spaceBefore=6,
                                  spaceAfter=3),
        "Body": ParagraphStyle("Body", fontSize=10.5, leading=17, firstLineIndent=21, **base),
        "Meta": ParagraphStyle("Meta", fontSize=9, leading=12, **base),
        "Cell": ParagraphStyle("Cell", fontSize=8, leading=10, **base),
        "CellRight": ParagraphStyle("CellRight", fontSize=8, leading=10, alignment=2, **base),
        "CellCenter": ParagraphStyle("CellCenter", fontSize=8, leading=10, alignment=1, **base),
        "TOC1": ParagraphStyle("TOC1", fontSize=11, leading=16, **base),
        "TOC2": ParagraphStyle("TOC2", fontSize=10, leading=14, leftIndent=14, **base),
    }


def _table(table: PrintTable, styles: dict, width: float) -> list:
    spec = table.spec
    header = [[Paragraph(t, styles["CellCenter"]) for t in row] for row in spec.header]
    numbers = [Paragraph("栏次", styles["CellCenter"])] + [Paragraph(str(i), styles["CellCenter"])
                                                        for i in range(1, len(spec.columns) + 1)]
    body = []
    for row in table.text_rows():
        cells = [Paragraph(row[0], styles["CellCenter"])]
        for text, column in zip(row[1:], spec.columns):
            cells.append(Paragraph(text, styles["CellRight" if column.kind == AMOUNT else "Cell"]))
        body.append(cells)
    weights = [6] + [c.width for c in spec.columns]
    widths = [width * w / sum(weights) for w in weights]
    grid = Table(header + [numbers] + body, colWidths=widths, repeatRows=len(header) + 1)
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, len(header)), colors.HexColor("#F2F2F2"))]
    for r1, c1, r2, c2 in spec.header_merges():
        commands.append(("SPAN", (c1 - 1, r1 - 1), (c2 - 1, r2 - 1)))
    grid.setStyle(TableStyle(commands))
    meta = Table([[Paragraph(table.unit_line, styles["Meta"]),
                   Paragraph(f"预算年度：{table.year or ''}", styles["Meta"]),
                   Paragraph("单位：万元", ParagraphStyle("MetaR", parent=styles["Meta"], alignment=2))]],
                 colWidths=[width * 0.5, width * 0.25, width * 0.25])
    out = [Paragraph(spec.title, styles["H1"]), meta, Spacer(1, 2 * mm), grid]
    if table.note:
        out += [Spacer(1, 2 * mm), Paragraph(table.note, styles["Meta"])]
    return out


def _statement(blocks: list[tuple], styles: dict, width: float) -> list:
    story: list = []
    for block in blocks:
        kind = block[0]
        if kind == "title":
            story.append(Paragraph(block[1], styles["H1"]))
        elif kind == "h1":
            story.append(Paragraph(block[1], styles["S1"]))
        elif kind == "h2":
            story.append(Paragraph(block[1], styles["S2"]))
        elif kind == "p":
            story.append(Paragraph(block[1], styles["Body"]))
        elif kind == "table":
            _, caption, header, rows = block
            data = [[Paragraph(str(c), styles["Cell"]) for c in r] for r in [*header, *rows]]
            if not data:
                continue
            n = max(len(r) for r in data)
            data = [r + [""] * (n - len(r)) for r in data]
            grid = Table(data, colWidths=[width / n] * n, repeatRows=len(header))
            grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
            story += [Paragraph(caption, styles["Caption"]), grid, Spacer(1, 3 * mm)]
    return story


def write_pdf(target: Path, title: str, tables: list[PrintTable], sections: list[tuple] = ()) -> None:
    """``sections``: the 情况说明 as blocks (see engine/narrative.py)."""
    body, heading = _register_fonts()
    styles = _styles(body, heading)
    doc = _Doc(target, title)
    toc = TableOfContents()
    toc.levelStyles = [styles["TOC1"], styles["TOC2"]]
    story: list = [Paragraph(title, styles["Title"]), Paragraph("目录", styles["TOCTitle"]), toc]
    current = "portrait"
    for table in tables:
        wanted = "landscape" if table.spec.landscape else "portrait"
        story += [NextPageTemplate(wanted), PageBreak()]
        current = wanted
        width = (landscape(A4)[0] if current == "landscape" else A4[0]) - 2 * MARGIN
        story += _table(table, styles, width)
    if sections:
        story += [NextPageTemplate("portrait"), PageBreak()]
        story += _statement(list(sections), styles, A4[0] - 2 * MARGIN)
    doc.multiBuild(story)
