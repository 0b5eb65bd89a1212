"""The whole disclosure as a .docx, editable in Word and WPS, after the government document
convention (GB/T 9704): 标题 小标宋, 一级标题 黑体, 二级标题 楷体_GB2312, 正文 仿宋_GB2312; the
East-Asian font names are set on the styles' rFonts, which Word and WPS read (a machine without
a font substitutes it, the text stays). A 目录 as a Word TOC field over the headings, updated when
the document is opened; page numbers in every footer; each table in its own section, landscape
where the table is wide, its header rows repeated on every page."""

from __future__ import annotations

import re

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from xml.sax.saxutils import escape

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from budget_disclosure.export.printable import document_of, PrintTable
from budget_disclosure.layout.tables import AMOUNT

TITLE_FONT, HEADING_FONT, SUBHEADING_FONT, BODY_FONT = "方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"
TABLE_FONT = "宋体"
A4 = (Mm(210), Mm(297))
# GB/T 9704 page margins: 天头 37 mm, 订口 28 mm; a little less at the foot for the page number.
MARGINS = dict(top_margin=Mm(37), bottom_margin=Mm(30), left_margin=Mm(28), right_margin=Mm(26))


def _east_asian(style_or_run, font: str) -> None:
    style_or_run.font.name = font
    rpr = style_or_run.element.get_or_add_rPr() if hasattr(style_or_run.element, "get_or_add_rPr") else \
        style_or_run.element.rPr
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), font)
    fonts.set(qn("w:hint"), "eastAsia")


def _styles(doc) -> None:
    sizes = {"Normal": (BODY_FONT, 16), "Title": (TITLE_FONT, 22), "Heading 1": (HEADING_FONT, 16),
             "Heading 2": (HEADING_FONT, 16), "Heading 3": (SUBHEADING_FONT, 16)}  # 三号 = 16 pt, 二号 = 22 pt
    for name, (font, size) in sizes.items():
        style = doc.styles[name]
        _east_asian(style, font)
        style.font.size = Pt(size)
        style.font.bold = False if name != "Title" else None
        if style.font.color is not None:
            style.font.color.rgb = None
    doc.styles["Normal"].paragraph_format.line_spacing = Pt(28)  # 固定值 28 磅, 22 lines a page
    title = doc.styles["Title"].element.pPr
    border = title.find(qn("w:pBdr")) if title is not None else None
    if border is not None:  # the default template underlines titles; official documents do not
        title.remove(border)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, TOC …): begin, instruction, separate, shown text, end."""
    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")  # recompute on open
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _contents_field(doc, entries: list[tuple[int, str, int]]) -> None:
    """The 目录 as a TOC field whose shown result is the entries themselves (heading, dot leader, page), one
    paragraph each: LibreOffice and WPS show them as they are; Word refreshes the field on opening."""
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER

    width = _text_width(doc.sections[-1])
    paragraphs = []
    for level, text, page in entries:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        paragraph.paragraph_format.left_indent = Pt(21 * level)
        paragraphs.append((paragraph, f"{text}\t{page}"))

    def char(paragraph, kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")  # recompute on open
        paragraph.add_run()._r.append(element)

    first = paragraphs[0][0]
    char(first, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = ' TOC \\o "1-2" \\h \\z \\u '
    first.add_run()._r.append(instruction)
    char(first, "separate")
    for paragraph, text in paragraphs:
        paragraph.add_run(text)
    char(paragraphs[-1][0], "end")


def _update_fields_on_open(doc) -> None:
    settings = doc.settings.element
    flag = OxmlElement("w:updateFields")
    flag.set(qn("w:val"), "true")
    settings.append(flag)


def _page_setup(section, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    for name, value in MARGINS.items():
        setattr(section, name, value if not landscape else Mm(20))


def _footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" —")
    for run in paragraph.runs:
        run.font.size = Pt(14)  # 四号


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _cell_text(cell, value: object, size: float, right: bool = False) -> None:
    """The cell's one paragraph, written as XML at once: what python-docx would build through a dozen
    property setters per cell (single spacing, no indent, the table font and size), a hundred times faster."""
    tc = cell._tc
    for p in tc.findall(qn("w:p")):
        tc.remove(p)
    tc.append(parse_xml(_paragraph_xml(escape(str(value)), int(size * 2), right)))


def _paragraph_xml(text: str, half_points: int, right: bool) -> str:
    jc = '<w:jc w:val="right"/>' if right else ""
    run = (f'<w:r><w:rPr><w:rFonts w:ascii="{TABLE_FONT}" w:hAnsi="{TABLE_FONT}" w:eastAsia="{TABLE_FONT}" '
           f'w:hint="eastAsia"/><w:sz w:val="{half_points}"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'
           if text else "")
    return (f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/>{jc}'
            f'</w:pPr>{run}</w:p>')


def _small(paragraph, size: float = 10.5) -> None:
    paragraph.paragraph_format.line_spacing = 1.0
    for run in paragraph.runs:
        run.font.size = Pt(size)


def _widths(grid, weights: list[float], total) -> None:
    """Column widths in proportion to the layout's, filling the text width (Word reads tcW)."""
    grid.autofit = False
    scale = total / sum(weights)
    for column, weight in zip(grid._tbl.tblGrid.findall(qn("w:gridCol")), weights):  # LibreOffice reads the grid
        column.set(qn("w:w"), str(int(weight * scale / 635)))  # EMU → twips
    for row in grid.rows:
        for cell, weight in zip(row.cells, weights):
            cell.width = int(weight * scale)


