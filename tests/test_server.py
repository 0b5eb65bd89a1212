"""The 预算公开 tab on xlwings Server, tested against the real server: the project that
`budget-disclosure server init` writes, started by `budget-disclosure server run` on loopback
(xlwings-server pinned in the test extras). Each test posts the request Office.js sends for a real
workbook, replays the actions the server returns onto a copy (tests/remote.py) and compares the
result with the CLI's — with and without the notes API (ExcelApi 1.18)."""

from __future__ import annotations

import io
import re
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from budget_disclosure.cli import main
from manifest_schema import manifest_problems
from remote import apply_actions, book_json, fills_json
from test_macros import _broken, snapshot

import xlwings_server  # noqa: E402,F401 - in the test extras; a missing install must fail, not skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(base URL, project folder, download folder) of a running server made by `server init`."""
    root = tmp_path_factory.mktemp("server")
    project, downloads = root / "预算公开服务", root / "downloads"
    assert main(["server", "init", str(project)]) == 0
    port = _free_port()
    env = {**os.environ, "BD_DOWNLOAD_DIR": str(downloads), "XLWINGS_LICENSE_KEY": "noncommercial"}
    process = subprocess.Popen([sys.executable, "-m", "budget_disclosure", "server", "run", str(project),
                                "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/manifest.xml", timeout=2).read()
            break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the server did not start:\n" + process.stdout.read().decode(errors="replace"))
            time.sleep(0.2)
    yield base, project, downloads
    process.terminate()
    process.wait(timeout=20)


def call(base: str, script: str, path: Path, args: list, notes: bool = True, exclude=()) -> list[dict]:
    payload = {**book_json(path, notes_supported=notes, exclude=exclude), "args": args}
    request = urllib.request.Request(f"{base}/xlwings/custom-scripts-call/{script}", json.dumps(payload).encode(),
                                     {"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request, timeout=120).read())["actions"]


def replayed(base, script, src: Path, dst: Path, args: list, notes: bool = True) -> tuple[list[dict], str]:
    actions = call(base, script, src, args, notes)
    assert not apply_actions(src, dst, actions)
    alerts = [a["args"][0] for a in actions if a["func"] == "alert"]
    return actions, alerts[-1] if alerts else ""


@pytest.fixture(scope="module")
def coloured_broken(filled_path, tmp_path_factory) -> tuple[Path, Path]:
    """(a filled package with one wrong amount on a cell the accountant coloured and noted, the CLI's
    `check --in-place` of it): shared by the check variants."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    folder = tmp_path_factory.mktemp("broken")
    src = _broken(filled_path, folder)
    wb = load_workbook(src)  # a flag covers this fill and this note; clear must give both back
    wb["表3 支出总表"]["D9"].fill = PatternFill("solid", fgColor="FFFF00")
    wb["表3 支出总表"]["D9"].comment = Comment(USER_NOTE, "张会计")
    wb.save(src)
    cli = folder / "cli.xlsx"
    shutil.copy(src, cli)
    assert main(["check", str(cli), "--in-place"]) == 1
    return src, cli


USER_NOTE = "会计自己的批注：此数按局党组会议纪要"


def _rows(findings: dict, web: bool = False) -> list[list]:
    """The 校验结果 sheet row by row; for the web's, its words about a kept note taken out (a header
    line, and a remark after the cell's address), as the CLI writes the sheet."""
    from openpyxl.utils.cell import coordinate_from_string

    from budget_disclosure.flagging import KEPT_NOTE

    rows: dict[int, list] = {}
    for address, cell in sorted(findings.items(), key=lambda item: coordinate_from_string(item[0])[::-1]):
        rows.setdefault(coordinate_from_string(address)[1], []).append(cell)
    out = []
    for row in rows.values():
        if web and any(isinstance(v, str) and "原有批注，已原样保留" in v for v, _, _ in row):
            continue
        out.append([(v.replace(KEPT_NOTE, "") if web and isinstance(v, str) else v, f, n) for v, f, n in row])
    return out


def same_package(names: list[str], read, cli: Path) -> None:
    assert sorted(Path(n).name for n in names) == sorted(p.name for p in cli.iterdir())
    for name in ("t6_general_basic_economic.csv", "datapackage.json"):
        assert read(next(n for n in names if Path(n).name == name)) == (cli / name).read_bytes()


def test_the_served_manifest_validates_against_microsofts_schema(server, tmp_path):
    base, project, _ = server
    manifest = urllib.request.urlopen(base + "/manifest.xml").read()
    assert manifest_problems(manifest, tmp_path / "xsd") == []
    functions = [line.split(">")[1].split("<")[0] for line in manifest.decode().splitlines() if "<FunctionName>" in line]
    ribbon = urllib.request.urlopen(base + "/static/js/ribbon.js").read().decode()
    assert all(f'"{f}": "{f.replace("-", "_")}"' in ribbon for f in functions) and len(functions) == 5
    assert "globalThis.getAuth" in ribbon and "Auth-Provider" in ribbon and "__" not in ribbon.split("MAX_FILL")[0]
    # the task pane's English words (its title, the load-failure banner and its buttons) are put in Chinese by
    # ribbon.js, which the page loads: the elements it renames are the ones the served page has
    page = urllib.request.urlopen(base + "/taskpane").read().decode()
    assert "/static/js/ribbon.js" in page and "预算公开" in page
    for element in ("xlwings-office-ready-error", "xlwings-taskpane-reload-btn", "xlwings-taskpane-reload-cancel-btn"):
        assert f'id="{element}"' in page and element in ribbon
    assert "加载项未能正常加载" in ribbon and "重新加载" in ribbon and 'document.title = "预算公开"' in ribbon
    broken = manifest.replace(b'resid="Check.Tooltip"', b'resid="Check.Nothing"')
    assert manifest_problems(broken, tmp_path / "xsd2")  # the validator can fail


def test_fill_over_http_equals_the_cli_fill(server, example_path, filled_path, tmp_path):
    base, _, _ = server
    _, message = replayed(base, "bd_fill", example_path, tmp_path / "web.xlsx", [])
    assert "由 44 条预算明细生成九张表" in message
    assert snapshot(tmp_path / "web.xlsx") == snapshot(filled_path)


@pytest.mark.parametrize("notes", [True, False], ids=["notes-api", "no-notes-api"])
def test_check_and_clear_over_http(server, coloured_broken, tmp_path, notes):
    """Check: the CLI's flags (fills, notes, 校验结果); without the notes API the same fills and a
    校验结果 sheet that says so. Clearing afterwards — by the CLI, or by the web's 清除标记 — gives
    back the workbook as it was, fills included."""
    base, _, _ = server
    src, cli = coloured_broken
    web = tmp_path / "web.xlsx"
    actions, message = replayed(base, "bd_check", src, web, [fills_json(src), 0], notes)
    assert message.startswith("校验不通过")
    ours, theirs = snapshot(web), snapshot(cli)
    assert ours.keys() == theirs.keys()
    # the accountant's own note is kept as it is (the web cannot read it to add to it): the CLI adds
    # the explanation above it, the web explains the cell in 校验结果 instead
    if notes:
        assert ours["表3 支出总表"].pop("D9")[2] == USER_NOTE
        assert theirs["表3 支出总表"].pop("D9")[2].endswith(USER_NOTE)
        assert "原有批注，已原样保留" in str(ours["校验结果"]) and "D9（疑似出错）（有原批注" in str(ours["校验结果"])
        assert _rows(ours.pop("校验结果"), web=True) == _rows(theirs.pop("校验结果"))
    for sheet in theirs:
        if notes:
            assert ours[sheet] == theirs[sheet], sheet
        elif sheet != "校验结果":
            assert {k: v[:2] for k, v in ours[sheet].items()} == {k: v[:2] for k, v in theirs[sheet].items()}, sheet
            assert not any(v[2] for k, v in ours[sheet].items() if k != "D9")  # no note written
    if not notes:
        assert "不支持批注" in str(ours["校验结果"]) and "addNote" not in {a["func"] for a in actions}
    assert load_workbook(web)["_bd_flags"].sheet_state == "veryHidden"
    cleared = tmp_path / "cleared.xlsx"
    if notes:  # flags from the web, cleared by the CLI: the tool never contradicts itself
        shutil.copy(web, cleared)
        assert main(["clear", str(cleared)]) == 0
    else:
        _, message = replayed(base, "bd_clear", web, cleared, [fills_json(web)], notes)
        assert message.startswith("已清除校验标记")
    assert snapshot(cleared, skip=()) == snapshot(src, skip=())


def test_a_failing_check_changes_nothing(server, filled_path, tmp_path):
    """All or nothing: a check that fails half-way (here: bookkeeping of earlier flags typed over)
    returns only its message, never half a set of flags."""
    base, _, _ = server
    src = _broken(filled_path, tmp_path)
    wb = load_workbook(src)
    ws = wb.create_sheet("_bd_flags")
    ws.append(["工作表", "行", "列", "原格式(JSON)", "标记说明"])
    ws.append(["表3 支出总表", 9, 4, "不是 JSON", "BD1"])
    wb.save(src)
    actions = call(base, "bd_check", src, [fills_json(src), 0], notes=False)
    assert [a["func"] for a in actions] == ["alert"]
    assert "未做任何改动" in actions[0]["args"][0]


def test_a_check_without_the_detail_says_what_it_could_not_check(server, filled_path, tmp_path):
    """A book too large for one request goes without its 预算明细: the comparisons with it are not
    applicable (never read as an empty detail), and the message says so and what to do."""
    base, _, _ = server
    src = _broken(filled_path, tmp_path)
    actions = call(base, "bd_check", src, [fills_json(src), 20000], exclude=("预算明细",))
    assert not apply_actions(src, tmp_path / "web.xlsx", actions)
    message = [a["args"][0] for a in actions if a["func"] == "alert"][-1]
    assert "预算明细共 20,000 行" in message and "不适用" in message and "budget-disclosure check" in message
    assert "预算明细没有数据行" not in message
    findings = load_workbook(tmp_path / "web.xlsx")["校验结果"]
    assert any("预算明细共 20,000 行" in str(c.value) for row in findings.iter_rows() for c in row)
    actions = call(base, "bd_too_large", src, ["fill", 30000], exclude=("预算明细",))
    assert "生成报表" in actions[-1]["args"][0] and "30,000" in actions[-1]["args"][0]


def test_export_over_http_is_a_download_of_the_cli_package(server, filled_path, exported, tmp_path):
    base, _, downloads = server
    refused = call(base, "bd_export", _broken(filled_path, tmp_path), [base])
    assert "不能导出" in refused[-1]["args"][0] and not any(a["func"] == "runMacro" for a in refused)
    actions = call(base, "bd_export", filled_path, [base])
    link = next(a["args"][1] for a in actions if a["func"] == "runMacro" and a["args"][0] == "bdDownload")
    message = next(a["args"][0] for a in actions if a["func"] == "alert")
    assert link.startswith(base + "/budget-disclosure/download/") and link in message and "30 分钟内有效" in message
    archive = zipfile.ZipFile(io.BytesIO(urllib.request.urlopen(link).read()))
    same_package(archive.namelist(), archive.read, exported)
    for entry in downloads.iterdir():  # the link expires
        os.utime(entry, (time.time() - 3600, time.time() - 3600))
    with pytest.raises(urllib.error.HTTPError) as expired:
        urllib.request.urlopen(link)
    assert expired.value.code == 404


def test_the_desktop_export_writes_the_cli_package_beside_the_workbook(filled_path, exported, tmp_path, monkeypatch):
    """The same button on desktop Excel (a workbook saved in a folder): the package beside it."""
    import xlwings as xw
    from budget_disclosure.xl import macros

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    work = tmp_path / "部门.xlsx"
    shutil.copy(filled_path, work)
    book = xw.Book(json=book_json(work))
    monkeypatch.setattr(type(book), "fullname", property(lambda self: str(work)))
    message = macros.export(book)
    folder = tmp_path / "部门_公开包"
    assert str(folder) in message
    same_package([p.name for p in folder.iterdir()], lambda n: (folder / n).read_bytes(), exported)


def test_server_init_updates_a_project_and_refuses_other_folders(tmp_path, capsys):
    project = tmp_path / "p"
    assert main(["server", "init", str(project)]) == 0
    env = (project / ".env").read_text("utf-8")
    assert 'XLWINGS_LICENSE_KEY="noncommercial"' in env and 'XLWINGS_PROJECT_NAME="预算公开"' in env
    assert "budget_disclosure.xl.server" in (project / "custom_scripts" / "__init__.py").read_text("utf-8")
    assert not (project / "custom_scripts" / "scripts.py").exists()  # xlwings-server's hello-world sample
    (project / "static" / "js" / "ribbon.js").write_text("old", "utf-8")
    assert main(["server", "init", str(project)]) == 0  # again: our files updated, the .env kept
    assert (project / ".env").read_text("utf-8") == env
    assert "bdButton" in (project / "static" / "js" / "ribbon.js").read_text("utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("x")
    assert main(["server", "init", str(other)]) == 2
    assert "不是空文件夹" in capsys.readouterr().err
    assert main(["server", "run", str(other)]) == 2


# -- security: what the server must refuse (issue: the server serves only what it should) -----------
def _raw(base: str, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> tuple[int, bytes]:
    """A request with the path sent exactly as given (http.client does not normalise ../ as browsers do)."""
    import http.client
    from urllib.parse import urlsplit

    host = urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in {"Content-Length": str(len(body)), "Content-Type": "application/json",
                            **(headers or {})}.items():
            connection.putheader(name, value)
        connection.endheaders(body or None)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


TRAVERSALS = [
    "/static/../../../../etc/passwd", "/static/%2e%2e/.env", "/static/%2E%2E/%2E%2E/.env", "/static/..%2f.env",
    "/static/%252e%252e/.env", "/static/..\\.env", "/static/..%5c.env", "/static//etc/passwd", "/static/%2fetc/passwd",
    "/static/outside/passwd", "/static/env-link.txt", "/static/js/../../.env", "/budget-disclosure/download/../../.env",
    "/budget-disclosure/download/%2e%2e%2f%2e%2e%2f.env", "/static/./../.env",
]


def test_no_path_leaves_its_folder(server):
    """Every traversal variant is 404 — raw ../, percent-encoded (once, twice), backslashes, absolute
    paths, symlinks leading out of static/ — while the real static files are served."""
    base, project, _ = server
    links = [(project / "static" / "outside", Path("/etc")), (project / "static" / "env-link.txt", project / ".env")]
    for link, target in links:
        if not link.is_symlink():
            link.symlink_to(target)
    for path in TRAVERSALS:
        status, body = _raw(base, "GET", path)
        assert status == 404, (path, status, body[:80])
        assert b"XLWINGS_SECRET_KEY" not in body and b"root:" not in body
    status, body = _raw(base, "GET", "/static/js/ribbon.js")
    assert status == 200 and b"bdButton" in body


def _no_internals(body: bytes) -> dict:
    answer = json.loads(body)
    text = answer["detail"]
    assert re.search(r"[\u4e00-\u9fff]", text) and answer["request_id"] in text
    for word in ("Error", "Traceback", "Exception", "KeyError", ".py", "line ", "xlwings_server", "site-packages"):
        assert word not in text, text
    return answer


def test_malformed_requests_are_answered_in_chinese_without_internals(server, filled_path):
    base, _, _ = server
    bodies = [b"{bad", b'{"a": 1}', b"[]", b"[" * 50_000 + b"]" * 50_000, b'{"version": "1", "book": {}, "sheets": 3}',
              json.dumps({**book_json(filled_path), "args": {"x": 1}}).encode(), b"",
              json.dumps({**book_json(filled_path), "args": [1, 2, 3, 4, 5, 6, 7]}).encode(),  # too many arguments
              json.dumps({"version": "1", "book": {"name": "x"}, "sheets": [{"name": "s", "values": [["a"]],
                          "used_range_address": "A1:XFD1048576"}]}).encode()]  # claims 17 billion cells
    for body in bodies:
        status, answer = _raw(base, "POST", "/xlwings/custom-scripts-call/bd_check", body)
        assert 400 <= status < 500, (body[:40], status, answer[:200])
        _no_internals(answer)
    status, answer = _raw(base, "POST", "/xlwings/custom-scripts-call/no_such_script", json.dumps(book_json(filled_path)).encode())
    assert 400 <= status < 500
    _no_internals(answer)


def _answer_of(s) -> bytes:
    """The whole HTTP answer on a socket (headers and the body of its Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < int(
            re.search(rb"content-length: (\d+)", data.split(b"\r\n\r\n", 1)[0], re.I).group(1)):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_a_64_mib_body_is_refused_at_once_and_the_server_keeps_serving(server):
    import socket
    from urllib.parse import urlsplit

    base, _, _ = server
    host = urlsplit(base)
    started = time.monotonic()
    with socket.create_connection((host.hostname, host.port), timeout=10) as s:
        s.sendall(b"POST /xlwings/custom-scripts-call/bd_check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n" % (64 << 20) + b"{" * 65536)
        answer = _answer_of(s)
    assert time.monotonic() - started < 1.0
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    _no_internals(answer.split(b"\r\n\r\n", 1)[1])
    # sent without a Content-Length (chunked): cut off at the limit as it arrives
    with socket.create_connection((host.hostname, host.port), timeout=20) as s:
        s.sendall(b"POST /xlwings/custom-scripts-call/bd_check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"1" * (1 << 20)
        try:
            for _ in range(64):
                s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        except OSError:
            pass  # the server answered and closed while we were still sending
        answer = _answer_of(s)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    assert urllib.request.urlopen(base + "/manifest.xml", timeout=5).status == 200


def test_server_run_beyond_loopback_needs_sign_in(tmp_path):
    project = tmp_path / "p"
    assert main(["server", "init", str(project)]) == 0
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    refused = subprocess.run([sys.executable, "-m", "budget_disclosure", "server", "run", str(project), "--host", "0.0.0.0",
                              "--port", str(_free_port())], env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "XLWINGS_AUTH_PROVIDERS" in refused.stderr and "--no-auth" in refused.stderr
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "budget_disclosure", "server", "run", str(project), "--host", "0.0.0.0",
                                "--port", str(port), "--no-auth"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/manifest.xml", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, process.stderr.read()
                time.sleep(0.2)
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert "未启用登录验证" in err


def test_a_project_without_the_guard_is_not_served(tmp_path):
    """A routers/custom.py from before the guard (or edited away) stops `server run`: nothing is served unguarded."""
    project = tmp_path / "p"
    assert main(["server", "init", str(project)]) == 0
    custom = project / "routers" / "custom.py"
    custom.write_text("\n".join(line for line in custom.read_text("utf-8").splitlines() if "guard" not in line), "utf-8")
    run = subprocess.run([sys.executable, "-m", "budget_disclosure", "server", "run", str(project), "--port",
                          str(_free_port())], env={**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"},
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "安全防护" in run.stderr and "server init" in run.stderr


def test_downloads_wait_in_a_private_folder(tmp_path, monkeypatch):
    from budget_disclosure.xl import downloads

    monkeypatch.delenv("BD_DOWNLOAD_DIR", raising=False)
    monkeypatch.setenv("XLWINGS_PROJECT_DIR", str(tmp_path))
    assert downloads.folder() == tmp_path / ".bd-downloads"
    monkeypatch.delenv("XLWINGS_PROJECT_DIR")
    outside = downloads.folder()
    assert not str(outside).endswith("budget-disclosure-downloads")  # not a predictable name
    archive = tmp_path / "x.zip"
    archive.write_bytes(b"PK")
    link = downloads.publish(archive, "公开包.zip")
    for folder in (tmp_path / ".bd-downloads", outside, outside / link.rsplit("/", 1)[1]):
        assert folder.stat().st_mode & 0o077 == 0, folder
