"""Command line: ``budget-disclosure example|fill|template …`` (messages in Chinese)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from budget_disclosure import __version__, progress
from budget_disclosure.progress import say
from budget_disclosure.cli_zh import chinese_argparse
from budget_disclosure.engine.codes import CodeListError
from budget_disclosure.engine.issues import InputError
from budget_disclosure.layout.tables import TABLES

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C: what was checked is reported, the rest is not


class UsageError(Exception):
    """The command cannot run on this input; the message says why, in Chinese."""


def _open_book(path, for_reading_only: bool = False, writes=None):
    """The book through the adapter its kind needs (xlio/open.py); a file that cannot be opened is a
    usage error (exit 2) with the opener's Chinese message."""
    from budget_disclosure.xlio.open import Unusable, open_book

    try:
        return open_book(path, for_reading_only, writes)
    except Unusable as exc:
        raise UsageError(str(exc)) from exc


def _os_reason(exc: OSError) -> str:
    reasons = {1: "不允许写入（只读位置）", 2: "路径不存在", 13: "没有写入权限", 28: "磁盘已满", 30: "只读文件系统",
               36: "文件名太长"}
    return reasons.get(exc.errno, exc.strerror or type(exc).__name__)


def _save(book, target: Path) -> None:
    """Save (atomically: a temporary file, then a rename); a folder that cannot be written or a full
    disk is an unusable output (exit 2), and the original file is unchanged."""
    try:
        book.save(target)
    except OSError as exc:
        raise UsageError(f"无法写入 {target}：{_os_reason(exc)}；原文件未改动") from exc


def _lock_file(path: Path) -> Path | None:
    """Excel's owner file beside a workbook it has open (~$name, or ~$ over its first two letters)."""
    for name in (f"~${path.name}", f"~${path.name[2:]}"):
        candidate = path.with_name(name)
        if candidate.exists():
            return candidate
    return None


def _writable_target(source: Path, target: Path, force: bool) -> None:
    """Refuse writes that would lose work or produce a file Excel will not open."""
    if target.is_dir():
        raise UsageError(f"{target} 是文件夹：请给出输出文件名（.xlsx）")
    if not target.parent.exists():
        raise UsageError(f"输出文件夹不存在：{target.parent}")
    if source.suffix.lower() in (".xlsm", ".xltm") and target.suffix.lower() == ".xlsx":
        raise UsageError(f"{source} 含宏（.xlsm）：输出文件也应为 .xlsm（{target.name} 改为 .xlsm），"
                         f"否则 Excel 会拒绝打开")
    lock = _lock_file(target)
    if lock is not None and not force:
        raise UsageError(f"{target} 正在 Excel 中打开（有 {lock.name}）：请先在 Excel 中保存并关闭，或加 --force 仍然写入")


def _existing(path: str | None, what: str, suffixes: tuple[str, ...]) -> Path | None:
    """An input file named on the command line: it must exist and be of the expected kind."""
    if not path:
        return None
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"找不到{what}：{file}")
    if file.suffix.lower() not in suffixes:
        raise UsageError(f"{file}：{what}应为 {' / '.join(suffixes)} 文件")
    return file


def cmd_example(args: argparse.Namespace) -> int:
    from budget_disclosure.example import build_example

    out = Path(args.output)
    build_example().save(out)
    say(f"已写出示例工作簿（九张表尚未生成）：{out}")
    say(f"下一步：budget-disclosure fill {out} -o 输出.xlsx")
    return EXIT_OK


def cmd_fill(args: argparse.Namespace) -> int:
    from budget_disclosure.fill import fill_book, writes_sheet

    source = Path(args.input)
    codes = _existing(args.codes, "科目表文件", (".csv",))
    if args.all_units:
        if args.previous:
            raise UsageError("--previous 用于部门预算：各单位预算不写比上年增减，不能与 --all-units 同用")
        return _fill_all_units(source, args, codes)
    legacy = _legacy(source)
    target = Path(args.output) if args.output else source.with_suffix(".xlsx") if legacy else source
    if legacy:
        if target.suffix.lower() != ".xlsx":
            raise UsageError(f"{source} 是旧版 .xls：生成的工作簿写为 .xlsx（不写回 .xls），请用 -o 给出 .xlsx 文件名")
        if not args.output and target.exists():
            raise UsageError(f"{source} 是旧版 .xls，生成的工作簿应写到 {target}，但该文件已存在：请用 -o 指定输出文件")
    _writable_target(source, target, args.force)
    last = _last_year(args.previous) if args.previous else None
    with progress.steps(3, "读取工作簿") as bar:
        if legacy:
            from budget_disclosure.xlio.open import Unusable, legacy_as_template

            try:
                book = legacy_as_template(source)
            except Unusable as exc:
                raise UsageError(str(exc)) from exc
            say(f"{source.name} 是旧版 .xls：已按其内容在新模板中生成，写为 {target.name}（原文件不变）")
        else:
            book = _open_book(source, writes=writes_sheet if last is None else _and_last_year(writes_sheet))
        if last is not None:
            _write_last_year(book, source, last)
        bar.step("生成九张表和情况说明")
        result = fill_book(book, unit=args.unit, codes_file=codes, balance=True if args.balance else None)
        if last is not None:
            _same_unit(result.detail.header.name, last)

        bar.step(f"保存 {target.name}")
        _save(book, target)
        bar.step()
    _print_fill(result, target)
    return EXIT_OK


