"""Extract the non-table parts of the reference package from the seed text into package data.

    python scripts/extract_seed_package.py ../shared/seed/000_45a79a30fb7ab4bf.txt

Writes src/budget_disclosure/data/example_zjk_2024_package.json: 部门职责, 机构设置, 整体绩效目标,
the eight 项目绩效目标表 (with indicators), 政府采购 rows, 国有资产 rows, 名词解释 and the other
说明 texts, plus the 上年 figures and 增减原因 the 情况说明 states. Numbers the text derives from
the tables (收入, 支出, 三公, 机关运行经费 …) are NOT extracted: the product binds them to the tables.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "budget_disclosure" / "data" / "example_zjk_2024_package.json"


def section(lines: list[str], start: str, end: str) -> list[str]:
    i = next(n for n, l in enumerate(lines) if l.strip() == start and n > 40)
    j = next(n for n, l in enumerate(lines) if l.strip() == end and n > i)
    return [l.strip() for l in lines[i + 1:j] if l.strip()]


def projects(lines: list[str]) -> list[dict]:
    out = []
    starts = [n for n, l in enumerate(lines) if l.startswith("项目编码\t")]
    for k, n in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else next(i for i, l in enumerate(lines) if l.strip() == "八、政府采购预算情况")
        block = [l.rstrip("\n") for l in lines[n:end] if l.strip()]
        head = block[0].split("\t")
        budget = block[1].split("\t")
        use = block[2].strip()
        plan_cells = {}
        indicators = []
        goal = ""
        i = 3
        while i < len(block):
            cells = [c.strip() for c in block[i].split("\t")]
            if cells[0].startswith("资金支出计"):
                labels = [c.replace(" ", "") for c in cells[1:] if c]
                values = [c.strip() for c in block[i + 1].split("\t")][1:]
                slots = {"3月底": 0, "6月底": 2, "10月底": 4}
                for label, slot in slots.items():
                    value = values[slot] if slot < len(values) else ""
                    plan_cells[label] = value
                i += 2
                continue
            if cells[0].replace(" ", "") == "12月底":
                plan_cells["12月底"] = cells[1]
            elif cells[0] == "绩效目标":
                goal = cells[1]
            elif cells[0] == "一级指标" or not any(cells):
                pass
            else:
                cells = [c for c in block[i].split("\t")]
                if len(cells) >= 6:
                    level1 = cells[0].strip()
                    indicators.append({"一级指标": level1 or (indicators[-1]["一级指标"] if indicators else ""),
                                       "二级指标": cells[1].strip(), "三级指标": cells[2].strip(),
                                       "绩效指标描述": cells[3].strip(), "指标值": cells[4].strip(),
                                       "指标值确定依据": cells[5].strip()})
            i += 1
        # A row that lost its leading tab in the text extraction ("成本指标\t开展备案审查成本…").
        for ind in indicators:
            if ind["一级指标"] in ("成本指标",):
                ind["一级指标"], ind["二级指标"], ind["三级指标"], ind["绩效指标描述"], ind["指标值"], ind["指标值确定依据"] = (
                    "产出指标", "成本指标", ind["二级指标"], ind["三级指标"], ind["绩效指标描述"], ind["指标值"])
        out.append({"项目编码": head[1], "项目名称": head[4], "预算数": budget[2], "财政资金": budget[4],
                    "其他资金": budget[6] if len(budget) > 6 else "", "资金用途": use,
                    "资金支出计划": {k: plan_cells.get(k, "") for k in ("3月底", "6月底", "10月底", "12月底")},
                    "绩效目标": goal, "绩效指标": indicators})
    return out


def main(seed: Path) -> None:
    lines = seed.read_text("utf-8").splitlines()
    duty = section(lines, "一、部门职责及机构设置情况", "机构设置：")
    org_i = next(n for n, l in enumerate(lines) if l.startswith("单位名称\t单位性质"))
    org = [dict(zip(["单位名称", "单位性质", "单位规格", "经费保障形式"], lines[org_i + 1].split("\t")))]
    goals = section(lines, "五、部门整体绩效目标", "六、部门主管专项资金预算安排情况及绩效目标")
    special = section(lines, "六、部门主管专项资金预算安排情况及绩效目标", "七、部门项目预算安排情况及绩效目标")
    procurement = []
    for l in lines:
        cells = l.split("\t")
        if len(cells) > 8 and re.match(r"C\d{8}", cells[3] or ""):
            procurement.append(dict(zip(["项目名称", "预算资金", "采购物品名称", "政府采购目录序号", "计量单位", "数量", "单价",
                                         "合计", "一般公共预算拨款", "基金预算拨款", "国有资本经营预算拨款", "财政专户核拨",
                                         "单位资金", "上年结转结余", "预留中小微企业份额"], cells + [""] * 15)))
    note_i = next(n for n, l in enumerate(lines) if l.startswith("注：同一采购目录序号"))
    assets = {}
    for l in lines:
        cells = l.split("\t")
        if cells[0].strip() in ("1、房屋（平方米）", "其中：办公用房（平方米）", "2、车辆（台、辆）", "3、单价在 20 万元以上的设备",
                                "4、其他固定资产"):
            assets[cells[0].strip().replace(" ", "")] = {"数量": cells[1].strip(), "价值": cells[2].strip()}
    as_of = next(l.split("：")[1].strip() for l in lines if l.startswith("截止时间"))
    planned = re.search(r"本年度拟购置固定资产总额为([\d.]+)万元", "\n".join(lines)).group(1)
    glossary = []
    for l in section(lines, "十、名词解释", "十一、其他需要说明的事项"):
        term, _, text = re.sub(r"^[-\d、 ]*", "", l).partition("：")
        glossary.append({"名词": term.strip("* "), "解释": text.strip("* ")})
    other = section(lines, "十一、其他需要说明的事项", "\u0000") if False else [lines[-1].strip()]
    text = "\n".join(lines)
    reasons = re.search(r"基本支出减少[\d.]+万元，主要为(.+?)。项目支出减少[\d.]+万元，主要为(.+?)。", text)
    package = {
        "source": f"{seed.name} (张家口市人民代表大会常务委员会办公室 2024 年部门预算信息公开)",
        "部门职责": duty,
        "机构设置": org,
        "上年预算": {"年度": 2023, "基本支出": "2350.13", "项目支出": "606.49",
                   "三公经费": {"因公出国（境）费": "0.00", "公务用车购置费": "0.00", "公务用车运行维护费": "53.43",
                             "公务接待费": "3.11"}},
        "上年预算说明": "上年数由本年数和情况说明所列增减额推得：基本支出 2145.22+204.91，项目支出 459.57+146.92；"
                    "情况说明的“减少351.84万元”与这两项之和 351.83 相差 0.01，生成的文字按两项之和。",
        "增减原因": {"基本支出": reasons.group(1), "项目支出": reasons.group(2), "三公经费": ""},
        "机关运行经费用途": "日常维修、办公用房水电费、办公用房取暖费、办公用房物业管理费等日常运行支出",
        "整体绩效目标": goals,
        "专项资金": special,
        "项目绩效目标": projects(lines),
        "政府采购": procurement,
        "政府采购说明": lines[note_i].strip(),
        "国有资产": {"截止时间": as_of, "项目": assets, "本年度拟购置固定资产总额": planned},
        "名词解释": glossary,
        "其他需要说明的事项": other,
    }
    OUT.write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(package['项目绩效目标'])} projects, {len(procurement)} procurement rows, "
          f"{len(glossary)} glossary terms")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/seed/000_45a79a30fb7ab4bf.txt"))
