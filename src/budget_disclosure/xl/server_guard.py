"""What stands between the network and xlwings Server: static files kept in their folders, every
request bounded, every failure answered in Chinese without internals.

Installed by the project's ``routers/custom.py`` (which ``server init`` writes and xlwings-server
imports however it is started — ``budget-disclosure server run``, uvicorn or gunicorn on
``xlwings_server.main:main_app``), before xlwings-server mounts its static files:

- **Static files contained.** xlwings-server 1.20.0's ``OverridableStaticFiles.lookup_path`` joins
  the project's ``static/`` folder with the raw request path and serves whatever file that names
  (``/static/../.env``, ``/static/%2e%2e/../../etc/passwd``), without Starlette's containment
  check. ``contained_lookup`` replaces it: the path is resolved (symlinks included) and must stay
  inside the folder. The request guard refuses, before any route, a path with a ``..`` segment, a
  backslash, a NUL, or an encoded slash — for every route, ours included. ``install`` then probes
  the patched class and refuses to start the server if ``../.env`` can still be looked up (an
  upgrade of xlwings-server that renamed the class cannot silently reopen it).
- **Requests bounded.** A body larger than ``BD_MAX_BODY_MB`` (default: what Excel on the web can
  send, with room) is refused with 413 from its Content-Length, before it is read; a body sent
  without one is counted as it arrives and cut off at the limit. A script request whose JSON nests
  deeper than any workbook does, or whose sheets claim more cells (``used_range_address``) than
  ``BD_MAX_CELLS``, is refused with 413/400 before xlwings builds a book from it. At most
  ``BD_MAX_SCRIPTS`` scripts run at once per server process; the next is answered
  “服务繁忙，请稍后再试” (503) at once rather than queued without bound.
- **Errors without internals.** Any failure of a script or function call, and any 4xx/5xx answer
  of those routes, reaches the client as ``{"detail": "<中文说明>（请求编号 …）"}``; the exception,
  its traceback and the original answer go to the server log under the same request id.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import anyio

log = logging.getLogger("budget_disclosure.server")

_SCRIPT_ROUTES = ("/xlwings/custom-scripts-call/", "/xlwings/custom-functions-call")
_ADDRESS = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?$")
MAX_DEPTH = 12  # a book's JSON nests 5–7 deep (book › sheets › sheet › values › row › cell)


@dataclass(frozen=True)
class Limits:
    max_body: int
    max_cells: int
    max_scripts: int

    @classmethod
    def defaults(cls) -> "Limits":
        from budget_disclosure.xl.macros import DETAIL_LINE_BYTES, PACKAGE_BYTES, WEB_MAX_DETAIL_ROWS

        # Excel on the web sends at most ~5 MB; the largest request we accept is that with a margin
        body = int((PACKAGE_BYTES + WEB_MAX_DETAIL_ROWS * DETAIL_LINE_BYTES) * 1.5)
        # cells: the 预算明细 at its web limit (14 columns) and the package's sheets, twice over
        return cls(body, 2 * (WEB_MAX_DETAIL_ROWS * 14 + 200_000), 2)

    @classmethod
    def from_env(cls) -> "Limits":
        """The defaults, as the environment or the project's .env sets them (BD_MAX_BODY_MB, BD_MAX_CELLS,
        BD_MAX_SCRIPTS)."""
        base = cls.defaults()
        return cls(_number("BD_MAX_BODY_MB", base.max_body, 1 << 20),
                   _number("BD_MAX_CELLS", base.max_cells, 1), _number("BD_MAX_SCRIPTS", base.max_scripts, 1))


def setting(name: str) -> str:
    """A BD_ setting: the environment's, else the project's .env (xlwings-server reads only its own
    XLWINGS_ settings from there)."""
    value = os.environ.get(name)
    if value is None:
        from dotenv import dotenv_values

        env = Path(os.environ.get("XLWINGS_PROJECT_DIR") or ".") / ".env"
        value = dotenv_values(env).get(name) if env.is_file() else None
    return (value or "").strip()


def _number(name: str, default: int, scale: int) -> int:
    text = setting(name)
    try:
        value = float(text) * scale if text else default
    except ValueError:
        log.warning("%s=%r 不是数字，使用默认值 %s", name, text, default)
        value = default
    return max(1, int(value))


# -- static files ---------------------------------------------------------------------------------
def unsafe_path(path: str) -> bool:
    """A request path that tries to leave its folder: a ``..`` segment (also percent-encoded, once or
    twice), a backslash, a NUL, an encoded slash."""
    for candidate in {path, unquote(path), unquote(unquote(path))}:
        if "\\" in candidate or "\x00" in candidate:
            return True
        if any(part == ".." for part in candidate.split("/")):
            return True
    return "%2f" in path.lower() or "%5c" in path.lower()


def contained(folder: Path, relative: str) -> Path | None:
    """``folder/relative`` when it is a file inside ``folder`` once every link is resolved, else None."""
    if unsafe_path(relative) or os.path.isabs(relative) or re.match(r"^[A-Za-z]:", relative):
        return None
    try:
        root = Path(folder).resolve(strict=True)
        target = (root / relative).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if target != root and root not in target.parents:
        return None
    return target if target.is_file() else None


def contained_lookup(self, path: str):
    """``OverridableStaticFiles.lookup_path``, contained: the project's file if it lies inside the
    project's static folder, else Starlette's own lookup in the package folder (which checks)."""
    from starlette.staticfiles import StaticFiles

    found = contained(self.user_dir, path)
    if found is not None:
        return str(found), os.stat(found)
    return StaticFiles.lookup_path(self, path)


def _patch_static(main_module) -> None:
    cls = getattr(main_module, "OverridableStaticFiles", None)
    if cls is None:
        raise RuntimeError("xlwings-server 已不再提供 OverridableStaticFiles：无法确认静态文件是否受限，拒绝启动"
                           "（请使用 pyproject 中固定的 xlwings-server 版本）")
    cls.lookup_path = contained_lookup
    # the lookup as the server will call it, on paths that leave the folder: it must find nothing
    probe = cls.__new__(cls)
    probe.user_dir = Path(os.environ.get("XLWINGS_PROJECT_DIR") or ".") / "static"
    probe.directory, probe.all_directories, probe.follow_symlink = None, [], False
    for attempt in ("../.env", "..%2f.env", "/etc/passwd", "../../../../../../etc/passwd"):
        if cls.lookup_path(probe, attempt)[1] is not None:
            raise RuntimeError("静态文件路径检查失败：拒绝启动")


# -- requests -------------------------------------------------------------------------------------
def _depth_ok(text: bytes) -> bool:
    """Nesting of a JSON text at most MAX_DEPTH (counted on brackets outside strings), without parsing it."""
    depth, in_string, escaped = 0, False, False
    for byte in text:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def _claimed_cells(address: object) -> int:
    if not isinstance(address, str) or not address:
        return 0
    m = _ADDRESS.match(address.split("!")[-1])
    if m is None:
        raise ValueError(address)
    from budget_disclosure.engine.issues import column_number

    first_col, first_row = column_number(m.group(1)), int(m.group(2))
    last_col, last_row = (column_number(m.group(3)), int(m.group(4))) if m.group(3) else (first_col, first_row)
    return (abs(last_row - first_row) + 1) * (abs(last_col - first_col) + 1)


def book_problem(body: bytes, limits: Limits) -> tuple[int, str] | None:
    """(status, Chinese message) for a script request that must not reach xlwings, else None."""
    if not body.strip():
        return 400, "请求中没有工作簿数据"
    if not _depth_ok(body):
        return 400, "请求格式不正确（嵌套过深）"
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return 400, "请求格式不正确（不是有效的 JSON）"
    if not isinstance(data, dict):
        return 400, "请求格式不正确（应为对象）"
    if "args" in data and not isinstance(data["args"], list):
        return 400, "请求格式不正确（args 应为数组）"
    if "func_name" in data:  # a custom function call: no book
        return None
    book, sheets = data.get("book"), data.get("sheets")
    if not isinstance(book, dict) or not isinstance(sheets, list) or "version" not in data:
        return 400, "请求格式不正确（缺少工作簿信息）：请在 Excel 中通过“预算公开”选项卡操作"
    cells = 0
    for sheet in sheets:
        if not isinstance(sheet, dict) or not isinstance(sheet.get("name"), str):
            return 400, "请求格式不正确（工作表信息不完整）"
        values = sheet.get("values", [])
        if not isinstance(values, list) or any(not isinstance(row, list) for row in values):
            return 400, f"请求格式不正确（工作表“{sheet['name'][:31]}”的数据应为二维数组）"
        try:
            claimed = _claimed_cells(sheet.get("used_range_address"))
        except ValueError:
            return 400, f"请求格式不正确（工作表“{sheet['name'][:31]}”的区域地址无法识别）"
        cells += max(claimed, sum(len(row) for row in values))
    if cells > limits.max_cells:
        return 413, (f"工作簿过大：请求共 {cells:,} 个单元格，超过服务允许的 {limits.max_cells:,} 个。"
                     "请改用桌面版 Excel 的“预算公开”加载项或命令行 budget-disclosure")
    return None


def _answer(status: int, message: str, request_id: str) -> tuple[dict, bytes]:
    body = json.dumps({"detail": f"{message}（请求编号 {request_id}）", "request_id": request_id},
                      ensure_ascii=False).encode("utf-8")
    start = {"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"application/json; charset=utf-8"),
                         (b"content-length", str(len(body)).encode()), (b"x-request-id", request_id.encode())]}
    return start, body


async def _send_answer(send, status: int, message: str, request_id: str) -> None:
    start, body = _answer(status, message, request_id)
    await send(start)
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class _Failed(Exception):
    """The app answered 5xx: the answer is replaced by ours."""


_GENERIC = {400: "请求格式不正确：请在 Excel 中通过“预算公开”选项卡操作",
            401: "未登录或登录已过期：请重新登录后再试",
            403: "没有权限执行此操作",
            404: "找不到请求的功能",
            413: "请求过大",
            500: "服务器处理出错：请稍后重试；如仍出错，请把请求编号告诉管理员"}


class RequestGuard:
    """Pure ASGI middleware: paths, sizes, concurrency and error answers (see the module's text)."""

    def __init__(self, app, limits: Limits | None = None):
        self.app = app
        self.limits = limits or Limits.from_env()
        self.running = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request_id = secrets.token_hex(6)
        raw = scope.get("raw_path") or b""
        path = scope.get("path", "")
        if unsafe_path(path) or unsafe_path(raw.decode("latin-1")):
            log.warning("[%s] 拒绝越出目录的路径：%r", request_id, raw or path)
            return await _send_answer(send, 404, "找不到该文件", request_id)
        length = _content_length(scope)
        if length is not None and length > self.limits.max_body:
            log.warning("[%s] 拒绝过大的请求：%s 字节", request_id, length)
            return await _send_answer(send, 413, _too_large(self.limits), request_id)
        if not any(route in path for route in _SCRIPT_ROUTES):
            return await self._other(scope, receive, send, request_id)
        if self.running >= self.limits.max_scripts:
            return await _send_answer(send, 503, "服务繁忙，请稍后再试", request_id)
        self.running += 1
        try:
            await self._script(scope, receive, send, request_id)
        finally:
            self.running -= 1

    async def _other(self, scope, receive, send, request_id: str) -> None:
        """Any other route (static files, downloads, the manifest): its body bounded before the app sees
        it (a GET's is empty), and a failure answered in Chinese — never the exception text a dev
        setting shows."""
        try:
            body = await _read_body(receive, self.limits.max_body)
        except _TooLarge:
            return await _send_answer(send, 413, _too_large(self.limits), request_id)
        started = False

        async def watched(message):
            nonlocal started
            if message["type"] == "http.response.start" and message["status"] >= 500:
                raise _Failed(message["status"])  # its body (an exception's text) is not passed on
            started = started or message["type"] == "http.response.start"
            return await send(message)

        try:
            await self.app(scope, _replay(body, receive), watched)
        except Exception:  # noqa: BLE001 - every failure answered in Chinese; the traceback to the log
            log.exception("[%s] %s 出错", request_id, scope.get("path"))
            if not started:
                await _send_answer(send, 500, _GENERIC[500], request_id)

    async def _script(self, scope, receive, send, request_id: str) -> None:
        name = scope.get("path", "").rsplit("/custom-scripts-call/", 1)
        if len(name) == 2 and not _is_script(name[1]):
            return await _send_answer(send, 404, "找不到请求的功能（没有这个脚本）", request_id)
        try:
            body = await _read_body(receive, self.limits.max_body)
        except _TooLarge:
            return await _send_answer(send, 413, _too_large(self.limits), request_id)
        # parsed off the event loop: a request of several MB must not hold the other requests up
        if scope.get("method") == "POST" and \
                (problem := await anyio.to_thread.run_sync(book_problem, body, self.limits)) is not None:
            log.warning("[%s] 拒绝请求 %s：%s", request_id, scope.get("path"), problem[1])
            return await _send_answer(send, *problem, request_id)
        state = {"started": False, "status": 0, "held": None, "chunks": []}

        async def watched(message):
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                if message["status"] >= 400:
                    state["held"] = message  # replaced by our answer once its body is known
                    return
                state["started"] = True
                return await send(message)
            if state["held"] is not None:
                state["chunks"].append(message.get("body", b""))
                if not message.get("more_body"):
                    original = b"".join(state["chunks"]).decode("utf-8", "replace")
                    log.warning("[%s] %s 答复 %s：%s", request_id, scope.get("path"), state["status"], original[:2000])
                    state["started"] = True
                    status = state["status"]
                    await _send_answer(send, status, _message(status, original), request_id)
                return
            return await send(message)

        try:
            await self.app(scope, _replay(body, receive), watched)
        except Exception:  # noqa: BLE001 - every failure answered in Chinese; the traceback to the log
            log.exception("[%s] %s 出错", request_id, scope.get("path"))
            if not state["started"]:
                await _send_answer(send, 500, _GENERIC[500], request_id)


def _is_script(name: str) -> bool:
    """A script of the project (xlwings' @script marks it), as xlwings-server looks it up."""
    import sys

    scripts = sys.modules.get("custom_scripts") or sys.modules.get("xlwings_server.custom_scripts")
    if scripts is None:
        return True  # not loaded yet: xlwings answers for itself, through the error handling above
    return getattr(getattr(scripts, name, None), "__xlscript__", None) is not None


def _message(status: int, original: str) -> str:
    """Our own Chinese message for an error answer; a message that is ours already (a Chinese
    ``detail`` from our routes) is kept, never an English exception text."""
    try:
        detail = json.loads(original).get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, str) and re.search(r"[\u4e00-\u9fff]", detail) and "Error" not in detail \
            and "Traceback" not in detail:
        return detail
    return _GENERIC.get(status, _GENERIC[500] if status >= 500 else _GENERIC[400])