def _last_year(names: list[str]):
    """fill --previous: the 上年预算 figures read from last year's published package."""
    from budget_disclosure.batch import CheckOptions, document_year
    from budget_disclosure.previous_year import last_year_inputs

    other = _other_document(names, "上年公开包", CheckOptions(), 1)
    last = last_year_inputs(other.report.package, document_year(other.report))
    from budget_disclosure.checking.service import unit_name

    last.file, last.unit = other.label, unit_name(other.report)
    if not last.values:
        raise UsageError(f"上年公开包 {other.label} 中读不到支出总表和“三公”经费表，无法填写上年预算")
    return last


def _workbook_year(book) -> int | None:
    """The 预算年度 typed on the 单位信息 sheet (None: not there, or not a year)."""
    from budget_disclosure.layout.inputs import INFO_FIELDS, INFO_SHEET
    from budget_disclosure.loading import year_of

    if INFO_SHEET not in book.sheet_names():
        return None
    label = dict(INFO_FIELDS)["year"]
    rows, _ = book.extent(INFO_SHEET)
    found = {str(k).strip(): v for k, v in book.read_block(INFO_SHEET, 1, 1, max(rows, 1), 2) if k}
    return year_of({"year": found.get(label)})


def _same_unit(name: str, last) -> None:
    from budget_disclosure.engine.codes import normalize_name

    if last.unit and normalize_name(last.unit) != normalize_name(name):
        print(f"提示：上年公开包 {last.file} 是“{last.unit}”的，本工作簿是“{name}”：请确认是同一单位（单位更名时可忽略）",
              file=sys.stderr)


def _same_number(a: object, b: object) -> bool:
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(str(a)) == Decimal(str(b))
    except InvalidOperation:
        return str(a) == str(b)


def _and_last_year(writes):
    from budget_disclosure.layout.package_inputs import LAST_YEAR, LAST_YEAR_SUBJECTS

    return lambda name: writes(name) or name in (LAST_YEAR.name, LAST_YEAR_SUBJECTS.name)


def _write_last_year(book, source: Path, last) -> None:
    """Replace the 上年预算 sheet's figures with last year's published ones, saying what was there."""
    from budget_disclosure.layout.package_inputs import LAST_YEAR
    from budget_disclosure.xlio.package_io import read_package_texts

    if LAST_YEAR.name not in book.sheet_names():
        raise UsageError(f"{source} 没有“{LAST_YEAR.name}”工作表：请使用本工具的模板")
    year = _workbook_year(book)
    if last.year is not None and year is not None and year - 1 != last.year:
        raise UsageError(f"上年公开包 {last.file} 是 {last.year} 年的，{source.name} 为 {year} 年：不是上一年；未写出任何文件")
    before = read_package_texts(book).last_year
    rows = last.rows()
    replaced = [f"{label} {before[label]} → {value if value is not None else '空'}" for label, value in rows
                if before.get(label) not in (None, "") and not _same_number(before[label], value)]
    book.write_block(LAST_YEAR.name, 2, 1, rows)
    say(f"上年预算：按上年公开包 {last.file}（{last.year} 年）填写 {len(last.values)} 项")
    for label, where in last.sources.items():
        say(f"  {label} {last.values[label]:,.2f}　取自 {where}")
    _write_last_year_subjects(book, last)
    if last.missing:
        print(f"提示：上年公开包中没有 {'、'.join(last.missing)}，上年预算表中留空", file=sys.stderr)
    for change in replaced:
        print(f"注意：上年预算表原有数据已替换：{change}", file=sys.stderr)


def _write_last_year_subjects(book, last) -> None:
    """The 上年科目 sheet: replaced by last year's 一般公共预算财政拨款支出 by 科目 (added to a workbook made
    with an older template)."""
    from budget_disclosure.layout.package_inputs import LAST_YEAR_SUBJECTS as SHEET

    if not last.subjects:
        print(f"提示：上年公开包中读不到一般公共预算支出表，“{SHEET.name}”表未填写，情况说明不逐项写比上年增减",
              file=sys.stderr)
        return
    if SHEET.name not in book.sheet_names():
        book.add_sheet(SHEET.name)
        book.write_block(SHEET.name, 1, 1, [list(SHEET.columns)])
    rows, _ = book.extent(SHEET.name)
    reasons = {}
    if rows > 1:  # the reasons typed for a 科目 stay with it
        old = book.read_block(SHEET.name, 2, 1, rows, len(SHEET.columns))
        reasons = {str(r[0]).strip(): r[3] for r in old if r and r[0] not in (None, "") and r[3] not in (None, "")}
        say(f"  “{SHEET.name}”表原有 {rows - 1} 行已替换" + (f"（已填写的 {len(reasons)} 条增减原因按科目编码保留）" if reasons else ""))
        book.write_block(SHEET.name, 2, 1, [[None] * len(SHEET.columns) for _ in range(rows - 1)])
    book.write_block(SHEET.name, 2, 1, [row + [reasons.get(row[0])] for row in last.subject_rows()])
    say(f"  上年科目 {len(last.subjects)} 个　取自 {last.subjects_from}")


def _legacy(source: Path) -> bool:
    """An old Excel 97-2003 workbook (by its name, or by its content under an .xlsx name)."""
    from budget_disclosure.xlio.archive import kind

    if source.suffix.lower() == ".xls":
        return True
    try:
        return source.is_file() and kind(source) == "xls"
    except OSError:
        return False


