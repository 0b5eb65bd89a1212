"""The whole disclosure as a .docx, editable in Word and WPS: 宋体 body, 黑体 headings (East
Asian fonts set on the runs' rFonts, which Word and WPS read), tables with repeated header rows."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from budget_disclosure.export.printable import PrintTable
from budget_disclosure.layout.tables import AMOUNT

BODY_FONT, HEADING_FONT = "宋体", "黑体"


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


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _add_table(doc, table: PrintTable) -> None:
    spec = table.spec
    heading = doc.add_heading(spec.title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"{table.unit_line}　　预算年度：{table.year or ''}　　单位：万元")
    rows = [list(r) for r in spec.header] + [["栏次"] + [str(i) for i in range(1, len(spec.columns) + 1)]]
    rows += table.text_rows()
    grid = doc.add_table(rows=len(rows), cols=spec.width)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    first_body_row = len(spec.header) + 1
    for r, (row, values) in enumerate(zip(grid.rows, rows)):  # row by row: grid.cell() is O(n) each
        for c, (cell, value) in enumerate(zip(row.cells, values)):
            cell.text = str(value)
            paragraph = cell.paragraphs[0]
            if r >= first_body_row and c > 0 and spec.columns[c - 1].kind == AMOUNT:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in paragraph.runs:
                run.font.size = Pt(8)
    for r in range(len(spec.header) + 1):
        _repeat_header(grid.rows[r])
    for r1, c1, r2, c2 in spec.header_merges():
        first, last = grid.cell(r1 - 1, c1 - 1), grid.cell(r2 - 1, c2 - 1)
        text = first.text
        merged = first.merge(last)
        merged.text = text
    if table.note:
        doc.add_paragraph(table.note)


def _statement(doc, blocks: list[tuple]) -> None:
    for block in blocks:
        kind = block[0]
        if kind == "title":
            doc.add_heading(block[1], level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind in ("h1", "h2"):
            doc.add_heading(block[1], level=2 if kind == "h1" else 3)
        elif kind == "p":
            doc.add_paragraph(block[1]).paragraph_format.first_line_indent = Pt(21)
        elif kind == "table":
            _, caption, header, rows = block
            body = [*header, *rows]
            if not body:
                continue
            doc.add_paragraph(caption).alignment = WD_ALIGN_PARAGRAPH.CENTER
            n = max(len(r) for r in body)
            grid = doc.add_table(rows=len(body), cols=n)
            grid.style = "Table Grid"
            for row, values in zip(grid.rows, body):
                for cell, value in zip(row.cells, list(values) + [""] * (n - len(values))):
                    cell.text = str(value)
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(8)
            for r in range(len(header)):
                _repeat_header(grid.rows[r])


def write_docx(target: Path, title: str, tables: list[PrintTable], sections: list[tuple] = ()) -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    _east_asian(doc.styles["Normal"], BODY_FONT)
    doc.styles["Normal"].font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _east_asian(doc.styles[name], HEADING_FONT)
    doc.add_heading(title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading("部门预算公开表", level=1)
    for spec_table in tables:
        doc.add_page_break()
        _add_table(doc, spec_table)
    if sections:
        doc.add_page_break()
        _statement(doc, list(sections))
    doc.core_properties.author = "budget-disclosure"
    doc.core_properties.last_modified_by = ""
    doc.save(str(target))
