"""Export: check, refuse while 强制 errors are open (unless forced), then write the package and a
manifest with each file's sha256 and the rules that ran. Every file is written atomically."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from budget_disclosure import __version__
from budget_disclosure.checking.findings import ERROR, ROUNDING, WARNING, Finding
from budget_disclosure.checking.service import check_book
from budget_disclosure.export.docx_out import write_docx
from budget_disclosure.export.opendata import CSV_NAMES, write_open_data
from budget_disclosure.export.pdf import write_pdf
from budget_disclosure.layout.families import profile
from budget_disclosure.export.printable import print_tables
from budget_disclosure.export.workbook import write_values_workbook
from budget_disclosure.xlio.atomic import write_folder_atomically
from budget_disclosure.xlio.port import WorkbookPort

WORKBOOK_NAME, DOCX_NAME, PDF_NAME, MANIFEST_NAME = "公开表.xlsx", "部门预算公开.docx", "部门预算公开.pdf", "manifest.json"
FINAL_DOCX_NAME, FINAL_PDF_NAME = "部门决算公开.docx", "部门决算公开.pdf"  # a 决算 package


def _where(f: Finding) -> str:
    return f" {f.sheet}!{f.cell}" if f.cells else ""


class ExportRefused(Exception):
    def __init__(self, errors: list[Finding], no_tables: bool = False):
        self.errors = errors
        self.no_tables = no_tables  # nothing to export at all, even with --force
        listed = "\n".join(f"  {f.rule}{_where(f)}：{f.message}" for f in errors[:20])
        more = f"\n  ……另有 {len(errors) - 20} 个" if len(errors) > 20 else ""
        super().__init__(f"有 {len(errors)} 个未说明的强制错误，拒绝导出（可在“出错说明”中说明，或用 --force）：\n{listed}{more}")


@dataclass
class ExportResult:
    out_dir: Path
    files: list[Path]
    manifest: Path
    verdict: str


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def statement_blocks(port: WorkbookPort, package, unit: str, year: int | None) -> list[tuple]:
    """The 情况说明 as the workbook holds it (possibly edited), else generated from the tables."""
    from budget_disclosure import statement
    from budget_disclosure.xlio.package_io import read_package_texts

    blocks = statement.read_sheet_blocks(port)
    if blocks:
        return blocks
    texts = read_package_texts(port)
    if not texts.present or year is None:
        return []
    return statement.generate_for(unit, year, statement.figures_from_read(package), texts, None)


class OutputUnusable(Exception):
    """The output folder cannot take the package; the message says why, in Chinese."""


def check_out_dir(out_dir: Path) -> None:
    """The export folder is replaced as a whole, so it must hold nothing but an earlier package."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputUnusable(f"-o 应为文件夹，{out_dir} 是一个文件（不会覆盖它）")
    if not out_dir.parent.exists():
        raise OutputUnusable(f"输出文件夹的上级文件夹不存在：{out_dir.parent}")
    if out_dir.is_dir():
        ours = {WORKBOOK_NAME, DOCX_NAME, PDF_NAME, FINAL_DOCX_NAME, FINAL_PDF_NAME, MANIFEST_NAME, "datapackage.json"} | {
            f"{n}.csv" for n in CSV_NAMES.values()}
        others = sorted(p.name for p in out_dir.iterdir() if p.name not in ours)
        if others:
            raise OutputUnusable(f"输出文件夹 {out_dir} 中有不属于公开包的文件（{'、'.join(others[:3])}"
                                 f"{'等' if len(others) > 3 else ''}），为免误删，请换一个新文件夹")


EXPORT_STEPS = 5  # check, workbook, Word, PDF, open data (for a progress bar)


def export_book(port: WorkbookPort, out_dir: Path, force: bool = False, source: str = "",
                on_step: Callable[[str], None] = lambda what: None) -> ExportResult:
    """``on_step`` is called after each of the EXPORT_STEPS steps with what comes next."""
    report = check_book(port)
    on_step("写出公开表工作簿")
    if not report.package.tables:
        raise ExportRefused(report.blocking, no_tables=True)
    if report.blocking and not force:
        raise ExportRefused(report.blocking)
    tables = print_tables(report.package, report.year)
    name = next((t.unit_name for t in report.package.tables.values() if t.unit_name), "")
    document = profile(report.package.profile).document  # 预算 or 决算
    title = f"{name} {report.year or ''} 年部门{document}信息公开".strip()
    docx_name, pdf_name = (DOCX_NAME, PDF_NAME) if document == "预算" else (FINAL_DOCX_NAME, FINAL_PDF_NAME)
    out_dir = Path(out_dir)
    sections = statement_blocks(port, report.package, name, report.year)
    names: list[str] = []

    def write_package(folder: Path) -> None:
        files = []
        contents: list = []  # the PDF's 目录 as laid out: the Word 目录 shows it until Word refreshes the field
        for file_name, writer in ((WORKBOOK_NAME, lambda p: write_values_workbook(tables, p)),
                                  (pdf_name, lambda p: contents.extend(write_pdf(p, title, tables, sections))),
                                  (docx_name, lambda p: write_docx(p, title, tables, sections, contents))):
            writer(folder / file_name)
            files.append(folder / file_name)
            on_step(f"已写出 {file_name}")
        files += write_open_data(tables, folder, title, report.year)
        on_step("已写出开放数据")
        manifest = {
            "generated_by": f"budget-disclosure {__version__}",
            "source": source,
            "unit": report.unit,
            "year": report.year,
            "verdict": report.verdict,
            "profile": report.package.profile,
            "document": document,
            "forced": bool(force and report.blocking),
            "open_errors": [{"rule": f.rule, "cell": _where(f).strip(), "message": f.message} for f in report.blocking],
            "rules": report.rules_run,
            # what a reviewer needs to know was and was not checked in the published package
            "coverage": report.coverage.as_dict() if report.coverage else None,  # with what was not applicable
            "acknowledged": [{"rule": f.rule, "cell": _where(f).strip(), "message": f.message, "reason": f.acknowledged}
                             for f in report.findings if f.acknowledged],
            "findings": {"强制": report.count(ERROR), "提示": report.count(WARNING), "尾差": report.count(ROUNDING)},
            "files": [{"name": p.name, "bytes": p.stat().st_size, "sha256": _sha256(p)} for p in files],
        }
        (folder / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        names.extend(p.name for p in files)

    check_out_dir(out_dir)
    # the whole package appears at once: a failure half-way leaves the previous package (or nothing)
    write_folder_atomically(out_dir, write_package)
    files = [out_dir / n for n in names]
    manifest_path = out_dir / MANIFEST_NAME
    return ExportResult(out_dir, files, manifest_path, report.verdict)