def _print_fill(result, target: Path) -> None:
    for warning in result.warnings + result.unusual:
        print(f"提示：{warning}", file=sys.stderr)
    for change in result.overwritten[:20]:
        print(f"注意：{change}", file=sys.stderr)
    if len(result.overwritten) > 20:
        print(f"注意：另有 {len(result.overwritten) - 20} 个手工填写的单元格已按预算明细改写", file=sys.stderr)
    header = result.detail.header
    say(f"{header.unit_line} {header.year} 年：由 {len(result.detail.lines)} 条预算明细生成九张表 → {target}")
    for spec in TABLES:
        table = result.tables[spec.key]
        state = table.note or f"{len(table.rows)} 行"
        say(f"  {spec.sheet}：{state}")
    if result.statement:
        say(f"  {result.statement}")
    if result.balance is not None:
        moved, residues = result.balance.moved, result.balance.residues
        say(f"  舍位平衡：调整 {len(moved)} 个单元格（各 0.01 万元，见“舍位说明”表）"
            + (f"；仍有 {len(residues)} 处无法消除的尾差，已在“舍位说明”中列出" if residues else "，各表合计与各项完全相符"))


def _safe_name(text: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in text).strip() or "未命名"


def _fill_all_units(source: Path, args: argparse.Namespace, codes: Path | None) -> int:
    """The department package and one package per unit, each a copy of the workbook filled for it."""
    from budget_disclosure.fill import fill_book, writes_sheet
    from budget_disclosure.loading import derive_from_book

    if not args.output:
        raise UsageError("--all-units 需要 -o 输出文件夹")
    if args.unit:
        raise UsageError("--all-units 与 --unit 不能同时使用")
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} 已存在且不是文件夹：--all-units 的 -o 应为文件夹")
    # the inputs are read and validated once; each package is derived from them and written into a copy
    read = derive_from_book(_open_book(source, for_reading_only=True), codes_file=codes)
    department = read.department
    out.mkdir(parents=True, exist_ok=True)
    targets = [(None, f"部门_{department.header.code}_{department.header.name}")]
    targets += [(code, f"单位_{code}_{name}") for code, name in department.units().items()
                if code != department.header.code]
    with progress.steps(len(targets), "生成公开包") as bar:
        for unit, name in targets:
            book = _open_book(source, writes=writes_sheet)
            result = fill_book(book, unit=unit, codes_file=codes, balance=True if args.balance else None,
                               derived=read.for_unit(unit))
            target = out / f"{_safe_name(name)}{source.suffix}"
            _writable_target(source, target, args.force)
            _save(book, target)
            _print_fill(result, target)
            bar.step(name)
    say(f"共写出 {len(targets)} 个公开包（部门 1 个，单位 {len(targets) - 1} 个）→ {out}；"
          f"可用 budget-disclosure check {out} 一并校验（含部门 = 各单位之和）")
    return EXIT_OK


def _prefixes(values: list[str] | None) -> tuple[str, ...]:
    return tuple(p.strip().upper() for v in values or [] for p in v.split(",") if p.strip())


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PACKAGE_SUFFIXES = (*WORKBOOK_SUFFIXES, ".pdf")


def _expand(names: list[str]):
    """Files as given; a folder stands for every workbook below it. Every entry passed over (Excel's
    ~$ lock files, hidden and temporary files, our own flagged copies, dangling links, loops, pipes)
    is kept with the reason, for the report."""
    from budget_disclosure.discovery import find

    found = find(names, PACKAGE_SUFFIXES)
    if not found.files:
        raise UsageError("、".join(names) + " 中没有 .xlsx / .xlsm / .xls 工作簿或 .pdf 文件" + (
            "（跳过：" + "；".join(f"{p}：{why}" for p, why in found.skipped[:5]) + "）" if found.skipped else ""))
    return found


