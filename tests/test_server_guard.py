"""The request guard in front of xlwings Server, on its own (an ASGI app that fails or takes its
time as told): concurrency answered "服务繁忙" at once, a failure answered in Chinese with a request
id while the traceback goes to the log, English error answers replaced, bodies bounded as they
arrive. The same guard is tested in the running server by tests/test_server.py."""

from __future__ import annotations

import asyncio
import json
import logging

from budget_disclosure.xl.server_guard import Limits, RequestGuard, book_problem, contained, unsafe_path

LIMITS = Limits(max_body=1000, max_cells=100, max_scripts=1)
BOOK = json.dumps({"version": "1", "book": {"name": "b"}, "sheets": [{"name": "s", "values": [[1, 2]]}]}).encode()


def _scope(path="/xlwings/custom-scripts-call/bd_check", length: int | None = None):
    headers = [(b"content-length", str(length).encode())] if length is not None else []
    return {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "headers": headers}


async def _call(guard, scope, chunks=(BOOK,)):
    sent, queue = [], list(chunks)

    async def receive():
        if queue:
            chunk = queue.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(queue)}
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    await guard(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


def run(coroutine):
    return asyncio.run(coroutine)


def test_a_failing_script_is_answered_in_chinese_and_logged_with_its_traceback(caplog):
    async def failing(scope, receive, send):
        await receive()
        raise KeyError("version")

    with caplog.at_level(logging.ERROR, "budget_disclosure.server"):
        status, body = run(_call(RequestGuard(failing, LIMITS), _scope()))
    answer = json.loads(body)
    assert status == 500 and "服务器处理出错" in answer["detail"] and answer["request_id"] in answer["detail"]
    assert "KeyError" not in answer["detail"] and "version" not in answer["detail"]
    logged = [r for r in caplog.records if answer["request_id"] in r.getMessage()]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is KeyError  # the traceback, in the log only


def test_an_english_error_answer_is_replaced(caplog):
    async def english(scope, receive, send):
        await receive()
        body = b'{"detail": "Custom script \'x\' doesn\'t exist. TypeError(pop expected at most 1 argument)"}'
        await send({"type": "http.response.start", "status": 400, "headers": []})
        await send({"type": "http.response.body", "body": body})

    with caplog.at_level(logging.WARNING, "budget_disclosure.server"):
        status, body = run(_call(RequestGuard(english, LIMITS), _scope()))
    assert status == 400 and "TypeError" not in body.decode() and "请求格式不正确" in json.loads(body)["detail"]
    assert any("TypeError" in r.getMessage() for r in caplog.records)  # the original, for the administrator


def test_scripts_beyond_the_limit_are_told_the_server_is_busy():
    started = asyncio.Event()

    async def slow(scope, receive, send):
        await receive()
        started.set()
        await asyncio.sleep(0.2)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def both():
        guard = RequestGuard(slow, LIMITS)
        first = asyncio.create_task(_call(guard, _scope()))
        await started.wait()
        second = await _call(guard, _scope())
        return await first, second

    (first, _), (status, body) = run(both())
    assert first == 200 and status == 503 and "服务繁忙，请稍后再试" in json.loads(body)["detail"]


def test_bodies_are_bounded_with_or_without_a_length():
    async def app(scope, receive, send):  # pragma: no cover - never reached
        raise AssertionError("the app must not see an oversized body")

    status, _ = run(_call(RequestGuard(app, LIMITS), _scope(length=10_000)))
    assert status == 413
    status, body = run(_call(RequestGuard(app, LIMITS), _scope(), chunks=[b"[" + b" " * 600, b" " * 600 + b"]"]))
    assert status == 413 and "请求过大" in json.loads(body)["detail"]
    status, _ = run(_call(RequestGuard(app, LIMITS), _scope("/static/x"), chunks=[b" " * 1200]))
    assert status == 413  # every route, not only the scripts


def test_requests_claiming_more_cells_than_allowed_never_reach_xlwings():
    claim = {"version": "1", "book": {"name": "b"}, "sheets": [{"name": "s", "values": [["a"]],
                                                              "used_range_address": "A1:J11"}]}
    assert book_problem(json.dumps(claim).encode(), LIMITS)[0] == 413  # 110 cells > 100
    claim["sheets"][0]["used_range_address"] = "A1:J10"
    assert book_problem(json.dumps(claim).encode(), LIMITS) is None
    assert book_problem(b"[" * 13 + b"]" * 13, LIMITS)[0] == 400  # deeper than any book
    assert book_problem(b'{"s": "[[[[[[[[[[[[[[[[[[[["}', LIMITS)[0] == 400  # brackets in strings do not count …
    assert "嵌套" not in book_problem(b'{"s": "[[[[[[[[[[[[[[[[[[[["}', LIMITS)[1]  # … it is refused as no book


def test_paths_are_contained(tmp_path):
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "a.js").write_text("x")
    (tmp_path / ".env").write_text("secret")
    (static / "out").symlink_to(tmp_path)
    assert contained(static, "js/a.js") == (static / "js" / "a.js").resolve()
    for attempt in ("../.env", "js/../../.env", "out/.env", "/etc/passwd", "..\\.env", "C:/Windows/win.ini",
                    "%2e%2e/.env", "js/%252e%252e/%252e%252e/.env"):
        assert contained(static, attempt) is None, attempt
    assert unsafe_path("/static/%2e%2e/x") and unsafe_path("/a/..%2fb") and not unsafe_path("/static/js/ribbon.js")


def test_any_route_s_failure_is_answered_in_chinese_not_with_the_exception_text():
    """A download or static route that fails (xlwings-server answers repr(exception) in its dev setting)."""
    async def dev_error(scope, receive, send):
        await send({"type": "http.response.start", "status": 500, "headers": []})
        await send({"type": "http.response.body", "body": b"FileNotFoundError('/srv/project/.bd-downloads/x.zip')"})

    status, body = run(_call(RequestGuard(dev_error, LIMITS), _scope("/downloads/abc"), chunks=[b""]))
    assert status == 500 and "服务器处理出错" in json.loads(body)["detail"] and b".bd-downloads" not in body


def test_a_guard_that_cannot_be_installed_stops_the_server_rather_than_run_without_it():
    """SystemExit, which xlwings-server's `except Exception` round routers/custom.py does not swallow."""
    import pytest

    from budget_disclosure.xl.server_guard import install

    with pytest.raises(SystemExit) as stopped:
        install()  # no xlwings_server.main being imported here
    assert not isinstance(stopped.value, Exception) and "未启动" in str(stopped.value)


def test_limits_are_read_from_the_project_s_env_file(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text('BD_MAX_SCRIPTS=5\nBD_MAX_CELLS="1234"\n', "utf-8")
    monkeypatch.setenv("XLWINGS_PROJECT_DIR", str(tmp_path))
    monkeypatch.delenv("BD_MAX_SCRIPTS", raising=False)
    monkeypatch.delenv("BD_MAX_CELLS", raising=False)
    monkeypatch.setenv("BD_MAX_BODY_MB", "3")  # the environment comes first
    limits = Limits.from_env()
    assert (limits.max_scripts, limits.max_cells, limits.max_body) == (5, 1234, 3 << 20)
    assert Limits.defaults().max_scripts == 2
