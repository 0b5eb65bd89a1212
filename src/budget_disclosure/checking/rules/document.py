"""The published document as a whole (a PDF): its 目录 against its pages, the sections the 操作规程
asks for, and years that do not belong to it. Each a 提示: the regulation names the content, not the
wording, so a reviewer confirms by reading the page."""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from budget_disclosure.checking.findings import WARNING
from budget_disclosure.checking.registry import Edit, rule
from budget_disclosure.reading.labels import BRACKETED_NUMBER, CHINESE_NUMBER, PART_NUMBER
from budget_disclosure.reading.model import Outline, TocLine

_NUMBERING = re.compile(rf"^({PART_NUMBER}|{CHINESE_NUMBER}|{BRACKETED_NUMBER}"
                        r"|\d{1,2}\s*[、.．](?=\d{4}年|\D)|公开\s*\d+\s*表[:：]?|表[一二三四五六七八九十\d]+[:：]?)")
_NOISE = re.compile(r"[\s“”\"'‘’、，,。：:（）()《》〈〉·.．…—\-_]")


_PAGE_HEADER = re.compile(r"(?:编制单位|编制部门|预算单位|部门|单位)[:：]")
_TABLE_NUMBER_AFTER = re.compile(r"公开(?:表[一二三四五六七八九十\d]{1,3}|[一二三四五六七八九十\d]{1,3}表)$")
_QUALIFIER = re.compile(r"[（(][^（()）]{0,12}[)）]")  # （经济科目）, （部门）, （续）


def _core(text: str) -> str:
    """A title as compared: without its number (一、 / 1. / 第二部分 / 公开01表：), the qualifiers it
    adds in brackets, and punctuation."""
    text = _QUALIFIER.sub("", "".join(text.split()))
    text = _PAGE_HEADER.split(text)[0] or text  # a title cell printing 部门：… 单位：万元 after the title
    text = _TABLE_NUMBER_AFTER.sub("", text) or text  # …预算总表公开表二
    while (m := _NUMBERING.match(text)) is not None and m.end() < len(text):
        text = text[m.end():]
    return _NOISE.sub("", text)


_LOOSE = re.compile(r"(?<=年)度|本?部门|本?单位|预算单位|及|和|与|的")
_BEFORE_YEAR = re.compile(r"^\D*?\d{4}年度?")  # the unit's name (in full or short) and the year


def _loose(core: str) -> str:
    """A title's core without the words a 目录 and a heading word differently for the same part: the
    unit's name and the year before it, 部门/单位, 及/和/与, 的."""
    return _LOOSE.sub("", _BEFORE_YEAR.sub("", core))


def _quality(entry: str, heading: str) -> int:
    """How surely a heading is a 目录 entry's (0: it is not): 3 the same words; 2 the heading adds words
    before them (the unit, the year) or the 目录 a qualifier the title leaves out (一般公共预算“三公”…);
    1 the heading is the entry's start (its first line), or nearly the same words."""
    if not entry or not heading:
        return 0
    pairs = ((entry, heading), (_loose(entry), _loose(heading)))
    if any(a == b for a, b in pairs):
        return 3
    # the heading may add words before (the unit, the year), not after (“…支出预算表情况说明” is
    # the 说明 of that table)
    if any(len(a) >= 4 and b.endswith(a) or len(b) >= 10 and a.endswith(b) for a, b in pairs):
        return 2
    if any(len(b) >= 6 and a.startswith(b) for a, b in pairs) or _nearly(_loose(entry), _loose(heading)):
        return 1
    return 0


def _same(entry: str, heading: str) -> bool:
    """A 目录 entry and a heading name the same part (see ``_quality``)."""
    return _quality(entry, heading) > 0


# words that make two tables different tables: a title differing by one of them is another title
_DISTINCT = re.compile(r"基本|项目|一般公共|政府性基金|国有资本|三公|机关运行|收入|支出|收支|总|采购|经济|功能")


def _nearly(a: str, b: str) -> bool:
    """Worded nearly alike, differing only by words that do not change what is meant (预算, 的, 及)."""
    if _likeness(a, b) < 0.9:
        return False
    differing = "".join(a[i1:i2] + b[j1:j2] for tag, i1, i2, j1, j2 in
                        SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if tag != "equal")
    return not _DISTINCT.search(differing)


