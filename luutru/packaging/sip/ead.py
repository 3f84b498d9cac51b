"""EAD 2002 descriptions of a dossier (``EAD.xml``) and of each document (``EAD_doc_<docId>.xml``).

Why EAD 2002 and not EAD3: E-ARK CSIP names descriptive metadata by the METS ``MDTYPE``
vocabulary, whose ``EAD`` value is EAD 2002 (EAD3 would have to travel as ``OTHER``); the E-ARK
reference implementation (commons-ip) and RODA write and read EAD 2002 in SIPs; and the
05/2025 packages name the file ``EAD.xml``.  Archival systems that read E-ARK SIPs read this.

Every 05/2025 element is written once, in the EAD element an archivist would look for
(``unitid`` for ``fileCode``, ``unittitle`` for ``title``, ``unitdate`` for the dates,
``accessrestrict`` for ``mode``, ``appraisal`` for ``maintenance`` …), or in an ``odd``
(other descriptive data) where EAD has no such element, and each carries the 05/2025 element
name in ``@encodinganalog`` — that attribute is what the reader maps back from, so the mapping
is one table (:data:`DOSSIER_SPEC`, :data:`DOCUMENT_SPEC`).  The sender's own catalogue fields
travel verbatim in ``odd[@type='luutru:catalogue']`` as a definition list.
"""

from __future__ import annotations

import json
from dataclasses import fields as dc_fields
from datetime import datetime
from typing import Any

from lxml import etree

from luutru.packaging.sip.model import SipDocumentFields, SipDossierFields
from luutru.packaging.sip.xmlschemas import EAD_NS, EAD_XSD, XLINK_NS, XSI_NS, q

CATALOGUE_TYPE = "luutru:catalogue"

# (attribute, 05/2025 element name, EAD placement)
DOSSIER_SPEC: tuple[tuple[str, str, str], ...] = (
    ("file_code", "fileCode", "unitid"),
    ("title", "title", "unittitle"),
    ("agency_code", "agencyCode", "origination-code"),
    ("agency_name", "organName", "origination"),
    ("start_date", "startDate", "unitdate"),
    ("end_date", "endDate", "unitdate"),
    ("language", "language", "language"),
    ("total_doc", "totalDoc", "extent"),
    ("number_of_paper", "numberOfPaper", "extent"),
    ("number_of_page", "numberOfPage", "extent"),
    ("format", "format", "physfacet"),
    ("maintenance", "maintenance", "appraisal"),
    ("mode", "mode", "accessrestrict"),
    ("keyword", "keyword", "subject"),
    ("description", "description", "scopecontent"),
    ("infor_sign", "inforSign", "odd"),
    ("confidence_level", "confidenceLevel", "odd"),
    ("paper_file_code", "paperFileCode", "odd"),
    ("risk_recovery", "riskRecovery", "odd"),
    ("risk_recovery_status", "riskRecoveryStatus", "odd"),
)

DOCUMENT_SPEC: tuple[tuple[str, str, str], ...] = (
    ("doc_id", "docId", "unitid"),
    ("doc_code", "docCode", "unitid"),
    ("subject", "subject", "unittitle"),
    ("organ_name", "organName", "origination"),
    ("issued_date", "issuedDate", "unitdate"),
    ("language", "language", "language"),
    ("number_of_page", "numberOfPage", "extent"),
    ("format", "format", "physfacet"),
    ("maintenance", "maintenance", "appraisal"),
    ("mode", "mode", "accessrestrict"),
    ("keyword", "keyword", "subject"),
    ("description", "description", "scopecontent"),
    ("sequence", "docOrdinal", "odd"),
    ("type_name", "typeName", "odd"),
    ("code_number", "codeNumber", "odd"),
    ("code_notation", "codeNotation", "odd"),
    ("infor_sign", "inforSign", "odd"),
    ("confidence_level", "confidenceLevel", "odd"),
    ("autograph", "autograph", "odd"),
    ("risk_recovery", "riskRecovery", "odd"),
    ("risk_recovery_status", "riskRecoveryStatus", "odd"),
    ("process", "process", "odd"),
)

# 05/2025 language codes → ISO 639-2/B, where the code is one language.
LANGCODES = {"01": "vie", "02": "eng", "03": "fre", "04": "rus", "05": "chi"}

