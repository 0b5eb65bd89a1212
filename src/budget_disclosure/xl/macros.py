"""Ribbon macros. Each takes an ``xlwings.Book`` (``xw.Book.caller()`` on the desktop, the
request's book on xlwings Server) and does exactly what the CLI does, through the same port:

    fill   = budget-disclosure fill FILE
    check  = budget-disclosure check FILE --in-place
    clear  = budget-disclosure clear FILE
    export = budget-disclosure export FILE -o <FILE>_公开包

Problems reach the accountant as a Chinese message box, never as a Python traceback.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Callable

from budget_disclosure.engine.issues import InputError
from budget_disclosure.layout.inputs import DETAIL_SHEET
from budget_disclosure.xlio.xlwings_port import XlwingsBook

TITLE = "预算公开"
MAX_LISTED = 12
log = logging.getLogger(__name__)


def _alert(book, message: str) -> None:
    book.app.alert(message, title=TITLE)


def _run(book, action: Callable[[XlwingsBook], str], fills: dict | None = None) -> str:
    port = XlwingsBook(book, fills)
    try:
        message = action(port)
    except InputError as exc:
        port.discard_changes()
        lines = [str(p) for p in exc.problems[:MAX_LISTED]]
        more = len(exc.problems) - len(lines)
        message = "无法处理，未做任何改动：\n" + "\n".join(lines) + (f"\n……另有 {more} 处" if more > 0 else "")
    except Exception as exc:  # the accountant sees a message, the log keeps the traceback
        port.discard_changes()  # all or nothing: never half a set of flags
        log.error("macro failed:\n%s", traceback.format_exc())
        message = f"内部错误（{type(exc).__name__}）：{exc}\n未做任何改动。请把此消息发给技术支持。"
    _alert(book, message)
    return message


def _fill(port: XlwingsBook) -> str:
    from budget_disclosure.fill import fill_book

    result = fill_book(port)
    header = result.detail.header
    lines = [f"{header.unit_line} {header.year} 年：由 {len(result.detail.lines)} 条预算明细生成九张表。"]
    lines += [f"注意：{w}" for w in result.overwritten[:MAX_LISTED]]
    lines += [f"提示：{w}" for w in (result.unusual + result.warnings)[:MAX_LISTED]]
    return "\n".join(lines)


class _WithoutSheet:
    """The workbook as a check sees it when the client left a sheet out of the request (the
    预算明细 of a book too large for Excel on the web): the sheet is not there, so the rules on it
    are not applicable — never read as empty."""

    def __init__(self, port: XlwingsBook, sheet: str):
        self._port, self._sheet = port, sheet

    def sheet_names(self) -> list[str]:
        return [s for s in self._port.sheet_names() if s != self._sheet]

    def __getattr__(self, name: str):
        return getattr(self._port, name)


def _check_without_detail(rows: int) -> Callable[[XlwingsBook], str]:
    def run(port: XlwingsBook) -> str:
        return _check(_WithoutSheet(port, DETAIL_SHEET), omitted_detail=rows)
    return run


def omitted_detail_note(rows: int) -> str:
    return (f"预算明细共 {rows:,} 行，超过 Excel 网页版单次请求宜传送的数据量，本次未发送，与预算明细的核对均不适用"
            f"（各表表内、表间及情况说明照常核对）。完整校验请在桌面版 Excel 中运行，或用命令行 budget-disclosure check。")


def _check(port, omitted_detail: int = 0) -> str:
    from budget_disclosure.checking.service import check_book
    from budget_disclosure.flagging import apply_flags

    report = check_book(port)
    if not report.package.tables:
        return "找不到任何部门预算公开表（按表标题查找，如“部门预算收支总表”）。"
    if omitted_detail:
        report.notes.insert(0, omitted_detail_note(omitted_detail))
    apply_flags(port, report)
    if omitted_detail:
        return f"校验{report.verdict}\n{omitted_detail_note(omitted_detail)}\n详见“校验结果”工作表。"
    if not port.supports_notes():
        return f"校验{report.verdict}\n问题单元格已着色（此版本 Excel 不支持批注），说明详见“校验结果”工作表。"
    return f"校验{report.verdict}\n问题单元格已着色并加批注，详见“校验结果”工作表。"


def _clear(port: XlwingsBook) -> str:
    from budget_disclosure.flagging import clear_flags, unknown_fills

    unknown = unknown_fills(port)
    restored = clear_flags(port)
    return f"已清除校验标记，恢复 {restored} 个单元格。" + (
        f"\n其中 {unknown} 个单元格的原底色未能读取（Excel 网页版未提供），已恢复为无底色。" if unknown else "")


def export_folder(book) -> Path | None:
    """Beside the workbook on disk: <name>_公开包/. None when the book has no folder (Office.js)."""
    full = Path(str(getattr(book, "fullname", "") or ""))
    if not full.is_absolute() or not full.parent.is_dir():
        return None
    return full.parent / f"{full.stem}_公开包"


def _export_to(folder: Path | None):
    def run(port: XlwingsBook) -> str:
        from budget_disclosure.export.fonts import FontError
        from budget_disclosure.export.package import ExportRefused, export_book

        try:
            if folder is None:
                from budget_disclosure.checking.service import check_book

                report = check_book(port)
                if report.blocking:
                    raise ExportRefused(report.blocking)
                return ("校验通过。此工作簿没有保存在本机文件夹中（如 Excel 网页版），无法写出文件："
                        "请先保存到本机，或用命令行 budget-disclosure export。")
            result = export_book(port, folder, source=folder.name)
        except ExportRefused as exc:
            if exc.no_tables:
                return "找不到任何部门预算公开表（按表标题查找），无法导出。"
            return (f"有 {len(exc.errors)} 个未说明的强制错误，不能导出公开包。请先运行“校验”，"
                    f"修改或在“出错说明”工作表中说明后再导出。")
        except FontError as exc:
            return str(exc)
        return f"已导出公开包（{result.verdict}）到：\n{result.out_dir}"
    return run


def fill(book) -> str:
    """生成报表: derive the nine tables from 预算明细 and write them."""
    return _run(book, _fill)


def check(book, fills: dict | None = None, omitted_detail_rows: int = 0) -> str:
    """校验: run the rule book and flag every inconsistent cell in the workbook. ``fills``: the
    cells' fill colours as the xlwings Server client sends them (see XlwingsBook);
    ``omitted_detail_rows``: the 预算明细 was left out of the request (too large), of that many rows."""
    return _run(book, _check_without_detail(omitted_detail_rows) if omitted_detail_rows else _check, fills)


def export_download(book, publish: Callable[[Path, str], str]) -> str:
    """导出公开包 on xlwings Server: the same package as the desktop (and the same gate), zipped;
    ``publish(zip, file name)`` makes it downloadable and returns its (expiring) link, which the
    ribbon opens in the browser."""
    import tempfile
    import zipfile

    name = Path(str(getattr(book, "name", "") or "公开包")).stem or "公开包"
    link: list[str] = []

    def run(port: XlwingsBook) -> str:
        with tempfile.TemporaryDirectory(prefix="bd-export-") as tmp:
            folder = Path(tmp) / f"{name}_公开包"
            message = _export_to(folder)(port)
            if not folder.is_dir():
                return message  # refused (the gate), or no tables: nothing to download
            archive = Path(tmp) / f"{name}_公开包.zip"
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        z.write(path, f"{folder.name}/{path.relative_to(folder)}")
            link.append(publish(archive, archive.name))
        return message.split("到：")[0] + f"，已打包为 {name}_公开包.zip。\n下载链接（{DOWNLOAD_MINUTES} 分钟内有效）：\n{link[0]}"

    message = _run(book, run)
    if link:
        book.app.macro("bdDownload")(link[0])  # ribbon.js opens it in the browser (a registered callback)
    return message


DOWNLOAD_MINUTES = 30


def too_large(book, what: str, rows: int) -> str:
    """The ribbon did not send a request Excel on the web cannot carry: say so and what to do."""
    action = {"fill": "生成报表", "export": "导出公开包"}.get(what, "此操作")
    message = (f"预算明细共 {rows:,} 行，{action}需要把它整张发送到服务器，超过 Excel 网页版单次请求的上限"
               f"（约 5 MB，即约 {WEB_MAX_DETAIL_ROWS:,} 行），未执行，工作簿未改动。\n"
               f"请在桌面版 Excel（预算公开加载项）中{action}，或在命令行运行 budget-disclosure "
               f"{'fill' if what == 'fill' else 'export'} 工作簿.xlsx。")
    _alert(book, message)
    return message


# Excel on the web carries at most 5 MB per request; a 预算明细 line is about 190 bytes of the
# request's JSON (measured on the 20,000-line benchmark department), the rest of a package ~110 KB.
DETAIL_LINE_BYTES, PACKAGE_BYTES = 190, 110_000
WEB_MAX_DETAIL_ROWS = (4_500_000 - PACKAGE_BYTES) // DETAIL_LINE_BYTES  # fill / export: the detail must go
CHECK_MAX_DETAIL_ROWS = (2_000_000 - PACKAGE_BYTES) // DETAIL_LINE_BYTES  # check: beyond, checked without it


def clear(book, fills: dict | None = None) -> str:
    """清除标记: remove every flag and the 校验结果 sheet."""
    return _run(book, _clear, fills)


def export(book) -> str:
    """导出公开包: the same files as ``budget-disclosure export``, into <workbook>_公开包/."""
    return _run(book, _export_to(export_folder(book)))


HELP_TEXT = ("预算公开工具\n"
             "生成报表：由“预算明细”生成九张公开表（只写九张表的数据区）。\n"
             "校验：表内、表间、科目和完整性检查，问题单元格着色并加批注，结果列在“校验结果”。\n"
             "清除标记：去掉校验着色和批注，恢复原样。\n"
             "导出公开包：校验通过后导出。\n"
             "说明文档见 README（budget-disclosure）。")


def help(book) -> str:  # noqa: A001 - the button is called 帮助
    _alert(book, HELP_TEXT)
    return HELP_TEXT
