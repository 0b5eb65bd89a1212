"""``budget-disclosure server init DIR`` and ``server run DIR``: a ready xlwings Server project for
the 预算公开 tab (the IT admin's one command), and a local trial of it on 127.0.0.1.

init runs xlwings-server's own ``init`` (project layout, secret key, manifest ids), then puts in
our parts: the scripts (``custom_scripts`` imports budget_disclosure.xl.server), ``ribbon.js`` with
the request limits, the complete add-in manifest template, the download router, the ``.env``
settings to fill in and the admin's README. Run again on the same folder, it updates our parts and
keeps the ``.env``."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

from budget_disclosure.xl import macros
from budget_disclosure.xl.addin_build import sources

XLWINGS_SERVER_VERSION = "1.20.0"
SCRIPTS_INIT = ("# 预算公开: the ribbon's scripts (budget-disclosure). Written by `budget-disclosure server init`.\n"
                "from budget_disclosure.xl.server import *  # noqa: F401,F403\n")
FUNCTIONS_INIT = "# No custom functions: the 预算公开 tab runs scripts only.\n"
ROUTER = ("# The download links of 导出公开包 and the request guard (budget-disclosure). Written by\n"
          "# `budget-disclosure server init`. xlwings-server imports this file however it is started, before it\n"
          "# mounts its static files: install() keeps them inside their folders and bounds every request.\n"
          "from budget_disclosure.xl.server_guard import install as _install_guard\n"
          "from budget_disclosure.xl.downloads import router as _router\n\n"
          "_install_guard()\n"
          "router = _router()\n")
REQUIREMENTS = f"budget-disclosure\nxlwings-server=={XLWINGS_SERVER_VERSION}\n"
SAMPLES = ("custom_scripts/scripts.py", "custom_functions/functions.py")


class ProjectError(Exception):
    """The folder cannot become (or is not) a server project; the message is Chinese."""


def _filled(text: str) -> str:
    from budget_disclosure.xl.server_guard import Limits

    limits = Limits.defaults()  # the README states the defaults; .env may set others
    for key, value in {"__CHECK_MAX_DETAIL_ROWS__": macros.CHECK_MAX_DETAIL_ROWS,
                       "__WEB_MAX_DETAIL_ROWS__": macros.WEB_MAX_DETAIL_ROWS,
                       "__DOWNLOAD_MINUTES__": macros.DOWNLOAD_MINUTES,
                       "__MAX_BODY_MB__": f"{limits.max_body / (1 << 20):.1f}", "__MAX_CELLS__": f"{limits.max_cells:,}",
                       "__XLWINGS_SERVER_VERSION__": XLWINGS_SERVER_VERSION}.items():
        text = text.replace(key, str(value))
    return text


def _settings(env: str, licence: str) -> str:
    """xlwings-server's .env with our values: licence, project name, no examples, and what to fill in."""
    env = env.replace('XLWINGS_LICENSE_KEY="your_license_key"', f'XLWINGS_LICENSE_KEY="{licence}"')
    lines = [line for line in env.splitlines() if not line.startswith("XLWINGS_PROJECT_NAME=")]
    return "\n".join(lines) + (
        "\n\n# --- 预算公开 (budget-disclosure) ---\n"
        'XLWINGS_PROJECT_NAME="预算公开"\n'
        "XLWINGS_ENABLE_EXAMPLES=false\n"
        "# 对外域名（清单中的地址），如 budget.czj.example.gov.cn；正式部署时填写，并把 XLWINGS_ENVIRONMENT 改为 prod\n"
        "# XLWINGS_HOSTNAME=\n"
        '# 登录验证（推荐）：XLWINGS_AUTH_PROVIDERS=["entraid"]，并填写 XLWINGS_AUTH_ENTRAID_CLIENT_ID / _TENANT_ID\n'
        "# 导出公开包压缩包的临时目录（默认本项目的 .bd-downloads，只有运行服务的用户可读）\n"
        "# BD_DOWNLOAD_DIR=\n"
        "# 请求限制（见 README 第 8 节）：单次请求大小（MB）、单元格数、每个进程同时执行的操作数\n"
        "# BD_MAX_BODY_MB=\n"
        "# BD_MAX_CELLS=\n"
        "# BD_MAX_SCRIPTS=2\n")


