"""Atomic writes: write beside the target, flush it to disk, then replace the target in one step;
the same for a whole folder (an export). A run killed half-way leaves only a temporary file named
``.~bd-<pid>-…``; the next write into that folder removes those of processes no longer running.
Folders are created as the user's umask says (mkdtemp's are private)."""

from __future__ import annotations

import functools
import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Callable

PREFIX = ".~bd-"
_OLD = re.compile(r"\.~bd-\d+-old-[0-9a-f]{8}-(.+)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(folder: Path) -> None:
    """Temporary files and folders left by killed runs (their process is gone). A previous package
    set aside by a run killed between its two renames (``.~bd-<pid>-old-<hex>-<name>``, where the
    system has no atomic swap) is put back under its name, not removed."""
    try:
        entries = list(Path(folder).glob(f"{PREFIX}*"))
    except OSError:
        return
    for entry in entries:
        try:
            pid = int(entry.name[len(PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if pid == os.getpid() or _alive(pid):
            continue
        if entry.is_dir() and (set_aside := _OLD.fullmatch(entry.name)):
            home = Path(folder) / set_aside.group(1)
            if not home.exists():
                os.replace(entry, home)
                continue
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


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to learn it is to set it (and put it back at once)
    os.umask(mask)
    return mask


def _as_user_would_create(folder: Path) -> None:
    """mkdtemp makes a private folder (0700); the package is the user's, created as their umask says."""
    os.chmod(folder, 0o777 & ~_umask())


@functools.cache
def _libc():
    """The C library, loaded once per process."""
    import ctypes
    import ctypes.util

    return ctypes.CDLL(ctypes.util.find_library("c") or None)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE, macOS renamex_np RENAME_SWAP);
    False where the system cannot, so the caller falls back to two renames."""
    import sys

    try:
        libc = _libc()
        if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
            at_fdcwd, rename_exchange = -100, 2
            done = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
        elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
            rename_swap = 2
            done = libc.renamex_np(os.fsencode(a), os.fsencode(b), rename_swap)
        else:
            return False
    except (OSError, AttributeError):
        return False
    return done == 0  # EINVAL/ENOSYS (a file system without it): the fallback


def write_folder_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_dir)`` on a temporary folder beside ``target``, then put it in its place.

    At every instant either the previous package or the new one is under ``target``'s name, whole:
    the two folders are swapped in one step where the system can (Linux, macOS); elsewhere the old
    one is renamed aside (marked with the name it belongs to) and the new one renamed in, and a run
    killed between the two renames has the next run put the previous package back first."""
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    remove_stale(parent)
    tmp = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
    old = None
    try:
        _as_user_would_create(tmp)
        write(tmp)
        for path in tmp.iterdir():
            _fsync(path)
        _fsync(tmp)
        if not target.exists():
            os.replace(tmp, target)
        elif target.is_dir() and _exchange(tmp, target):
            old = tmp  # now holds the previous package
        else:
            # named after the folder it belongs to: a run killed before the second rename has the
            # next one put it back (remove_stale)
            old = parent / f"{PREFIX}{os.getpid()}-old-{secrets.token_hex(4)}-{target.name}"
            os.replace(target, old)
            os.replace(tmp, target)
        _fsync(parent)
    except BaseException:
        if old is not tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old is not tmp and not target.exists():
            os.replace(old, target)  # put the previous package back
            old = None
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
