"""A workbook opened to write a few sheets of it (fill): only those sheets are loaded with openpyxl;
the others — the 预算明细 of 20,000 lines above all — are read with python-calamine and their XML
parts carried into the saved file byte for byte. Loading and saving a 20,000-line detail sheet
through openpyxl is most of a fill's time; the tables fill writes are a few hundred cells.

A sheet is carried only when nothing can be lost by it: it is not written, the parts it owns are
of kinds that stand alone (notes, drawings, images, charts, printer settings, external links —
copied with it under new names; a sheet with a table, a pivot table or controls is loaded by
openpyxl instead), and calamine reads it as openpyxl would (no formula without a cached result,
no cell far beyond the content). The carried sheets
point into the workbook's shared strings and cell formats by index: openpyxl 3.1 writes its own
sheets with inline strings (so the original shared-string part is put back as it was) and keeps
the cell formats it loaded in their order, appending new ones (checked when saving)."""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import struct
import threading
import zipfile
from html import escape
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree

from budget_disclosure.xlio.archive import MAIN_NS, PKG_NS, SHARED_STRINGS, inspect, workbook_parts
from budget_disclosure.xlio.atomic import write_atomically
from budget_disclosure.xlio.calamine_port import CalamineBook, part_needs_openpyxl

_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_EMPTY_SHEET = f'<worksheet xmlns="{MAIN_NS}"><sheetData/></worksheet>'.encode()
_CELL_FORMATS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*?\bcount=\"(\d+)\"")


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


class SplitBook:
    """The openpyxl adapter over the written sheets, calamine over the carried ones (a wrapper:
    what it does not route goes to the openpyxl adapter)."""

    @classmethod
    def open_for_writing(cls, path: Path, writes: Callable[[str], bool]):
        """The workbook for an operation that writes only the sheets ``writes`` accepts: a SplitBook
        when some sheet can be carried, else the plain openpyxl adapter (loaded whole)."""
        path = Path(path)
        inspect(path)  # before anything unpacks it
        carried = _carriable(path, writes)
        values = CalamineBook(path) if carried else None
        unfit: list[str] = []
        if values is not None:
            # calamine parses the carried sheets (releasing the GIL) while openpyxl is imported and
            # loads the rest: on two cores the detail sheet costs almost nothing more. The thread
            # also makes sure calamine reads each as openpyxl would (else it is not carried).
            prefetch = threading.Thread(target=_prefetch, args=(path, values, carried, unfit), daemon=True)
            prefetch.start()
        from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook  # slow to import: after the thread starts

        if values is None:
            return OpenpyxlBook.open(path, source=path)
        try:
            book = OpenpyxlBook.open(path, source=_slim(path, carried))
        finally:
            prefetch.join()  # (also before an error propagates: the thread must not outlive the file)
        if unfit:  # rare: a formula without a cached result, a far cell — openpyxl reads those sheets
            carried = {sheet: part for sheet, part in carried.items() if sheet not in unfit}
            if not carried:
                return OpenpyxlBook.open(path, source=path)
            book = OpenpyxlBook.open(path, source=_slim(path, carried))
        return cls(book, carried, values)

    def __init__(self, book, carried: dict[str, str], values: CalamineBook):
        self.book = book  # the openpyxl adapter over the slim copy (path: the original file)
        self.path = book.path
        self.carried = carried  # sheet name → its part in the original file
        self.values = values

    def __getattr__(self, name: str):
        return getattr(self.book, name)

    # -- reading: a carried sheet from calamine -------------------------------------------------
    def extent(self, sheet: str) -> tuple[int, int]:
        return self.values.extent(sheet) if sheet in self.carried else self.book.extent(sheet)

    def far_cells(self, sheet: str) -> list[tuple[int, int, object]]:
        return [] if sheet in self.carried else self.book.far_cells(sheet)  # a carried sheet has none

    def read_block(self, sheet: str, top: int, left: int, bottom: int, right: int) -> list[list[object]]:
        if sheet in self.carried:
            return self.values.read_block(sheet, top, left, bottom, right)
        return self.book.read_block(sheet, top, left, bottom, right)

    # -- saving: openpyxl's file with the carried parts put back -----------------------------
    def save(self, path: Path | None = None) -> None:
        target = Path(path or self.path)
        produced = io.BytesIO()
        self.book.wb.save(produced)
        write_atomically(target, lambda tmp: _splice(produced, self.path, self.carried, tmp))


def _prefetch(path: Path, values: CalamineBook, carried: dict[str, str], unfit: list[str]) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            for sheet, part in carried.items():
                if part_needs_openpyxl(archive.read(part)) is not None:
                    unfit.append(sheet)
        for sheet in carried:
            if sheet not in unfit:
                values.extent(sheet)
    except Exception:  # noqa: BLE001 - a damaged sheet: the read on the main thread raises it, in Chinese
        pass


