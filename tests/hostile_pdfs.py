"""PDFs an attacker or a broken portal serves, built for the tests from a real package (tests/data):
not a PDF, truncated, password-protected, a page count no package has, a decompression bomb, objects
nested beyond any parser, JavaScript and an attachment inside, a scanned page with no text."""

from __future__ import annotations

import zlib
from pathlib import Path

from conftest import DATA

REAL = DATA / "realworld" / "01_sh-putuo-wanli-2025-dept-budget" / "source.pdf"


def _raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from its objects' bodies (object n is objects[n-1]), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def not_a_pdf(folder: Path) -> Path:
    path = folder / "不是PDF.pdf"
    path.write_bytes(b"<html>404</html>" * 50)
    return path


def truncated(folder: Path) -> Path:
    path = folder / "下载不完整.pdf"
    data = REAL.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def password(folder: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(REAL))
    writer.encrypt(user_password="secret", owner_password="owner")
    path = folder / "有密码.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    return path


def huge_page_count(folder: Path) -> Path:
    """A page tree that declares ten million pages."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 10000000 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    path = folder / "一千万页.pdf"
    path.write_bytes(_raw_pdf(objects))
    return path


def bomb(folder: Path, inflated: int = 80 << 20) -> Path:
    """A page whose content stream inflates from about 80 KB to 80 MB."""
    content = zlib.compress(b" " * inflated, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               _stream(content, b"/Filter /FlateDecode")]
    path = folder / "压缩炸弹.pdf"
    path.write_bytes(_raw_pdf(objects))
    return path


def deep_nesting(folder: Path, depth: int = 100_000) -> Path:
    """A page dictionary holding an array nested a hundred thousand levels deep."""
    nested = b"[" * depth + b"]" * depth
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Deep " + nested + b" >>",
               _stream(b"BT /F1 12 Tf 72 720 Td (x) Tj ET")]
    path = folder / "嵌套过深.pdf"
    path.write_bytes(_raw_pdf(objects))
    return path


def scripted(folder: Path) -> Path:
    """The real package with a script run on opening and a file attached."""
    from pypdf import PdfWriter
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject,
                               TextStringObject)

    writer = PdfWriter(clone_from=str(REAL))
    js = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                           NameObject("/JS"): TextStringObject("app.alert('x');")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(js)
    attached = DecodedStreamObject()
    attached.set_data(b"MZ\x90\x00 not a real program")
    spec = DictionaryObject({NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject("a.exe"),
                             NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(attached)})})
    names = DictionaryObject({NameObject("/EmbeddedFiles"): DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("a.exe"), writer._add_object(spec)])})})
    writer._root_object[NameObject("/Names")] = writer._add_object(names)
    path = folder / "带脚本.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    return path


def scanned(folder: Path) -> Path:
    """One page that is only an image (a scan): no text layer."""
    pixels = zlib.compress(b"\x80" * (20 * 20))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
               _stream(b"q 500 0 0 700 40 60 cm /Im1 Do Q"),
               _stream(pixels, b"/Type /XObject /Subtype /Image /Width 20 /Height 20 /ColorSpace /DeviceGray "
                               b"/BitsPerComponent 8 /Filter /FlateDecode")]
    path = folder / "扫描件.pdf"
    path.write_bytes(_raw_pdf(objects))
    return path


ALL = {"not a pdf": not_a_pdf, "truncated": truncated, "password": password, "huge page count": huge_page_count,
       "bomb": bomb, "deep nesting": deep_nesting, "scanned": scanned}
