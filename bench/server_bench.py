"""Peak memory of the xlwings Server process per request (not a test): a project made by
`server init`, started by `server run` on loopback; for each request the server's peak resident
memory (VmHWM, reset before the request where the kernel allows) and the answer's time and status —
a normal check and fill of the example, a 20,000-line department's fill, and the requests the guard
refuses (a 64 MiB body, a request claiming a whole sheet, deep nesting), which must cost nothing.

    XLWINGS_LICENSE_KEY=noncommercial python bench/server_bench.py [--lines 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from remote import book_json  # noqa: E402

from budget_disclosure.cli import main  # noqa: E402


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024  # MiB
    return 0


def _reset_peak(pid: int) -> bool:
    try:  # writing 5 to clear_refs resets VmHWM (Linux ≥ 4.0, own processes)
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _post(base: str, script: str, body: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    request = urllib.request.Request(f"{base}/xlwings/custom-scripts-call/{script}", body,
                                     {"Content-Type": "application/json"})
    try:
        status = urllib.request.urlopen(request, timeout=600).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, ConnectionError):
        status = 0  # the server answered early and closed while the body was still being sent
    return status, time.perf_counter() - started


def _headers_only(base: str, length: int) -> tuple[int, float]:
    host, port = base.rsplit(":", 1)
    started = time.perf_counter()
    with socket.create_connection((host.split("//")[1], int(port)), timeout=10) as s:
        s.sendall(b"POST /xlwings/custom-scripts-call/bd_check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n" % length)
        answer = s.recv(200)
    return int(answer.split()[1]), time.perf_counter() - started


def main_bench() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=20000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bd-server-bench-"))
    project = root / "srv"
    assert main(["server", "init", str(project), "-q"]) == 0
    example, filled = root / "x.xlsx", root / "y.xlsx"
    assert main(["example", "-o", str(example), "-q"]) == 0
    assert main(["fill", str(example), "-o", str(filled), "-q"]) == 0
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fill_bench import make_workbook  # a synthetic department

    large = root / "large.xlsx"
    make_workbook(large, args.lines, 50)
    port = _port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "budget_disclosure", "server", "run", str(project), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/manifest.xml", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        idle = _status(server.pid, "VmRSS")
        print(f"server idle: {idle} MiB resident")
        deep = b"[" * 100_000 + b"]" * 100_000
        claim = json.dumps({"version": "1", "book": {"name": "x"}, "sheets": [
            {"name": "s", "values": [["a"]], "used_range_address": "A1:XFD1048576"}]}).encode()
        cases = [
            ("check, example", lambda: _post(base, "bd_check", json.dumps({**book_json(filled), "args": ["", 0]}).encode())),
            ("fill, example", lambda: _post(base, "bd_fill", json.dumps(book_json(example)).encode())),
            (f"fill, {args.lines:,} lines", lambda: _post(base, "bd_fill", json.dumps(book_json(large)).encode())),
            ("refused: 64 MiB body (headers only)", lambda: _headers_only(base, 64 << 20)),
            ("refused: claims XFD1048576", lambda: _post(base, "bd_check", claim)),
            ("refused: nesting 100,000 deep", lambda: _post(base, "bd_check", deep)),
        ]
        print(f"{'request':<40} {'status':>6} {'seconds':>8} {'peak MiB':>9} {'added':>6}")
        for name, send in cases:
            resettable = _reset_peak(server.pid)
            before = _status(server.pid, "VmRSS")
            status, seconds = send()
            peak = _status(server.pid, "VmHWM")
            print(f"{name:<40} {status:>6} {seconds:>8.2f} {peak:>9} {peak - before:>6}"
                  + ("" if resettable else "  (peak since start: the kernel did not let it be reset)"))
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main_bench()
