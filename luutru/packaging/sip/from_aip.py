"""A :class:`SipPackage` from what a luutru AIP stores, and back.

The AIP keeps ``data/metadata/dossier.json`` (catalogue fields + ``_service``),
``documents.json`` (catalogue fields + ``_service.components``) and ``premis.json`` (events).
:func:`package_from_aip` takes those three as plain JSON values and a function that opens a
stored file, so it works on any storage backend and never imports the preservation layer.
:func:`aip_view` goes the other way: the catalogue rows and events a receiving luutru ingests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from luutru.packaging.sip import mapping
from luutru.packaging.sip.model import (
    ORIGINAL,
    PRESERVATION,
    SipAgent,
    SipDocument,
    SipDossier,
    SipEvent,
    SipFile,
    SipPackage,
    SipRights,
)

SERVICE = "_service"


def _catalogue(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != SERVICE}


def package_from_aip(dossier: dict[str, Any], documents: list[dict[str, Any]], events: list[dict[str, Any]],
                     open_file: Callable[[str], BinaryIO], *, sequence: int = 1, submission_id: str = "",
                     agents: list[SipAgent] | None = None) -> SipPackage:
    """One SIP_hoso for a stored dossier: originals and preservation copies, every event, the access rights.

    ``open_file(bag_path)`` opens a stored file (``data/objects/...``) for reading.
    """
    cat = _catalogue(dossier)
    fields = mapping.dossier_fields(cat)
    docs: list[SipDocument] = []
    for entry in sorted(documents, key=lambda d: (d.get("so_thu_tu") or 0, d.get("ma_dinh_danh_van_ban") or "")):
        dcat = _catalogue(entry)
        files = []
        for comp in entry.get(SERVICE, {}).get("components", []):
            role = comp.get("role")
            if role not in (ORIGINAL, PRESERVATION):
                continue  # extracted text is derived data: the receiver extracts its own
            path = comp["path"]
            files.append(SipFile(
                name=(comp.get("original_name") or PurePosixPath(path).name) if role == ORIGINAL else PurePosixPath(path).name,
                role=role, sha256=comp["sha256"], size=int(comp["size"]),
                mime=comp.get("mime") or "application/octet-stream",
                source=(lambda p=path: open_file(p)),
                original_path=dcat.get("duong_dan_tep") if role == ORIGINAL else None,
                format_name=comp.get("format_name"), puid=comp.get("puid"),
            ))
        docs.append(SipDocument(mapping.document_fields(dcat, fields), files, dcat))
    sip_events = [SipEvent.from_dict(e) for e in events]
    rights = SipRights(fields.mode, mapping.MODE_LABELS.get(fields.mode, str(cat.get("che_do_su_dung") or "")))
    agency = SipAgent(fields.agency_code, fields.agency_name, "organization", role="ARCHIVIST")
    return SipPackage(SipDossier(fields, docs, sip_events, rights, cat), sequence=sequence,
                      submission_id=submission_id, agents=[agency] + list(agents or []))


@dataclass
class AipView:
    """What a receiving luutru ingests from a package: catalogue rows and the sender's events."""

    dossier: dict[str, Any]
    documents: list[dict[str, Any]]
    events: list[dict[str, Any]]
    originals: dict[str, SipFile]  # document id → its original file in the unpacked package


def aip_view(pkg: SipPackage) -> AipView:
    d = pkg.dossier
    originals = {}
    for doc in d.documents:
        f = next((f for f in doc.files if f.role == ORIGINAL), None)
        if f is not None:
            originals[doc.doc_id] = f
    return AipView(dict(d.catalogue), [dict(doc.catalogue) for doc in d.documents],
                   [e.to_dict() for e in d.events], originals)
