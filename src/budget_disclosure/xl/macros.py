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
from budget_disclosure.xlio.xlwings_port import XlwingsBook

TITLE = "预算公开"
MAX_LISTED = 12
log = logging.getLogger(__name__)


def _alert(book, message: str) -> None:
    book.app.alert(message, title=TITLE)


def _run(book, action: Callable[[XlwingsBook], str]) -> str:
    try:
        message = action(XlwingsBook(book))
    except InputError as exc:
        lines = [str(p) for p in exc.problems[:MAX_LISTED]]
        more = len(exc.problems) - len(lines)
        message = "无法处理，未做任何改动：\n" + "\n".join(lines) + (f"\n……另有 {more} 处" if more > 0 else "")
    except Exception as exc:  # the accountant sees a message, the log keeps the traceback
        log.error("macro failed:\n%s", traceback.format_exc())
        message = f"内部错误（{type(exc).__name__}）：{exc}\n请把此消息发给技术支持。"
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


def _check(port: XlwingsBook) -> str:
    from budget_disclosure.checking.service import check_book
    from budget_disclosure.flagging import apply_flags

    report = check_book(port)
    if not report.package.tables:
        return "找不到任何部门预算公开表（按表标题查找，如“部门预算收支总表”）。"
    apply_flags(port, report)
    return f"校验{report.verdict}\n问题单元格已着色并加批注，详见“校验结果”工作表。"


def _clear(port: XlwingsBook) -> str:
    from budget_disclosure.flagging import clear_flags

    restored = clear_flags(port)
    return f"已清除校验标记，恢复 {restored} 个单元格。"


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


def check(book) -> str:
    """校验: run the rule book and flag every inconsistent cell in the workbook."""
    return _run(book, _check)


def clear(book) -> str:
    """清除标记: remove every flag and the 校验结果 sheet."""
    return _run(book, _clear)


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
