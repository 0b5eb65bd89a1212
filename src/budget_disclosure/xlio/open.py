"""Which adapter reads (or writes) a file: PDFs through PdfBook, an old .xls or a values-only read
through calamine, a partial write through SplitBook, a whole workbook through openpyxl — each file
inspected first (kind, bomb, damage). The one place that chooses; callers get a port."""

from __future__ import annotations

WRITES = "生成、标记、清除或导出"


class Unusable(Exception):
    """The file cannot be opened as asked; the message says why, in Chinese, naming the file."""


def open_book(path, for_reading_only: bool = False, writes=None):
    """The workbook, inspected first (kind, bomb, damage). An old .xls can be checked (read with
    calamine) but not written: saying so is better than converting behind the user's back.
    ``writes``: which sheets the operation writes — the others are read fast and carried unchanged.
    A pair of paths is a package published in two PDFs (说明, 公开表)."""
    from budget_disclosure.xlio.archive import WorkbookRejected, kind

    if isinstance(path, tuple):
        return _pdf_book(list(path))
    if not path.exists():
        raise Unusable(f"找不到文件：{path}")
    if path.is_dir():
        raise Unusable(f"{path} 是文件夹，不是工作簿")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        if not for_reading_only:
            raise Unusable(f"{path}：PDF 只能校验（可用 --annotate 写出带批注的副本），不能{WRITES}")
        return _pdf_book([path])
    if suffix not in (".xlsx", ".xlsm", ".xls"):
        raise Unusable(f"{path}：只支持 .xlsx / .xlsm / .xls 工作簿和 .pdf")
    try:
        if suffix == ".xls" or kind(path) == "xls":
            if not for_reading_only:
                raise Unusable(f"{path}：旧版 .xls 工作簿只能校验，不能{WRITES}；请在 Excel 中另存为 .xlsx 后再操作")
            from budget_disclosure.xlio.calamine_port import CalamineBook

            return CalamineBook(path)
        if for_reading_only:  # values only: python-calamine reads them several times faster than openpyxl
            from budget_disclosure.xlio.calamine_port import CalamineBook

            book = CalamineBook.fast(path)
            if book is not None:
                return book
        if writes is not None:
            from budget_disclosure.xlio.split_book import SplitBook

            return SplitBook.open_for_writing(path, writes)
        from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook  # imported only when needed: it is slow

        return OpenpyxlBook.open(path)
    except WorkbookRejected as exc:
        raise Unusable(str(exc)) from exc
    except OSError as exc:
        raise Unusable(f"{path}：无法读取文件（{exc.strerror or exc}）") from exc


def legacy_as_template(path):
    """An old .xls (a copy of our template saved by an office suite that kept the old format) to fill: its
    sheets' values carried into a new template in memory (never written back as .xls). The nine table
    sheets are the template's (fill writes them); every other sheet's values are kept, those the template
    does not have as sheets of their own. Values only: an .xls keeps no formats we could carry."""
    from budget_disclosure.layout.tables import TABLES
    from budget_disclosure.xlio.archive import WorkbookRejected
    from budget_disclosure.xlio.calamine_port import CalamineBook
    from budget_disclosure.xlio.template import build_template

    try:
        old = CalamineBook(path)
        book = build_template()
        tables = {spec.sheet for spec in TABLES}
        have = set(book.sheet_names())
        for sheet in old.sheet_names():
            if sheet in tables:
                continue
            rows, cols = old.extent(sheet)
            if not rows:
                continue
            if sheet not in have:
                book.add_sheet(sheet)
            book.write_block(sheet, 1, 1, old.read_block(sheet, 1, 1, rows, cols))
        return book
    except WorkbookRejected as exc:
        raise Unusable(str(exc)) from exc


def _pdf_book(paths: list):
    """A published package in one PDF or two (说明, 公开表), read only."""
    from budget_disclosure.xlio.pdf_book import PdfBook
    from budget_disclosure.xlio.pdf_extract import PdfRejected

    try:
        return PdfBook(paths)
    except PdfRejected as exc:
        raise Unusable(str(exc)) from exc
