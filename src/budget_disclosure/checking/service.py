"""Check a workbook through the port: read every sheet once, find the tables, run the rules,
apply the accountant's 出错说明, and give a verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from budget_disclosure.checking.context import CheckContext, Ref
from budget_disclosure.checking.coverage import Coverage, build as build_coverage
from budget_disclosure.checking.findings import ERROR, ROUNDING, WARNING, Finding
from budget_disclosure.checking.registry import selected
from budget_disclosure.checking.suspects import assign_suspects, say_suspect_figures
from budget_disclosure.engine.codes import normalize_name
from budget_disclosure.engine.issues import InputError
from budget_disclosure.engine.package_texts import PackageTexts
from budget_disclosure.layout.inputs import DETAIL_SHEET, GUIDE_SHEET, INFO_SHEET
from budget_disclosure.layout.package_inputs import LAST_YEAR, LAST_YEAR_SUBJECTS, NARRATIVE_SHEET, PACKAGE_INPUTS
from budget_disclosure.layout.canonical import exact_values
from budget_disclosure.reading.grid import read_package
from budget_disclosure.reading.model import Address, ReadPackage
from budget_disclosure.xlio.inputs_io import CODES_SHEET
from budget_disclosure.xlio.meta import META_SHEET, read_meta

BALANCE_NOTE_SHEET = "舍位说明"  # written by a balanced fill (balancing.NOTE_SHEET)
from budget_disclosure.xlio.port import WorkbookPort

FINDINGS_SHEET = "校验结果"
# the rules on the input sheets alone (no table read): what an unfilled workbook can still be checked for
INPUT_RULES = ("BD703", "BD704", "BD705", "BD706", "BD707", "BD708", "BD710", "BD711")
TEXT_RULES = ("BD7", "BD8", "BD523")  # the rules on the 情况说明 and the other parts of the package
ACK_SHEET = "出错说明"
FLAGS_SHEET = "_bd_flags"
NOT_TABLE_SHEETS = {FINDINGS_SHEET, ACK_SHEET, FLAGS_SHEET, DETAIL_SHEET, CODES_SHEET, GUIDE_SHEET, INFO_SHEET,
                    META_SHEET, NARRATIVE_SHEET, BALANCE_NOTE_SHEET, *(s.name for s in PACKAGE_INPUTS)}


@dataclass
class CheckReport:
    package: ReadPackage
    findings: list[Finding]
    rules_run: list[str]
    has_detail: bool
    detail_problem: str = ""
    notes: list[str] = field(default_factory=list)
    # the units the 预算明细 names, when the package is the department's own (not one unit's)
    detail_units: dict[str, str] = field(default_factory=dict)
    coverage: Coverage | None = None
    titled_year: int | None = None
    pages: tuple[int, int] | None = None  # a PDF's pages read (with text) and pages in all
    statement_found: bool | None = None  # whether a 情况说明 was found (None: not looked for)
    # what a comparison with another document needs once the file is closed: the 情况说明 as located
    # paragraphs, the figures typed on the 上年预算 sheet, and (a PDF) the page each grid row is printed on
    statement: list[tuple[Address, str]] = field(default_factory=list)
    last_year_inputs: dict[str, tuple[object, Address]] = field(default_factory=dict)  # label → (value, cell)
    last_year_subjects: list[tuple[str, str, object, Address]] = field(default_factory=list)  # (code, name, value, cell)
    row_pages: dict[str, list[int]] = field(default_factory=dict)
    statement_places: dict[Address, list] = field(default_factory=dict)  # a PDF's paragraphs: [(file, page, box)]
    # a PDF's comparisons with last year, each by (paragraph, start, end): where its words are printed
    statement_spans: dict[tuple[Address, int, int], list] = field(default_factory=dict)

    @property
    def unit(self) -> str:
        for t in self.package.tables.values():
            if t.unit_name:
                return f"{t.unit_code} {t.unit_name}".strip()
        return ""

    @property
    def year(self) -> int | None:
        """The tables' 预算年度, else the year their titles or the 情况说明's title give."""
        return next((t.year for t in self.package.tables.values() if t.year), None) or self.titled_year

    def count(self, severity: str, acknowledged: bool | None = None) -> int:
        return sum(1 for f in self.findings if f.severity == severity
                   and (acknowledged is None or bool(f.acknowledged) == acknowledged))

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def complete(self) -> bool:
        return self.coverage is None or self.coverage.complete

    @property
    def outcome(self) -> str:
        """通过 / 不通过 / 无法完整校验: a package not completely read is never said to pass."""
        if self.blocking:
            return "不通过"
        return "通过" if self.complete else "无法完整校验"

    @property
    def verdict(self) -> str:
        acknowledged = self.count(ERROR, acknowledged=True)
        counts = f"强制 {self.count(ERROR)}（已说明 {acknowledged}），提示 {self.count(WARNING)}，尾差 {self.count(ROUNDING)}"
        word = self.outcome
        if word == "无法完整校验":
            word += f"（已核对 {self.coverage.ratio} 项）"
        elif self.coverage is not None and not self.complete:
            counts += f"；已核对 {self.coverage.ratio} 项"
        return f"{word}：{counts}"


def _grids(port: WorkbookPort) -> dict[str, list[list[object]]]:
    grids = {}
    text_only = getattr(port, "text_sheets", ())  # a PDF's running text: paragraphs, never tables
    for sheet in port.sheet_names():
        if sheet in NOT_TABLE_SHEETS or sheet in text_only:
            continue
        rows, cols = port.extent(sheet)
        grids[sheet] = port.read_block(sheet, 1, 1, rows, cols) if rows else []
    return grids


def _acknowledgements(port: WorkbookPort) -> list[tuple[str, str, str]]:
    if ACK_SHEET not in port.sheet_names():
        return []
    rows, cols = port.extent(ACK_SHEET)
    records = port.read_block(ACK_SHEET, 2, 1, rows, 3) if rows >= 2 else []
    return [(str(r[0] or "").strip().upper(), str(r[1] or "").strip(), str(r[2] or "").strip())
            for r in records if r and r[0] and len(r) > 2 and r[2] and str(r[2]).strip()]


def _apply_acknowledgements(findings: list[Finding], acks: list[tuple[str, str, str]]) -> None:
    for code, cell, reason in acks:
        target = normalize_name(cell).replace("$", "").upper()
        for f in findings:
            if f.rule != code:
                continue
            places = {str(a).upper() for a in f.cells} | {a.a1.upper() for a in f.cells}
            if not target or normalize_name(target) in {normalize_name(p) for p in places}:
                f.acknowledged = reason


def _printed_texts(package: ReadPackage):
    """The figure each read cell prints, by its address (as the sheet shows it)."""
    texts = {c.address: c.text for t in package.tables.values() for c in t.cells.values() if c.value is not None}
    return texts.get


def _without_unread(package: ReadPackage, findings: list[Finding]) -> tuple[list[Finding], list[str]]:
    """A finding that involves a formula without a result was computed without that cell: it is
    not applicable, never an error; said once per table."""
    unread = {c.address: t for t in package.tables.values() for c in t.unread}
    if not unread:
        return findings, []
    kept, skipped = [], {}
    for f in findings:
        hit = next((unread[a] for a in f.cells if a in unread), None)
        if hit is None:
            kept.append(f)
        else:
            skipped[hit.key] = skipped.get(hit.key, 0) + 1
    notes = []
    for t in package.tables.values():
        if t.unread:
            first = t.unread[0].address
            notes.append(f"{t.spec.title}：{len(t.unread)} 个公式单元格没有计算结果（如 {first}），未读取；涉及它们的 "
                         f"{skipped.get(t.key, 0)} 项核对不适用。请在 Excel 中打开并保存后再校验，或安装 LibreOffice 以重新计算")
    return kept, notes


def _printed_parts(texts: PackageTexts, grids: dict[str, list[list[object]]]) -> None:
    """The parts a published document prints (绩效目标表 cards, 政府采购, 固定资产), read from its grids
    where the workbook has no input sheet for them."""
    from budget_disclosure.reading.printed_parts import asset_rows, procurement_rows, project_cards

    if not texts.projects and (cards := project_cards(grids)):
        texts.projects, texts.projects_complete = cards, False  # a document may print only the main projects
        texts.present.add("项目绩效目标表（文件中印出的）")
    if not texts.procurement and (items := procurement_rows(grids)):
        texts.procurement = items
        texts.present.add("政府采购（文件中印出的）")
    if not texts.assets and (rows := asset_rows(grids)):
        texts.assets = {label: values for label, (values, _) in rows.items()}
        texts.asset_cells = {label: cells for label, (_, cells) in rows.items()}
        texts.present.add("国有资产（文件中印出的）")


def prof_rules_off(package: ReadPackage) -> dict[str, str]:
    from budget_disclosure.layout.families import profile

    return profile(package.profile).rules_off


def check_book(port: WorkbookPort, select=(), ignore=(), codes_file: Path | None = None,
               statement_docx: Path | None = None, profile_name: str | None = None) -> CheckReport:
    grids = _grids(port)
    starts = {sheet: port.table_starts(sheet) for sheet in grids} if hasattr(port, "table_starts") else None
    package = read_package(grids, profile_name, starts)
    from budget_disclosure.loading import (
        derive_from_book, far_cell_problems, load_classifications, texts_for, unit_of_tables,
    )

    year = next((t.year for t in package.tables.values() if t.year), None)
    classifications = load_classifications(port, year, codes_file)

    from budget_disclosure import statement
    from budget_disclosure.xlio.package_io import read_package_texts

    rules = [r for r in selected(select, ignore) if r.code not in prof_rules_off(package)]
    # the package's texts and its 情况说明 are read only when a rule selected reads them
    reads_texts = any(r.code.startswith(TEXT_RULES) for r in rules) or \
        any(True for scope in ("previous", "budget") for _ in selected(select, ignore, scope=scope))  # their texts too
    texts = read_package_texts(port) if reads_texts else PackageTexts()
    if reads_texts:
        _printed_parts(texts, grids)
    statement_note = ""
    statement_found: bool | None = None
    columns: dict[int, int] = {}
    if not reads_texts:
        paragraphs, where = [], NARRATIVE_SHEET
    elif statement_docx is not None:
        paragraphs, where = statement.docx_paragraphs(statement_docx), Path(statement_docx).name
        statement_found = True
    else:
        table_sheets = {s for t in package.tables.values() for s in t.sheets}
        toc_sheets = set(getattr(port, "toc_sheets", ()))  # a PDF's 目录: never its 情况说明
        found = statement.find_statement(port, NOT_TABLE_SHEETS - {NARRATIVE_SHEET} | table_sheets | toc_sheets)
        statement_found = found is not None
        if found is None:
            paragraphs, where = [], NARRATIVE_SHEET
            statement_note = ("找不到情况说明（没有成段文字的工作表；可用 --statement 指定 .docx）：情况说明的核对不适用")
        else:
            paragraphs, where, columns = found.paragraphs, found.sheet, found.columns
            if found.layout != "类型 | 内容":
                statement_note = f"情况说明：读取工作表“{found.sheet}”（{found.layout}，{len(paragraphs)} 段）"
    # the 预算明细 last: the fast reader may still be parsing it while the rest is read
    exact: dict[Ref, Decimal] = {}
    derived = None
    detail_problem = ""
    names = port.sheet_names()
    if INFO_SHEET in names and DETAIL_SHEET in names:
        try:
            derived = derive_from_book(port, classifications=classifications)
            unit = unit_of_tables([t.unit_code for t in package.tables.values()], derived.detail)
            if unit is not None:  # a unit's own package: compared with that unit's lines only
                derived = derived.for_unit(unit)
            exact = exact_values(derived.tables)
        except InputError as exc:
            detail_problem = f"预算明细无法使用，未与明细核对：{exc.problems[0]}" + (
                f" 等 {len(exc.problems)} 处" if len(exc.problems) > 1 else "")
    if derived is not None:
        texts = texts_for(derived, texts)
    context = CheckContext(package, classifications, exact, texts if texts.present else None, paragraphs,
                           derived.detail if derived else None, where,
                           compares_last_year=not (derived and derived.is_unit_package))
    context.detail_unusual = derived.unusual if derived else []
    context.department_detail = derived.department if derived is not None and derived.is_unit_package else None
    context.statement_columns = columns
    context.outlines = port.outlines() if hasattr(port, "outlines") else []
    context.balanced = bool(exact) and read_meta(port).get("舍位平衡") == "是"
    if statement_note:
        context.notes.append(statement_note)
    context.ungenerated = bool(exact) and not any(t.cells_read for t in package.tables.values()) and \
        any(v for v in exact.values())
    if context.ungenerated:
        # a workbook whose tables were never generated: one finding says so (BD601), and only the
        # input sheets are checked — not nine tables of consequences
        rules = [r for r in rules if r.code == "BD601" or r.code in INPUT_RULES]
        context.notes.append("表格尚未生成：只核对了输入表（项目绩效目标、政府采购、国有资产、预算明细）")
    findings: list[Finding] = []
    rules_run = []
    for rule in rules:
        context.rule = rule
        rules_run.append(rule.code)
        findings.extend(f for f in rule.check(context) if f is not None)
    findings, unread_notes = _without_unread(package, findings)
    _apply_acknowledgements(findings, _acknowledgements(port))
    assign_suspects(findings)
    say_suspect_figures(findings, _printed_texts(package))
    if hasattr(port, "place"):  # a PDF: each cell said by page and what is printed there
        from budget_disclosure.checking.places import Locator
        from budget_disclosure.layout.families import profile

        locator = Locator(port, package, {k: t.title for k, t in profile(package.profile).tables.items()})
        for finding in findings:
            locator.locate(finding)
    findings.sort(key=Finding.sort_key)
    context.rule = None
    coverage = build_coverage(context)
    notes = list(package.problems) + [str(p) for p in far_cell_problems(port)] + unread_notes + context.notes
    if hasattr(port, "reading_notes"):
        notes = port.reading_notes() + notes
    statement_rows = [(context.statement_cell(row), text) for row, text in paragraphs]
    return CheckReport(package, findings, rules_run, bool(exact), detail_problem, notes,
                       derived.department.units() if derived and not derived.is_unit_package else {}, coverage,
                       context.year, (port.pages_read, port.pages) if hasattr(port, "pages_read") else None,
                       statement_found, statement_rows,
                       {k: (v, Address(LAST_YEAR.name, texts.last_year_rows.get(k, 0), 2)) for k, v in texts.last_year.items()}
                       if context.compares_last_year else {},
                       [(code, name, value, Address(LAST_YEAR_SUBJECTS.name, row, 3))
                        for code, name, value, row in texts.last_year_subjects] if context.compares_last_year else [],
                       port.row_pages() if hasattr(port, "row_pages") else {},
                       {address: [(p.file, p.page, p.box.rounded()) for p in port.place(address)]
                        for address, _ in statement_rows} if hasattr(port, "place") else {},
                       _change_spans(port, statement_rows) if hasattr(port, "place") else {})


def _change_spans(port, statement_rows: list[tuple[Address, str]]) -> dict:
    """Where each comparison with last year the text states is printed (its words, not the whole paragraph):
    a finding across documents, made after the file is closed, marks just those words on the page."""
    from budget_disclosure.checking.stated_changes import stated_changes

    spans = {}
    for change in stated_changes([text for _, text in statement_rows]):
        address, text = statement_rows[change.paragraph]
        places = port.place(address, text[change.now_start:change.end])
        spans[(address, change.now_start, change.end)] = [(p.file, p.page, p.box.rounded()) for p in places]
    return spans


def check_batch(reports: list[tuple[str, CheckReport]], select=(), ignore=()) -> None:
    """Run the rules across packages checked together; their findings join the package they are about."""
    by_path = dict(reports)
    for rule in selected(select, ignore, scope="batch"):
        for path, finding in rule.check(reports):
            report = by_path[path]
            report.findings.append(finding)
            report.rules_run.append(rule.code)
    for report in by_path.values():
        report.findings.sort(key=Finding.sort_key)


def compare_documents(this: tuple[str, CheckReport], other: tuple[str, CheckReport], kind: str, select=(), ignore=(),
                      change_threshold: Decimal | None = None) -> dict:
    """Run the rules across two documents (kind "previous": ``other`` is last year's package; "budget":
    ``this`` is a 决算 and ``other`` the 预算 of its year); their findings join ``this`` report, and what
    was compared is said once in its notes. Returns the comparison's summary."""
    from budget_disclosure.checking.across import SCOPES, PairContext, Side
    from budget_disclosure.layout.families import profile

    (this_file, this_report), (other_file, other_report) = this, other
    ctx = PairContext(Side(Path(this_file).name, this_report), Side(Path(other_file).name, other_report), kind)
    if change_threshold is not None:
        ctx.change_threshold = change_threshold
    what = SCOPES[kind]
    summary = {"kind": what, "file": str(other_file), "year": ctx.other.year, "compared": 0, "findings": 0,
               "not_compared": {}}
    problem = _pairing_problem(ctx, kind, profile(this_report.package.profile).document,
                               profile(other_report.package.profile).document)
    if problem:
        this_report.notes.append(f"与{what}公开包核对：未核对，{problem}")
        summary["problem"] = problem
        return summary
    found = []
    for rule in selected(select, ignore, scope=kind):
        ctx.rule = rule
        this_report.rules_run.append(rule.code)
        found.extend(f for f in rule.check(ctx) if f is not None)
    this_report.findings.extend(found)
    this_report.findings.sort(key=Finding.sort_key)
    skipped = "；".join(f"{why} {n} 处" for why, n in sorted(ctx.skipped.items(), key=lambda kv: -kv[1]))
    this_report.notes.append(f"与{what}公开包（{ctx.other.file}，{ctx.other.year} 年）核对了 {ctx.evaluated} 处，"
                             f"发现 {len(found)} 处不符" + (f"；未核对：{skipped}" if skipped else ""))
    summary.update(compared=ctx.evaluated, findings=len(found), not_compared=dict(ctx.skipped))
    return summary