DOSSIER_ELEMENTS = tuple(name for _a, name, _p in DOSSIER_SPEC)
DOCUMENT_ELEMENTS = tuple(name for _a, name, _p in DOCUMENT_SPEC)


def _e(tag: str) -> str:
    return q(EAD_NS, tag)


def _iso(ddmmyyyy: str) -> str | None:
    """``DD/MM/YYYY`` (or ``MM/YYYY``, ``YYYY``) as the ISO form EAD's ``@normal`` wants."""
    for fmt, out in (("%d/%m/%Y", "%Y-%m-%d"), ("%m/%Y", "%Y-%m"), ("%Y", "%Y")):
        try:
            return datetime.strptime(ddmmyyyy, fmt).strftime(out)
        except ValueError:
            continue
    return None


def _child(parent: etree._Element, tag: str) -> etree._Element:
    found = parent.find(_e(tag))
    return found if found is not None else etree.SubElement(parent, _e(tag))


def _place(archdesc: etree._Element, did: etree._Element, name: str, placement: str, value: str) -> None:
    if placement in ("unitid", "unittitle"):
        etree.SubElement(did, _e(placement), encodinganalog=name).text = value
    elif placement == "unitdate":
        el = etree.SubElement(did, _e("unitdate"), encodinganalog=name, datechar=name)
        el.text = value
        iso = _iso(value)
        if iso:
            el.set("normal", iso)
    elif placement == "language":
        lm = _child(did, "langmaterial")
        el = etree.SubElement(lm, _e("language"), encodinganalog=name)
        el.text = value
        if value in LANGCODES:
            el.set("langcode", LANGCODES[value])
    elif placement in ("extent", "physfacet"):
        etree.SubElement(_child(did, "physdesc"), _e(placement), encodinganalog=name).text = value
    elif placement == "origination":
        orig = _child(did, "origination")
        corp = orig.find(_e("corpname"))
        if corp is None:
            corp = etree.SubElement(orig, _e("corpname"))
        corp.set("encodinganalog", name)
        corp.text = value
    elif placement == "origination-code":
        orig = _child(did, "origination")
        corp = orig.find(_e("corpname"))
        if corp is None:
            corp = etree.SubElement(orig, _e("corpname"))
        corp.set("authfilenumber", value)
    elif placement == "subject":
        etree.SubElement(_child(archdesc, "controlaccess"), _e("subject"), encodinganalog=name).text = value
    else:  # appraisal, accessrestrict, scopecontent, odd: a block with one paragraph
        block = etree.SubElement(archdesc, _e(placement), encodinganalog=name)
        if placement == "odd":
            block.set("type", name)
        etree.SubElement(block, _e("p")).text = value


def _catalogue_block(archdesc: etree._Element, catalogue: dict[str, Any]) -> None:
    if not catalogue:
        return
    odd = etree.SubElement(archdesc, _e("odd"), type=CATALOGUE_TYPE, encodinganalog=CATALOGUE_TYPE)
    etree.SubElement(odd, _e("head")).text = "Trường mục lục của bên giao nộp / Sender's catalogue fields"
    lst = etree.SubElement(odd, _e("list"), type="deflist")
    for key in sorted(catalogue):
        value = catalogue[key]
        item = etree.SubElement(lst, _e("defitem"))
        etree.SubElement(item, _e("label")).text = key
        it = etree.SubElement(item, _e("item"))
        if isinstance(value, str):
            it.text = value
        else:
            it.set("altrender", "json")
            it.text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _document(level: str, ident: str, title: str, spec: tuple[tuple[str, str, str], ...], values: Any,
              catalogue: dict[str, Any], created: str, agent: str) -> etree._Element:
    root = etree.Element(_e("ead"), nsmap={None: EAD_NS, "xlink": XLINK_NS, "xsi": XSI_NS})
    root.set(q(XSI_NS, "schemaLocation"), f"{EAD_NS} ../schemas/{EAD_XSD}")
    header = etree.SubElement(root, _e("eadheader"), langencoding="iso639-2b", dateencoding="iso8601",
                              countryencoding="iso3166-1", repositoryencoding="iso15511")
    etree.SubElement(header, _e("eadid"), countrycode="VN").text = ident
    filedesc = etree.SubElement(header, _e("filedesc"))
    etree.SubElement(etree.SubElement(filedesc, _e("titlestmt")), _e("titleproper")).text = title
    profile = etree.SubElement(header, _e("profiledesc"))
    creation = etree.SubElement(profile, _e("creation"))
    creation.text = f"{agent}, "
    etree.SubElement(creation, _e("date"), normal=created[:10].replace("-", "")).text = created
    lang = etree.SubElement(profile, _e("langusage"))
    etree.SubElement(lang, _e("language"), langcode="vie").text = "Tiếng Việt"
    archdesc = etree.SubElement(root, _e("archdesc"), level=level)
    did = etree.SubElement(archdesc, _e("did"))
    for attr, name, placement in spec:
        value = getattr(values, attr)
        if value is None or value == "":
            continue
        _place(archdesc, did, name, placement, str(value))
    if len(did) == 0:
        etree.SubElement(did, _e("unittitle")).text = title
    _catalogue_block(archdesc, catalogue)
    return root


