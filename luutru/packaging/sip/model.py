"""Typed description of a 05/2025 submission package (SIP_hoso): the builder's input and the reader's output.

A package carries one dossier (hồ sơ), its documents, their files, the preservation events,
the agents and the rights statement.  Field names follow the 05/2025 package elements
(``fileCode``, ``maintenance``, ``mode`` … — see docs/transfer-format.md) in snake case, and
values are the circular's codes (``01`` …) where it has a value list.

``catalogue`` on the dossier and on each document keeps the sender's own catalogue fields
(the 02/2019-shaped columns luutru stores in ``dossier.json`` / ``documents.json``) verbatim,
so that a package from one luutru instance re-creates identical records in another; a package
from another system has an empty ``catalogue`` and is mapped from the 05/2025 fields
(:mod:`luutru.packaging.sip.mapping`).

These are plain dataclasses on purpose: the builder reads nothing but them, the reader
returns nothing but them, so they can be fed from an AIP, from a test, or from a foreign
package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from luutru.records.uuids import random_uuid

# Roles of a file inside a document; each role is one E-ARK representation.
ORIGINAL = "original"
PRESERVATION = "preservation"
REPRESENTATIONS: dict[str, str] = {ORIGINAL: "rep1", PRESERVATION: "rep2"}

# Where a file's bytes come from: a path, the bytes, or a callable opening a binary stream
# (e.g. ``lambda: storage.open_file(aip_id, path)``, so S3 objects stream without a temp copy).
Source = Path | bytes | Callable[[], BinaryIO]


def new_objid() -> str:
    """Package id as the circular writes it: ``uuid-{UUID}`` (METS ``@OBJID``)."""
    return f"uuid-{str(random_uuid()).upper()}"


def new_id() -> str:
    """XML id for METS/PREMIS elements: ``ID-{UUID}`` (NCName, so it may not start with a digit)."""
    return f"ID-{random_uuid()}"


@dataclass
class SipFile:
    """One file of a document.

    ``name`` is the file name inside the representation's ``data/<docId>/`` folder.  For the
    builder, ``source`` is where the bytes are (a path or the bytes themselves) and ``sha256``/``size``
    what the sender recorded: the builder refuses a source whose bytes do not match.  The reader
    sets ``source`` to the file's path inside the unpacked package.
    """

    name: str
    role: str  # ORIGINAL | PRESERVATION
    sha256: str
    size: int
    mime: str = "application/octet-stream"
    source: Source | None = None
    original_path: str | None = None  # path in the sender's catalogue (duong_dan_tep)
    format_name: str | None = None
    format_version: str | None = None
    puid: str | None = None
    file_id: str = field(default_factory=new_id)

    @property
    def representation(self) -> str:
        return REPRESENTATIONS[self.role]


@dataclass
class SipEvent:
    """A PREMIS event, as luutru records them (:class:`luutru.records.events.Event`)."""

    event_id: str
    event_type: str
    event_datetime: str  # ISO 8601 with +07:00
    object: str  # dossier code, document id or file path the event concerns
    outcome: str  # success | warning | failure
    detail: str = ""
    outcome_detail: dict[str, Any] = field(default_factory=dict)
    agent: str = ""

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SipEvent:
        return cls(event_id=d["event_id"], event_type=d["event_type"], event_datetime=d["event_datetime"],
                   object=d.get("object") or "", outcome=d.get("outcome") or "", detail=d.get("detail") or "",
                   outcome_detail=dict(d.get("outcome_detail") or {}), agent=d.get("agent") or "")

    def to_dict(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "event_type": self.event_type, "event_datetime": self.event_datetime,
                "object": self.object, "outcome": self.outcome, "detail": self.detail,
                "outcome_detail": self.outcome_detail, "agent": self.agent}


@dataclass
class SipAgent:
    """A PREMIS agent and METS header agent: the software, the submitting agency, the receiving archive."""

    identifier: str  # agency code, software name + version …
    name: str
    agent_type: str  # software | organization | person
    role: str = ""  # METS agent role: CREATOR | ARCHIVIST | PRESERVATION
    version: str | None = None


@dataclass
class SipDocumentFields:
    """The 05/2025 document record (``EAD_doc_*.xml``, 21 elements) plus the sequence in the dossier."""

    doc_id: str
    doc_code: str = ""
    sequence: int = 0
    maintenance: str = ""
    type_name: str = ""
    code_number: str = ""
    code_notation: str = ""
    issued_date: str = ""  # DD/MM/YYYY
    organ_name: str = ""
    subject: str = ""
    language: str = ""
    number_of_page: int | None = None
    infor_sign: str = ""
    keyword: str = ""
    mode: str = ""
    confidence_level: str = ""
    autograph: str = ""
    format: str = ""
    risk_recovery: str = ""
    risk_recovery_status: str = ""
    process: str = ""
    description: str = ""


@dataclass
class SipDossierFields:
    """The 05/2025 dossier record (``EAD.xml``, 18 elements) plus the agency that formed it."""

    file_code: str
    title: str
    agency_code: str = ""
    agency_name: str = ""
    maintenance: str = ""
    mode: str = ""
    language: str = ""
    start_date: str = ""  # DD/MM/YYYY
    end_date: str = ""
    keyword: str = ""
    total_doc: int | None = None
    number_of_paper: int | None = None
    number_of_page: int | None = None
    format: str = ""
    infor_sign: str = ""
    confidence_level: str = ""
    paper_file_code: str = ""
    risk_recovery: str = ""
    risk_recovery_status: str = ""
    description: str = ""


@dataclass
class SipDocument:
    fields: SipDocumentFields
    files: list[SipFile] = field(default_factory=list)
    catalogue: dict[str, Any] = field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        return self.fields.doc_id


@dataclass
class SipRights:
    """The access regime as a PREMIS rights statement (basis: statute, Law on Archives 2024)."""

    mode: str  # 01 | 02 | 03
    note: str = ""
    jurisdiction: str = "VN"
    citation: str = "Luật Lưu trữ số 33/2024/QH15; Thông tư 05/2025/TT-BNV"


@dataclass
class SipDossier:
    fields: SipDossierFields
    documents: list[SipDocument] = field(default_factory=list)
    events: list[SipEvent] = field(default_factory=list)
    rights: SipRights | None = None
    catalogue: dict[str, Any] = field(default_factory=dict)

    @property
    def file_code(self) -> str:
        return self.fields.file_code


@dataclass
class SipPackage:
    """One SIP_hoso: one dossier, with the agents that made and receive it."""

    dossier: SipDossier
    objid: str = field(default_factory=new_objid)
    created: str = ""  # ISO 8601 +07:00; the builder fills it in when empty
    sequence: int = 1  # the package's number in the submission (ZIP name)
    label: str = ""
    agents: list[SipAgent] = field(default_factory=list)
    submission_id: str = ""  # the transfer/export package this SIP belongs to
    # documentation/ files (name → path or bytes): the handover record, the catalogue …
    documentation: dict[str, Source] = field(default_factory=dict)

    def zip_name(self) -> str:
        """Circular 05/2025 (as read by implementers): sequence number in the submission + OBJID."""
        return f"{self.sequence:03d}_{self.objid}.zip"
