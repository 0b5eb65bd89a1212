"""Folding of printed text: titles, header names and fixed-row labels compare after this."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# a numeral is an ordinal only with its bracket or separator: 一般公共预算 keeps its 一
# The numbers a document puts before its parts and headings (as regex fragments, shared by the
# readers of a PDF's headings and 目录 and by the rules that compare them): 第一部分, 一、, （一）
PART_NUMBER = r"第[一二三四五六七八九十]+部分"
CHINESE_NUMBER = r"[一二三四五六七八九十]+[、.．]"
BRACKETED_NUMBER = r"[（(][一二三四五六七八九十\d]{1,3}[)）]"
_ORDINAL = re.compile(r"^(\([一二三四五六七八九十]+\)[、.．]?|[一二三四五六七八九十]+[、.．]|\(?\d+\)[、.．]?|\d+[、.．]|其中[:：]?)")
_QUOTES = str.maketrans({"“": "", "”": "", '"': "", "‘": "", "’": "", "'": ""})


def fold(text: object) -> str:
    """NFKC, no white space, no quotes: how two spellings of the same header are compared."""
    if text is None:
        return ""
    return _fold(text) if isinstance(text, str) else _fold(str(text))


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return "".join(folded.split())


@lru_cache(maxsize=1 << 14)
def _fold_label(label: str) -> str:
    previous = None
    while previous != label:
        previous = label
        label = _ORDINAL.sub("", label, count=1)
    return label


def fold_label(text: object) -> str:
    """A fixed-row label without its ordinal prefix (一、 / (一) / 1. / 其中：)."""
    return _fold_label(fold(text))


# Header names of other layouts that mean one of ours (all folded).
# Words of a header path other packages write another way, wherever they stand in it ("本年支出金额" is
# "本年支出预算数"): a path no column takes as written is tried again with them replaced
HEADER_WORDS = (("金额", "预算数"), ("总计", "合计"), ("功能分类科目", "科目"), ("经济分类科目", "科目"))

HEADER_ALIASES = {
    "上缴上级支出": "上解上级支出",
    "事业单位经营收入": "经营收入",
    "财政拨款": "财政拨款收入",
    "一般公共预算": "一般公共预算财政拨款",
    "一般公共预算拨款": "一般公共预算财政拨款",
    "政府性基金预算拨款": "政府性基金预算财政拨款",
    "政府性基金预算": "政府性基金预算财政拨款",
    "国有资本经营预算": "国有资本经营预算财政拨款",
    "国有资本经营预算拨款": "国有资本经营预算财政拨款",
    "财政专户管理资金收入": "财政专户收入",
    "上年结转结余": "上年结转",
    "科目代码": "科目编码",
    "功能分类科目编码": "科目编码",
    "经济分类科目编码": "科目编码",
    "编码": "科目编码",
    "功能分类科目名称": "科目名称",
    "经济分类科目名称": "科目名称",
    "名称": "科目名称",
    "总计": "合计",
    "金额": "预算数",
}
