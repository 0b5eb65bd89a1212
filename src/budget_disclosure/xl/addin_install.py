"""Install the add-in where Excel loads add-ins at start-up, and point it at this Python.

Windows: ``%APPDATA%\\Microsoft\\Excel\\XLSTART`` and the user config
``%USERPROFILE%\\.budget_disclosure\\budget_disclosure.conf``; macOS: Excel's Startup folder, the
config in Excel's container and xlwings' AppleScript (``xlwings runpython install``). Linux has no
Excel: refused with a message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from budget_disclosure.xl.addin_build import PROJECT_NAME, UDF_MODULE, AddinError, build_addin

ADDIN_FILE = "预算公开.xlam"


@dataclass
class InstallPlan:
    addin: Path
    config: Path
    config_lines: list[str]
    commands: list[list[str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _source_root() -> str:
    import budget_disclosure

    return str(Path(budget_disclosure.__file__).resolve().parents[1])


def plan(platform: str = sys.platform, home: Path | None = None, env: dict | None = None,
         interpreter: str = sys.executable) -> InstallPlan:
    env = dict(os.environ if env is None else env)
    home = Path(home or Path.home())
    pythonpath = _source_root()
    warnings = []
    if not interpreter.isascii():
        warnings.append(f"Python 路径含非 ASCII 字符（{interpreter}）：Excel 可能无法加载，请把 Python 装到纯英文路径，"
                        f"如 C:\\ProgramData\\budget-disclosure\\")
    if platform.startswith("win"):
        appdata = Path(env.get("APPDATA") or home / "AppData" / "Roaming")
        key = "Interpreter_Win"
        return InstallPlan(appdata / "Microsoft" / "Excel" / "XLSTART" / ADDIN_FILE,
                           home / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf",
                           [f'"{key}","{interpreter}"', f'"PYTHONPATH","{pythonpath}"', f'"UDF Modules","{UDF_MODULE}"'],
                           warnings=warnings)
    if platform == "darwin":
        startup = home / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content" / "Startup" / "Excel"
        return InstallPlan(startup / ADDIN_FILE,
                           home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{PROJECT_NAME}.conf",
                           [f'"Interpreter_Mac","{interpreter}"', f'"PYTHONPATH","{pythonpath}"'],
                           commands=[[interpreter, "-m", "xlwings", "runpython", "install"]], warnings=warnings)
    raise AddinError("Linux 上没有 Microsoft Excel，无法安装加载项。请在 Windows 或 macOS 上运行 "
                     "budget-disclosure addin install；Linux 与 WPS 用户请使用命令行（fill / check）。")


def install(platform: str = sys.platform, home: Path | None = None, env: dict | None = None,
            interpreter: str = sys.executable, run_commands: bool = True) -> InstallPlan:
    """Carry out the plan and return it (the CLI prints what was done)."""
    steps = plan(platform, home, env, interpreter)
    build_addin(steps.addin)
    steps.config.parent.mkdir(parents=True, exist_ok=True)
    steps.config.write_text("\n".join(steps.config_lines) + "\n", encoding="utf-8")
    if run_commands:
        for command in steps.commands:
            subprocess.run(command, check=True)
    return steps