def _text_width(section):
    return section.page_width - section.left_margin - section.right_margin


def _at(grid, row: int, column: int):
    """The cell at a grid position, through its row: python-docx's Table.cell() rebuilds every cell of
    the table on each call (quadratic over a table's merges)."""
    return grid.rows[row].cells[column]


def _add_table(doc, table: PrintTable, first: bool = False) -> None:
    spec = table.spec
    if first:
        doc.add_heading(f"部门{document_of(spec)}公开表", level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading(spec.title, level=2).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _small(doc.add_paragraph(f"{table.unit_line}　　{table.year_label}：{table.year or ''}　　单位：万元"))
    rows = [list(r) for r in spec.header] + [["栏次"] + [str(i) for i in range(1, len(spec.print_columns) + 1)]]
    rows += table.text_rows()
    grid = doc.add_table(rows=len(rows), cols=spec.width)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    first_body_row = len(spec.header) + 1
    size = 8 if spec.landscape else 9
    for r, (row, values) in enumerate(zip(grid.rows, rows)):  # row by row: grid.cell() is O(n) each
        for c, (cell, value) in enumerate(zip(row.cells, values)):
            amount = r >= first_body_row and c > 0 and spec.print_columns[c - 1].kind == AMOUNT
            _cell_text(cell, value, size, right=amount)
    for r in range(len(spec.header) + 1):
        _repeat_header(grid.rows[r])
    _widths(grid, [5.0] + [c.width for c in spec.print_columns], _text_width(doc.sections[-1]))
    for r1, c1, r2, c2 in spec.header_merges():
        first, last = _at(grid, r1 - 1, c1 - 1), _at(grid, r2 - 1, c2 - 1)
        text = first.text
        _cell_text(first.merge(last), text, size)
    if table.note:
        _small(doc.add_paragraph(table.note))


def _statement(doc, blocks: list[tuple]) -> None:
    for block in blocks:
        kind = block[0]
        if kind == "title":  # the unit, then "2024 年…情况说明" on a line of its own (never "2024 / 年")
            m = re.match(r"^(.*?)\s*(\d{4}\s*年.*)$", block[1])
            heading = doc.add_heading(level=1)
            heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if m and m.group(1):
                heading.add_run(m.group(1)).add_break()
                heading.add_run(m.group(2))
            else:
                heading.add_run(block[1])
        elif kind in ("h1", "h2"):
            heading = doc.add_heading(block[1], level=2 if kind == "h1" else 3)
            heading.paragraph_format.first_line_indent = Pt(32)
        elif kind == "p":
            doc.add_paragraph(block[1]).paragraph_format.first_line_indent = Pt(32)  # 两个字
        elif kind == "table":
            _, caption, header, rows = block
            body = [*header, *rows]
            if not body:
                continue
            caption_paragraph = doc.add_paragraph(caption)
            caption_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _small(caption_paragraph, 12)
            n = max(len(r) for r in body)
            grid = doc.add_table(rows=len(body), cols=n)
            grid.style = "Table Grid"
            for row, values in zip(grid.rows, body):
                for cell, value in zip(row.cells, list(values) + [""] * (n - len(values))):
                    _cell_text(cell, value, 9)
            for r in range(len(header)):
                _repeat_header(grid.rows[r])
            _widths(grid, [1.0] * n, _text_width(doc.sections[-1]))
            if not header:  # a form (项目绩效目标表): a value followed only by blanks spans them, as in the PDF
                for r, values in enumerate(body):
                    last = max((c for c, v in enumerate(values) if str(v)), default=0)
                    if 0 < last < n - 1:
                        text = str(values[last])
                        _cell_text(_at(grid, r, last).merge(_at(grid, r, n - 1)), text, 9)


def _new_section(doc, landscape: bool):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page_setup(section, landscape)
    return section  # its footer is linked to the first section's: the page number runs on


def write_docx(target: Path, title: str, tables: list[PrintTable], sections: list[tuple] = (),
               toc_entries: list[tuple[int, str, int]] = ()) -> None:
    """``toc_entries``: the 目录's entries (level, heading, page) to show before Word refreshes its field — the
    pages are those of the PDF laid out from the same package; Word puts its own on opening."""
    doc = Document()
    _styles(doc)
    first = doc.sections[0]
    _page_setup(first, landscape=False)
    _footer(first)
    doc.add_paragraph(title, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    contents = doc.add_paragraph("目　录")
    contents.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if toc_entries:
        _contents_field(doc, list(toc_entries))
    else:
        _field(doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', "（打开文档时更新目录；如未更新，请右键点击此处选择“更新域”）")
    _update_fields_on_open(doc)
    for i, spec_table in enumerate(tables):
        _new_section(doc, spec_table.spec.landscape)
        _add_table(doc, spec_table, first=i == 0)
    if sections:
        _new_section(doc, landscape=False)
        _statement(doc, list(sections))
    doc.core_properties.author = "budget-disclosure"
    doc.core_properties.last_modified_by = ""
    doc.save(str(target))