def cmd_check(args: argparse.Namespace) -> int:
    from budget_disclosure.batch import CheckOptions, default_jobs
    from budget_disclosure.checking.output import dumps, report_dict, report_text, summary_dict
    from budget_disclosure.checking.service import check_batch

    found = _expand(args.files)
    files = found.files
    if args.output and len(files) > 1:
        raise UsageError("-o 只能用于单个文件；多个文件请用 --flag（写出“原名.校验.xlsx”）或 --in-place")
    if args.output and args.in_place:
        raise UsageError("--in-place（在原文件标记）与 -o（写到另一个文件）不能同用")
    if args.output and not (args.flag or args.annotate):
        raise UsageError("-o 需与 --flag 或 --annotate 同用")
    if args.annotate and any(f.suffix.lower() != ".pdf" for f in files):
        raise UsageError("--annotate 只用于 PDF：工作簿请用 --flag（在单元格内标记）")
    if args.summary and Path(args.summary).suffix.lower() != ".xlsx":
        raise UsageError(f"--summary 应为 .xlsx 文件：{args.summary}")
    directory = _read_units(Path(args.units)) if args.units else None  # before the batch: a bad 名录 wastes no run
    options = CheckOptions(_prefixes(args.select), _prefixes(args.ignore), _existing(args.codes, "科目表文件", (".csv",)),
                           _existing(args.statement, "情况说明文档", (".docx",)), _profile_name(args.profile))
    jobs = args.jobs if args.jobs is not None else default_jobs()
    if jobs < 1:
        raise UsageError("--jobs 应为正整数")
    writes = bool(args.flag or args.in_place)
    with progress.steps(len(files) if len(files) > 1 else 0, "校验") as bar:
        def done(outcome, counts):
            bar.step(f"{outcome.path.name}｜通过 {counts['通过']}  不通过 {counts['不通过']}  "
                     f"无法完整校验 {counts['无法完整校验']}  无法校验 {counts['无法校验']}")

        # checked by the fast reader even when flags are written (it reads what openpyxl reads: tested), so
        # the workbook is loaded whole only once, by the flagging
        result = _check_files(files, options, jobs, done)
    result.skipped = found.skipped
    for path, why in found.skipped:
        print(f"已跳过 {path}：{why}", file=sys.stderr)
    for outcome in result.outcomes:
        if outcome.locked:
            print(f"提示：{outcome.path} 正在 Excel 中打开（有 ~${outcome.path.name}），校验的是上次保存的内容", file=sys.stderr)
    check_batch([(o.label, o.report) for o in result.outcomes if o.report is not None], options.select, options.ignore)
    comparisons = _compare_documents(result, args, options, jobs)
    reports, worst = [], EXIT_OK
    for outcome in result.outcomes:
        path, report, label = outcome.path, outcome.report, outcome.label
        if report is None:
            worst = EXIT_UNUSABLE
            reports.append({"path": label, "error": outcome.error, "outcome": "无法校验"})
            if args.format == "text":
                print(f"== {label}　无法校验：{outcome.error}")
            continue
        if writes and (report.findings or len(files) == 1):  # a batch flags only the packages with findings
            outcome.flagged = _flag(path, report, args)
            if outcome.flagged is None:
                worst = EXIT_UNUSABLE
        if args.annotate:
            written = _annotate(outcome, report, args)
            if written is None:
                worst = EXIT_UNUSABLE
            elif written:
                outcome.flagged = written[-1]
        reports.append(report_dict(label, report))
        if args.format == "text":
            print(report_text(label, report).splitlines()[0] if progress.QUIET else report_text(label, report))
        if report.outcome != "通过" and worst == EXIT_OK:  # 不通过, or 无法完整校验: not a pass
            worst = EXIT_FINDINGS
    from budget_disclosure.batch import summary_rows

    # the reviewer's summary rows, once, for the 汇总 workbook, the JSON and the 名录 alike
    summary = summary_rows(result) if args.summary or args.format == "json" or directory is not None else None
    standing = _standing(directory, summary[0]) if directory is not None else None
    from budget_disclosure.batch import missing_years

    gaps = missing_years([o for o in result.outcomes if o.report is not None]) if len(files) > 1 else []
    if args.summary:
        _write_summary(Path(args.summary), summary, to_stderr=args.format == "json", directory=standing,
                       comparisons=comparisons, gaps=gaps)
    if args.format == "text":
        for gap in gaps:
            print(f"缺少年度：{gap['unit']} {gap['kind']} 有 {'、'.join(map(str, gap['years']))} 年，缺 "
                  f"{'、'.join(map(str, gap['missing']))} 年（无法与上年比较）", file=sys.stderr)
    if args.format == "json":
        packages, _, rules = summary
        extra = {"directory": {"line": standing[0], "units": standing[1]}} if standing else {}
        print(dumps({"files": reports, "skipped": [{"path": str(p), "reason": why} for p, why in found.skipped],
                     "summary": summary_dict(reports) | {"packages": packages, "rules": rules} | extra,
                     "comparisons": comparisons, "missing_years": gaps}))
    elif standing is not None:
        print(standing[0], file=sys.stderr)
        for row in standing[1]:
            if not row["package"]:
                print(f"  未找到公开包：{row['department']} {row['unit']}", file=sys.stderr)
            elif row["late"]:
                print(f"  批复后{row['timeliness']}公开：{row['department']} {row['unit']}", file=sys.stderr)
    if result.interrupted:
        print(f"已中止：校验了 {len(result.outcomes)}/{result.total} 个文件，结果已输出" +
              ("并写入汇总" if args.summary else ""), file=sys.stderr)
        return EXIT_INTERRUPTED
    if len(files) > 1 and args.format == "text":
        counts = result.counts()
        print(f"共 {len(files)} 个文件：" + "，".join(f"{word} {counts[word]}" for word in ("通过", "不通过", "无法完整校验", "无法校验")
                                                 if counts[word]), file=sys.stderr)  # the tally: stdout keeps one block per file
    return worst


def _check_files(files: list[Path], options, jobs: int, done=lambda o, c: None):
    """Check the files; a 说明 and its tables published as two PDFs are checked again, as one package."""
    from dataclasses import replace

    from budget_disclosure.batch import check_many, split_packages

    result = check_many(files, options, jobs, lambda p: _open_book(p, for_reading_only=True), done)
    pairs = split_packages(result.outcomes) if not result.interrupted else ()
    if pairs:
        options = replace(options, companions=pairs)
        again = check_many([tables for tables, _ in pairs], options, jobs,
                           lambda p: _open_book(p, for_reading_only=True), lambda o, c: None)
        joined = {o.path: o for o in again.outcomes}
        texts = {text for _, text in pairs}
        result.outcomes = [joined.get(o.path, o) for o in result.outcomes if o.path not in texts]
        result.total = len(result.outcomes)
    return result


def _other_document(names: list[str], what: str, options, jobs: int):
    """The package given with --previous or --budget (one file, or its 说明 and 公开表 PDFs), checked."""
    from dataclasses import replace

    files = [_existing(n, what, (".xlsx", ".xlsm", ".xls", ".pdf")) for n in names]
    # checked whole, whatever this check selects: a figure its own check disputes is no sure base
    result = _check_files(files, replace(options, statement=None, select=(), ignore=()), jobs)
    found = [o for o in result.outcomes if o.report is not None]
    if len(result.outcomes) != 1 or not found:
        problem = next((o.error for o in result.outcomes if o.error), "")
        raise UsageError(f"{what}应是一个公开包（一个文件，或同一公开包的说明和公开表两个 PDF）" +
                         (f"：{problem}" if problem else f"：读到 {len(result.outcomes)} 个"))
    return found[0]


