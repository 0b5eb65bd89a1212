"""Atomic writes: write beside the target, flush it to disk, then replace the target in one step;
the same for a whole folder (an export). A run killed half-way leaves only a temporary file named
``.~bd-<pid>-…``; the next write into that folder removes those of processes no longer running."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

PREFIX = ".~bd-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(folder: Path) -> None:
    """Temporary files and folders left by killed runs (their process is gone)."""
    try:
        entries = list(Path(folder).glob(f"{PREFIX}*"))
    except OSError:
        return
    for entry in entries:
        try:
            pid = int(entry.name[len(PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file in the target's folder, then move it into place.

    If ``write`` fails, the target is untouched and the temporary file is removed.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    remove_stale(folder)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{PREFIX}{os.getpid()}-", suffix=target.suffix, dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, os.stat(target).st_mode & 0o777 if target.exists() else 0o644)
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync(folder)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_folder_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_dir)`` on a temporary folder beside ``target``, then put it in its place
    (an existing folder of that name is replaced only once the new one is complete)."""
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    remove_stale(parent)
    tmp = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
    old = None
    try:
        write(tmp)
        for path in tmp.iterdir():
            _fsync(path)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-old-", dir=parent))
            os.rmdir(old)
            os.replace(target, old)
        os.replace(tmp, target)
        _fsync(parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not target.exists():
            os.replace(old, target)  # put the previous package back
            old = None
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
