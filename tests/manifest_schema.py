"""Validate an Office add-in manifest against Microsoft's published schemas (tests/data/
office-addin-manifest-xsd, copied from shared/ with provenance), patched in a copy as their README
says, plus what the schema cannot express and Office's validator checks."""

from __future__ import annotations

import shutil
from pathlib import Path

from lxml import etree

from conftest import DATA

SCHEMAS = DATA / "office-addin-manifest-xsd"
OV = "{http://schemas.microsoft.com/office/taskpaneappversionoverrides}"
BT = "{http://schemas.microsoft.com/office/officeappbasictypes/1.0}"
RUNTIMES = """
      <xs:element name="Runtimes" minOccurs="0" maxOccurs="1">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="Runtime" minOccurs="1" maxOccurs="unbounded">
              <xs:complexType>
                <xs:attribute name="resid" type="bt:URLReferenceId" use="required"/>
                <xs:attribute name="lifetime" use="optional">
                  <xs:simpleType>
                    <xs:restriction base="xs:string">
                      <xs:enumeration value="short"/>
                      <xs:enumeration value="long"/>
                    </xs:restriction>
                  </xs:simpleType>
                </xs:attribute>
              </xs:complexType>
            </xs:element>
          </xs:sequence>
        </xs:complexType>
      </xs:element>"""


CONTENT_STUB = """<?xml version="1.0" encoding="utf-8"?>
<xs:schema targetNamespace="http://schemas.microsoft.com/office/contentappversionoverrides" elementFormDefault="qualified"
    xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="VersionOverrides" type="xs:anyType"/>
</xs:schema>
"""


def patched_schemas(folder: Path) -> Path:
    """The schemas with the README's known patches applied; returns the manifest schema's path."""
    folder.mkdir(parents=True, exist_ok=True)
    for xsd in SCHEMAS.glob("*.xsd"):
        text = xsd.read_text("utf-8")
        text = text.replace('xmlns:xs="https://www.w3.org/2001/XMLSchema"', 'xmlns:xs="http://www.w3.org/2001/XMLSchema"')
        text = text.replace("{0,3}?", "{0,3}")
        if xsd.name == "ContentAppVersionOverridesV1_0.xsd":  # not included (empty): content apps only
            text = CONTENT_STUB
        if xsd.name == "TaskPaneAppVersionOverridesV1_0.xsd":  # Host has no <Runtimes> (SharedRuntime)
            host = text.index('<xs:complexType name="Host" abstract="true">')
            sequence = text.index("<xs:sequence>", host) + len("<xs:sequence>")
            text = text[:sequence] + RUNTIMES + text[sequence:]
        (folder / xsd.name).write_text(text, "utf-8")
    return folder / "OfficeAppManifestV1_1.xsd"


def manifest_problems(manifest: bytes, work: Path) -> list[str]:
    """Everything wrong with the manifest: schema errors, then the rules the schema cannot state."""
    schema = etree.XMLSchema(etree.parse(str(patched_schemas(work))))
    root = etree.fromstring(manifest)
    problems = [f"line {e.line}: {e.message}" for e in (schema.error_log if not schema.validate(root) else [])]
    if root.tag != "{http://schemas.microsoft.com/office/appforoffice/1.1}OfficeApp":
        problems.append(f"root is {root.tag}, not OfficeApp")
    resources = {kind: {e.get("id") for e in root.iter(f"{BT}{kind}")} for kind in ("Image", "Url", "String")}
    short = {e.get("id") for group in root.iter(f"{BT}ShortStrings") for e in group}
    long_ = {e.get("id") for group in root.iter(f"{BT}LongStrings") for e in group}
    wanted = {f"{OV}Label": short, f"{OV}Title": short, f"{OV}Description": long_,
              f"{OV}FunctionFile": resources["Url"], f"{OV}SourceLocation": resources["Url"],
              f"{OV}Runtime": resources["Url"], f"{BT}Image": resources["Image"]}
    for element in root.iter():
        resid = element.get("resid")
        if resid is not None and element.tag in wanted and resid not in wanted[element.tag]:
            problems.append(f"{etree.QName(element).localname} resid={resid!r} names no resource of its kind")
    ids = [e.get("id") for e in root.iter(f"{OV}Control", f"{OV}Group", f"{OV}CustomTab")]
    if len(ids) != len(set(ids)):
        problems.append(f"duplicate control ids: {ids}")
    return problems


def copy_of_schemas(target: Path) -> None:
    shutil.copytree(SCHEMAS, target)