def _compare_documents(result, args, options, jobs: int) -> list[dict]:
    """--previous / --budget: the one package checked against last year's, or a 决算 against its 预算;
    in a folder, every pair of documents of one unit found there (batch.document_pairs)."""
    from decimal import Decimal, InvalidOperation

    from budget_disclosure.batch import document_pairs
    from budget_disclosure.checking.service import compare_documents

    try:
        threshold = Decimal(str(args.change_threshold)) if args.change_threshold is not None else None
    except InvalidOperation:
        raise UsageError(f"--change-threshold 应为百分数，如 50：{args.change_threshold}") from None
    given = [(kind, names) for kind, names in (("previous", args.previous), ("budget", args.budget)) if names]
    checked = [o for o in result.outcomes if o.report is not None]
    comparisons = []
    if given:
        if len(checked) != 1:
            raise UsageError("--previous / --budget 用于一个公开包：请只给出本年的一个文件（或其说明和公开表两个 PDF）")
        for kind, names in given:
            what = "上年公开包" if kind == "previous" else "同年预算公开包"
            other = _other_document(names, what, options, jobs)
            done = compare_documents((checked[0].label, checked[0].report), (other.label, other.report),
                                     kind, options.select, options.ignore, threshold)
            if done.get("problem"):  # the file given is not the one to compare with: nothing was compared
                raise UsageError(f"{what}不对：{done['problem']}")
            comparisons.append(done | {"this": checked[0].label})
        return comparisons
    for this, other, kind in document_pairs(checked):
        comparisons.append(compare_documents((this.label, this.report), (other.label, other.report), kind,
                                             options.select, options.ignore, threshold) | {"this": this.label})
    return comparisons


def _flag(path: Path, report, args) -> Path | None:
    """Write the flagged copy (or flag in place); one unwritable target does not stop the batch."""
    from budget_disclosure.flagging import apply_flags

    target = path if args.in_place else Path(args.output) if args.output else path.with_name(
        f"{path.stem}.校验{path.suffix}")
    try:
        _writable_target(path, target, args.force)
        book = _open_book(path)
        marked = apply_flags(book, report)
        _save(book, target)
    except UsageError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return None
    if args.format == "text":
        say(f"已标记 {marked} 处单元格 → {target}")
    return target


def _annotate(outcome, report, args) -> list[Path] | None:
    """The reviewer's marked-up copy of each PDF of the package: every finding highlighted where it is
    printed, its message as the highlight's note; findings that have no place on a page noted on page 1."""
    from budget_disclosure.xlio.pdf_annotate import Mark, annotate

    files = [p for p in (outcome.companion, outcome.path) if p is not None]
    marks: dict[str, list[Mark]] = {p.name: [] for p in files}
    unplaced = []
    for f in report.findings:
        places = f.places.get(f.marked, []) if f.cells else []
        for file, page, bbox in places:
            if file in marks:
                marks[file].append(Mark(page, tuple(bbox), f"{f.severity} {f.rule} {f.where.get(f.marked, '')}：{f.message}",
                                        f.severity))
        if not places:
            unplaced.append(f"{f.severity} {f.rule}：{f.message}")
    written = []
    for path in files:
        target = Path(args.output) if args.output and len(files) == 1 else path.with_name(f"{path.stem}.校验.pdf")
        try:
            count = annotate(path, target, marks[path.name], unplaced if path == outcome.path else [])
        except OSError as exc:
            print(f"错误：无法写入 {target}：{_os_reason(exc)}", file=sys.stderr)
            return None
        if args.format == "text":
            say(f"已标注 {count} 处 → {target}")
        written.append(target)
    return written


def _read_units(path: Path):
    """The reviewer's 单位名录, read from its first sheet; a bad one is refused before any check runs."""
    from budget_disclosure.units_directory import parse

    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls"):
        raise UsageError(f"--units 应为工作簿（.xlsx）：{path}")
    book = _open_book(path, for_reading_only=True)
    sheet = book.sheet_names()[0]
    rows, cols = book.extent(sheet)
    try:
        return parse(book.read_block(sheet, 1, 1, rows, cols) if rows else [], sheet)
    except InputError as exc:
        raise UsageError(f"单位名录 {path}：" + "；".join(str(p) for p in exc.problems)) from exc


def _standing(units, packages: list[dict]) -> tuple[str, list[dict]]:
    """The 名录's units against the packages checked (the summary's rows): (the 公开率 line, one row per unit)."""
    from budget_disclosure.units_directory import rate_line, standings

    found, unlisted = standings(units, packages)
    rows = [{"department": s.unit.department, "unit": s.unit.unit, "package": s.package, "outcome": s.outcome,
             "approved": s.unit.approved.isoformat() if s.unit.approved else "",
             "published": s.unit.published.isoformat() if s.unit.published else "", "timeliness": s.timeliness,
             "late": s.late} for s in found]
    rows += [{"department": "（名录外）", "unit": p["unit"], "package": p["path"], "outcome": p.get("outcome", ""),
              "approved": "", "published": "", "timeliness": "—", "late": False} for p in unlisted]
    return rate_line(found, unlisted), rows


def _write_summary(target: Path, summary, to_stderr: bool = False, directory=None, comparisons=(), gaps=()) -> None:
    from budget_disclosure.xlio.summary_io import write_summary

    if target.parent and not target.parent.exists():
        raise UsageError(f"汇总文件的文件夹不存在：{target.parent}")
    packages, findings, rules = summary
    try:
        written = write_summary(target, packages, findings, rules, directory, list(comparisons), list(gaps))
    except OSError as exc:
        raise UsageError(f"无法写入汇总 {target}：{_os_reason(exc)}") from exc
    message = f"已写出汇总：{'、'.join(str(p) for p in written)}（{len(packages)} 个公开包，{len(findings)} 个问题）"
    if to_stderr:  # stdout carries the JSON
        print(message, file=sys.stderr)
    else:
        say(message)


