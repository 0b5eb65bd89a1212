"""Look at a workbook file before any parser touches it: what kind of file it is, and whether its
zip archive is safe to unpack (sizes and compression ratios read from the central directory, so a
bomb is refused in milliseconds); a broken part is named. Messages in Chinese, for exit 2."""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import Callable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: .xls, or an encrypted .xlsx
# What a workbook may unpack to. A bomb is told by its compression ratio (below); these bound what this tool
# reads at all: a 预算明细 of Excel's 1,048,576 rows is about 1 GiB of sheet XML.
MAX_PART = 1536 * 1024 * 1024  # one unpacked part
MAX_TOTAL = 2048 * 1024 * 1024  # all parts unpacked
MAX_RATIO = 200  # unpacked / packed, for parts above RATIO_FLOOR (real sheets compress 5–30×)
RATIO_FLOOR = 4 * 1024 * 1024
SUPPORTED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


class WorkbookRejected(Exception):
    """The file cannot be used; the message says why, in Chinese, naming the file (and the part)."""


def kind(path: Path) -> str:
    """"xlsx" (a zip), "xls" (legacy binary), "encrypted" (password to open), or "other"."""
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head == OLE_MAGIC:
            rest = fh.read(1 << 20)
            return "encrypted" if "EncryptionInfo".encode("utf-16-le") in rest else "xls"
    return "xlsx" if head[:4] == b"PK\x03\x04" else "other"


def inspect(path: Path, read_later: Callable[[str], bool] = lambda name: False) -> None:
    """Raise WorkbookRejected unless ``path`` is a zip workbook that is safe to unpack. Every part's
    checksum is verified, except those ``read_later`` accepts: the caller reads them whole next (through
    ``read_part``, which verifies them as it goes — a 100,000-line sheet is not unpacked twice)."""
    what = kind(path)
    if what == "encrypted":
        raise WorkbookRejected(f"{path}：工作簿设有打开密码（已加密），无法读取；请在 Excel 中“文件 → 信息 → 保护工作簿 → "
                               f"用密码进行加密”清除密码后另存")
    if what == "xls":
        raise WorkbookRejected(f"{path}：这是旧版 Excel 97-2003 工作簿（.xls）；请在 Excel 中另存为 .xlsx")
    if what != "xlsx":
        raise WorkbookRejected(f"{path}：不是 Excel 工作簿（.xlsx / .xlsm），文件可能已损坏或不是表格文件")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise WorkbookRejected(f"{path}：工作簿文件已损坏（zip 结构无法读取）") from exc
    with archive:
        total = 0
        for entry in archive.infolist():
            if entry.compress_type not in SUPPORTED:
                raise WorkbookRejected(f"{path}：部件 {entry.filename} 使用了不支持的压缩方式（编号 {entry.compress_type}，"
                                       f"如 Deflate64）；请在 Excel 中重新保存")
            total += entry.file_size
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
                raise WorkbookRejected(f"{path}：部件 {entry.filename} 解压后 {entry.file_size / 2**20:,.0f} MiB"
                                       f"（压缩比 {ratio:,.0f}），远超正常工作簿，疑为“压缩炸弹”，拒绝打开")
            if entry.file_size > MAX_PART:
                raise WorkbookRejected(f"{path}：部件 {entry.filename} 解压后 {entry.file_size / 2**20:,.0f} MiB，超过本工具"
                                       f"读取的上限 {MAX_PART // 2**20} MiB（约 Excel 一张工作表的全部行）；请按单位拆分后分别处理")
        if total > MAX_TOTAL:
            raise WorkbookRejected(f"{path}：解压后共 {total / 2**20:,.0f} MiB，超过 {MAX_TOTAL // 2**20} MiB 上限，拒绝打开")
        for entry in archive.infolist():
            if entry.filename.endswith((".xml", ".rels", ".vml")):
                refuse_declarations(archive, entry.filename, path)
            if not read_later(entry.filename):
                read_part(archive, entry.filename, path)


def read_part(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """One part, unpacked and its checksum verified; a damaged one is named, in Chinese."""
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise WorkbookRejected(f"{path}：部件 {name} 已损坏（CRC 校验不符）；请用 Excel 打开修复后另存") from exc


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHARED_STRINGS = REL_NS + "/sharedStrings"


def workbook_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], str | None]:
    """Sheet name → its part, and the shared-string part (None without one), from workbook.xml."""
    from xml.etree import ElementTree

    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets, shared = {}, None
    for rel in rels.iter(f"{{{PKG_NS}}}Relationship"):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = part
        if rel.get("Type") == SHARED_STRINGS:
            shared = part
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheets = {s.get("name"): targets.get(s.get(f"{{{REL_NS}}}id"), "") for s in book.iter(f"{{{MAIN_NS}}}sheet")}
    return sheets, shared


def _expat_words() -> dict[int, str]:
    """The XML errors a damaged part shows, said in Chinese (expat's own words are English)."""
    from xml.parsers.expat import errors

    return {errors.codes[errors.XML_ERROR_NO_ELEMENTS]: "内容不完整（文件被截断）",
            errors.codes[errors.XML_ERROR_UNCLOSED_TOKEN]: "内容不完整（文件被截断）",
            errors.codes[errors.XML_ERROR_TAG_MISMATCH]: "标记不配对",
            errors.codes[errors.XML_ERROR_SYNTAX]: "语法错误",
            errors.codes[errors.XML_ERROR_INVALID_TOKEN]: "有非法字符",
            errors.codes[errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT]: "结尾有多余内容"}


_EXPAT_WORDS = _expat_words()
PROLOG_LIMIT = 64 * 1024  # a part's XML declaration and comments before its root element: a few dozen bytes


def refuse_declarations(archive: zipfile.ZipFile, name: str, path: Path) -> None:
    """Office parts never declare a DTD: a part that does (<!DOCTYPE, with <!ENTITY … : the “billion laughs”
    kind of bomb, which expands to gigabytes inside the parser) is refused before any parser reads it. Only
    the part's prolog is read (what comes before its root element)."""
    with archive.open(name) as part:
        head = b""
        while len(head) < PROLOG_LIMIT:
            chunk = part.read(4096)
            if not chunk:
                break
            head += chunk
            root = _ROOT.search(head)
            if root is not None:
                head = head[:root.start()]
                break
        else:
            raise WorkbookRejected(f"{path}：部件 {name} 的开头超过 {PROLOG_LIMIT // 1024} KiB 仍没有内容，疑为有意构造，拒绝打开")
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise WorkbookRejected(f"{path}：部件 {name} 含有文档类型（DTD）或实体声明（<!DOCTYPE、<!ENTITY），Excel 保存的"
                               f"工作簿不会有，疑为“实体炸弹”，拒绝打开")


_ROOT = re.compile(rb"<[A-Za-z_]")  # the root element begins (not <? or <!)


def broken_part(path: Path) -> str | None:
    """The first XML part that does not parse, to name it when a parser failed."""
    import xml.parsers.expat

    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.endswith((".xml", ".rels", ".vml")):
                continue
            parser = xml.parsers.expat.ParserCreate()
            try:
                with archive.open(name) as part:
                    parser.ParseFile(part)
            except xml.parsers.expat.ExpatError as exc:
                return f"{name}（第 {exc.lineno} 行第 {exc.offset + 1} 列起{_EXPAT_WORDS.get(exc.code, '格式错误')}）"
    return None