def _likeness(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio() if a and b else 0.0


def _resemblance(a: str, b: str) -> float:
    """How alike two wordings read: in order, and as the characters they use (words put in another order)."""
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    return (_likeness(a, b) + 2 * common / (len(a) + len(b))) / 2


def _nearest(entry: str, cores: list[str], start: int, end: int) -> int | None:
    """The heading (by its core) in start..end worded most like the entry, when like enough to be it
    misworded (“名称解释” for “名词解释”, “主要职能” for “主要职责”)."""
    best, score = None, 0.6
    loose_entry = _loose(entry)
    for j in range(start, end):
        core = cores[j]
        if core.endswith("表") != entry.endswith("表"):
            continue  # a table is not the 说明 of that table
        loose = _loose(core)
        tail = loose[-len(loose_entry) - 2:]  # a title that prints the unit and year first
        if len(core) <= 3 * len(entry) and (s := max(_resemblance(loose_entry, loose),
                                                      _resemblance(loose_entry, tail))) >= score:
            best, score = j, s
    return best


def _level(title: str) -> int:
    """How deep an entry's number puts it: 第一部分 0, 一、 1, （一） 2, 1. 3; no number 4."""
    for level, pattern in enumerate((PART_NUMBER, CHINESE_NUMBER, BRACKETED_NUMBER, r"\d{1,2}\s*[、.．]")):
        if re.match(pattern, title):
            return level
    return 4


def _offset(outline: Outline, found: list[tuple[TocLine, int]]) -> int:
    """How the 目录's page numbers relate to where the headings are: 0 when the pages print their
    numbers; otherwise the commonest difference (a 目录 counting from the first page after the cover)."""
    if outline.numbered:
        return 0
    differences = [entry.page - page for entry, page in found if entry.page is not None]
    return max(set(differences), key=differences.count) if differences else 0


@rule("BD521", "toc-matches-pages", WARNING, "目录应与正文一致：各项都在正文中、次序相同、页码正确，公开表都列入目录")
def toc_matches_pages(ctx):
    """依据：公开文件应有目录，目录所列各部分、各表与正文一致，便于查阅（《地方预决算公开操作规程》（财预〔2016〕143号）：
    公开内容应完整、方便查阅）。比较时不计编号（一、/1./第二部分/公开01表）、括注和标点，标题加印单位名称、年度的也算相同；
    次序按最长的一致次序判断，只报告排错的项；文件不印页码时，按目录页码与实际页次最常见的差值比较。
    失败示例：目录写“八、政府采购预算情况 …… 19”，正文该节印在第 18 页；目录写“名称解释”，正文标题是“名词解释”。
    通过示例：目录各项依次都能在正文中找到，页码与所在页的页码相同。"""
    cores = {o.file: [_core(text) for text, _ in o.headings] for o in ctx.outlines}  # each heading compared once
    for outline in ctx.outlines:
        if outline.toc:
            yield from _toc_against_body(ctx, outline, [o for o in ctx.outlines if o is not outline], cores)
    yield from _tables_not_listed(ctx)


def _toc_against_body(ctx, outline: Outline, others: list[Outline], heading_cores: dict[str, list[str]]):
    headings, toc = outline.headings, outline.toc
    own = heading_cores[outline.file]
    cores = [_core(e.title) for e in toc]
    # each entry's heading: the first that names it after the entry before's, else the first anywhere
    chosen: list[int | None] = []
    last = -1
    apart: set[int] = set()  # entries printed in the package's other file (说明 and 公开表 published apart)
    for n, core in enumerate(cores):
        graded = [(_quality(core, heading), j) for j, heading in enumerate(own)]
        best = max((q for q, _ in graded), default=0)
        if max((_quality(core, heading) for o in others for heading in heading_cores[o.file]), default=0) > best:
            apart.add(n)
            best = 0
        hits = [j for q, j in graded if q == best and best > 0]
        after = [j for j in hits if j > last]
        j = after[0] if after else (hits[0] if hits else None)
        chosen.append(j)
        if j is not None and j > last:
            last = j
    for n, (entry, core) in enumerate(zip(toc, cores)):
        if chosen[n] is not None or n in apart:
            continue  # found here, or printed in the package's other file
        before = max((j for j in chosen[:n] if j is not None), default=-1)
        after = min((j for j in chosen[n + 1:] if j is not None and j > before), default=len(headings))
        j = _nearest(core, own, before + 1, after)
        if j is not None:
            chosen[n] = j
            yield ctx.finding("", f"目录写“{entry.title}”，正文的标题是“{headings[j][0]}”（第 {headings[j][1]} 页）："
                              "目录与标题不一致", [entry.address])
            continue
        worded = next(((o, k) for o in others
                       if (k := _nearest(core, heading_cores[o.file], 0, len(o.headings))) is not None), None)
        if worded is not None:
            o, k = worded
            yield ctx.finding("", f"目录写“{entry.title}”，{o.file} 中的标题是“{o.headings[k][0]}”（第 {o.headings[k][1]} 页）："
                              "目录与标题不一致", [entry.address])
            continue
        following = toc[n + 1] if n + 1 < len(toc) else None
        if following is not None and _level(following.title) > _level(entry.title) and chosen[n + 1] is not None:
            continue  # a part printed only through its sub-parts (五、部门预算表 → 1. 收支预算总表 …)
        yield ctx.finding("", f"目录中的“{entry.title}”在正文中找不到（按标题查找，不计编号、括注和标点）", [entry.address])
    in_order = _longest_increasing([(n, j) for n, j in enumerate(chosen) if j is not None])
    for n, j in enumerate(chosen):
        if j is not None and n not in in_order:
            where = next((toc[m].title for m in range(n - 1, -1, -1) if m in in_order), None)
            said = f"目录把它排在“{where}”之后" if where else "目录把它排在前面"
            yield ctx.finding("", f"目录中的“{toc[n].title}”在正文中印在第 {headings[j][1]} 页，{said}：目录与正文的次序不同",
                              [toc[n].address])
    found = [(toc[n], headings[j][1]) for n, j in enumerate(chosen) if j is not None and n in in_order]
    offset = _offset(outline, found)
    for entry, page in found:
        if entry.page is not None and entry.page != page + offset:
            said = "页码" if outline.numbered else "页次"
            yield ctx.finding("", f"目录标“{entry.title}”在第 {entry.page} 页，正文印在{said}第 {page + offset} 页",
                              [entry.address], expected=str(page + offset), actual=str(entry.page))


def _longest_increasing(pairs: list[tuple[int, int]]) -> set[int]:
    """The entries (first of each pair) whose headings (second) keep the 目录's order, as many as can."""
    best: list[list[int]] = []  # best[k]: entries of the best run ending at pair k
    for k, (n, j) in enumerate(pairs):
        run = max((best[i] for i in range(k) if pairs[i][1] < j), key=len, default=[])
        best.append(run + [n])
    return set(max(best, key=len, default=[]))


def _tables_not_listed(ctx):
    """A 目录 that lists the tables should list each table the package publishes."""
    entries = [_core(e.title) for o in ctx.outlines for e in o.toc]
    if sum(1 for e in entries if "表" in e) < 3:
        return  # the 目录 does not list the tables one by one
    for t in ctx.package.tables.values():
        title = _core(t.title_text)
        name = _core(t.spec.title)
        if not any(_same(e, title) or _same(e, name) or _same(name, e) for e in entries):
            yield ctx.finding(t.key, f"目录中没有{t.spec.title}（正文印有“{t.title_text}”）", [t.title])


# The parts of a 情况说明 the 操作规程 and the 财政部 notices ask for: (name, how the text says it).
SECTIONS = (
    ("部门职责", r"职能|职责"),
    ("机构设置", r"机构设置|单位构成|所属单位|内设机构|机构情况|单位情况"),
    ("收支总体情况", r"总体情况|收支预算|收支决算|收入支出决算|预算编制说明|收支.{0,6}情况|预算安排情况"),
    ("机关运行经费", r"机关运行经费"),
    ("“三公”经费", r"三公"),
    ("绩效目标/绩效管理", r"绩效(?!工资)"),
    ("政府采购", r"政府采购"),
    ("国有资产占用", r"国有资产|资产占用|固定资产|资产信息"),
    ("名词解释", r"名词解释|名称解释|术语解释|名词说明"),
)
# a 决算 also says what the 三公 money bought: groups abroad, cars, receptions
FINAL_SECTIONS = (
    ("因公出国（境）团组和人次", r"团组|出国[^。]{0,20}人次"),
    ("公务用车购置和保有量", r"保有量|购置[^。]{0,10}辆|车辆[^。]{0,20}辆"),
    ("公务接待批次和人次", r"接待[^。]{0,30}(批次|人次)"),
)


@rule("BD522", "required-sections", WARNING, "情况说明应包含操作规程要求的各部分")
def required_sections(ctx):
    """依据：部门预算公开应包括部门职责、机构设置、收支总体情况、机关运行经费、“三公”经费（及增减原因）、
    绩效目标、政府采购、国有资产占用情况和名词解释；决算还应说明因公出国（境）团组数和人次、公务用车购置数和
    保有量、公务接待批次和人次（《地方预决算公开操作规程》（财预〔2016〕143号）；财政部关于部门预决算公开的通知）。
    只核对公开的 PDF（整份文件）；按目录、标题和正文中的说法查找；“三公”经费表为空表时不要求数量。
    失败示例：说明中没有“政府采购”的任何文字，目录也没有。
    通过示例：“八、政府采购预算情况：2024年政府采购预算 … 万元”。"""
    if not any(o.paragraphs for o in ctx.outlines):
        return  # not a published document, or tables only: the 说明 is published elsewhere (said by the pairing)
    texts = [text for o in ctx.outlines for _, text in o.paragraphs]
    texts += [e.title for o in ctx.outlines for e in o.toc] + [h for o in ctx.outlines for h, _ in o.headings]
    texts += [t.title_text for t in ctx.package.tables.values()]
    whole = "\n".join(texts)
    three = ctx.package.tables.get("T9")  # no 三公 money spent: nothing bought to count
    counted = ctx.profile.document == "决算" and not (three is not None and three.is_empty())
    sections = SECTIONS + (FINAL_SECTIONS if counted else ())
    first = next(a for o in ctx.outlines for a, _ in o.paragraphs[:1])
    for name, pattern in sections:
        if not re.search(pattern, whole):
            yield ctx.finding("", f"公开文件中找不到“{name}”的说明（目录、标题和正文都没有）", [first])


_DATED = re.compile(r"(?<!\d)(20\d\d)\s*年(?:度)?(?:部门|单位|本部门|本单位)?(?P<what>预算|决算|财政拨款|收入|支出|“三公”|"
                    r"\"三公\"|三公|机关运行经费|政府采购)")


@rule("BD523", "foreign-year", WARNING, "说明中的年度应为本年度或上一年度（其他年份多半是沿用旧稿）",
      breaks=[Edit("@情况说明", "2024年预算收支安排", 1, value=("sub", "较2023年预算", "较2022年预算"))])
def foreign_year(ctx):
    """依据：说明的数字和比较只涉及本年度与上一年度（《地方预决算公开操作规程》（财预〔2016〕143号）：公开内容应准确）；
    “2022年预算…”出现在 2025 年的说明中，多半是沿用往年文稿未改。只看紧跟预算、决算、收入、支出、三公等的年份。
    失败示例：2025 年部门预算说明写“2023年部门预算收入 1,234.56 万元”。
    通过示例：“2025年收入预算 1,234.56 万元，比2024年增加 …”。"""
    year = ctx.year
    if not year:
        return
    allowed = {year, year - 1}
    for row, text in ctx.paragraphs:
        for m in _DATED.finditer(text):
            said = int(m.group(1))
            if said not in allowed:
                start = max(0, m.start() - 10)
                yield ctx.finding("", f"说明写“{text[start:m.end() + 12]}”：{said} 年不是本{ctx.profile.document}年度"
                                  f"（{year}）或上一年度", [ctx.statement_cell(row)], actual=str(said))