def cmd_clear(args: argparse.Namespace) -> int:
    from budget_disclosure.flagging import clear_flags

    path = Path(args.file)
    target = Path(args.output) if args.output else path
    _writable_target(path, target, args.force)
    book = _open_book(path)
    from budget_disclosure.checking.service import FINDINGS_SHEET, FLAGS_SHEET

    if not {FINDINGS_SHEET, FLAGS_SHEET} & set(book.sheet_names()):
        say(f"{path} 没有校验标记（没有“校验结果”工作表），未改动")
        return EXIT_OK
    restored = clear_flags(book)
    _save(book, target)
    say(f"已清除校验标记：恢复 {restored} 个单元格的原格式和批注，删除“校验结果”工作表")
    return EXIT_OK


def cmd_profiles(args: argparse.Namespace) -> int:
    from budget_disclosure.layout.families import all_profiles

    for prof in all_profiles():
        print(f"{prof.name:<10} {prof.title}（{prof.document}）")
        print(f"{'':<10} 公开表 {len(prof.roles)} 张：" + "、".join(prof.tables[k].title for k in prof.roles))
        aside = [t.title for t in prof.tables.values() if t.kind == "set-aside"]
        if aside:
            print(f"{'':<10} 识别但不核对：" + "、".join(aside))
        print(f"{'':<10} 本格式特有的勾稽关系 {len(prof.identities)} 条；不适用的通用规则：" +
              ("、".join(prof.rules_off) or "无"))
    return EXIT_OK


def _profile_name(name: str | None) -> str | None:
    from budget_disclosure.layout.families import profile_names

    if name is not None and name not in profile_names():
        raise UsageError(f"没有名为“{name}”的格式；可用：{'、'.join(profile_names())}（见 budget-disclosure profiles）")
    return name


def cmd_rules(args: argparse.Namespace) -> int:
    from budget_disclosure.checking.output import rules_markdown, rules_text

    print(rules_markdown() if args.format == "md" else rules_text())
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from budget_disclosure.export.fonts import FontError
    from budget_disclosure.export.package import EXPORT_STEPS, ExportRefused, OutputUnusable, export_book

    source = Path(args.input)
    book = _open_book(source, for_reading_only=True)

    try:
        with progress.steps(EXPORT_STEPS, "校验") as bar:
            result = export_book(book, Path(args.output), force=args.force, source=source.name, on_step=bar.step)
    except OutputUnusable as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"无法写出公开包到 {args.output}：{_os_reason(exc)}；没有留下不完整的公开包") from exc
    except ExportRefused as exc:
        if exc.no_tables:
            raise UsageError(f"{source}：找不到任何部门预算公开表（按表标题查找，如“部门预算收支总表”），无法导出") from exc
        print(str(exc), file=sys.stderr)
        return EXIT_FINDINGS
    except FontError as exc:
        raise UsageError(str(exc)) from exc
    say(f"已导出公开包（{result.verdict}）→ {result.out_dir}")
    for path in result.files + [result.manifest]:
        say(f"  {path.name}")
    return EXIT_OK


def cmd_server(args: argparse.Namespace) -> int:
    from budget_disclosure.xl.server_project import ProjectError, init, run

    folder = Path(args.folder)
    try:
        if args.server_command == "init":
            written = init(folder, args.licence)
            say(f"已生成预算公开的 xlwings Server 项目：{folder.resolve()}（{len(written)} 个文件）")
            say(f"  请填写 {folder / '.env'} 中的设置（许可密钥、对外域名、登录），部署说明见 {folder / 'README.md'}")
            say(f"  本机试用：budget-disclosure server run {folder}")
            return EXIT_OK
        run(folder, args.host, args.port, args.no_auth)
    except ProjectError as exc:
        raise UsageError(str(exc)) from exc
    return EXIT_OK


def cmd_addin(args: argparse.Namespace) -> int:
    from budget_disclosure.xl.addin_build import AddinError, build_addin
    from budget_disclosure.xl.addin_install import install, plan

    try:
        if args.addin_command == "build":
            path = build_addin(Path(args.output), args.interpreter_win or "", args.interpreter_mac or "",
                               args.pythonpath or "")
            print(f"已生成加载项：{path}")
            return EXIT_OK
        if args.dry_run and not sys.platform.startswith(("win", "darwin")):
            # no Excel here: what install does on each system that has one, with this Python's paths
            print("本机没有 Microsoft Excel（Linux），不会安装；以下是在 Windows 和 macOS 上运行 addin install 将做的事"
                  "（路径以该机器的用户目录和 Python 为准）：")
            from pathlib import PureWindowsPath

            for name, system, home, shown in (("Windows", "win32", "C:\\Users\\用户名", PureWindowsPath),
                                               ("macOS", "darwin", "/Users/用户名", str)):
                print(f"[{name}]")
                _print_steps(plan(system, home=Path(home), env={}, interpreter="python"), "将", shown)
            return EXIT_OK
        steps = plan() if args.dry_run else install()
    except AddinError as exc:
        raise UsageError(str(exc)) from exc
    _print_steps(steps, "将" if args.dry_run else "已")
    print("重新启动 Excel 后即可看到“预算公开”选项卡。")
    return EXIT_OK


def _print_steps(steps, verb: str, shown=str) -> None:
    """``shown``: how a path is written on the system the steps are for (Windows paths with \\)."""
    print(f"{verb}把加载项放到：{shown(str(steps.addin))}")
    print(f"{verb}写入配置：{shown(str(steps.config))}")
    for line in steps.config_lines:
        print(f"    {line}")
    for command in steps.commands:
        print(f"{verb}运行：{' '.join(command)}")
    for warning in steps.warnings:
        print(f"注意：{warning}")


