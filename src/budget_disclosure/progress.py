"""Progress on stderr for steps that can take more than a couple of seconds (fill, checking
several files, export). Shown only on a terminal and never with --quiet, so pipes, files and
tests get clean output. rich draws it; it is imported only when a bar is shown."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator


class _Silent:
    def step(self, text: str = "") -> None:
        pass


class _Bar:
    def __init__(self, progress, task):
        self._progress, self._task = progress, task

    def step(self, text: str = "") -> None:
        self._progress.update(self._task, advance=1, description=text or None)


QUIET = False  # set by the command line's --quiet


def enabled() -> bool:
    return not QUIET and sys.stderr.isatty()


@contextmanager
def steps(total: int, what: str) -> Iterator[_Silent | _Bar]:
    """``with steps(n, "校验") as bar: … bar.step("文件名")`` — n steps of one task."""
    if not enabled() or total < 1:
        yield _Silent()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield _Bar(progress, progress.add_task(what, total=total))


def say(text: str) -> None:
    """A line of normal output (stdout), unless --quiet."""
    if not QUIET:
        print(text)
