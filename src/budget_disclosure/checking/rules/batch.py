"""Rules across the packages checked together (``check DIR/``): a department's package and the
packages of its units."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from budget_disclosure.checking.context import CheckContext, wan
from budget_disclosure.checking.findings import ERROR, WARNING, Finding
from budget_disclosure.checking.registry import RULES, rule
from budget_disclosure.engine.money import ZERO


def _code(report) -> str:
    codes = [t.unit_code for t in report.package.tables.values() if t.unit_code]
    return max(set(codes), key=codes.count) if codes else ""


def _units_of(department, reports: dict[str, object]) -> list[str]:
    """The unit packages of a department among those checked: the units its 预算明细 names, or
    else every package whose code extends the department's (101001 of 101)."""
    code = _code(department)
    if department.detail_units:
        return [u for u in department.detail_units if u != code]
    return [c for c in reports if c != code and c.startswith(code)]


@rule("BD901", "department-equals-sum-of-units", ERROR, "部门预算应等于所属各单位预算之和（逐格）", scope="batch")
def department_equals_units(packages) -> Iterator[tuple[str, Finding]]:
    """依据：部门预算是所属各单位预算的汇总（《地方预决算公开操作规程》；部门预算 = Σ 单位预算）：部门公开包每张表的每个
    金额格 = 同时校验的各单位公开包同一格之和。各格分别四舍五入，差额不超过 0.005 × 参与的格数时为尾差。单位之间的
    上级补助、附属单位上缴与对附属单位补助、上解上级按各单位原样汇总，不作抵消（见 README）。
    失败示例：部门支出总表“2010101 行政运行”合计 1291.00，本级 1000.00 + 中心 290.00 = 1290.00。
    通过示例：fill --all-units 写出的部门包和各单位包。"""
    by_code: dict[str, tuple[str, object]] = {}
    for path, report in packages:
        if _code(report):  # a package without a unit code cannot be placed in a department
            by_code.setdefault(_code(report), (path, report))
    reports = {code: report for code, (_, report) in by_code.items()}
    for code, (path, department) in by_code.items():
        units = _units_of(department, reports)
        present = [u for u in units if u in reports]
        if not present:
            continue
        ctx = CheckContext(department.package, None)
        ctx.rule = RULES["BD901"]
        missing = [u for u in units if u not in reports]
        if missing:
            yield path, ctx.finding("", f"部门与单位之和未比较：所属单位 {'、'.join(missing)} 的公开包不在本次校验的文件中",
                                    [], WARNING)
            continue
        yield from ((path, f) for f in _compare(ctx, department, [reports[u] for u in present], present))


def _compare(ctx: CheckContext, department, units, codes) -> Iterator[Finding]:
    cells = defaultdict(dict)  # (table, row, col) → {unit code: ReadCell}
    for code, report in zip(codes, units):
        for key, table in report.package.tables.items():
            for (row, col), cell in table.cells.items():
                cells[(key, row, col)][code] = cell
    for key, table in department.package.tables.items():
        unread = [code for code, u in zip(codes, units) if key not in u.package.tables]
        if unread:  # a table not read in some unit is not compared (absent is not zero), said once
            yield ctx.finding(key, f"部门与单位之和：{table.spec.title}在单位 {'、'.join(unread)} 的公开包中未读到，"
                                   f"此表不适用（未比较）", [table.title], WARNING)
            continue
        refs = set((key, row, col) for row, col in table.cells) | {r for r in cells if r[0] == key}
        for ref in sorted(refs):
            mine = table.cell(ref[1], ref[2])
            value = mine.value if mine is not None and mine.value is not None else ZERO
            parts = cells.get(ref, {})
            total = sum((c.value for c in parts.values() if c.value is not None), ZERO)
            printed = 1 + sum(1 for c in parts.values() if c.value is not None)
            named = "、".join(f"{u} {c.address} = {wan(c.value)}" for u, c in parts.items() if c.value not in (None, ZERO))
            finding = ctx.verdict(key, value - total, printed,
                                  f"{ctx.describe(ref)}：部门为 {wan(value)}，各单位之和为 {wan(total)}（{named or '各单位均无'}）",
                                  [mine.address if mine is not None else (ctx.address(ref) or table.title)],
                                  expected=total, actual=value)
            if finding:
                yield finding




@rule("BD902", "same-unit-twice", WARNING, "同一单位编码出现在两个公开包中", scope="batch")
def same_unit_twice(packages) -> Iterator[tuple[str, Finding]]:
    """依据：一个预算单位只报送一个公开包；同一编码出现两次，多半是重复报送或编码填错（部门 = Σ 单位时会重复计算）。
    失败示例：文件夹中“单位_101001_本级.xlsx”和“单位_101001_本级（修改）.xlsx”编码相同。
    通过示例：每个公开包的单位编码各不相同。"""
    seen: dict[tuple[str, object], str] = {}
    for path, report in packages:
        code = _code(report)
        key = (code, report.package.profile)
        if not code:
            continue
        if key in seen:
            ctx = CheckContext(report.package, None)
            ctx.rule = RULES["BD902"]
            first = next(iter(report.package.tables.values()), None)
            yield path, ctx.finding("", f"单位编码 {code} 与 {seen[key]} 相同：同一单位的公开包报送了两次，或编码填错",
                                    [first.unit_address] if first is not None and first.unit_address else [])
        else:
            seen[key] = path


@rule("BD903", "year-differs", WARNING, "同批校验的公开包年度不一致", scope="batch")
def year_differs(packages) -> Iterator[tuple[str, Finding]]:
    """依据：同一批报送的部门、单位公开包应为同一预算（决算）年度；年度不同的包多半是误放了往年的文件。
    失败示例：50 个包为 2025 年，1 个包为 2024 年。
    通过示例：全部为 2025 年。"""
    years = [report.year for _, report in packages if report.year]
    if len(set(years)) < 2:
        return
    majority = max(set(years), key=years.count)
    for path, report in packages:
        if report.year and report.year != majority:
            ctx = CheckContext(report.package, None)
            ctx.rule = RULES["BD903"]
            first = next((t for t in report.package.tables.values() if t.year_address), None)
            yield path, ctx.finding("", f"年度为 {report.year}，同批其他 {years.count(majority)} 个公开包为 {majority}",
                                    [first.year_address] if first is not None else [], expected=str(majority),
                                    actual=str(report.year))