def _too_large(limits: Limits) -> str:
    return (f"请求过大（超过 {limits.max_body / (1 << 20):.1f} MB）：请改用桌面版 Excel 的“预算公开”加载项或"
            "命令行 budget-disclosure")


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _read_body(receive, limit: int) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive):
    """receive() that gives the body read (bounded) once, then waits on the client as before."""
    given = False

    async def replay():
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


# -- installation ---------------------------------------------------------------------------------
def install(limits: Limits | None = None) -> None:
    """Into the running xlwings-server (from the project's routers/custom.py, while xlwings_server.main
    is being imported): the contained static lookup and the request guard."""
    import sys

    main = sys.modules.get("xlwings_server.main")
    try:
        if main is None or not hasattr(main, "app"):
            raise RuntimeError("server_guard.install() 应在 xlwings-server 启动时由 routers/custom.py 调用")
        _patch_static(main)
    except RuntimeError as exc:
        # SystemExit, not an Exception: xlwings-server imports routers/custom.py inside `except Exception`
        # and would start without the guard (under uvicorn or gunicorn too)
        log.critical("%s", exc)
        raise SystemExit(f"预算公开服务未启动：{exc}") from exc
    if not any(m.cls is RequestGuard for m in main.app.user_middleware):
        main.app.add_middleware(RequestGuard, limits=limits)
    main.app.state.bd_guard = True


def installed() -> bool:
    """Whether the running server has the guard (``server run`` checks before serving)."""
    import sys

    main = sys.modules.get("xlwings_server.main")
    return bool(main is not None and getattr(main.app.state, "bd_guard", False)
                and main.OverridableStaticFiles.lookup_path is contained_lookup)
