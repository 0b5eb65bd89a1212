"""The PDF adapter: a published PDF read with pdfplumber (pdfminer.six) into the reader's page model
(reading/pdf_model.py) — the only module that imports a PDF library for reading.

Each page is parsed once: its characters and drawing; the table extractor runs only on pages that
draw lines or boxes (ruled tables), or, where a page prints a table title and columns of figures
without ruling, on its text positions. Nothing in a PDF is executed (pdfminer interprets page
content only; scripts and attachments are noticed and said, never run).

Hostile files are refused within bounds, before or while reading, with a Chinese reason:
password-protected, truncated or damaged files; more pages than any budget package has; a stream
that inflates beyond ``MAX_STREAM`` (a decompression bomb) or a document beyond ``MAX_INFLATED`` in
all; objects nested deeper than the parser can follow; and — in the main thread — more than
``MAX_SECONDS`` of reading.
"""

from __future__ import annotations

import re
import signal
import threading
import zlib
from contextlib import contextmanager
from pathlib import Path

from budget_disclosure.reading.pdf_model import Box, PdfDocument, PdfPage, PieceCell, TablePiece, TextLine, joined

MAX_PAGES = 2000  # a budget package has tens of pages; a provincial compendium a few hundred
MAX_STREAM = 64 << 20  # one inflated stream (a page's content is kilobytes; a scanned image a few MB)
MAX_INFLATED = 512 << 20  # all streams of one document together
MAX_SECONDS = 300
MAX_BYTES = 512 << 20  # the file itself
_AMOUNT = re.compile(r"\d[\d,]*\.\d{2}\b|\d{1,3}(?:,\d{3})+\b")


class PdfRejected(Exception):
    """The PDF cannot (or must not) be read; the message is Chinese and names the file."""


# -- bounded inflation -------------------------------------------------------------------------------
class _Budget(threading.local):
    inflated = 0


_budget = _Budget()


class _BoundedZlib:
    """pdfminer's ``zlib`` as the reader sees it: the same functions, but no stream may inflate
    beyond MAX_STREAM nor a document beyond MAX_INFLATED (pdfminer would inflate a bomb whole)."""

    error = zlib.error

    @staticmethod
    def _count(size: int) -> None:
        _budget.inflated += size
        if size > MAX_STREAM or _budget.inflated > MAX_INFLATED:
            raise _Bomb

    def decompress(self, data, *args, **kwargs):
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, MAX_STREAM + 1)
        if len(out) > MAX_STREAM or inflater.unconsumed_tail:
            raise _Bomb
        out += inflater.flush()
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")  # as zlib.decompress says: pdfminer's fallback runs
        self._count(len(out))
        return out

    def decompressobj(self, *args, **kwargs):
        inner, count = zlib.decompressobj(*args, **kwargs), self._count

        class _Counted:
            def decompress(self, data, *more):
                out = inner.decompress(data, *more)
                count(len(out))
                return out

            def flush(self, *more):
                return inner.flush(*more)

        return _Counted()


class _Bomb(Exception):
    pass


def _install_bounds() -> None:
    import logging

    import pdfminer.pdftypes

    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)  # its English warnings of odd fonts: not the user's concern

    if not isinstance(pdfminer.pdftypes.zlib, _BoundedZlib):
        pdfminer.pdftypes.zlib = _BoundedZlib()


