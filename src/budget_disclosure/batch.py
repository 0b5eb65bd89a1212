"""Checking many packages at once, as a 财政局 reviewer does: a process pool (``--jobs``), one bad
file never stopping the others, Ctrl-C stopping cleanly with what is done, and the reviewer's
summary (one row per package, every finding, how many packages break each rule)."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from budget_disclosure.checking.findings import ERROR, ROUNDING, WARNING


@dataclass(frozen=True)
class CheckOptions:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    codes: Path | None = None
    statement: Path | None = None
    profile: str | None = None
    # packages published in two PDFs: (公开表 file, 说明 file) — the 说明 is read with its tables
    companions: tuple[tuple[Path, Path], ...] = ()

    def companion(self, path: Path) -> Path | None:
        return next((text for tables, text in self.companions if tables == path), None)


@dataclass
class Outcome:
    path: Path
    report: object = None  # CheckReport
    error: str = ""  # why the file could not be checked (in Chinese)
    locked: bool = False  # open in Excel (a ~$ lock file beside it)
    flagged: Path | None = None  # the flagged copy, when one was written
    sample: str = ""  # a PDF's first words (its title, unit, year): to pair a 说明 with its tables
    companion: Path | None = None  # the 说明 PDF read with this 公开表 PDF as one package

    @property
    def text_only(self) -> bool:
        """A PDF of text only (a 说明 published apart from its tables): read, but no table found."""
        return self.report is None and bool(self.sample)

    @property
    def label(self) -> str:
        """The file as a reviewer names it; a package in two PDFs names both (说明 first)."""
        return f"{self.companion} + {self.path}" if self.companion else str(self.path)

    @property
    def word(self) -> str:
        return "无法校验" if self.report is None else self.report.outcome


@dataclass
class BatchResult:
    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False
    total: int = 0
    running: Counter = field(default_factory=Counter)  # outcome word → packages, kept as they arrive
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # entries of the folders not checked, and why

    def add(self, outcome: Outcome) -> Counter:
        """Record one package's outcome; the running counts (each outcome counted once: the progress
        line of a batch of 5,000 must not recount the 4,999 before)."""
        self.outcomes.append(outcome)
        self.running[outcome.word] += 1
        return self.running

    def counts(self) -> Counter:
        return Counter(o.word for o in self.outcomes)


def check_one(path: Path, options: CheckOptions, opener: Callable[[Path], object]) -> Outcome:
    """Open and check one file; any problem with the file is its outcome, never an exception."""
    from budget_disclosure.checking.service import check_book
    from budget_disclosure.engine.issues import InputError

    try:
        companion = options.companion(path)
        book = opener((companion, path) if companion else path)
        report = check_book(book, options.select, options.ignore, options.codes, options.statement, options.profile)
        sample = book.first_words() if hasattr(book, "first_words") and not companion else ""
        if not report.package.tables:
            return Outcome(path, error=f"{path}：找不到任何部门预算公开表（按表标题查找，如“部门预算收支总表”；可用 --profile 指定格式）"
                           + ("；若它是公开包的说明部分，请与其公开表 PDF 放在同一文件夹一并校验" if sample else ""),
                           sample=sample)
    except InputError as exc:
        return Outcome(path, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - UsageError and damaged-file errors carry their Chinese message
        return Outcome(path, error=str(exc) or type(exc).__name__)
    return Outcome(path, report, locked=(path.parent / f"~${path.name}").exists(), companion=companion, sample=sample)


def _worker(args) -> Outcome:
    path, options = args
    from budget_disclosure.xlio.open import open_book

    return check_one(path, options, lambda p: open_book(p, for_reading_only=True))


def check_many(files: list[Path], options: CheckOptions, jobs: int, opener, on_done: Callable[[Outcome, Counter], None]
               ) -> BatchResult:
    """Check the files (in order of the result), ``jobs`` processes at a time; Ctrl-C keeps what is done."""
    result = BatchResult(total=len(files))
    if jobs <= 1 or len(files) <= 1:
        try:
            for path in files:
                outcome = check_one(path, options, opener)
                on_done(outcome, result.add(outcome))
        except KeyboardInterrupt:
            result.interrupted = True
        return result
    from concurrent.futures import ProcessPoolExecutor, as_completed  # only for a pool: its import costs start-up

    pool = ProcessPoolExecutor(max_workers=jobs)
    futures = {pool.submit(_worker, (path, options)): path for path in files}
    try:
        for future in as_completed(futures):
            outcome = future.result()
            on_done(outcome, result.add(outcome))
    except KeyboardInterrupt:
        result.interrupted = True
        pool.shutdown(wait=False, cancel_futures=True)
    else:
        pool.shutdown()
    order = {p: i for i, p in enumerate(files)}
    result.outcomes.sort(key=lambda o: order[o.path])
    return result


def _bigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _longest_common(a: str, b: str) -> int:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


def split_packages(outcomes: list[Outcome]) -> tuple[tuple[Path, Path], ...]:
    """Packages published in two PDFs, as a portal serves them: a PDF of text only (the 说明, whose
    tables are "附后") and, in the same folder, a PDF of tables without a 说明 of the same year, whose
    unit the text names. Each text is given the tables that match it best, when only one does.
    Returns (公开表 file, 说明 file) pairs."""
    texts = [o for o in outcomes if o.text_only]
    tables = [o for o in outcomes if o.report is not None and o.sample and o.companion is None
              and o.report.statement_found is False]
    if not texts or not tables:
        return ()
    # words every document of the folder opens with (省, 年度, 部门预算, 公开…) tell none apart
    bigrams = {o.path: _bigrams(o.sample) for o in texts + tables}
    samples = list(bigrams.values())
    generic = {b for b in set.union(*samples) if sum(b in s for s in samples) > len(samples) // 2} if len(samples) > 2 \
        else set()
    pairs, taken = [], set()
    for text in texts:
        scored = []
        for table in tables:
            if table.path.parent != text.path.parent or table.path in taken:
                continue
            year = table.report.year
            if year and f"{year}" not in text.sample:
                continue
            unit = table.report.unit.split(" ", 1)[-1]
            if unit:  # the longest part of the unit's name the text prints (江苏省委办公厅 in 中共江苏省委办公厅)
                score = _longest_common(unit, text.sample)
            else:
                score = len((bigrams[table.path] - generic) & bigrams[text.path])
            scored.append((score, table))
        scored.sort(key=lambda s: -s[0])
        if scored and scored[0][0] >= 3 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            pairs.append((scored[0][1].path, text.path))
            taken.add(scored[0][1].path)
    return tuple(pairs)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# -- the reviewer's summary -------------------------------------------------------------------------
def _code(report) -> str:
    codes = [t.unit_code for t in report.package.tables.values() if t.unit_code]
    return max(set(codes), key=codes.count) if codes else ""


def _name(report) -> str:
    from budget_disclosure.checking.service import unit_name

    return unit_name(report)


def _family(name: str) -> str:
    """The layout family as a reviewer reads it: its Chinese title."""
    from budget_disclosure.layout.families import profile

    try:
        return profile(name).title
    except KeyError:
        return name


def summary_rows(result: BatchResult) -> tuple[list[dict], list[dict], list[dict]]:
    """(one row per package, every finding, one row per rule broken)."""
    from budget_disclosure.checking.output import _title
    from budget_disclosure.checking.registry import RULES

    packages, findings = [], []
    broken: dict[str, set[str]] = {}
    counted: Counter = Counter()
    for o in result.outcomes:
        path = o.label
        if o.report is None:
            packages.append({"path": path, "outcome": "无法校验", "first": o.error})
            continue
        r = o.report
        firsts = [f"{f.rule} {f.marked or ''} {f.message}".strip() for f in r.findings if f.severity == ERROR][:3]
        coverage = r.coverage
        link = str(o.flagged) if o.flagged else ""
        packages.append({
            "path": path, "code": _code(r), "unit": _name(r), "year": r.year, "profile": _family(r.package.profile),
            "outcome": r.outcome, "errors": r.count(ERROR), "warnings": r.count(WARNING), "rounding": r.count(ROUNDING),
            "checked": coverage.evaluated if coverage else None, "total": coverage.total if coverage else None,
            "first": "；".join(firsts), "flagged": link,
            "pages": f"{r.pages[0]}/{r.pages[1]}" if r.pages else None})
        for f in r.findings:
            target = f"{link}#'{f.marked.sheet}'!{f.marked.a1}" if link and f.cells else ""
            findings.append({"path": path, "unit": _name(r), "rule": f.rule, "severity": f.severity,
                             "table": _title(r, f.table) if f.table else "",
                             # a PDF's cell said by its page and what is printed there
                             "cell": (f.where.get(f.marked) or str(f.marked)) if f.cells else "",
                             "message": f.message, "acknowledged": f.acknowledged or "", "link": target})
            broken.setdefault((f.rule, f.severity), set()).add(path)  # severities as found: 尾差 are no 强制
            counted[(f.rule, f.severity)] += 1
    for path, why in result.skipped:
        packages.append({"path": str(path), "outcome": "未校验", "first": f"已跳过：{why}"})
    rules = [{"rule": code, "title": RULES[code].title if code in RULES else code, "severity": severity,
              "packages": len(paths), "findings": counted[(code, severity)]}
             for (code, severity), paths in sorted(broken.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    return packages, findings, rules


# -- documents of one unit across years ----------------------------------------------------------------
def _unit_key(report) -> str:
    """One unit across its documents: its code, else its name as printed (spaces, brackets and the
    width of characters not counted)."""
    from budget_disclosure.engine.codes import normalize_name

    return _code(report) or normalize_name(_name(report))


def document_year(report) -> int | None:
    from budget_disclosure.checking.across import Side

    return Side("", report).year


def _document_kind(report) -> str:
    """预算 or 决算, and whether a department's or one unit's (a unit's package is compared with the
    unit's, never with its department's of the same name)."""
    from budget_disclosure.checking.across import Side
    from budget_disclosure.layout.families import profile

    return Side("", report).scope + profile(report.package.profile).document


def document_pairs(outcomes: list[Outcome]) -> list[tuple[Outcome, Outcome, str]]:
    """The comparisons a folder allows: for each unit (by code, else by name), each year's document
    against the same kind of document of the year before ("previous"), and each 决算 against the 预算
    of its year ("budget"). A unit's document with no year or no unit is not paired."""
    by_unit: dict[str, dict[tuple[str, int], Outcome]] = {}
    for o in outcomes:
        key, year = _unit_key(o.report), document_year(o.report)
        if key and year is not None:
            by_unit.setdefault(key, {}).setdefault((_document_kind(o.report), year), o)
    pairs = []
    for documents in by_unit.values():
        for (kind, year), o in sorted(documents.items(), key=lambda kv: kv[0]):
            if (kind, year - 1) in documents:
                pairs.append((o, documents[(kind, year - 1)], "previous"))
            if kind.endswith("决算") and (kind[:-2] + "预算", year) in documents:
                pairs.append((o, documents[(kind[:-2] + "预算", year)], "budget"))
    return pairs


def missing_years(outcomes: list[Outcome]) -> list[dict]:
    """Units whose documents in the folder skip a year (2017 and 2019, no 2018): the comparison with
    the year between cannot be made."""
    by_unit: dict[tuple[str, str], list[tuple[int, Outcome]]] = {}
    for o in outcomes:
        key, year = _unit_key(o.report), document_year(o.report)
        if key and year is not None:
            by_unit.setdefault((key, _document_kind(o.report)), []).append((year, o))
    out = []
    for (_, kind), found in by_unit.items():
        years = sorted({y for y, _ in found})
        gaps = [y for y in range(years[0], years[-1] + 1) if y not in years]
        if gaps:
            unit = _name(found[0][1].report) or _code(found[0][1].report)
            out.append({"unit": unit, "kind": kind, "years": years, "missing": gaps})
    return out
