"""Fifteen real documents as published (tests/data/unlabelled: twenty PDFs, not transcribed, not
labelled), checked as a reviewer receives them — one folder, packages in two PDFs paired. Every 强制
the check raises is listed here with the reason it is true, read from the printed page (page numbers
as the PDF counts them); nothing else may be 强制, and every document is read whole (coverage
complete). A change that makes one of these findings disappear, or adds another, must be justified
against the page again."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import DATA

FOLDER = DATA / "unlabelled"

# document → the 强制 findings as (rule, words of the message), each justified from the page
EXPECTED = {
    "01_js-renda-2018-budget-dept.pdf": [
        # p21: 单位预留机动经费 1685.72万元, "增加1557.29万元，增长1312.56%": the base is 1685.72 − 1557.29 = 128.43, so
        # the rate is 1557.29 ÷ 128.43 = 1212.56% (1212.44%–1212.70% over the rounding of both figures), not 1312.56%
        ("BD812", "增长1312.56%"),
        # p25–26: the text calls 行政事业单位离退休 and 住房改革支出 "（类）"; in the tables they are 款 20805 and 22102
        # (the 类 are 208 社会保障和就业支出 and 221 住房保障支出): three and two items written at the wrong level
        ("BD807", "“行政事业单位离退休（类）”在表中是款"), ("BD807", "“行政事业单位离退休（类）”在表中是款"),
        ("BD807", "“行政事业单位离退休（类）”在表中是款"),
        ("BD807", "“住房改革支出（类）”在表中是款"), ("BD807", "“住房改革支出（类）”在表中是款"),
    ],
    "02_js-renda-2019-budget-dept-b.pdf": [  # with its 说明 02-…-a.pdf
        # a p13–14: the same 类/款 slip as the 2018 document (行政事业单位离退休（类）×3, 住房改革支出（类）×2)
        ("BD807", "“行政事业单位离退休（类）”在表中是款"), ("BD807", "“行政事业单位离退休（类）”在表中是款"),
        ("BD807", "“行政事业单位离退休（类）”在表中是款"),
        ("BD807", "“住房改革支出（类）”在表中是款"), ("BD807", "“住房改革支出（类）”在表中是款"),
        # b p10: 财政拨款政府性基金支出预算表 prints only its head and an empty 合计, with no note saying it is empty
        # (财预〔2016〕143号: an empty table is listed *and* said to be empty)
        ("BD502", "政府性基金预算财政拨款支出预算表没有数据"),
    ],
    "03_js-shengweiban-2018-budget-dept-b.pdf": [],  # with 03-…-a.pdf
    "04_js-shengweiban-2019-budget-dept-b.pdf": [],  # with 04-…-a.pdf
    "05_js-zhengxie-2017-budget-dept-b.pdf": [],  # with 05-…-a.pdf
    "06_js-zhengxie-2019-budget-dept-b.pdf": [],  # with 06-…-a.pdf
    "07_js-gaoyuan-2017-budget-dept.pdf": [
        # p21: "法院（款）一般行政事务管理（项）": the 项 is 2040502 一般行政管理事务 (words swapped, as realworld 05)
        ("BD807", "“一般行政事务管理（项）”不在20405 法院下，与表中“一般行政管理事务”"),
        # p22: 提租补贴 1959.99万元 "增加865.57万元，增长79.05%": 865.57 ÷ (1959.99 − 865.57 = 1094.42) = 79.09%
        # (79.088%–79.091% over the rounding), not 79.05%
        ("BD812", "增长79.05%"),
        # p15: 七、政府性基金支出预算表 prints 合计 with no amount and no note
        ("BD502", "政府性基金预算财政拨款支出预算表没有数据"),
    ],
    "08_js-gaoyuan-2018-budget-dept.pdf": [
        # p19: the same swapped 项 name as in 2017
        ("BD807", "“一般行政事务管理（项）”不在20405 法院下，与表中“一般行政管理事务”"),
        # p19: 一般行政管理事务 6049.97万元 "减少392.92万元，减少5.95%": 392.92 ÷ (6049.97 + 392.92 = 6442.89) = 6.10%
        ("BD812", "减少5.95%"),
        # p20: 基本养老保险缴费 1326.81 and 职业年金缴费 530.72 "与上年相比增加 1326.81 / 530.72 万元，增长 100%":
        # the base is 0, so no growth rate can be stated (realworld 03 labels the same)
        ("BD812", "不能计算增减率“增长100%”"), ("BD812", "不能计算增减率“增长100%”"),
        # p14: 十、政府性基金预算财政拨款支出预算表 prints 合计 with no amount and no note
        ("BD502", "政府性基金预算财政拨款支出预算表没有数据"),
    ],
    "09_js-jianchayuan-2017-budget-dept.pdf": [
        # p19: "基本支出预算数为 12323.46 万元", while the tables (and the text itself a few lines on, "基本支出
        # 12323.48 万元") give 12323.48: two cents apart, beyond the rounding of one printed figure
        ("BD801", "基本支出预算数12323.46万元"),
        # p22: the three 三公 items 110 / 317.8 / 156.55 are 18.82% / 54.39% / 26.79% of 584.35 (the table's 三公
        # 小计, p16); the text prints 18.85% / 54.43% / 26.72% — no one base gives all three (583.55, 583.87,
        # 585.89), and the gaps (3–7 hundredths) are beyond forcing the shares to 100%
        ("BD810", "占“三公”经费的18.85%"), ("BD810", "占“三公”经费的54.43%"), ("BD810", "占“三公”经费的26.72%"),
        # p13: 七、政府性基金支出预算表 prints 合计 with no amount and no note
        ("BD502", "政府性基金预算财政拨款支出预算表没有数据"),
    ],
    "10_js-jianchayuan-2018-budget-dept.pdf": [
        # p26: "未归口管理行政单位离退休费（项）"; the tables' 项 2080504 is 未归口管理的行政单位离退休
        ("BD807", "“未归口管理行政单位离退休费（项）”不在表中，与表中“未归口管理的行政单位离退休”"),
        # across years, with 09 (2017) in the folder: p25, p26 and p28 say 财政拨款 21,940.96万元 "增加3,958.98万元",
        # so 2017's would be 17,981.98; the 2017 document prints 财政拨款 17,981.68 (p12 收入合计, p14 合计) and this
        # document's own p25 "一般公共预算收入预算21,940.96万元，与上年相比增加3,959.28万元" gives 17,981.68 too
        ("BD931", "财政拨款收、支总计各增加3,958.98万元"), ("BD931", "财政拨款支出增加3,958.98万元"),
        ("BD931", "与上年相比增加3,958.98万元，增长22%"),
    ],
    "11_sh-putuo-wanli-2024-budget-dept.pdf": [
        # p7 item 9 其他教育支出: "2023年当年预算执行数为0.00万元 … 增加100.00%": no rate from a base of 0
        ("BD808", "上年执行数为 0"),
        # p9 item 31 住房公积金: the item and the tables (2210201: 3,503,499 元) give 350.35万元, the sentence
        # "2024年预算安排352.67万元" (its rate 0.53% is right for 350.35: the slip is said once)
        ("BD808", "本项写 350.35万元，后文“2024年预算安排352.67万元”"),
        # p31: the 三公 table prints 47.91 / 0 / 1.35 / 46.56 / 25 / 21.56 and 机关运行经费 443.18, under a note
        # "本部门2024年无“三公”经费和机关运行经费预算，故本表为空表"
        ("BD502", "有数据，却注明"),
    ],
    "12_sh-putuo-qfb-2025-budget-dept.pdf": [],
    "13_sh-putuo-qfb-2025-budget-unit.pdf": [],
    "14_sh-putuo-czj-2025-budget-dept.pdf": [
        # p7 item 7 职业年金缴费: "887.36万元"; the tables print 2080506 as 873,617.00 元 = 87.36万元
        ("BD807", "写 887.36万元"),
    ],
    "15_sh-putuo-sfj-2026-budget-unit.pdf": [
        # p6 item 1 行政运行: 1690.69 → 1434.89 is −15.13% (−15.129% to −15.131%), printed "减少1.10%"
        ("BD808", "增减率写“减少1.10%”"),
        # p6 item 7: the item and the table (2080501: 561,240.00 元) give 56.12万元, the sentence "预算安排57.8万元"
        ("BD808", "本项写 56.12万元"),
        # p7 item 11: "医疗卫生与计划生育支出（210类）": since 2019 类 210 is 卫生健康支出, as the tables print it
        ("BD807", "医疗卫生与计划生育支出（210类）"),
        # p7 item 13 购房补贴: the item and the table (2210203: 2,070,000.00) give 207万元, the sentence 170.03;
        # from 241.76 to 207 is a decrease (−14.38%), printed "增加21.74%" (which is 207 over 170.03)
        ("BD808", "本项写 207万元"), ("BD808", "方向词不对"), ("BD808", "增减率写“增加21.74%”"),
        # p19 vs p8: 公用经费 1,845,880.34 in the 基本支出经济分类表 (302 1,831,480.34 + 310 14,400.00), 1,744,680 in
        # the 收支总表: the same 101,200 元 printed under 公用 in one table and 人员 in the other
        ("BD150", "公用经费不应超过收支总表公用经费"),
        # p11 and p14: 2040601 行政运行 prints 项目支出 64,840,547.00 — the 项目支出 of the whole 司法 款 (the other items
        # add up to 64,840,547); its 合计 14,348,853.34 is its 基本支出 alone. One wrong cell printed in two tables,
        # each failing its 款 sum and its row sum
        ("BD107", "“20406 司法”项目支出"), ("BD150", "“2040601 行政运行”合计"),
        ("BD107", "“20406 司法”项目支出"), ("BD112", "“2040601 行政运行”合计"),
    ],
}


@pytest.fixture(scope="module")
def checked() -> dict[str, dict]:
    """The whole folder checked once, as a reviewer would: `check 文件夹/ --format json`."""
    run = subprocess.run([sys.executable, "-m", "budget_disclosure", "check", str(FOLDER), "--format", "json",
                          "--jobs", "2"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stderr[-2000:]
    out = json.loads(run.stdout)
    files = {f["path"].rsplit("/", 1)[-1]: f for f in out["files"]}
    files[ACROSS] = {"comparisons": out["comparisons"], "missing_years": out["missing_years"]}
    return files


ACROSS = "(across documents)"


def test_every_document_is_read(checked):
    assert sorted(checked) == sorted([*EXPECTED, ACROSS])  # the ten Jiangsu PDFs in five pairs, five single ones
    for name, report in checked.items():
        if name == ACROSS:
            continue
        coverage = report["coverage"]
        assert coverage["identities_checked"] == coverage["identities_total"] > 80, (name, coverage)
        assert all(t["recognised"] for t in coverage["tables"]), name
        assert report["unit"].strip(), name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_error_is_one_the_page_shows(name, checked):
    errors = [(f["rule"], f["message"]) for f in checked[name]["findings"] if f["severity"] == "error"]
    rest = list(errors)
    for rule, words in EXPECTED[name]:
        hit = next((e for e in rest if e[0] == rule and words in e[1]), None)
        assert hit is not None, (name, rule, words, errors)
        rest.remove(hit)
    assert not rest, (name, rest)
    assert all(f.get("page") for f in checked[name]["findings"] if f["severity"] == "error" and f["cells"])


def test_documents_of_one_unit_are_compared_across_years(checked):
    """The folder holds four units in consecutive years (人大 2018→2019, 省委办公厅 2018→2019, 高院 2017→2018,
    检察院 2017→2018): each pair is compared, the later year against the earlier, and every 比上年 statement
    either compared or counted as not compared with its reason; 政协 2017 and 2019 are said to miss 2018."""
    across = checked[ACROSS]
    pairs = {(c["this"].rsplit("/", 1)[-1][:2], c["file"].rsplit("/", 1)[-1][:2]) for c in across["comparisons"]}
    assert pairs == {("02", "01"), ("04", "03"), ("08", "07"), ("10", "09")}
    for c in across["comparisons"]:
        assert c["kind"] == "上年" and c["compared"] >= 10 and "problem" not in c, c
    assert [(g["unit"], g["missing"]) for g in across["missing_years"]] == [("江苏省政协办公厅", [2018])]
