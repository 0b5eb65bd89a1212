"""The 情况说明: generated from the tables, reproducing the seed's figures; the narrative check on
edited text (sheet or .docx); fill never overwrites an edited 情况说明."""

from __future__ import annotations

import re

from openpyxl import load_workbook

from budget_disclosure.checking.findings import ERROR, ROUNDING
from budget_disclosure.checking.service import check_book
from budget_disclosure.cli import main
from budget_disclosure.statement import read_sheet_blocks
from budget_disclosure.xlio.openpyxl_port import OpenpyxlBook
from conftest import SEED_TEXT as SEED_TEXT_PATH

SEED_TEXT = SEED_TEXT_PATH.read_text("utf-8")
NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def _paragraph(blocks, start: str) -> str:
    return next(b[1] for b in blocks if b[0] == "p" and b[1].startswith(start))


def _seed_paragraph(start: str) -> str:
    return next(line.strip() for line in SEED_TEXT.splitlines() if line.strip().startswith(start))


def test_generated_sentences_carry_the_seeds_figures(filled_path):
    blocks = read_sheet_blocks(OpenpyxlBook.open(filled_path))
    for start in ("反映本部门当年全部收入", "2024年，我部门机关运行经费", "2024年，我部门财政拨款“三公”经费"):
        assert _paragraph(blocks, start) == _seed_paragraph(start)  # word for word
    ours, seed = _paragraph(blocks, "收支预算总表支出栏"), _seed_paragraph("收支预算总表支出栏")
    assert NUMBERS.findall(ours) == NUMBERS.findall(seed)
    assert "张家口市人民代表大会常务委员会办公室年度部门预算" in ours  # the seed's wrong unit name is not reproduced
    ours, seed = _paragraph(blocks, "2024年预算收支安排"), _seed_paragraph("2024年预算收支安排")
    assert NUMBERS.findall(seed)[:3] == ["2024", "2604.79", "2023"] and "351.84" in seed
    # the seed's own slip (351.84 ≠ 204.91 + 146.92) is not reproduced: generated text is consistent
    assert "减少351.83万元" in ours and "基本支出减少204.91万元" in ours and "项目支出减少146.92万元" in ours
    assert "上年末固定资产金额为413.69万元" in _paragraph(blocks, "张家口市人民代表大会常务委员会办公室（含所属单位）")
    assert "政府采购预算总额45.48万元" in _paragraph(blocks, "2024年，我部门政府采购")


def _edit_statement(path, old: str, new: str) -> None:
    wb = load_workbook(path)
    ws = wb["情况说明"]
    for row in ws.iter_rows(min_col=2, max_col=2):
        cell = row[0]
        if isinstance(cell.value, str) and old in cell.value:
            cell.value = cell.value.replace(old, new)
            break
    else:
        raise AssertionError(old)
    wb.save(path)


def test_the_seeds_original_sentences_are_judged_as_the_domain_notes_say(filled_copy):
    _edit_statement(filled_copy, "较2023年预算减少351.83万元", "较2023年预算减少351.84万元")
    _edit_statement(filled_copy, "反映张家口市人民代表大会常务委员会办公室年度", "反映张家口市人大常委会常务委员会办公室年度")
    report = check_book(OpenpyxlBook.open(filled_copy))
    narrative = [(f.rule, f.severity) for f in report.findings if f.rule.startswith(("BD8", "BD709"))]
    assert ("BD805", ROUNDING) in narrative  # 351.84 vs 204.91 + 146.92: a 0.01 尾差
    assert ("BD802", ROUNDING) in narrative  # 351.84 vs the tables' 351.83
    assert ("BD709", ERROR) in narrative  # the wrong unit name
    assert not [n for n in narrative if n[1] == ERROR and n[0] != "BD709"]


def test_changed_number_wrong_direction_and_repeated_paragraph(filled_copy):
    _edit_statement(filled_copy, "公务接待费3.11万元", "公务接待费3.51万元")
    _edit_statement(filled_copy, "项目支出减少146.92万元", "项目支出增加146.92万元")
    wb = load_workbook(filled_copy)
    ws = wb["情况说明"]
    duty = next(r[1].value for r in ws.iter_rows() if r[1].value and str(r[1].value).startswith("（一）宪法"))
    ws.append(["段落", duty])
    wb.save(filled_copy)
    report = check_book(OpenpyxlBook.open(filled_copy))
    rules = {f.rule for f in report.findings if f.severity != ROUNDING}
    assert {"BD801", "BD802", "BD804"} <= rules
    assert main(["check", str(filled_copy)]) == 1


def test_a_hand_edited_docx_is_checked_against_the_workbook(filled_path, exported, tmp_path, capsys):
    import docx
    document = docx.Document(str(exported / "部门预算公开.docx"))
    paragraph = next(p for p in document.paragraphs if "机关运行经费共计安排" in p.text)
    for run in paragraph.runs:
        run.text = run.text.replace("352.85", "325.85")
    edited = tmp_path / "edited.docx"
    document.save(str(edited))
    assert main(["check", str(filled_path), "--statement", str(edited), "--select", "BD8"]) == 1
    assert "325.85" in capsys.readouterr().out
    assert main(["check", str(filled_path), "--statement", str(exported / "部门预算公开.docx"), "--select", "BD8"]) == 0


