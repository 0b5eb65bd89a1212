"""Which files a folder given to ``check`` stands for, and every entry passed over, with the reason.

A reviewer points the batch at a crawled portal or a shared drive: links, lock files, pipes and
loops are there too. Nothing is skipped in silence: each entry that looks like a package (by its
suffix) but is not checked is listed with why, and so is a link that leads nowhere; files of other
kinds are passed over.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Found:
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (entry, why, in Chinese)


def _why_not(path: Path, name: str) -> str | None:
    """Why a candidate by its suffix is not checked, or None when it is a package to check."""
    if name.startswith("~$"):
        return "Excel 的锁定文件（工作簿正在打开）"
    if ".校验." in name:
        return "校验标记副本（由 check --flag 写出）"
    if name.startswith("."):
        return "隐藏文件或临时文件"
    try:
        mode = os.stat(path).st_mode  # follows a link: a link to a workbook is that workbook
    except FileNotFoundError:
        return "链接指向的文件不存在"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "符号链接循环"
        return f"无法访问（{exc.strerror or exc}）"
    if stat.S_ISDIR(mode):
        return "是文件夹"
    if not stat.S_ISREG(mode):
        return "不是普通文件（管道、设备或套接字）"
    return None


def find(names: list[str], suffixes: tuple[str, ...]) -> Found:
    """Files as given; a folder stands for every file with one of ``suffixes`` below it (folder links
    followed once: a loop is listed, not walked forever)."""
    found = Found()
    for name in names:
        path = Path(name)
        if not path.is_dir():
            found.files.append(path)  # a file named on the command line is the user's choice: opened and judged
            continue
        _walk(path, suffixes, found, set())
    return found


def _walk(folder: Path, suffixes: tuple[str, ...], found: Found, seen: set[tuple[int, int]]) -> None:
    try:
        info = os.stat(folder)
    except OSError as exc:
        found.skipped.append((folder, f"文件夹无法访问（{exc.strerror or exc}）"))
        return
    if (info.st_dev, info.st_ino) in seen:
        found.skipped.append((folder, "文件夹链接循环（已读过这个文件夹）"))
        return
    seen.add((info.st_dev, info.st_ino))
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        found.skipped.append((folder, f"文件夹无法读取（{exc.strerror or exc}）"))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()  # follows links
        except OSError:
            is_dir = False
        if is_dir:
            if not entry.name.startswith("."):
                _walk(path, suffixes, found, seen)
            continue
        if not entry.name.lower().endswith(suffixes):
            if entry.is_symlink() and not os.path.exists(entry.path):
                found.skipped.append((path, "链接指向的文件不存在"))
            continue  # a file of another kind: not a package
        why = _why_not(path, entry.name)
        if why is None:
            found.files.append(path)
        else:
            found.skipped.append((path, why))
