"""One PDF of the whole disclosure, in the seed's order: title, 目录 with page numbers, the nine
tables (each fitting the page width, header rows repeated), then the 情况说明; page numbers in the
footer; a CJK font embedded."""

from __future__ import annotations

import math
import re
from pathlib import Path
from xml.sax.saxutils import escape

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
PADDING = 6  # reportlab's default cell padding, left + right (points)
SMALLEST = 5.0  # the smallest font size an amount is shrunk to so that it never wraps


_REGISTERED: dict[str, tuple[str, int]] = {}  # font name → (file, subfont) registered in this process


def _register_fonts() -> tuple[str, str]:
    body = find_body_font()
    heading = find_heading_font(body)
    for name, font in (("BD-Body", body), ("BD-Heading", heading)):
        key = (str(font.path), font.subfont)
        if _REGISTERED.get(name) != key:  # parsing a CJK font takes a second: once per process and font
            pdfmetrics.registerFont(TTFont(name, key[0], subfontIndex=key[1]))
            _REGISTERED[name] = key
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


def _balanced_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Break text into as few lines as fit ``width``, of about equal width, so that no line holds a
    lone character ("财政拨/款" becomes "财政/拨款")."""
    total = pdfmetrics.stringWidth(text, font, size)
    if total <= width or len(text) < 2:
        return [text]
    lines_needed = math.ceil(total / width)
    while lines_needed <= len(text):
        target = total / lines_needed
        lines, current, used = [], "", 0.0
        for ch in text:
            w = pdfmetrics.stringWidth(ch, font, size)
            if current and used + w / 2 > target * (len(lines) + 1) and len(lines) < lines_needed - 1:
                lines.append(current)
                current = ""
            current += ch
            used += w
        lines.append(current)
        if all(pdfmetrics.stringWidth(line, font, size) <= width for line in lines):
            return lines
        lines_needed += 1
    return list(text)


def _cell(text: str, style: ParagraphStyle, width: float) -> str:
    """A text cell that fits its column, wrapped in balanced lines: plain table text with line breaks
    (the table draws it in the cell font; no paragraph to lay out twice per cell, in each of the
    passes the 目录's page numbers need)."""
    return "\n".join(_balanced_lines(text, style.fontName, style.fontSize, max(width - PADDING, 1)))


def _fitting_size(text: str, style: ParagraphStyle, width: float) -> float:
    available, size = max(width - PADDING, 1), style.fontSize
    while size > SMALLEST and pdfmetrics.stringWidth(text, style.fontName, size) > available:
        size -= 0.5
    return size


def _span_width(widths: list[float], c1: int, c2: int) -> float:
    return sum(widths[c1:c2 + 1])


def _table(table: PrintTable, styles: dict, width: float) -> list:
    spec = table.spec
    weights = [6] + [c.width for c in spec.print_columns]
    widths = [width * w / sum(weights) for w in weights]
    spans = {(r1 - 1, c1 - 1): _span_width(widths, c1 - 1, c2 - 1) for r1, c1, r2, c2 in spec.header_merges()}
    header = [[_cell(t, styles["CellCenter"], spans.get((r, c), widths[c])) for c, t in enumerate(row)]
              for r, row in enumerate(spec.header)]
    numbers = ["栏次"] + [str(i) for i in range(1, len(spec.print_columns) + 1)]
    body, sizes = [], []
    top = len(header) + 1
    cell_style = styles["CellRight"]
    for r, row in enumerate(table.text_rows(), top):
        cells: list[object] = [row[0]]
        for c, (text, column) in enumerate(zip(row[1:], spec.print_columns), 1):
            if column.kind == AMOUNT:  # a figure is drawn as plain text (no paragraph): it shrinks, never wraps
                size = _fitting_size(text, cell_style, widths[c])
                if size != cell_style.fontSize:
                    sizes.append(("FONTSIZE", (c, r), (c, r), size))
                cells.append(text)
            else:
                cells.append(_cell(text, styles["Cell"], widths[c]))
        body.append(cells)
    grid = Table(header + [numbers] + body, colWidths=widths, repeatRows=len(header) + 1)
    amounts = [c for c, column in enumerate(spec.print_columns, 1) if column.kind == AMOUNT]
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONTNAME", (0, 0), (-1, -1), styles["Cell"].fontName),
                ("FONTSIZE", (0, 0), (-1, -1), cell_style.fontSize), ("LEADING", (0, 0), (-1, -1), cell_style.leading),
                ("ALIGN", (0, 0), (-1, top - 1), "CENTER"), ("ALIGN", (0, top), (0, -1), "CENTER"),
                ("BACKGROUND", (0, 0), (-1, len(header)), colors.HexColor("#F2F2F2"))]
    commands += [("ALIGN", (c, top), (c, -1), "RIGHT") for c in amounts] + sizes
    for r1, c1, r2, c2 in spec.header_merges():
        commands.append(("SPAN", (c1 - 1, r1 - 1), (c2 - 1, r2 - 1)))
    grid.setStyle(TableStyle(commands))
    meta = Table([[Paragraph(escape(table.unit_line), styles["Meta"]),
                   Paragraph(f"{table.year_label}：{table.year or ''}", styles["Meta"]),
                   Paragraph("单位：万元", ParagraphStyle("MetaR", parent=styles["Meta"], alignment=2))]],
                 colWidths=[width * 0.5, width * 0.25, width * 0.25])
    meta.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), styles["Cell"].fontName)]))
    out = [Paragraph(escape(spec.title), styles["H1"]), meta, Spacer(1, 2 * mm), grid]
    if table.note:
        out += [Spacer(1, 2 * mm), Paragraph(escape(table.note), styles["Meta"])]
    return out