def dossier_ead(d: SipDossierFields, catalogue: dict[str, Any], *, created: str, agent: str) -> etree._Element:
    """The dossier's ``EAD.xml`` (``archdesc/@level='file'``)."""
    return _document("file", d.file_code, d.title, DOSSIER_SPEC, d, catalogue, created, agent)


def document_ead(d: SipDocumentFields, catalogue: dict[str, Any], *, created: str, agent: str) -> etree._Element:
    """One document's ``EAD_doc_<docId>.xml`` (``archdesc/@level='item'``)."""
    return _document("item", d.doc_id, d.subject or d.doc_id, DOCUMENT_SPEC, d, catalogue, created, agent)


# -- reading --------------------------------------------------------------------------------------------


def _text(el: etree._Element) -> str:
    p = el.find(_e("p"))
    return "".join((p if p is not None else el).itertext()).strip()


def _read(root: etree._Element, spec: tuple[tuple[str, str, str], ...]) -> tuple[dict[str, str], dict[str, Any]]:
    archdesc = root.find(_e("archdesc"))
    if archdesc is None:
        raise ValueError("EAD has no archdesc")
    values: dict[str, str] = {}
    by_name = {name: (attr, placement) for attr, name, placement in spec}
    for el in archdesc.iter(etree.Element):
        name = el.get("encodinganalog")
        if name in by_name and name not in values:
            values[name] = _text(el)
    for attr, name, placement in spec:
        if placement == "origination-code":
            corp = archdesc.find(f"{_e('did')}/{_e('origination')}/{_e('corpname')}")
            if corp is not None and corp.get("authfilenumber"):
                values[name] = corp.get("authfilenumber", "")
    catalogue: dict[str, Any] = {}
    for odd in archdesc.findall(_e("odd")):
        if odd.get("type") != CATALOGUE_TYPE:
            continue
        for item in odd.iter(_e("defitem")):
            label, it = item.find(_e("label")), item.find(_e("item"))
            if label is None or it is None:
                continue
            raw = "".join(it.itertext())
            catalogue["".join(label.itertext())] = json.loads(raw) if it.get("altrender") == "json" else raw
    return values, catalogue


def _fill(cls: Any, spec: tuple[tuple[str, str, str], ...], values: dict[str, str], **fixed: Any) -> Any:
    kinds = {f.name: f.type for f in dc_fields(cls)}
    kw: dict[str, Any] = dict(fixed)
    for attr, name, _placement in spec:
        if name not in values:
            continue
        raw = values[name]
        if "int" in str(kinds.get(attr)):
            kw[attr] = int(raw) if raw.strip().isdigit() else None
        else:
            kw[attr] = raw
    return cls(**kw)


def read_dossier_ead(root: etree._Element) -> tuple[SipDossierFields, dict[str, Any]]:
    """05/2025 dossier fields and the sender's catalogue fields from ``EAD.xml``."""
    values, catalogue = _read(root, DOSSIER_SPEC)
    fixed = {"file_code": values.pop("fileCode", ""), "title": values.pop("title", "")}
    return _fill(SipDossierFields, DOSSIER_SPEC, values, **fixed), catalogue


def read_document_ead(root: etree._Element) -> tuple[SipDocumentFields, dict[str, Any]]:
    """05/2025 document fields and the sender's catalogue fields from ``EAD_doc_*.xml``."""
    values, catalogue = _read(root, DOCUMENT_SPEC)
    fixed = {"doc_id": values.pop("docId", "")}
    doc = _fill(SipDocumentFields, DOCUMENT_SPEC, values, **fixed)
    if doc.sequence is None:
        doc.sequence = 0
    return doc, catalogue