@contextmanager
def _deadline(seconds: int, name: str):
    """Stop a read that takes longer than ``seconds`` (main thread only: signals)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise PdfRejected(f"{name}：读取超过 {seconds} 秒仍未完成（文件过于复杂或有意构造），已停止")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- reading ----------------------------------------------------------------------------------------
def read_pdf(path: Path, seconds: int = MAX_SECONDS) -> PdfDocument:
    """The document's pages (text lines, table pieces) — or PdfRejected with the reason."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as exc:
        raise PdfRejected(f"{name}：无法读取（{exc.strerror or exc}）") from exc
    if b"%PDF-" not in head:
        raise PdfRejected(f"{name}：不是 PDF 文件（文件开头没有 %PDF 标记）")
    if size > MAX_BYTES:
        raise PdfRejected(f"{name}：文件大小 {size / (1 << 20):.0f} MB，超过可读取的 {MAX_BYTES >> 20} MB")
    _install_bounds()
    _budget.inflated = 0
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psparser import PSException

    try:
        try:
            with _deadline(seconds, name), pdfplumber.open(path) as pdf:
                count = _page_count(pdf, name)
                notes = _active_content(pdf)
                pages = []
                for page in pdf.pages:
                    pages.append(_page(page))
                    page.close()  # its parsed objects: memory stays flat over a long document
                return PdfDocument(name, pages, count, notes)
        except Exception as wrapped:  # pdfplumber wraps what pdfminer raises: the cause decides the answer
            raise _cause(wrapped) from wrapped
    except PdfRejected:
        raise
    except _Bomb:
        raise PdfRejected(f"{name}：有数据流解压后超过 {MAX_STREAM >> 20} MB（或全部超过 {MAX_INFLATED >> 20} MB），"
                          "疑似压缩炸弹，已拒绝读取") from None
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise PdfRejected(f"{name}：设有打开密码或使用不支持的加密方式，无法读取；请取得未加密的公开版本") from exc
    except RecursionError as exc:
        raise PdfRejected(f"{name}：文件中的对象嵌套过深，无法读取（文件损坏或有意构造）") from exc
    except MemoryError as exc:
        raise PdfRejected(f"{name}：读取所需内存过多，已停止（文件过于复杂或有意构造）") from exc
    except (PSException, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError,
            zlib.error, OSError) as exc:
        raise PdfRejected(f"{name}：文件不完整或已损坏，无法读取；请重新下载原文件") from exc
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds; every one is a file we cannot read
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise PdfRejected(f"{name}：设有打开密码，无法读取；请取得未加密的公开版本") from exc
        raise PdfRejected(f"{name}：文件不完整或已损坏，无法读取；请重新下载原文件") from exc


def _cause(exc: BaseException) -> BaseException:
    """The innermost exception that says why (pdfplumber wraps pdfminer's in PdfminerException)."""
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (PdfRejected, _Bomb, RecursionError, MemoryError)) or "Password" in type(exc).__name__ \
                or "Encryption" in type(exc).__name__:
            return exc
        inner = exc.__cause__ or exc.__context__ or next((a for a in exc.args if isinstance(a, BaseException)), None)
        if inner is None:
            return exc
        exc = inner
    return exc


def _page_count(pdf, name: str) -> int:
    """The page count the document declares, checked before its pages are listed."""
    from pdfminer.pdftypes import resolve1

    declared = resolve1(resolve1(pdf.doc.catalog.get("Pages")) or {}).get("Count") if pdf.doc.catalog else None
    if isinstance(declared, int) and declared > MAX_PAGES:
        raise PdfRejected(f"{name}：声明有 {declared:,} 页，超过可读取的 {MAX_PAGES:,} 页（部门预决算公开文件通常不到 100 页）")
    count = len(pdf.pages)
    if count > MAX_PAGES:
        raise PdfRejected(f"{name}：共 {count:,} 页，超过可读取的 {MAX_PAGES:,} 页")
    if count == 0:
        raise PdfRejected(f"{name}：没有页面")
    return count


def _active_content(pdf) -> list[str]:
    """Scripts and attachments a PDF carries: said, never run or opened."""
    from pdfminer.pdftypes import resolve1

    notes = []
    catalog = pdf.doc.catalog or {}
    names = resolve1(catalog.get("Names")) or {}
    if "JavaScript" in names or "JS" in (resolve1(catalog.get("OpenAction")) or {}):
        notes.append("文件中含有 JavaScript 脚本（未执行）")
    if "EmbeddedFiles" in names:
        notes.append("文件中附有嵌入的文件（未打开、未读取）")
    return notes


def _page(page) -> PdfPage:
    number = page.page_number
    out = PdfPage(number, float(page.width), float(page.height))
    chars = page.chars
    x0, top, x1, bottom = page.bbox
    if any(c["x1"] < x0 or c["x0"] > x1 or c["bottom"] < top or c["top"] > bottom for c in chars):
        # printed from a spreadsheet, a page may carry the whole sheet, clipped to the page: only what
        # is on the page is read
        page = page.within_bbox(page.bbox, relative=False, strict=False)
        chars = page.chars
    if not chars:
        out.image_only = bool(page.images)
        return out
    pieces = []
    if page.lines or page.rects or page.curves:
        pieces = [t for found in page.find_tables() for t in _without_frame(found)]
    if not pieces and _looks_tabular(page):
        found = page.find_tables({"vertical_strategy": "text", "horizontal_strategy": "text"})
        pieces = [t for t in found if len(t.rows) >= 3]
    extracted = [(t, t.extract()) for t in pieces]  # each table's text, extracted once
    extracted = [(t, texts) for t, texts in extracted if any(c and c.strip() for row in texts for c in row)]
    out.tables = [_piece(t, texts) for t, texts in extracted]
    boxes = [t.bbox for t, _ in extracted]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    text_page = page.filter(outside) if boxes else page
    for line in text_page.extract_text_lines(strip=True, return_chars=True):
        made = _line(line["chars"])
        if made is not None:
            out.lines.append(made)
    return out