def cmd_template(args: argparse.Namespace) -> int:
    from budget_disclosure.xlio.template import build_profile_template, build_template, main as build

    name = _profile_name(args.profile)
    if (name is None or name == "hebei") and not args.output:
        return build([args.output_dir])
    if not args.output:
        raise UsageError("--profile 需与 -o 输出文件同用，如 budget-disclosure template --profile final -o 决算模板.xlsx")
    target = Path(args.output)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"-o 应为 .xlsx 文件：{target}")
    _writable_target(target, target, False)
    _save(build_template() if name in (None, "hebei") else build_profile_template(name), target)
    say(f"已生成{'本工具模板' if name in (None, 'hebei') else name + '格式的空白工作簿'}：{target}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="budget-disclosure", description="部门预算公开：生成、校验、导出")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true",
                        help="安静：不显示进度和提示信息，只输出错误（校验只输出每个文件的结论行）")
    parser.add_argument("--version", action="version", version=f"budget-disclosure {__version__}",
                        help="显示版本号并退出")
    # -q before the command too (budget-disclosure -q check …): the same switch as after it
    parser.add_argument("-q", "--quiet", action="store_true", dest="quiet_before", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, title="命令", metavar="命令")

    p = sub.add_parser("example", parents=[common], help="写出内置示例工作簿（张家口市人大常委会办公室 2024，九张表未生成）")
    p.add_argument("-o", "--output", required=True, metavar="输出文件", help="输出 .xlsx 文件")
    p.set_defaults(run=cmd_example)

    p = sub.add_parser("fill", parents=[common], help="由预算明细生成九张公开表")
    p.add_argument("input", metavar="工作簿", help="工作簿（本工具模板）")
    p.add_argument("-o", "--output", metavar="输出", help="输出文件（--all-units 时为文件夹）；省略时就地更新")
    p.add_argument("--unit", metavar="单位编码", help="只生成该单位编码的单位预算（默认：全部明细汇总为部门预算）")
    p.add_argument("--force", action="store_true", help="文件正在 Excel 中打开（有 ~$ 锁文件）时仍然写入")
    p.add_argument("--balance", action="store_true",
                   help="舍位平衡：调整个别单元格 0.01 万元，使各表合计与各项、各表之间完全相符（调整的单元格列在“舍位说明”表）；"
                        "也可在“单位信息”的“舍位平衡”填“是”")
    p.add_argument("--all-units", action="store_true",
                   help="在 -o 指定的文件夹中写出部门预算和每个单位的单位预算（各一个工作簿）")
    p.add_argument("--codes", metavar="科目表.csv", help="当年官方科目表 CSV（编码,名称[,年度]），优先于内置科目表")
    p.add_argument("--previous", nargs="+", metavar="上年公开包",
                   help="上年公开的预算（工作簿或 PDF；说明和公开表分两个 PDF 时两个都给）：按其填写“上年预算”表，情况说明据此写比上年增减")
    p.set_defaults(run=cmd_fill)

    p = sub.add_parser("check", parents=[common], help="校验公开表（表内、表间、科目、完整性），可在单元格内标记问题")
    p.add_argument("files", nargs="+", metavar="文件或文件夹",
                   help="一个或多个工作簿、PDF 或文件夹（文件夹：其中全部 .xlsx / .xlsm / .xls / .pdf，含子文件夹；"
                        "同一文件夹中分成“说明”和“公开表”两个 PDF 的公开包会一并校验）")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式：text 文字报告（默认）或 json")
    p.add_argument("--select", action="append", metavar="规则", help="只运行这些规则编码前缀，如 BD1,BD201")
    p.add_argument("--ignore", action="append", metavar="规则", help="不运行这些规则编码前缀")
    p.add_argument("--flag", action="store_true", help="在副本中标记问题单元格（颜色+批注）并生成“校验结果”表")
    p.add_argument("-o", "--output", metavar="输出文件", help="与 --flag 同用：标记后的副本路径（默认“原名.校验.xlsx”）")
    p.add_argument("--in-place", action="store_true", help="直接在原文件中标记")
    p.add_argument("--annotate", action="store_true",
                   help="PDF：写出带批注的副本“原名.校验.pdf”：每个问题在页面上的单元格或句子处高亮，说明为批注（原文件不变）")
    p.add_argument("--force", action="store_true", help="文件正在 Excel 中打开（有 ~$ 锁文件）时仍然写入标记")
    p.add_argument("--codes", metavar="科目表.csv", help="当年官方科目表 CSV（编码,名称[,年度]）")
    p.add_argument("--statement", metavar="情况说明.docx", help="手工修改过的情况说明 .docx：按工作簿中的公开表核对其中的数字和文字")
    p.add_argument("--profile", metavar="格式", help="按指定格式读取（默认按表标题和表头自动识别）；可用的格式见 budget-disclosure profiles")
    p.add_argument("--jobs", type=int, metavar="N", help="同时校验的进程数（默认：本机的处理器核数）")
    p.add_argument("--summary", metavar="汇总.xlsx",
                   help="写出审核汇总：每个公开包一行、全部问题清单、按规则统计（含条形图），并写出同名 .csv")
    p.add_argument("--previous", nargs="+", metavar="上年公开包",
                   help="上年公开的同一单位预算（工作簿或 PDF；说明和公开表分两个 PDF 时两个都给）：核对说明中“比上年增减”所比的上年数")
    p.add_argument("--budget", nargs="+", metavar="同年预算",
                   help="决算专用：同一单位同一年公开的预算（工作簿或 PDF）：核对决算中的年初预算数、三公预算数")
    p.add_argument("--change-threshold", metavar="百分数",
                   help="与 --previous 同用：比上年变化超过该百分数而说明未写原因时提示（默认 50）")
    p.add_argument("--units", metavar="名录.xlsx",
                   help="单位名录（部门、单位，可有批复日期、公开日期）：列出没有公开包的单位、批复后超过 20 日公开的单位和公开率"
                        "（写入汇总的“公开情况”表）")
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("profiles", parents=[common], help="列出能读取的公开表格式（各地表式）")
    p.set_defaults(run=cmd_profiles)

    p = sub.add_parser("clear", parents=[common], help="清除校验标记，恢复单元格原来的格式和批注")
    p.add_argument("file", metavar="工作簿", help="标记过的工作簿")
    p.add_argument("-o", "--output", metavar="输出文件", help="输出文件；省略时就地更新")
    p.add_argument("--force", action="store_true", help="文件正在 Excel 中打开（有 ~$ 锁文件）时仍然写入")
    p.set_defaults(run=cmd_clear)

    p = sub.add_parser("rules", parents=[common], help="列出规则手册")
    p.add_argument("--format", choices=("text", "md"), default="text", help="text 文字（默认）或 md（Markdown，docs/rules.md）")
    p.set_defaults(run=cmd_rules)

    p = sub.add_parser("export", parents=[common], help="导出公开包：只含数值的工作簿、Word、PDF（含目录）、CSV 与 datapackage.json")
    p.add_argument("input", metavar="工作簿", help="已生成并校验的工作簿")
    p.add_argument("-o", "--output", required=True, metavar="文件夹", help="输出文件夹")
    p.add_argument("--force", action="store_true", help="有未说明的强制错误时仍然导出（清单中注明）")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("server", parents=[common], help="xlwings Server（Excel 网页版、Mac）：生成项目或本机试用")
    server = p.add_subparsers(dest="server_command", required=True, title="子命令", metavar="子命令")
    si = server.add_parser("init", parents=[common], help="生成可直接运行的 xlwings Server 项目（脚本、功能区、清单、设置、部署说明）")
    si.add_argument("folder", metavar="文件夹", help="新的（或空的）文件夹；对已生成的项目再次运行则更新其中本工具的文件")
    si.add_argument("--licence", default="noncommercial", metavar="密钥",
                    help="xlwings 许可密钥（默认 noncommercial：政府机关、事业单位自用）")
    si.set_defaults(run=cmd_server)
    sr = server.add_parser("run", parents=[common], help="在本机启动项目（默认 127.0.0.1:8000）")
    sr.add_argument("folder", metavar="文件夹", help="由 server init 生成的项目文件夹")
    sr.add_argument("--host", default="127.0.0.1", metavar="地址", help="监听地址（默认只限本机 127.0.0.1）")
    sr.add_argument("--port", type=int, default=8000, metavar="端口", help="端口（默认 8000）")
    sr.add_argument("--no-auth", action="store_true",
                    help="监听本机以外的地址而不启用登录验证（不推荐；默认拒绝启动）")
    sr.set_defaults(run=cmd_server)
    p = sub.add_parser("addin", parents=[common], help="Excel 加载项：构建或安装")
    addin = p.add_subparsers(dest="addin_command", required=True, title="子命令", metavar="子命令")
    b = addin.add_parser("build", parents=[common], help="由固定版本的 xlwings 构建 .xlam（无需 Excel）")
    b.add_argument("-o", "--output", required=True, metavar="加载项.xlam", help="输出的加载项文件")
    b.add_argument("--interpreter-win", metavar="路径", help="写入加载项配置的 Windows Python 路径（可留空，由 install 写入用户配置）")
    b.add_argument("--interpreter-mac", metavar="路径", help="写入加载项配置的 macOS Python 路径（可留空）")
    b.add_argument("--pythonpath", metavar="路径", help="写入加载项配置的 PYTHONPATH（可留空）")
    b.set_defaults(run=cmd_addin)
    i = addin.add_parser("install", parents=[common], help="安装到 Excel 启动目录并配置 Python（Windows、macOS）")
    i.add_argument("--dry-run", action="store_true", help="只显示将要做的事")
    i.set_defaults(run=cmd_addin)

    p = sub.add_parser("template", parents=[common],
                       help="重新生成 workbook_templates/ 中的模板；--profile 写出某种格式（如部门决算）的空白工作簿")
    p.add_argument("output_dir", nargs="?", default="workbook_templates", metavar="文件夹",
                   help="输出文件夹（默认 workbook_templates）")
    p.add_argument("--profile", metavar="格式", help="按该格式写出空白工作簿（见 budget-disclosure profiles），如 final（部门决算）")
    p.add_argument("-o", "--output", metavar="输出文件", help="与 --profile 同用：输出 .xlsx 文件")
    p.set_defaults(run=cmd_template)
    return parser


def main(argv: list[str] | None = None) -> int:
    from budget_disclosure.xlio.archive import WorkbookRejected

    with chinese_argparse():
        args = build_parser().parse_args(argv)
    progress.QUIET = bool(getattr(args, "quiet", False) or getattr(args, "quiet_before", False))
    try:
        code = args.run(args)
        sys.stdout.flush()  # inside the try: a reader that went away (head) is no error
        return code
    except BrokenPipeError:  # output piped into `head`: stop quietly, as Unix tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except InputError as exc:
        print(f"无法处理，共 {len(exc.problems)} 处问题，未写出任何文件：", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_UNUSABLE
    except (UsageError, CodeListError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except WorkbookRejected as exc:  # a damaged part met while reading (the fast reader parses lazily)
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_UNUSABLE