def _slim(path: Path, carried: dict[str, str]) -> io.BytesIO:
    """The workbook for openpyxl to load: every carried sheet empty (and without the parts it owns),
    the shared strings only those the other sheets may use."""
    slim = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(slim, "w", zipfile.ZIP_STORED) as out:
        dropped = {_rels_name(part) for part in carried.values()}  # openpyxl must not load their notes, drawings…
        sheets, shared = workbook_parts(source)
        kept = [source.read(part) for part in sheets.values() if part not in carried.values()
                and part in source.NameToInfo]
        for info in source.infolist():
            if info.filename in dropped:
                continue
            data = _EMPTY_SHEET if info.filename in carried.values() else source.read(info)
            if info.filename == shared:
                data = _strings_of(data, kept)
            out.writestr(info.filename, data)
    return slim


def _refuse_carried(name: str):
    def guarded(self, sheet, *args, **kwargs):
        if sheet in self.carried:  # a programming error: the caller said it would not write here
            raise RuntimeError(f"sheet {sheet!r} is carried over unchanged: {name} is not possible on it")
        return getattr(self.book, name)(sheet, *args, **kwargs)

    guarded.__name__ = name
    return guarded


for _name in ("write_block", "style_block", "style_columns", "insert_rows", "delete_rows", "set_area", "get_marks",
              "set_marks", "anchors", "set_links", "set_widths", "remove_sheet", "set_heights", "set_print"):
    setattr(SplitBook, _name, _refuse_carried(_name))


# Relationship kinds a carried sheet may own (directly or through its drawings): parts that only
# the sheet points to. Tables, pivot tables, threaded comments, controls… are tied to workbook-wide
# lists openpyxl rewrites; a sheet with one is loaded by openpyxl.
_STANDALONE = {"drawing", "vmlDrawing", "comments", "printerSettings", "image", "chart", "chartUserShapes",
               "hyperlink", "chartStyle", "chartColorStyle", "package", "themeOverride"}


def _relations(archive: zipfile.ZipFile, part: str) -> list[ElementTree.Element]:
    rels = _rels_name(part)
    if rels not in archive.NameToInfo:
        return []
    return list(ElementTree.fromstring(archive.read(rels)).iter(f"{{{PKG_NS}}}Relationship"))


def _target(source: str, rel: ElementTree.Element) -> str:
    target = rel.get("Target", "")
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join(posixpath.dirname(source), target))


def _standalone(archive: zipfile.ZipFile, part: str, seen: set[str]) -> bool:
    """Whether every part ``part`` owns, down its relationships, is of a kind that can be carried."""
    seen.add(part)
    for rel in _relations(archive, part):
        if rel.get("Type", "").rsplit("/", 1)[-1] not in _STANDALONE:
            return False
        if rel.get("TargetMode") == "External":
            continue
        target = _target(part, rel)
        if target not in archive.NameToInfo or (target not in seen and not _standalone(archive, target, seen)):
            return False
    return True


def _carriable(path: Path, writes: Callable[[str], bool]) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        try:
            sheets, _ = workbook_parts(archive)
            carried = {}
            for sheet, part in sheets.items():
                if not writes(sheet) and part in archive.NameToInfo and _standalone(archive, part, set()):
                    carried[sheet] = part  # (what calamine makes of it is checked in the prefetch thread)
            return carried
        except (KeyError, ElementTree.ParseError):
            return {}  # an unusual package: openpyxl reads it (and names what is wrong)


_STRING_ITEM = re.compile(rb"<((?:\w+:)?)si\b(?:[^>]*/>|.*?</(?:\w+:)?si>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>(\d+)</")


def _strings_of(table: bytes, sheets: list[bytes]) -> bytes:
    """The shared-string table for openpyxl's load: the strings the loaded sheets may use (every
    number in a value is taken as a possible index), the others — the detail sheet's thousands —
    left empty in their places, so every index still points where it did. (The original table is
    put back on save.)"""
    used = {int(n) for xml in sheets for n in _VALUE.findall(xml)}
    items = list(_STRING_ITEM.finditer(table))
    if not items:
        return table
    out = [table[:items[0].start()]]
    for index, item in enumerate(items):
        out.append(item.group(0) if index in used else b"<%ssi/>" % item.group(1))
    out.append(table[items[-1].end():])
    return b"".join(out)


class _OwnedParts:
    """Copies the parts a carried sheet owns into the new file under names of their own (openpyxl
    numbers its drawings and notes from 1, as Excel did), rewriting the relationships to them."""

    def __init__(self, old: zipfile.ZipFile, out: zipfile.ZipFile):
        self.old, self.out = old, out
        self.renamed: dict[str, str] = {}
        self.types = _content_types(old.read("[Content_Types].xml"))

    def relations(self, source: str, new_source: str) -> None:
        """Write ``new_source``'s relationships: ``source``'s, pointing at copies of its parts."""
        rels = _relations(self.old, source)
        if not rels:
            return
        entries = []
        for rel in rels:
            attributes = dict(rel.attrib)
            if rel.get("TargetMode") != "External":
                attributes["Target"] = "/" + self.part(_target(source, rel))
            entries.append("<Relationship " + " ".join(f'{k}="{escape(v, quote=True)}"' for k, v in attributes.items()) + "/>")
        xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_NS}">'
        self.out.writestr(_rels_name(new_source), (xml + "".join(entries) + "</Relationships>").encode())

    def part(self, name: str) -> str:
        if name not in self.renamed:
            folder, base = posixpath.split(name)
            new = self.renamed[name] = posixpath.join(folder, f"bd_carried_{len(self.renamed) + 1}_{base}")
            _copy_entry(self.old, name, self.out, new)
            self.relations(name, new)
        return self.renamed[name]

    def overrides(self) -> bytes:
        return b"".join(f'<Override PartName="/{new}" ContentType="{self.types(old)}"/>'.encode()
                        for old, new in self.renamed.items())


