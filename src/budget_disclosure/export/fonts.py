"""Find a CJK font that a PDF can embed (TrueType outlines; reportlab cannot embed CFF/OTF CJK)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class FontError(Exception):
    pass


@dataclass(frozen=True)
class CJKFont:
    path: Path
    subfont: int
    name: str


# 宋体 first (what official documents use), then Debian's TrueType CJK fonts.
CANDIDATES = (
    (Path("C:/Windows/Fonts/simsun.ttc"), 0, "SimSun"),
    (Path("/Library/Fonts/Songti.ttc"), 0, "Songti"),
    (Path("/System/Library/Fonts/Supplemental/Songti.ttc"), 0, "Songti"),
    (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0, "ARPLUMing"),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0, "WenQuanYiZenHei"),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0, "WenQuanYiMicroHei"),
)
HEADING_CANDIDATES = ((Path("C:/Windows/Fonts/simhei.ttf"), 0, "SimHei"),
                      (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0, "WenQuanYiZenHei"))


def _first(candidates) -> CJKFont | None:
    for path, subfont, name in candidates:
        if path.exists():
            return CJKFont(path, subfont, name)
    return None


def find_body_font() -> CJKFont:
    override = os.environ.get("BD_CJK_FONT")
    if override:
        path = Path(override)
        if not path.exists():
            raise FontError(f"BD_CJK_FONT 指定的字体不存在：{path}")
        return CJKFont(path, 0, "UserCJK")
    font = _first(CANDIDATES)
    if font is None:
        raise FontError("找不到可嵌入 PDF 的中文字体（宋体 simsun.ttc 或 TrueType 中文字体）。Debian/Ubuntu："
                        "sudo apt-get install fonts-arphic-uming fonts-wqy-zenhei；或设置环境变量 BD_CJK_FONT=字体文件路径")
    return font


def find_heading_font(body: CJKFont) -> CJKFont:
    return _first(HEADING_CANDIDATES) or body