def _statement(blocks: list[tuple], styles: dict, width: float) -> list:
    story: list = []
    for block in blocks:
        kind = block[0]
        if kind == "title":  # the unit, then "2024 年…情况说明" whole: the year never parted from its 年
            story.append(Paragraph(_title_markup(block[1]), styles["H1"]))
        elif kind == "h1":
            story.append(Paragraph(escape(block[1]), styles["S1"]))
        elif kind == "h2":
            story.append(Paragraph(escape(block[1]), styles["S2"]))
        elif kind == "p":
            story.append(Paragraph(escape(block[1]), styles["Body"]))
        elif kind == "table":
            _, caption, header, rows = block
            texts = [[str(c) for c in r] for r in [*header, *rows]]
            if not texts:
                continue
            n = max(len(r) for r in texts)
            texts = [r + [""] * (n - len(r)) for r in texts]
            column = width / n
            commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("FONTNAME", (0, 0), (-1, -1), styles["Cell"].fontName)]
            data = []
            for r, row in enumerate(texts):
                # a table without a header row is a form (项目绩效目标表): a value followed only by blanks
                # spans them, as the printed form merges those cells
                last = max((c for c, t in enumerate(row) if t), default=0)
                span = not header and 0 < last < n - 1
                if span:
                    commands.append(("SPAN", (last, r), (n - 1, r)))
                data.append([_cell(t, styles["Cell"], column * (n - c if span and c == last else 1))
                             for c, t in enumerate(row)])
                commands += [("ALIGN", (c, r), (c, r), "RIGHT") for c, t in enumerate(row)
                             if re.fullmatch(r"[\d,.%-]+", t)]
            cell = styles["Cell"]
            commands += [("FONTSIZE", (0, 0), (-1, -1), cell.fontSize), ("LEADING", (0, 0), (-1, -1), cell.leading)]
            grid = Table(data, colWidths=[column] * n, repeatRows=len(header))
            grid.setStyle(TableStyle(commands))
            story += [Paragraph(escape(caption), styles["Caption"]), grid, Spacer(1, 3 * mm)]
    return story


def _title_markup(title: str) -> str:
    """The unit on its own line, then "2024 年部门预算信息公开": the year never parted from its 年."""
    m = re.match(r"^(.*?)\s*(\d{4}\s*年.*)$", title)
    if not m or not m.group(1):
        return escape(title)
    return f"{escape(m.group(1))}<br/>{escape(m.group(2)).replace(' ', '&nbsp;')}"


def write_pdf(target: Path, title: str, tables: list[PrintTable], sections: list[tuple] = ()) -> list[tuple[int, str, int]]:
    """``sections``: the 情况说明 as blocks (see engine/narrative.py). Returns the 目录 as laid out: (level,
    heading, page) of each entry — the Word document shows the same entries before Word refreshes them."""
    body, heading = _register_fonts()
    styles = _styles(body, heading)
    # every page starts in our font, not reportlab's default Helvetica (which is never embedded)
    doc = _Doc(target, title, initialFontName=body, initialFontSize=10)
    # dot leaders for the tables as for the 情况说明's sections; the TOC's own table in our font too
    toc = TableOfContents(dotsMinLevel=0, tableStyle=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                                                ("FONTNAME", (0, 0), (-1, -1), body)]))
    toc.levelStyles = [styles["TOC1"], styles["TOC2"]]
    story: list = [Paragraph(_title_markup(title), styles["Title"]), Paragraph("目录", styles["TOCTitle"]), toc]
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
    return [(level, text, page) for level, text, page, *_ in toc._lastEntries]
