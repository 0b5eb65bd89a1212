"""A published document's 目录 as printed: its entries in order, each with the page number it gives
(None where the 目录 prints none, as many do), wrapped entries joined, and an entry list that runs
on to the top of the next page. Pure: lines in, entries out."""

from __future__ import annotations

import re
from typing import NamedTuple

from budget_disclosure.reading.labels import BRACKETED_NUMBER, CHINESE_NUMBER, PART_NUMBER
from budget_disclosure.reading.pdf_model import Box, PdfPage, TextLine

# "部门预算收支总表 . . . . . 2", "一、主要职能……3": a title, a leader, a page number
LEADER_ENTRY = re.compile(r"^(?P<title>.*?\S)\s*(?:[.…·。．\-—_]\s*){3,}(?P<page>\d{1,3})\s*$")
# a 目录 drawn as a table: the title in one cell, the page number in the last
SPACED_ENTRY = re.compile(r"^(?P<title>.*?[^\d\s])\s+(?P<page>\d{1,3})\s*$")
# an entry's own number: 第一部分, 一、, （一）, 1.
ENTRY_NUMBER = re.compile(rf"^\s*({PART_NUMBER}|{CHINESE_NUMBER}|{BRACKETED_NUMBER}|\d{{1,2}}\s*[、.．]|附[件表录])")
_TOC_WORDS = ("目录", "目次")
_TRAILING_LEADER = re.compile(r"(?:[.…·。．\-—_]\s*){2,}$|[。．.]$")
_HEAD_ROW = re.compile(r"^(序号|编号)?(报表|表格|内容)?(名称|目录)(页码|页次)?$")


class Entry(NamedTuple):
    title: str  # as printed, white space removed
    page: int | None  # the page number the 目录 prints, if any
    line: TextLine  # where it is printed (the first line of a wrapped entry)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def is_toc_page(page: PdfPage) -> bool:
    """A page headed 目录, or one listing three or more entries with leaders and page numbers."""
    texts = [_squeezed(line.text) for line in page.lines]
    if any(t in _TOC_WORDS for t in texts[:4]):
        return True
    return sum(1 for line in page.lines if LEADER_ENTRY.match(line.text)) >= 3


def is_toc_table(texts: list[str]) -> bool:
    """A 目录 drawn as a table (cells' texts in reading order)."""
    return bool(texts) and (_squeezed(texts[0]) in _TOC_WORDS or "目录" == _squeezed(texts[0])[:2]
                            or sum(1 for t in texts if LEADER_ENTRY.match(t)) >= 3)


def entries(lines: list[TextLine], spaced: bool = False) -> tuple[list[Entry], int]:
    """The entries of a 目录 page (its lines in reading order, page numbers and running heads already
    taken out), and where the page's body text begins (the 目录's first entry printed again as the first
    heading; ``len(lines)`` when it does not). Lines before the word 目录 are the cover's; a line with no
    number of its own after a full-width entry without a page number is that entry's second line.
    ``spaced``: a page number may follow the title after mere spaces (a 目录 drawn as a table)."""
    start = next((i + 1 for i, line in enumerate(lines[:6]) if _squeezed(line.text) in _TOC_WORDS), 0)
    end = len(lines)
    for i in range(start + 1, len(lines)):
        if _squeezed(lines[i].text) == _squeezed(lines[start].text if start < len(lines) else ""):
            end = i
            break
    body = [line for line in lines[start:end] if _squeezed(line.text) and not _HEAD_ROW.match(_squeezed(line.text))]
    if not body:
        return [], end
    right = max(line.box.x1 for line in body)
    left = min(line.box.x0 for line in body)
    out: list[Entry] = []
    previous: TextLine | None = None
    for line in body:
        text = line.text.strip()
        m = LEADER_ENTRY.match(text) or (SPACED_ENTRY.match(text) if spaced else None)
        title, page = (m.group("title"), int(m.group("page"))) if m else (text, None)
        title = _TRAILING_LEADER.sub("", _squeezed(title))
        if out and previous is not None and out[-1].page is None and not ENTRY_NUMBER.match(title) \
                and previous.box.x1 >= right - 0.15 * (right - left) and ENTRY_NUMBER.match(out[-1].title):
            last = out[-1]
            out[-1] = Entry(last.title + title, page, last.line)  # the entry's second line
        else:
            out.append(Entry(title, page, line))
        previous = line
    return out, end


def continued(first: Entry, lines: list[TextLine]) -> int:
    """How many of the next page's first lines still belong to the 目录: those before the body
    begins by repeating the 目录's first entry (none when it does not)."""
    target = _squeezed(first.title)
    for i, line in enumerate(lines[:40]):
        text = _squeezed(line.text)
        if text == target:
            return i
        if "。" in text or len(text) > 60:
            return 0
    # a page of entries only (short lines, most numbered): the 目录's second page
    texts = [_squeezed(line.text) for line in lines if _squeezed(line.text)]
    if texts and len(texts) <= 40 and all(len(t) <= 45 and "。" not in t for t in texts) and \
            sum(1 for t in texts if ENTRY_NUMBER.match(t)) >= 0.6 * len(texts):
        return len(lines)
    return 0


def box_of(lines: list[TextLine]) -> Box:
    return Box(min(l.box.x0 for l in lines), min(l.box.top for l in lines), max(l.box.x1 for l in lines),
               max(l.box.bottom for l in lines))