def init(folder: Path, licence: str = "noncommercial") -> list[Path]:
    """Write (or update) the project in ``folder``; returns the files written."""
    folder = Path(folder).resolve()
    if folder.exists() and not folder.is_dir():
        raise ProjectError(f"{folder} 已存在且不是文件夹")
    fresh = not (folder / "custom_scripts").is_dir()
    if fresh and folder.is_dir() and any(folder.iterdir()):
        raise ProjectError(f"{folder} 不是空文件夹，也不是 xlwings Server 项目：请指定一个新的（或空的）文件夹")
    try:
        from xlwings_server import cli as server_cli
    except ImportError as exc:
        raise ProjectError("未安装 xlwings-server：请先运行 pip install "
                           f"xlwings-server=={XLWINGS_SERVER_VERSION}") from exc
    with contextlib.redirect_stdout(io.StringIO()):  # its English progress lines
        server_cli.init_command(str(folder))
    written = []

    def write(relative: str, text: str) -> None:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        written.append(path)

    if fresh:
        for sample in SAMPLES:  # xlwings-server's hello-world samples
            (folder / sample).unlink(missing_ok=True)
        write(".env", _settings((folder / ".env").read_text("utf-8"), licence))
    write("custom_scripts/__init__.py", SCRIPTS_INIT)
    write("custom_functions/__init__.py", FUNCTIONS_INIT)
    write("routers/__init__.py", "")
    write("routers/custom.py", ROUTER)
    server = sources() / "server"
    write("static/js/ribbon.js", _filled((server / "ribbon.js").read_text("utf-8")))
    write("templates/manifest.xml", (server / "manifest.xml").read_text("utf-8"))
    write("templates/taskpane.html", (server / "taskpane.html").read_text("utf-8"))
    write("README.md", _filled((server / "README.md").read_text("utf-8")))
    write("requirements.txt", REQUIREMENTS)
    ignore = folder / ".gitignore"
    kept = ignore.read_text("utf-8") if ignore.is_file() else ""
    if ".bd-downloads" not in kept:  # the exported packages waiting for download never go into version control
        write(".gitignore", kept.rstrip("\n") + "\n.bd-downloads/\n")
    return written


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _auth_providers() -> list:
    """XLWINGS_AUTH_PROVIDERS as xlwings-server reads it (from the environment and the project's .env)."""
    from xlwings_server.config import settings

    return list(settings.auth_providers or [])


def run(folder: Path, host: str = "127.0.0.1", port: int = 8000, no_auth: bool = False) -> None:
    """Serve the project (no reload); HTTPS when ``certs/`` holds mkcert's localhost certificate.

    Beyond this machine (any address but loopback) a server without sign-in would let anyone on the
    network fill, check and export: it starts only with an auth provider set, or ``--no-auth``
    (said loudly). The request guard must be in place (routers/custom.py), or nothing is served."""
    folder = Path(folder).resolve()
    if not (folder / "custom_scripts" / "__init__.py").is_file():
        raise ProjectError(f"{folder} 不是预算公开的 xlwings Server 项目：请先运行 budget-disclosure server init {folder}")
    os.environ["XLWINGS_PROJECT_DIR"] = str(folder)
    os.chdir(folder)  # xlwings-server reads .env from the working folder
    if not _loopback(host):
        if _auth_providers():
            pass
        elif no_auth:
            print(f"警告：服务在 {host} 上对网络开放且未启用登录验证（--no-auth），能访问该地址的任何人都可以使用；"
                  "正式部署请在 .env 中设置 XLWINGS_AUTH_PROVIDERS", file=sys.stderr, flush=True)
        else:
            raise ProjectError(f"拒绝在 {host} 上启动：服务对网络开放但未启用登录验证。请在 {folder / '.env'} 中设置 "
                               "XLWINGS_AUTH_PROVIDERS（见 README 第 4 节）；确需无登录运行时加 --no-auth")
    from budget_disclosure.xl import server_guard

    try:
        from xlwings_server.main import main_app
    except SystemExit as exc:  # the guard refused to start (server_guard.install)
        raise ProjectError(str(exc)) from exc
    if not server_guard.installed():
        raise ProjectError(f"{folder / 'routers' / 'custom.py'} 没有启用预算公开的安全防护（静态文件限制、请求大小限制）："
                           f"请重新运行 budget-disclosure server init {folder}")
    import uvicorn

    key, cert = folder / "certs" / "localhost+2-key.pem", folder / "certs" / "localhost+2.pem"
    tls = {"ssl_keyfile": str(key), "ssl_certfile": str(cert)} if key.is_file() and cert.is_file() else {}
    scheme = "https" if tls else "http"
    print(f"预算公开服务：{scheme}://{host}:{port}/manifest.xml（Ctrl-C 停止）"
          + ("" if tls else "；未找到 certs/ 中的证书，以 HTTP 运行（Office 加载项需要 HTTPS，见 README）"), flush=True)
    uvicorn.run(main_app, host=host, port=port, reload=False, log_level="warning", **tls)