def _line(chars) -> TextLine | None:
    """A line from its characters, left to right: a space where they leave a gap of a third of their
    size or more (as pdfplumber's own text does), and each character's x-range kept."""
    chars = sorted((c for c in chars if c.get("text", "").strip()), key=lambda c: c["x0"])
    if not chars:
        return None
    size = max(float(c.get("size", 0) or 0) for c in chars) or 10.0
    text, spans = [], []
    previous = None
    for c in chars:
        if previous is not None:
            gap = float(c["x0"]) - float(previous["x1"])
            if gap > size / 3:
                text.append(" ")
                spans.append((float(previous["x1"]), float(c["x0"])))
            elif gap < -size / 2 and c["text"] == previous["text"]:
                continue  # the same character printed twice, a little apart (bold by overprinting)
        text.append(c["text"])
        spans.append((float(c["x0"]), float(c["x1"])))
        previous = c
    return TextLine("".join(text), _bounds(chars), round(size, 1), tuple(spans))


def _without_frame(table) -> list:
    """A box drawn round a whole page (or round a table's title and head) is found as a cell holding
    other cells: it is a frame, not a cell — the table is the cells without it, and what the frame
    alone holds (a title, the 部门 and 单位 lines) is text."""
    from pdfplumber.table import Table

    cells = table.cells
    if len(cells) < 3:
        return [table]
    frames = [c for c in cells if sum(1 for o in cells if o is not c and c[0] - 1 <= o[0] and o[2] <= c[2] + 1
                                    and c[1] - 1 <= o[1] and o[3] <= c[3] + 1) >= 2]  # a cell holds no cells
    if not frames:
        return [table]
    inner = [c for c in cells if c not in frames]
    return [Table(table.page, inner)] if inner else []


def _looks_tabular(page) -> bool:
    """A page with figures in columns but no ruling: a title with 表 and many amounts."""
    text = page.extract_text() or ""
    return "表" in text and len(_AMOUNT.findall(text)) >= 8 and bool(re.search(r"单位[:：]\s*万?元", text))


def _piece(table, texts: list[list[str | None]]) -> TablePiece:
    x0, top, x1, bottom = table.bbox
    buckets: dict[int, list] = {}  # the table's characters by the height of their centre (5-point bins)
    for c in table.page.chars:
        cy = (c["top"] + c["bottom"]) / 2
        if top <= cy <= bottom and x0 <= (c["x0"] + c["x1"]) / 2 <= x1:
            buckets.setdefault(int(cy // 5), []).append(c)
    rows = []
    for cells, row_texts in zip(table.rows, texts):
        row = []
        for bbox, text in zip(cells.cells, row_texts):
            if bbox is None:
                row.append(None)
                continue
            box = Box(*(float(v) for v in bbox))
            text = _cell_text(text)
            inside = _inside(box, buckets) if text else []
            row.append(PieceCell(text, box, _bounds(inside), max((float(c.get("size") or 0) for c in inside), default=10.0)))
        rows.append(row)
    xs = sorted({round(c[0], 2) for c in table.cells} | {round(c[2], 2) for c in table.cells})
    return TablePiece(Box(*(float(v) for v in table.bbox)), rows, list(zip(xs, xs[1:])))


def _inside(box: Box, buckets: dict[int, list]) -> list:
    return [c for b in range(int(box.top // 5), int(box.bottom // 5) + 1) for c in buckets.get(b, ())
            if box.top <= (c["top"] + c["bottom"]) / 2 <= box.bottom and box.x0 <= (c["x0"] + c["x1"]) / 2 <= box.x1]


def _bounds(inside: list) -> Box | None:
    if not inside:
        return None
    return Box(min(float(c["x0"]) for c in inside), min(float(c["top"]) for c in inside),
               max(float(c["x1"]) for c in inside), max(float(c["bottom"]) for c in inside))


def _cell_text(text: str | None) -> str:
    """A cell's lines joined as printed (pdf_model.joined)."""
    return joined(p.strip() for p in (text or "").split("\n") if p.strip())