def test_fill_never_overwrites_an_edited_statement(filled_copy, capsys):
    _edit_statement(filled_copy, "主要用于日常维修", "主要用于日常维修（会计改过）")
    assert main(["fill", str(filled_copy)]) == 0
    assert "已被手工修改，未覆盖" in capsys.readouterr().out
    blocks = read_sheet_blocks(OpenpyxlBook.open(filled_copy))
    assert any("会计改过" in b[1] for b in blocks if b[0] == "p")


def test_fill_regenerates_an_untouched_statement(filled_copy, capsys):
    wb = load_workbook(filled_copy)
    wb["项目绩效目标"]["B2"].value = "人大代表培训经费"  # unchanged input: same text
    wb.save(filled_copy)
    assert main(["fill", str(filled_copy)]) == 0
    assert "已生成“情况说明”工作表" in capsys.readouterr().out


def _append(path, *paragraphs: str) -> None:
    wb = load_workbook(path)
    for text in paragraphs:
        wb["情况说明"].append(["段落", text])
    wb.save(path)


def test_rates_zero_bases_and_listed_contents(filled_copy):
    _append(filled_copy,
            "2024年培训费安排60.00万元，上年预算50.00万元，增加10.00万元，增长25%，主要原因是培训班次增加。",
            "2024年会议费安排12.00万元，上年预算0.00万元，增加12.00万元，增长100%，主要原因是新增会议。",
            "2024年因公出国（境）费安排0.00万元，增加3.00万元，主要原因是出访计划。",
            "2024年专项经费20.00万元，主要内容包括：1、调研5.00万元；2、培训6.00万元；3、宣传8.00万元。")
    report = check_book(OpenpyxlBook.open(filled_copy), select=("BD805", "BD806"))
    messages = [f.message for f in report.findings if f.severity == ERROR]
    assert any("按增减额 ÷ 上年应为 20.00%" in m for m in messages)
    assert any("上年数为 0，不能计算增减率" in m for m in messages)
    assert any("本年金额为 0，却写“增加3.00万元”" in m for m in messages)
    assert any("所列 3 项之和 19.00 万元，总额写 20.00" in m for m in messages)


def test_a_statement_that_is_missing_or_not_a_docx_is_a_clear_error(filled_path, tmp_path, capsys):
    assert main(["check", str(filled_path), "--statement", str(tmp_path / "none.docx")]) == 2
    assert "找不到情况说明文档" in capsys.readouterr().err
    fake = tmp_path / "fake.docx"
    fake.write_text("not a document")
    assert main(["check", str(filled_path), "--statement", str(fake)]) == 2
    assert "无法作为 Word 文档" in capsys.readouterr().out


def test_two_projects_of_one_name_are_written_with_their_codes(example_path, tmp_path, capsys):
    """Two projects with different 项目编码 and the same 项目名称: the 情况说明 names each with its code (and its
    绩效目标表 too), so fill's own text passes the check and export publishes the package."""
    from openpyxl import load_workbook

    from budget_disclosure.cli import main

    book = load_workbook(example_path)
    renamed = "13070024P00005210006M"  # 人大代表专项活动经费 → the name of 13070024P00004810005W
    for row in book["预算明细"].iter_rows(min_row=2):
        if row[8].value == renamed:
            row[9].value = "人大代表培训经费"
    for row in book["项目绩效目标"].iter_rows(min_row=2):
        if row[0].value == renamed:
            row[1].value = "人大代表培训经费"
    source, filled = tmp_path / "x.xlsx", tmp_path / "y.xlsx"
    book.save(source)
    assert main(["fill", str(source), "-o", str(filled)]) == 0
    text = " ".join(str(c.value) for r in load_workbook(filled)["情况说明"].iter_rows() for c in r if c.value)
    assert "“人大代表培训经费（13070024P00004810005W）”35.00万元" in text
    assert "“人大代表培训经费（13070024P00005210006M）”67.84万元" in text
    assert "人大代表培训经费（13070024P00005210006M）绩效目标表" in text
    capsys.readouterr()
    assert main(["check", str(filled), "--select", "BD8,BD7"]) in (0, 1)
    assert "强制 BD" not in capsys.readouterr().out
    assert main(["export", str(filled), "-o", str(tmp_path / "out")]) == 0


def test_one_change_stated_twice_with_two_figures_is_found_at_both_sentences(filled_copy, capsys):
    """The total's change repeated in a later paragraph with another figure: the two sentences imply two
    different 上年数 for one table cell — BD818 names both; repeated alike, nothing."""
    book = load_workbook(filled_copy)
    sheet = book["情况说明"]
    first = next(c for r in sheet.iter_rows() for c in r if isinstance(c.value, str) and "预算收支安排" in c.value
                 and "较2023年预算" in c.value)
    m = re.search(r"(\d{4}年预算收支安排[\d.]+万元，较2023年预算(?:增加|减少))([\d.]+)万元", first.value)
    row = sheet.max_row + 1
    sheet.cell(row, 1).value, sheet.cell(row, 2).value = "段落", f"{m.group(1)}{m.group(2)}万元。"
    book.save(filled_copy)
    capsys.readouterr()
    main(["check", str(filled_copy), "--select", "BD818"])
    assert "BD818" not in capsys.readouterr().out
    sheet.cell(row, 2).value = f"{m.group(1)}{float(m.group(2)) + 1:.2f}万元。"
    book.save(filled_copy)
    main(["check", str(filled_copy), "--select", "BD818", "--format", "json"])
    import json

    [finding] = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    assert finding["severity"] == "error" and finding["cells"] == [f"情况说明!B{row}", f"情况说明!{first.coordinate}"]
