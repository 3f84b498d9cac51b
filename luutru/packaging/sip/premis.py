"""PREMIS 3.0 preservation metadata: the package file and one file per representation.

``metadata/preservation/PREMIS.xml`` holds the intellectual entities (the dossier and its
documents), every event (ingest, fixity checks, signature validation, format identification,
migrations …, as luutru recorded them), the agents and the rights statement.
``representations/<rep>/metadata/preservation/PREMIS_<rep>.xml`` holds the representation and
its file objects: fixity (SHA-256), size, format (with the PRONOM id when known) and the file's
original name.  Built with lxml against the official PREMIS 3.0 schema (``schemas/premis-v3-0.xsd``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from luutru.packaging.sip.model import SipAgent, SipDossier, SipEvent, SipFile, SipRights
from luutru.packaging.sip.xmlschemas import PREMIS_NS, XSI_NS, q

ID_FILE_CODE = "fileCode"
ID_DOC_ID = "docId"
ID_LOCAL = "local"
ID_UUID = "UUID"
ID_EVENT_OBJECT = "luutru:object"
PACKAGE_CREATION = "information package creation"  # the circular's event type for building a package


def _p(tag: str) -> str:
    return q(PREMIS_NS, tag)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _p(tag), **attrs)
    if text is not None:
        el.text = text
    return el


def _root(schema_path: str) -> etree._Element:
    root = etree.Element(_p("premis"), nsmap={None: PREMIS_NS, "xsi": XSI_NS}, version="3.0")
    root.set(q(XSI_NS, "schemaLocation"), f"{PREMIS_NS} {schema_path}")
    return root


def _identifier(parent: etree._Element, tag: str, id_type: str, value: str) -> None:
    el = _sub(parent, tag)
    _sub(el, f"{tag}Type", id_type)
    _sub(el, f"{tag}Value", value)


def _entity(root: etree._Element, id_type: str, value: str, title: str) -> None:
    obj = _sub(root, "object")
    obj.set(q(XSI_NS, "type"), "intellectualEntity")
    _identifier(obj, "objectIdentifier", id_type, value)
    sp = _sub(obj, "significantProperties")
    _sub(sp, "significantPropertiesType", "title")
    _sub(sp, "significantPropertiesValue", title)


def _event(root: etree._Element, e: SipEvent) -> None:
    el = _sub(root, "event")
    _identifier(el, "eventIdentifier", ID_UUID, e.event_id)
    _sub(el, "eventType", e.event_type)
    _sub(el, "eventDateTime", e.event_datetime)
    if e.detail:
        _sub(_sub(el, "eventDetailInformation"), "eventDetail", e.detail)
    info = _sub(el, "eventOutcomeInformation")
    _sub(info, "eventOutcome", e.outcome)
    if e.outcome_detail:
        _sub(_sub(info, "eventOutcomeDetail"), "eventOutcomeDetailNote",
             json.dumps(e.outcome_detail, ensure_ascii=False, sort_keys=True, default=str))
    if e.agent:
        _identifier(el, "linkingAgentIdentifier", ID_LOCAL, e.agent)
    if e.object:
        _identifier(el, "linkingObjectIdentifier", ID_EVENT_OBJECT, e.object)


def _agent(root: etree._Element, a: SipAgent) -> None:
    el = _sub(root, "agent")
    _identifier(el, "agentIdentifier", ID_LOCAL, a.identifier)
    _sub(el, "agentName", a.name)
    _sub(el, "agentType", a.agent_type)
    if a.version:
        _sub(el, "agentVersion", a.version)


def _rights(root: etree._Element, r: SipRights, dossier_code: str) -> None:
    rights = _sub(root, "rights")
    st = _sub(rights, "rightsStatement")
    _identifier(st, "rightsStatementIdentifier", ID_UUID, str(uuid.uuid5(uuid.NAMESPACE_URL, f"luutru:rights:{dossier_code}")))
    _sub(st, "rightsBasis", "Statute")
    stat = _sub(st, "statuteInformation")
    _sub(stat, "statuteJurisdiction", r.jurisdiction)
    _sub(stat, "statuteCitation", r.citation)
    _sub(stat, "statuteNote", f"mode={r.mode}")
    if r.note:
        _sub(stat, "statuteNote", r.note)
    _identifier(st, "linkingObjectIdentifier", ID_FILE_CODE, dossier_code)


def package_premis(dossier: SipDossier, agents: Iterable[SipAgent], schema_path: str) -> etree._Element:
    """``metadata/preservation/PREMIS.xml``: entities, events, agents and rights of the dossier."""
    root = _root(schema_path)
    _entity(root, ID_FILE_CODE, dossier.file_code, dossier.fields.title)
    for doc in dossier.documents:
        _entity(root, ID_DOC_ID, doc.doc_id, doc.fields.subject or doc.doc_id)
    for e in dossier.events:
        _event(root, e)
    seen: set[str] = set()
    agents = list(agents)
    for a in agents:
        if a.identifier not in seen:
            seen.add(a.identifier)
            _agent(root, a)
    for name in sorted({e.agent for e in dossier.events if e.agent} - seen):
        _agent(root, SipAgent(name, name, "software"))
    if dossier.rights is not None:
        _rights(root, dossier.rights, dossier.file_code)
    return root


def representation_premis(rep: str, files: list[tuple[str, str, SipFile]], schema_path: str) -> etree._Element:
    """``PREMIS_<rep>.xml``: the representation and its files (``(docId, path in rep, file)``)."""
    root = _root(schema_path)
    obj = _sub(root, "object")
    obj.set(q(XSI_NS, "type"), "representation")
    _identifier(obj, "objectIdentifier", ID_LOCAL, rep)
    for doc_id, rel, f in files:
        fo = _sub(root, "object")
        fo.set(q(XSI_NS, "type"), "file")
        _identifier(fo, "objectIdentifier", ID_LOCAL, rel)
        ch = _sub(fo, "objectCharacteristics")
        _sub(ch, "compositionLevel", "0")
        fx = _sub(ch, "fixity")
        _sub(fx, "messageDigestAlgorithm", "SHA-256")
        _sub(fx, "messageDigest", f.sha256)
        _sub(ch, "size", str(f.size))
        fmt = _sub(ch, "format")
        des = _sub(fmt, "formatDesignation")
        _sub(des, "formatName", f.format_name or f.mime)
        if f.format_version:
            _sub(des, "formatVersion", f.format_version)
        if f.puid:
            reg = _sub(fmt, "formatRegistry")
            _sub(reg, "formatRegistryName", "PRONOM")
            _sub(reg, "formatRegistryKey", f.puid)
        if f.original_path:
            _sub(fo, "originalName", f.original_path)
        rel_el = _sub(fo, "relationship")
        _sub(rel_el, "relationshipType", "structural")
        _sub(rel_el, "relationshipSubType", "is included in")
        _identifier(rel_el, "relatedObjectIdentifier", ID_DOC_ID, doc_id)
    return root


# -- reading --------------------------------------------------------------------------------------------


def _t(el: etree._Element | None, path: str) -> str:
    if el is None:
        return ""
    found = el.find(path, {"p": PREMIS_NS})
    return (found.text or "").strip() if found is not None and found.text else ""


@dataclass
class PremisFile:
    """What a representation PREMIS says about one file."""

    path: str
    doc_id: str
    sha256: str
    size: int | None
    format_name: str
    format_version: str
    puid: str
    original_name: str


@dataclass
class PremisPackage:
    events: list[SipEvent]
    agents: list[SipAgent]
    rights: SipRights | None


def read_package_premis(root: etree._Element) -> PremisPackage:
    events = []
    for el in root.findall(_p("event")):
        detail_note = _t(el, "p:eventOutcomeInformation/p:eventOutcomeDetail/p:eventOutcomeDetailNote")
        events.append(SipEvent(
            event_id=_t(el, "p:eventIdentifier/p:eventIdentifierValue"),
            event_type=_t(el, "p:eventType"),
            event_datetime=_t(el, "p:eventDateTime"),
            object=_t(el, "p:linkingObjectIdentifier/p:linkingObjectIdentifierValue"),
            outcome=_t(el, "p:eventOutcomeInformation/p:eventOutcome"),
            detail=_t(el, "p:eventDetailInformation/p:eventDetail"),
            outcome_detail=json.loads(detail_note) if detail_note else {},
            agent=_t(el, "p:linkingAgentIdentifier/p:linkingAgentIdentifierValue"),
        ))
    agents = [SipAgent(_t(a, "p:agentIdentifier/p:agentIdentifierValue"), _t(a, "p:agentName"), _t(a, "p:agentType"),
                       version=_t(a, "p:agentVersion") or None) for a in root.findall(_p("agent"))]
    rights = None
    st = root.find(f"{_p('rights')}/{_p('rightsStatement')}")
    if st is not None:
        notes = [n.text or "" for n in st.findall(f"{_p('statuteInformation')}/{_p('statuteNote')}")]
        mode = next((n[5:] for n in notes if n.startswith("mode=")), "")
        rest = [n for n in notes if not n.startswith("mode=")]
        rights = SipRights(mode=mode, note=rest[0] if rest else "",
                           jurisdiction=_t(st, "p:statuteInformation/p:statuteJurisdiction"),
                           citation=_t(st, "p:statuteInformation/p:statuteCitation"))
    return PremisPackage(events, agents, rights)


def read_representation_premis(root: etree._Element) -> dict[str, PremisFile]:
    out: dict[str, PremisFile] = {}
    for obj in root.findall(_p("object")):
        if obj.get(q(XSI_NS, "type")) != "file":
            continue
        path = _t(obj, "p:objectIdentifier/p:objectIdentifierValue")
        size = _t(obj, "p:objectCharacteristics/p:size")
        out[path] = PremisFile(
            path=path,
            doc_id=_t(obj, "p:relationship/p:relatedObjectIdentifier/p:relatedObjectIdentifierValue"),
            sha256=_t(obj, "p:objectCharacteristics/p:fixity/p:messageDigest").lower(),
            size=int(size) if size.isdigit() else None,
            format_name=_t(obj, "p:objectCharacteristics/p:format/p:formatDesignation/p:formatName"),
            format_version=_t(obj, "p:objectCharacteristics/p:format/p:formatDesignation/p:formatVersion"),
            puid=_t(obj, "p:objectCharacteristics/p:format/p:formatRegistry/p:formatRegistryKey"),
            original_name=_t(obj, "p:originalName"),
        )
    return out

