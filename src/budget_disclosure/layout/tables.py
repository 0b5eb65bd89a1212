"""The nine tables of the Hebei 2024 部门预算公开 package (seed §3.1), one spec each.

A spec says everything a writer or a reader needs: sheet name, title, header rows (merges are
inferred from the blanks, as the printed table shows them), the kind and width of every
column after 序号, the fixed rows of fixed-row tables, the 空表 note and print orientation.
Templates are generated from these specs; the engine takes fixed-row labels from here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from budget_disclosure.layout.numerals import ordinal_label

# The 支出 rows of the 收支总表 and the 财政拨款收支总表: all 31 类 of the system's list, always
# printed (blank when zero). 人行科目 is a placeholder row of the budget system with no 类 code.
EXPENDITURE_CLASSES: tuple[tuple[str | None, str], ...] = (
    ("201", "一般公共服务支出"), ("202", "外交支出"), ("203", "国防支出"), ("204", "公共安全支出"),
    ("205", "教育支出"), ("206", "科学技术支出"), ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"), ("209", "社会保险基金支出"), ("210", "卫生健康支出"),
    ("211", "节能环保支出"), ("212", "城乡社区支出"), ("213", "农林水支出"), ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"), ("216", "商业服务业等支出"), ("217", "金融支出"),
    ("219", "援助其他地区支出"), ("220", "自然资源海洋气象等支出"), ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"), ("223", "国有资本经营预算支出"), ("224", "灾害防治及应急管理支出"),
    ("227", "预备费"), ("229", "其他支出"), ("230", "转移性支出"), ("231", "债务还本支出"),
    ("232", "债务付息支出"), ("233", "债务发行费用支出"), ("234", "抗疫特别国债安排的支出"),
    (None, "人行科目"),
)
CLASS_ROW_LABELS = tuple(ordinal_label(i, name) for i, (_, name) in enumerate(EXPENDITURE_CLASSES, 1))

# 三公 items and the 部门预算支出经济分类 款 that feed them (domain.md §6.5). 30913 is the
# 基本建设 counterpart of 31013 公务用车购置.
SANGONG_ABROAD = ("30212",)
SANGONG_CAR_PURCHASE = ("31013", "30913")
SANGONG_CAR_RUNNING = ("30231",)
SANGONG_RECEPTION = ("30217",)

SEQ, CODE, NAME, TEXT, AMOUNT = "seq", "code", "name", "text", "amount"


@dataclass(frozen=True)
class Column:
    kind: str  # CODE / NAME / TEXT / AMOUNT (序号 is implicit, always first)
    width: float


@dataclass(frozen=True)
class TableSpec:
    key: str
    sheet: str
    title: str
    header: tuple[tuple[str, ...], ...]  # including the 序号 column
    columns: tuple[Column, ...]  # after 序号; their count is the number of 栏次
    fixed_rows: tuple[tuple[str, ...], ...] = ()  # label cells of fixed-row tables, by label column
    empty_note: str = ""
    landscape: bool = True
    hierarchy: str = ""  # "functional" / "economic" for 类-款-项 tables
    # What each column means (after 序号), used to match other layouts' headers and in messages.
    names: tuple[str, ...] = ()
    # Fixed-row tables: (label column, amount columns) of each side; T1/T4 have 收入 and 支出 sides.
    sides: tuple[tuple[int, tuple[int, ...]], ...] = ()
    # Regexes a title must match (after folding), and words that rule out look-alikes.
    title_keywords: tuple[str, ...] = ()
    title_exclude: tuple[str, ...] = ()
    # -- what a layout profile adds (layout/families.py) -----------------------------------------
    # "hierarchy" (类-款-项 rows), "sides" (fixed lines, one or more label|amount sides), "grouped"
    # (fixed lines under a two-level label), "row" (one data row: each column is a canonical
    # column of row `row_key`, or a canonical line of column `row_column`), "set-aside" (known
    # to the family, recognised and listed, not checked). Empty: derived from hierarchy/sides.
    shape: str = ""
    lines: tuple[str, ...] = ()  # vocabulary (profiles/lines.toml) of each side's labels
    aliases: tuple[tuple[str, str], ...] = ()  # this table's header aliases (folded → canonical)
    row_key: str | None = None
    row_column: str | None = None
    money_unit: str = ""  # the unit when no 单位 line says it
    optional: tuple[str, ...] = ()  # columns only some editions of the family print
    required_lines: tuple[str, ...] | None = None  # None: every fixed row of the spec
    family: str = "hebei"
    shown: tuple[tuple[str, str], ...] = ()  # canonical column → the name this family prints (决算数)

    def shown_name(self, column: str) -> str:
        return dict(self.shown).get(column, column)

    @cached_property  # (asked for every cell a rule looks at; the spec never changes)
    def kind(self) -> str:
        return self.shape or ("hierarchy" if self.hierarchy else "sides" if self.sides else "row")

    @property
    def print_columns(self) -> tuple[Column, ...]:
        """The columns as printed: a table in panels side by side prints its columns once per panel."""
        if self.kind == "panels" and self.header:
            panels = max(1, (len(self.header[0]) - 1) // max(1, len(self.columns)))
            return self.columns * panels
        return self.columns

    @property
    def width(self) -> int:
        """Printed columns including 序号."""
        return len(self.print_columns) + 1

    @property
    def amount_columns(self) -> tuple[int, ...]:
        """0-based indexes (after 序号) of amount columns."""
        return tuple(i for i, c in enumerate(self.columns) if c.kind == AMOUNT)

    def header_merges(self) -> list[tuple[int, int, int, int]]:
        """(first_row, first_col, last_row, last_col), 1-based within the header block.

        A label followed by blanks in its row spans them; a label over a blank spans down.
        """
        rows = self.header
        merges = []
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                if not text:
                    continue
                last_c = c
                while last_c + 1 < len(row) and not row[last_c + 1] and (r == 0):
                    last_c += 1
                last_r = r
                if last_c == c:
                    while last_r + 1 < len(rows) and not rows[last_r + 1][c]:
                        last_r += 1
                if (last_r, last_c) != (r, c):
                    merges.append((r + 1, c + 1, last_r + 1, last_c + 1))
        return merges


def _functional_table(key: str, sheet: str, title: str, amount_headers: tuple[str, ...],
                      empty_note: str = "", keywords: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> TableSpec:
    return TableSpec(
        names=("科目编码", "科目名称") + amount_headers,
        title_keywords=keywords,
        title_exclude=exclude,
        key=key,
        sheet=sheet,
        title=title,
        header=(
            ("序号", "功能分类科目", "") + amount_headers,
            ("", "科目编码", "科目名称") + ("",) * len(amount_headers),
        ),
        columns=(Column(CODE, 11), Column(NAME, 34)) + tuple(Column(AMOUNT, 13) for _ in amount_headers),
        empty_note=empty_note,
        landscape=len(amount_headers) > 3,
        hierarchy="functional",
    )


T1 = TableSpec(
    names=("收入项目", "收入预算数", "支出项目", "支出预算数"),
    sides=((0, (1,)), (2, (3,))),
    title_keywords=(r"收支.*总表",),
    title_exclude=("财政拨款",),
    key="T1",
    sheet="表1 收支总表",
    title="部门预算收支总表",
    header=(("序号", "收入", "", "支出", ""), ("", "项 目", "预算数", "项 目", "预算数")),
    columns=(Column(TEXT, 30), Column(AMOUNT, 14), Column(TEXT, 32), Column(AMOUNT, 14)),
    fixed_rows=tuple(
        (income, klass)
        for income, klass in zip(
            ("一、一般公共预算拨款收入", "二、政府性基金预算拨款收入", "三、国有资本经营预算拨款收入",
             "四、财政专户管理资金收入", "五、单位资金") + ("",) * 26 + ("本年收入合计", "上年结转结余", "收入总计"),
            CLASS_ROW_LABELS + ("本年支出合计", "年终结转结余", "支出总计"),
        )
    ),
    empty_note="注：无收支预算，空表列示。",
    landscape=False,
)

T2 = TableSpec(
    names=("科目编码", "科目名称", "合计", "小计", "财政拨款收入", "财政专户收入", "事业收入", "经营收入",
           "上级补助收入", "附属单位上缴收入", "其他收入", "上年结转"),
    title_keywords=(r"收入.*总表",),
    title_exclude=("支出",),
    key="T2",
    sheet="表2 收入总表",
    title="部门预算收入总表",
    header=(
        ("序号", "功能分类科目", "", "合计", "本年收入", "", "", "", "", "", "", "", "上年结转"),
        ("", "科目编码", "科目名称", "", "小计", "财政拨款收入", "财政专户收入", "事业收入", "经营收入",
         "上级补助收入", "附属单位上缴收入", "其他收入", ""),
    ),
    columns=(Column(CODE, 10), Column(NAME, 28)) + tuple(Column(AMOUNT, 11) for _ in range(10)),
    empty_note="注：无收入预算，空表列示。",
    hierarchy="functional",
)
T2_INCOME_COLUMNS = ("财政拨款收入", "财政专户收入", "事业收入", "经营收入", "上级补助收入", "附属单位上缴收入", "其他收入")

T3 = _functional_table("T3", "表3 支出总表", "部门预算支出总表",
                       ("合计", "基本支出", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出"),
                       "注：无支出预算，空表列示。", keywords=(r"支出.*总表",), exclude=("收支", "收入"))
T3_KIND_COLUMNS = ("基本支出", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出")

T4 = TableSpec(
    names=("收入项目", "收入金额", "支出项目", "支出合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
           "国有资本经营预算财政拨款"),
    sides=((0, (1,)), (2, (3, 4, 5, 6))),
    title_keywords=(r"财政拨款收支.*总表",),
    key="T4",
    sheet="表4 财政拨款收支总表",
    title="部门预算财政拨款收支总表",
    header=(
        ("序号", "收入", "", "支出", "", "", "", ""),
        ("", "项目", "金额", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"),
    ),
    columns=(Column(TEXT, 26), Column(AMOUNT, 12), Column(TEXT, 30), Column(AMOUNT, 12),
             Column(AMOUNT, 14), Column(AMOUNT, 14), Column(AMOUNT, 14)),
    fixed_rows=tuple(
        (income, expense)
        for income, expense in zip(
            ("一、一般公共预算拨款", "二、政府性基金预算拨款", "三、国有资本经营预算拨款") + ("",) * 28
            + ("本年收入合计", "年初财政拨款结转和结余", "一、一般公共预算拨款", "二、政府性基金预算拨款",
               "三、国有资本经营预算拨款", "收入总计"),
            CLASS_ROW_LABELS + ("本年支出合计", "年末财政拨款结转和结余", "", "", "", "支出总计"),
        )
    ),
    empty_note="注：无财政拨款收支预算，空表列示。",
)

T5 = _functional_table("T5", "表5 一般公共预算支出表", "部门预算一般公共预算财政拨款支出表",
                       ("合计", "基本支出", "项目支出"),
                       "注：无一般公共预算财政拨款预算，空表列示。",
                       keywords=(r"一般公共预算.*支出.*表",), exclude=("基本支出", "三公", "收支"))

T6 = TableSpec(
    names=("科目编码", "科目名称", "合计", "人员经费", "公用经费"),
    title_keywords=(r"基本支出.*表",),
    title_exclude=("三公",),
    key="T6",
    sheet="表6 一般公共预算基本支出表",
    title="部门预算一般公共预算财政拨款基本支出表",
    header=(
        ("序号", "支出部门经济分类科目", "", "一般公共预算基本支出", "", ""),
        ("", "科目编码", "科目名称", "合计", "人员经费", "公用经费"),
    ),
    columns=(Column(CODE, 11), Column(NAME, 34), Column(AMOUNT, 14), Column(AMOUNT, 14), Column(AMOUNT, 14)),
    empty_note="注：无一般公共预算财政拨款基本支出预算，空表列示。",
    landscape=False,
    hierarchy="economic",
)

# The 空表 notes of T7/T8 are worded as the seed prints them.
T7 = _functional_table("T7", "表7 政府性基金预算支出表", "部门预算政府性基金预算财政拨款支出表",
                       ("合计", "基本支出", "项目支出"),
                       "注：无政府基金预算财政拨款预算，空表列示。",
                       keywords=(r"政府性基金.*支出.*表",), exclude=("三公", "收支"))
T8 = _functional_table("T8", "表8 国有资本经营预算支出表", "部门预算国有资本经营预算财政拨款支出表",
                       ("合计", "基本支出", "项目支出"),
                       "注：无国有资本经营预算财政拨款预算，空表列示。",
                       keywords=(r"国有资本经营.*支出.*表",), exclude=("三公", "收支"))

T9 = TableSpec(
    names=("项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"),
    sides=((0, (1, 2, 3, 4)),),
    title_keywords=(r"三公.*表",),
    key="T9",
    sheet="表9 三公经费支出表",
    title="部门预算财政拨款“三公”经费支出表",
    header=(
        ("序号", "项 目", "资 金 性 质", "", "", ""),
        ("", "", "合计", "一般公共预算财政拨款", "政府性基金预算拨款", "国有资本经营预算财政拨款"),
    ),
    columns=(Column(TEXT, 28), Column(AMOUNT, 14), Column(AMOUNT, 16), Column(AMOUNT, 16), Column(AMOUNT, 16)),
    fixed_rows=(("合计",), ("“三公”经费小计",), ("一、因公出国（境）费",), ("二、公务用车购置及运维费",),
                ("其中：公务用车购置费",), ("公务用车运行维护费",), ("三、公务接待费",)),
    empty_note="注：无财政拨款“三公”经费预算，空表列示。",
    landscape=False,
)

TABLES: tuple[TableSpec, ...] = (T1, T2, T3, T4, T5, T6, T7, T8, T9)
TABLE_BY_KEY = {t.key: t for t in TABLES}

# Rows of the block above the data: title, page header line, header rows, 栏次.
TITLE_ROW = 1
PAGE_HEADER_ROW = 2
HEADER_TOP = 3


def column_number_row(spec: TableSpec) -> int:
    return HEADER_TOP + len(spec.header)


def first_data_row(spec: TableSpec) -> int:
    return column_number_row(spec) + 1