def _pairing_problem(ctx, kind: str, this_document: str, other_document: str) -> str:
    this_unit, other_unit = normalize_name(unit_name(ctx.this.report)), normalize_name(unit_name(ctx.other.report))
    if this_unit and other_unit and this_unit != other_unit:
        return f"{ctx.other.file} 是“{unit_name(ctx.other.report)}”的，本文件是“{unit_name(ctx.this.report)}”的：不是同一单位"
    if ctx.this.scope != ctx.other.scope:
        return f"本文件是{ctx.this.scope}{this_document}，{ctx.other.file} 是{ctx.other.scope}{other_document}：不是同一种公开包"
    this_year, other_year = ctx.this.year, ctx.other.year
    if this_year is None or other_year is None:
        return "无法确定两份文件的年度"
    if kind == "previous":
        if this_document != other_document:
            return f"本年是{this_document}，{ctx.other.file} 是{other_document}：上年公开包应是同一种文件"
        if other_year != this_year - 1:
            return f"{ctx.other.file} 是 {other_year} 年的，本年为 {this_year} 年：不是上一年"
    else:
        if this_document != "决算" or other_document != "预算":
            return f"--budget 用于决算对照同年预算：本文件是{this_document}，{ctx.other.file} 是{other_document}"
        if other_year != this_year:
            return f"{ctx.other.file} 是 {other_year} 年预算，决算为 {this_year} 年：不是同一年"
    return ""


def unit_name(report: CheckReport) -> str:
    """The unit the package's tables name most often (its 编制单位 line)."""
    names = [t.unit_name for t in report.package.tables.values() if t.unit_name]
    return max(set(names), key=names.count) if names else ""
