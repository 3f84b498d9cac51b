"""Namespaces, the shipped XML schemas, and validation of what we write and read.

The schema files live in ``schemas/`` next to this module (sources and licences in
``schemas/LICENSES.md``) and are copied into every package's ``schemas/`` folder.  Two of
them import the XLink schema by its web address; a resolver maps that address to the
shipped copy, so validation never goes to the network.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).parent / "schemas"

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP_NS = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
EAD_NS = "urn:isbn:1-931666-22-9"
PREMIS_NS = "http://www.loc.gov/premis/v3"

# Schema file per kind of document, and the files every package carries in schemas/.
METS_XSD = "mets.xsd"
XLINK_XSD = "xlink.xsd"
CSIP_XSD = "DILCISExtensionMETS.xsd"
SIP_XSD = "DILCISExtensionSIPMETS.xsd"
EAD_XSD = "ead.xsd"
PREMIS_XSD = "premis-v3-0.xsd"
PACKAGE_SCHEMAS = (METS_XSD, XLINK_XSD, CSIP_XSD, SIP_XSD, EAD_XSD, PREMIS_XSD)

_REMOTE = {
    "http://www.loc.gov/standards/xlink/xlink.xsd": XLINK_XSD,
    "http://www.loc.gov/standards/mets/xlink.xsd": XLINK_XSD,
}


class _LocalSchemas(etree.Resolver):
    """Serve the known remote schema addresses from ``schemas/``."""

    def resolve(self, system_url, public_id, context):  # type: ignore[override]
        name = _REMOTE.get(system_url)
        if name is None and system_url and not system_url.startswith(("http:", "https:")):
            name = Path(system_url).name if (SCHEMA_DIR / Path(system_url).name).exists() else None
        if name is None:
            return None
        return self.resolve_filename(str(SCHEMA_DIR / name), context)


def _parser() -> etree.XMLParser:
    p = etree.XMLParser(no_network=True, resolve_entities=False)
    p.resolvers.add(_LocalSchemas())
    return p


@functools.cache
def _schema(kind: str) -> etree.XMLSchema:
    if kind == "mets":
        # METS with the two DILCIS extension schemas, through one small driver schema.
        xs = "http://www.w3.org/2001/XMLSchema"
        driver = etree.Element(q(xs, "schema"), nsmap={"xs": xs}, targetNamespace="urn:luutru:driver")
        for ns, name in ((METS_NS, METS_XSD), (XLINK_NS, XLINK_XSD), (CSIP_NS, CSIP_XSD), (SIP_NS, SIP_XSD)):
            etree.SubElement(driver, q(xs, "import"), namespace=ns, schemaLocation=(SCHEMA_DIR / name).as_uri())
        return etree.XMLSchema(driver)
    name = {"ead": EAD_XSD, "premis": PREMIS_XSD}[kind]
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name), _parser()))


def schema_errors(doc: etree._Element | etree._ElementTree, kind: str) -> list[str]:
    """Schema problems of a METS/EAD/PREMIS document (empty list = valid), one line each."""
    schema = _schema(kind)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def parse_bytes(data: bytes) -> etree._Element:
    """Parse package XML safely: no network, no external entities."""
    return etree.fromstring(data, _parser())


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def q(ns: str, name: str) -> str:
    """Clark notation ``{ns}name`` for lxml."""
    return f"{{{ns}}}{name}"
