"""METS documents of an E-ARK CSIP/SIP package: the root ``METS.xml`` and one per representation.

Written with lxml to the METS 1.12 schema plus the DILCIS CSIP and SIP extension schemas, and
to the E-ARK CSIP 2.0.4 / SIP 2.0.4 profiles (checked by ``eark-validator`` in the tests):
``metsHdr`` with the creating software, the submitting agency and the receiving archive;
``dmdSec``/``amdSec`` pointing at the EAD and PREMIS files; a ``fileSec`` in which every file has
its SHA-256 ``CHECKSUM`` and ``SIZE``; and the ``CSIP`` physical ``structMap``.

:func:`read_mets` returns every file reference of a METS document (metadata files and content
files) with what it declares, so the reader can check each one against the bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from lxml import etree

from luutru.packaging.sip.model import SipAgent, new_id
from luutru.packaging.sip.xmlschemas import (
    CSIP_NS,
    CSIP_XSD,
    METS_NS,
    METS_XSD,
    SIP_NS,
    SIP_XSD,
    XLINK_NS,
    XLINK_XSD,
    XSI_NS,
    q,
)

CONTENT_CATEGORY = "Textual works – Digital"  # CSIP content category vocabulary
CONTENT_INFORMATION_TYPE = "OTHER"
OTHER_CONTENT_INFORMATION_TYPE = "TT05/2025-SIP_hoso"
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
AIP_PROFILE = "https://earkaip.dilcis.eu/profile/E-ARK-AIP.xml"
CHECKSUM_TYPE = "SHA-256"
NSMAP = {None: METS_NS, "xlink": XLINK_NS, "xsi": XSI_NS, "csip": CSIP_NS, "sip": SIP_NS}


def _m(tag: str) -> str:
    return q(METS_NS, tag)


def href(path: str) -> str:
    """Package-relative path as an ``xlink:href`` (URL-encoded, ``/`` kept)."""
    return quote(path, safe="/")


@dataclass
class FileRef:
    """A file a METS document declares: content (``kind='file'``) or metadata (``dmd``/``amd``)."""

    path: str  # relative to the METS document's folder
    kind: str  # file | dmd | amd | mets
    size: int | None
    checksum: str
    checksum_type: str
    mime: str = ""
    ident: str = ""
    group: str = ""  # file/@GROUPID: the document the file belongs to
    use: str = ""  # fileGrp/@USE
    role: str = ""  # file/@USE: original | preservation (AIP)
    mdtype: str = ""
    created: str = ""


@dataclass
class MetsInfo:
    objid: str
    label: str
    created: str
    package_type: str
    agents: list[SipAgent] = field(default_factory=list)
    refs: list[FileRef] = field(default_factory=list)


class MetsWriter:
    """Builds one METS document; call the ``add_*`` methods, then :meth:`build`."""

    def __init__(self, objid: str, label: str, created: str, *, schema_prefix: str, root: bool,
                 package_type: str = "SIP", profile: str = SIP_PROFILE):
        self.objid, self.label, self.created = objid, label, created
        self.package_type, self.profile = package_type, profile
        self.schema_prefix = schema_prefix  # "schemas/" at the root, "../../schemas/" in a representation
        self.root = root
        self.agents: list[SipAgent] = []
        self.dmd: list[tuple[str, FileRef]] = []  # (dmdSec id, ref)
        self.amd: list[tuple[str, FileRef]] = []  # (digiprovMD id, ref)
        self.groups: dict[str, list[FileRef]] = {}  # fileGrp USE → files
        self.mptrs: list[tuple[str, str]] = []  # (representation name, METS path)

    def add_agent(self, agent: SipAgent) -> None:
        self.agents.append(agent)

    def add_dmd(self, ref: FileRef) -> str:
        ident = new_id()
        self.dmd.append((ident, ref))
        return ident

    def add_amd(self, ref: FileRef) -> str:
        ident = new_id()
        self.amd.append((ident, ref))
        return ident

    def add_file(self, use: str, ref: FileRef) -> None:
        self.groups.setdefault(use, []).append(ref)

    def add_representation(self, rep: str, mets_ref: FileRef) -> None:
        """A representation's METS: listed in the ``Representations`` file group (CSIP114) and pointed
        at from a ``Representations/<rep>`` division of the ``Representations`` division (CSIP103–112)."""
        self.add_file("Representations", mets_ref)
        self.mptrs.append((rep, mets_ref.path))

    def _agent(self, hdr: etree._Element, a: SipAgent) -> None:
        if a.agent_type == "software":
            el = etree.SubElement(hdr, _m("agent"), ROLE=a.role or "CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
            etree.SubElement(el, _m("name")).text = a.name
            if a.version:
                note = etree.SubElement(el, _m("note"))
                note.set(q(CSIP_NS, "NOTETYPE"), "SOFTWARE VERSION")
                note.text = a.version
        else:
            el = etree.SubElement(hdr, _m("agent"), ROLE=a.role or "ARCHIVIST",
                                  TYPE="INDIVIDUAL" if a.agent_type == "person" else "ORGANIZATION")
            etree.SubElement(el, _m("name")).text = a.name
            note = etree.SubElement(el, _m("note"))
            note.set(q(CSIP_NS, "NOTETYPE"), "IDENTIFICATIONCODE")
            note.text = a.identifier

    def _md_ref(self, parent: etree._Element, ref: FileRef, mdtype: str) -> None:
        el = etree.SubElement(parent, _m("mdRef"), LOCTYPE="URL", MDTYPE=mdtype, MIMETYPE="text/xml",
                              SIZE=str(ref.size), CREATED=self.created, CHECKSUM=ref.checksum,
                              CHECKSUMTYPE=CHECKSUM_TYPE)
        el.set(q(XLINK_NS, "type"), "simple")
        el.set(q(XLINK_NS, "href"), href(ref.path))

    def _header(self, mets: etree._Element) -> None:
        hdr = etree.SubElement(mets, _m("metsHdr"), CREATEDATE=self.created, LASTMODDATE=self.created,
                               RECORDSTATUS="NEW")
        hdr.set(q(CSIP_NS, "OAISPACKAGETYPE"), self.package_type)
        for a in self.agents:
            self._agent(hdr, a)

    def _metadata_sections(self, mets: etree._Element) -> list[str]:
        """The dmdSec and amdSec elements; the IDs of the administrative metadata."""
        for ident, ref in self.dmd:
            sec = etree.SubElement(mets, _m("dmdSec"), ID=ident, CREATED=self.created, STATUS="CURRENT")
            self._md_ref(sec, ref, "EAD")
        amd_ids: list[str] = []
        if self.amd:
            amd = etree.SubElement(mets, _m("amdSec"), ID=new_id())
            for ident, ref in self.amd:
                dp = etree.SubElement(amd, _m("digiprovMD"), ID=ident, CREATED=self.created, STATUS="CURRENT")
                self._md_ref(dp, ref, "PREMIS")
                amd_ids.append(ident)
        return amd_ids

    def _file(self, grp: etree._Element, ref: FileRef) -> None:
        attrs = {"ID": ref.ident or new_id(), "MIMETYPE": ref.mime or "application/octet-stream",
                 "SIZE": str(ref.size), "CREATED": ref.created or self.created, "CHECKSUM": ref.checksum,
                 "CHECKSUMTYPE": CHECKSUM_TYPE}
        if ref.group:
            attrs["GROUPID"] = ref.group
        if ref.role:
            attrs["USE"] = ref.role
        f = etree.SubElement(grp, _m("file"), **attrs)
        loc = etree.SubElement(f, _m("FLocat"), LOCTYPE="URL")
        loc.set(q(XLINK_NS, "type"), "simple")
        loc.set(q(XLINK_NS, "href"), href(ref.path))

    def _file_section(self, mets: etree._Element) -> dict[str, str]:
        """The fileSec with one fileGrp per use; the group IDs by use."""
        file_sec = etree.SubElement(mets, _m("fileSec"), ID=new_id())
        grp_ids: dict[str, str] = {}
        for use, refs in self.groups.items():
            gid = new_id()
            grp_ids[use] = gid
            grp = etree.SubElement(file_sec, _m("fileGrp"), ID=gid, USE=use)
            if use.startswith("Representations"):
                grp.set(q(CSIP_NS, "CONTENTINFORMATIONTYPE"), CONTENT_INFORMATION_TYPE)
                grp.set(q(CSIP_NS, "OTHERCONTENTINFORMATIONTYPE"), OTHER_CONTENT_INFORMATION_TYPE)
            for ref in refs:
                self._file(grp, ref)
        return grp_ids

    def _struct_map(self, mets: etree._Element, grp_ids: dict[str, str], amd_ids: list[str]) -> None:
        smap = etree.SubElement(mets, _m("structMap"), ID=new_id(), TYPE="PHYSICAL", LABEL="CSIP")
        top = etree.SubElement(smap, _m("div"), ID=new_id(), LABEL=self.objid)
        if not self.root:
            top.set("TYPE", "ORIGINAL")
        md_attrs = {"ID": new_id(), "LABEL": "Metadata"}
        if self.dmd:
            md_attrs["DMDID"] = " ".join(i for i, _r in self.dmd)
        if amd_ids:
            md_attrs["ADMID"] = " ".join(amd_ids)
        etree.SubElement(top, _m("div"), **md_attrs)
        for use in ("Data", "Documentation", "Schemas"):
            if use in grp_ids:
                div = etree.SubElement(top, _m("div"), ID=new_id(), LABEL=use)
                etree.SubElement(div, _m("fptr"), FILEID=grp_ids[use])
        if "Representations" in grp_ids:
            reps = etree.SubElement(top, _m("div"), ID=new_id(), LABEL="Representations")
            etree.SubElement(reps, _m("fptr"), FILEID=grp_ids["Representations"])
            for rep, path in self.mptrs:
                div = etree.SubElement(reps, _m("div"), ID=new_id(), LABEL=f"Representations/{rep}")
                mptr = etree.SubElement(div, _m("mptr"), LOCTYPE="URL")
                mptr.set(q(XLINK_NS, "type"), "simple")
                mptr.set(q(XLINK_NS, "href"), href(path))
                mptr.set(q(XLINK_NS, "title"), grp_ids["Representations"])

    def build(self) -> etree._Element:
        mets = etree.Element(_m("mets"), nsmap=NSMAP, OBJID=self.objid, LABEL=self.label, TYPE=CONTENT_CATEGORY,
                             PROFILE=self.profile)
        mets.set(q(CSIP_NS, "CONTENTINFORMATIONTYPE"), CONTENT_INFORMATION_TYPE)
        mets.set(q(CSIP_NS, "OTHERCONTENTINFORMATIONTYPE"), OTHER_CONTENT_INFORMATION_TYPE)
        p = self.schema_prefix
        mets.set(q(XSI_NS, "schemaLocation"),
                 f"{METS_NS} {p}{METS_XSD} {XLINK_NS} {p}{XLINK_XSD} {CSIP_NS} {p}{CSIP_XSD} {SIP_NS} {p}{SIP_XSD}")
        self._header(mets)
        amd_ids = self._metadata_sections(mets)
        grp_ids = self._file_section(mets)
        self._struct_map(mets, grp_ids, amd_ids)
        return mets


# -- reading --------------------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None


def read_mets(root: etree._Element) -> MetsInfo:
    """Every file reference of a METS document, with its declared size and checksum."""
    ns = {"m": METS_NS}
    hdr = root.find("m:metsHdr", ns)
    info = MetsInfo(objid=root.get("OBJID", ""), label=root.get("LABEL", ""),
                    created=hdr.get("CREATEDATE", "") if hdr is not None else "",
                    package_type=hdr.get(q(CSIP_NS, "OAISPACKAGETYPE"), "") if hdr is not None else "")
    if hdr is not None:
        for a in hdr.findall("m:agent", ns):
            name = (a.findtext("m:name", "", ns) or "").strip()
            note = (a.findtext("m:note", "", ns) or "").strip()
            software = a.get("OTHERTYPE") == "SOFTWARE"
            info.agents.append(SipAgent(identifier=name if software else note, name=name,
                                        agent_type="software" if software else
                                        ("person" if a.get("TYPE") == "INDIVIDUAL" else "organization"),
                                        role=a.get("ROLE", ""), version=note if software else None))
    for kind, path in (("dmd", "m:dmdSec/m:mdRef"), ("amd", "m:amdSec/*/m:mdRef")):
        for el in root.findall(path, ns):
            info.refs.append(FileRef(path=unquote(el.get(q(XLINK_NS, "href"), "")), kind=kind,
                                     size=_int(el.get("SIZE")), checksum=(el.get("CHECKSUM") or "").lower(),
                                     checksum_type=el.get("CHECKSUMTYPE", ""), mime=el.get("MIMETYPE", ""),
                                     ident=el.getparent().get("ID", ""), mdtype=el.get("MDTYPE", "")))
    for grp in root.findall("m:fileSec/m:fileGrp", ns):
        use = grp.get("USE", "")
        for f in grp.findall("m:file", ns):
            loc = f.find("m:FLocat", ns)
            path = unquote(loc.get(q(XLINK_NS, "href"), "")) if loc is not None else ""
            info.refs.append(FileRef(path=path, kind="mets" if use.startswith("Representations") else "file",
                                     size=_int(f.get("SIZE")), checksum=(f.get("CHECKSUM") or "").lower(),
                                     checksum_type=f.get("CHECKSUMTYPE", ""), mime=f.get("MIMETYPE", ""),
                                     ident=f.get("ID", ""), group=f.get("GROUPID", ""), use=use,
                                     role=f.get("USE", ""), created=f.get("CREATED", "")))
    return info
