"""Downloads of exported packages on xlwings Server: 导出公开包 in Excel on the web cannot write
beside the workbook, so the server keeps the zipped package for a while under an unguessable
link, which the ribbon opens in the browser. Links expire (``macros.DOWNLOAD_MINUTES``); expired
files are removed on the next export or download. The project's ``routers/custom.py`` mounts
``router()``."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from budget_disclosure.xl.macros import DOWNLOAD_MINUTES

ROUTE = "/budget-disclosure/download"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


_PRIVATE: Path | None = None  # outside a project: one private folder per process


def folder() -> Path:
    """Where the packages wait, readable by the server's user only: BD_DOWNLOAD_DIR, else the
    project's own ``.bd-downloads`` (shared by the server's workers, so a link works whichever
    answers), else — outside a server — a private temporary folder of this process. Never a
    predictable folder in the system's temporary directory."""
    global _PRIVATE
    from budget_disclosure.xl.server_guard import setting

    chosen = setting("BD_DOWNLOAD_DIR")  # the environment's, else the project's .env
    project = os.environ.get("XLWINGS_PROJECT_DIR")
    if chosen or project:
        path = Path(chosen) if chosen else Path(project) / ".bd-downloads"
        if not path.is_dir():
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(path, 0o700)
        return path
    if _PRIVATE is None or not _PRIVATE.is_dir():
        _PRIVATE = Path(tempfile.mkdtemp(prefix="budget-disclosure-downloads-"))  # 0700
    return _PRIVATE


def _sweep(now: float | None = None) -> None:
    limit = (now or time.time()) - DOWNLOAD_MINUTES * 60
    for entry in folder().iterdir():
        if entry.is_dir() and entry.stat().st_mtime < limit:
            shutil.rmtree(entry, ignore_errors=True)


def _app_path() -> str:
    try:
        from xlwings_server.config import settings
    except Exception:  # noqa: BLE001 - outside a server (tests of the macro): links from the root
        return ""
    return settings.app_path or ""


def publish(archive: Path, name: str) -> str:
    """Keep ``archive`` for download as ``name``; returns the link's path (the ribbon prefixes
    the server's origin)."""
    _sweep()
    token = secrets.token_urlsafe(24)  # 32 characters
    target = folder() / token
    target.mkdir(mode=0o700)
    shutil.copy(archive, target / name)
    return f"{_app_path()}{ROUTE}/{token}"


def stored(token: str) -> Path | None:
    """The package behind a link, or None (unknown, malformed or expired)."""
    if not _TOKEN.fullmatch(token):
        return None
    _sweep()
    entry = folder() / token
    files = sorted(entry.glob("*.zip")) if entry.is_dir() else []
    return files[0] if files else None


def router():
    """The FastAPI router of the download links, under the server's app path."""
    from fastapi import APIRouter, HTTPException
    from fastapi.responses import FileResponse

    api = APIRouter(prefix=_app_path())

    @api.get(ROUTE + "/{token}")
    async def download(token: str):
        path = stored(token)
        if path is None:
            raise HTTPException(status_code=404,
                                detail=f"下载链接无效或已过期（{DOWNLOAD_MINUTES} 分钟内有效）：请在 Excel 中重新导出公开包")
        return FileResponse(path, filename=path.name, media_type="application/zip")

    return api
