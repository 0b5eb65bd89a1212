"""The built .xlam is a valid add-in whose ribbon reaches Python, built reproducibly; the
install plan; the xlwings Server manifest; templates that need no add-in."""

from __future__ import annotations

import ast
import re
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree

from budget_disclosure.xl import ribbon
from budget_disclosure.xl.addin_build import AddinError, build_addin, pinned_xlwings_version, sources
from budget_disclosure.xl.addin_install import install, plan
from conftest import ROOT

CUSTOMUI_NS = "{http://schemas.microsoft.com/office/2009/07/customui}"


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin") / "预算公开.xlam")


def _vba_modules(path: Path) -> dict[str, str]:
    """Decode the VBA with oletools' olevba, a reader independent of the tool that wrote it."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_package_structure_makes_an_addin_with_our_ribbon(xlam):
    with zipfile.ZipFile(xlam) as z:
        assert z.testzip() is None
        types = z.read("[Content_Types].xml").decode()
        assert 'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"' in types
        rels = ElementTree.fromstring(z.read("_rels/.rels"))
        ui = [r for r in rels if r.get("Type").endswith("/ui/extensibility")]
        assert [r.get("Target") for r in ui] == ["customUI/customUI14.xml"]
        custom_ui = ElementTree.fromstring(z.read("customUI/customUI14.xml"))
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(z.read(name))  # every XML part is well-formed
        workbook = z.read("xl/workbook.xml").decode()
        assert 'name="budget_disclosure.conf"' in workbook
        assert "budget_disclosure.xl.udfs" in z.read("xl/worksheets/sheet1.xml").decode()
    tab = custom_ui.find(f".//{CUSTOMUI_NS}tab")
    assert tab.get("label") == "预算公开"
    buttons = {b.get("id"): b for b in custom_ui.iter(f"{CUSTOMUI_NS}button")}
    assert [b.get("label") for b in buttons.values()] == ["生成报表", "校验", "清除标记", "导出公开包", "帮助"]
    assert all(b.get("imageMso") for b in buttons.values())
    assert set(buttons) == set(ribbon.HANDLERS)  # every button has a Python handler


def test_every_on_action_has_its_vba_callback_and_the_vba_decodes(xlam):
    modules = _vba_modules(xlam)
    assert {"RibbonBudget", "xlwings", "xlwings_udfs"} <= set(modules)
    with zipfile.ZipFile(xlam) as z:
        custom_ui = ElementTree.fromstring(z.read("customUI/customUI14.xml"))
    for button in custom_ui.iter(f"{CUSTOMUI_NS}button"):
        module, _, callback = button.get("onAction").partition(".")
        assert re.search(rf"Sub {callback}\(control As IRibbonControl\)", modules[module])
    assert "budget_disclosure.xl.ribbon" in modules["RibbonBudget"] and "control.Id" in modules["RibbonBudget"]
    assert f'XLWINGS_VERSION As String = "{pinned_xlwings_version()}"' in modules["xlwings"]
    assert 'PROJECT_NAME As String = "budget_disclosure"' in modules["xlwings"]
    for udf in ("BD_NAME", "BD_AMOUNT", "BD_FOOT", "BD_TABLE"):
        assert f'XLPy.CallUDF("budget_disclosure.xl.udfs", "{udf}"' in modules["xlwings_udfs"]
    assert all(code.isascii() for code in modules.values())


def test_pyopenvba_finds_no_structural_issue(xlam):
    import pyopenvba
    assert pyopenvba.check_file(xlam).issues == ()


def test_build_is_reproducible(xlam, tmp_path):
    again = build_addin(tmp_path / "again.xlam")
    assert again.read_bytes() == xlam.read_bytes()


def test_build_refuses_another_xlwings_version(monkeypatch, tmp_path):
    import xlwings
    monkeypatch.setattr(xlwings, "__version__", "0.0.1")
    with pytest.raises(AddinError, match="拒绝构建"):
        build_addin(tmp_path / "x.xlam")
    assert not (tmp_path / "x.xlam").exists()


def test_vba_sources_are_ascii():
    for path in Path(sources()).glob("*.bas"):
        assert path.read_bytes().isascii(), path


def test_install_refuses_on_linux_and_plans_windows_and_macos(tmp_path, monkeypatch):
    from budget_disclosure.cli import main
    with pytest.raises(AddinError, match="Linux"):
        plan("linux")
    windows = install("win32", home=tmp_path / "home", env={"APPDATA": str(tmp_path / "roaming")},
                      interpreter=r"C:\ProgramData\budget-disclosure\python.exe", run_commands=False)
    assert windows.addin == tmp_path / "roaming" / "Microsoft" / "Excel" / "XLSTART" / "预算公开.xlam"
    assert windows.addin.exists() and zipfile.is_zipfile(windows.addin)
    config = windows.config.read_text("utf-8")
    assert '"Interpreter_Win","C:\\ProgramData\\budget-disclosure\\python.exe"' in config and "PYTHONPATH" in config
    mac = plan("darwin", home=tmp_path / "mac", interpreter="/opt/bd/bin/python")
    assert "Startup" in str(mac.addin) and mac.commands == [["/opt/bd/bin/python", "-m", "xlwings", "runpython", "install"]]
    assert plan("win32", home=tmp_path, env={}, interpreter="C:\\用户\\python.exe").warnings
    monkeypatch.setattr("sys.platform", "linux")
    assert main(["addin", "install"]) == 2


def test_a_dry_run_shows_what_install_would_do_on_any_system(monkeypatch, capsys):
    """On Linux (no Excel) --dry-run installs nothing and shows the Windows and macOS steps."""
    from budget_disclosure.cli import main

    monkeypatch.setattr("sys.platform", "linux")
    assert main(["addin", "install", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "不会安装" in out and "[Windows]" in out and "[macOS]" in out
    assert "XLSTART" in out and "预算公开.xlam" in out and "Interpreter_Win" in out and "Interpreter_Mac" in out


def test_server_manifest_buttons_reach_server_scripts():
    manifest = ElementTree.parse(sources() / "server" / "manifest.xml").getroot()
    functions = [e.text for e in manifest.iter() if e.tag.endswith("FunctionName")]
    ribbon_js = (sources() / "server" / "ribbon.js").read_text("utf-8")
    mapping = dict(re.findall(r'"(bd-[a-z]+)": "(bd_[a-z]+)"', ribbon_js))
    server = ast.parse((ROOT / "src" / "budget_disclosure" / "xl" / "server.py").read_text("utf-8"))
    scripts = {f.name for f in server.body if isinstance(f, ast.FunctionDef)
               and any(getattr(getattr(d, "func", d), "id", "") == "script" for d in f.decorator_list)}
    assert functions and all(mapping[f] in scripts for f in functions)
    assert {mapping[f] for f in functions} == set(ribbon.HANDLERS)


def test_shipped_templates_do_not_depend_on_any_udf():
    from openpyxl import load_workbook
    for path in (ROOT / "workbook_templates").glob("*.xlsx"):
        wb = load_workbook(path)
        formulas = [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row
                    if isinstance(c.value, str) and c.value.startswith("=")]
        assert formulas == [], path


def test_the_built_ribbon_satisfies_microsoft_s_customui_schema(xlam):
    """Validated offline against customUI14.xsd (tests/data/office-customui-xsd, with its provenance) by the
    pure-Python xmlschema package (libxml2 cannot compile that schema as published); a button with an
    attribute the schema does not know is rejected, so the check can fail."""
    import xmlschema

    from conftest import DATA

    schema = xmlschema.XMLSchema(str(DATA / "office-customui-xsd" / "customUI14.xsd"))
    with zipfile.ZipFile(xlam) as z:
        ribbon_xml = z.read("customUI/customUI14.xml").decode("utf-8")
    schema.validate(ribbon_xml)
    broken = ribbon_xml.replace("<button ", '<button colour="red" ', 1)
    assert broken != ribbon_xml and not schema.is_valid(broken)


def test_a_missing_python_is_said_in_chinese_before_xlwings_can_say_it_in_english(xlam):
    """The ribbon's callback looks for the configured interpreter before calling RunPython (whose failure is
    xlwings' English "Could not find Interpreter!"): a Chinese message says the path and what to do. The
    module stays ASCII: the text is kept as UTF-16 code points, decoded here as VBA's BDText does."""
    module = _vba_modules(xlam)["RibbonBudget"]
    on_action = module[module.index("Sub OnAction"):module.index("End Sub")]
    assert on_action.index("BDPythonFound()") < on_action.index("RunPython")
    check = module[module.index("Private Function BDPythonFound"):]
    assert 'GetConfig("INTERPRETER_WIN", "")' in check and "Dir(interpreter)" in check and "MsgBox" in check
    texts = ["".join(chr(int(h[i:i + 4], 16)) for i in range(0, len(h), 4))
             for h in re.findall(r'BDText\("([0-9A-F]+)"\)', check)]
    message = texts[0] + "C:\\Python311\\python.exe" + texts[1]
    assert message.startswith("找不到 Python") and "budget-disclosure addin install" in message
    assert "Interpreter_Win" in message and texts[2] == "预算公开"