def _content_types(xml: bytes) -> Callable[[str], str]:
    root = ElementTree.fromstring(xml)
    ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    overrides = {e.get("PartName", "").lstrip("/"): e.get("ContentType") for e in root.iter(ns + "Override")}
    defaults = {e.get("Extension", "").lower(): e.get("ContentType") for e in root.iter(ns + "Default")}
    return lambda part: overrides.get(part) or defaults.get(part.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def _splice(produced: io.BytesIO, original: Path, carried: dict[str, str], target: Path) -> None:
    """Write openpyxl's file with each carried sheet's part (and the shared strings they use) taken
    from the original, streamed."""
    with zipfile.ZipFile(produced) as new, zipfile.ZipFile(original) as old, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        new_sheets, new_shared = workbook_parts(new)
        if new_shared is not None:  # openpyxl 3.1 writes none; a version that does would clash
            raise RuntimeError("openpyxl wrote a shared-string table: the carried sheets' strings would not match")
        _, old_shared = workbook_parts(old)
        formats_before, formats_after = (_CELL_FORMATS.search(z.read("xl/styles.xml")) for z in (old, new))
        if formats_before and (not formats_after or int(formats_after.group(1)) < int(formats_before.group(1))):
            raise RuntimeError("openpyxl dropped cell formats: the carried sheets' style indices would not match")
        from_old = {new_sheets[sheet]: part for sheet, part in carried.items()}
        owned = _OwnedParts(old, out)
        for info in new.infolist():
            name = info.filename
            if name in from_old:
                _copy_entry(old, from_old[name], out, name)
                owned.relations(from_old[name], name)
            elif name != "[Content_Types].xml":
                data = new.read(name)
                out.writestr(name, _with_shared_strings_rel(data) if old_shared and name == "xl/_rels/workbook.xml.rels"
                             else data)
        if old_shared:
            _copy_entry(old, old_shared, out, "xl/sharedStrings.xml")
        types = new.read("[Content_Types].xml")
        extra = owned.overrides() + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/>'.encode()
                                     if old_shared else b"")
        out.writestr("[Content_Types].xml", types.replace(b"</Types>", extra + b"</Types>"))


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # the zip local file header (30 bytes) before an entry's data
_SIZES_AFTER_DATA, _ENCRYPTED = 0x08, 0x01


def _copy_entry(source: zipfile.ZipFile, part: str, out: zipfile.ZipFile, name: str) -> None:
    """One part into ``out`` as ``name``, its compressed bytes copied as they are (recompressing a
    17 MB sheet costs more than the rest of the save); streamed through zlib when unusual."""
    info = source.getinfo(part)
    if info.flag_bits & _ENCRYPTED or info.file_size >= zipfile.ZIP64_LIMIT or info.compress_size >= zipfile.ZIP64_LIMIT:
        with source.open(part) as src, out.open(name, "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        return
    source.fp.seek(info.header_offset)
    header = _LOCAL_HEADER.unpack(source.fp.read(_LOCAL_HEADER.size))
    source.fp.seek(header[-2] + header[-1], 1)  # past the name and the extra field
    copied = zipfile.ZipInfo(name, info.date_time)
    copied.compress_type, copied.CRC = info.compress_type, info.CRC
    copied.compress_size, copied.file_size = info.compress_size, info.file_size
    copied.flag_bits = (info.flag_bits & ~_SIZES_AFTER_DATA) | 0x800  # sizes in the header; UTF-8 name
    copied.external_attr, copied.create_system = info.external_attr, info.create_system
    copied.header_offset = out.fp.tell()
    out.fp.write(copied.FileHeader())
    remaining = info.compress_size
    while remaining:
        chunk = source.fp.read(min(remaining, 1 << 20))
        if not chunk:
            raise zipfile.BadZipFile(f"{part}: truncated")
        out.fp.write(chunk)
        remaining -= len(chunk)
    out.filelist.append(copied)
    out.NameToInfo[name] = copied
    out.start_dir = out.fp.tell()
    out._didModify = True


def _with_shared_strings_rel(rels: bytes) -> bytes:
    used = set(re.findall(rb'Id="([^"]+)"', rels))
    number = 1
    while f"rId{number}".encode() in used:
        number += 1
    rel = f'<Relationship Id="rId{number}" Type="{SHARED_STRINGS}" Target="sharedStrings.xml"/>'.encode()
    return rels.replace(b"</Relationships>", rel + b"</Relationships>")
