"""Writing catalog rows from an AIP's own metadata.

Ingest and reindex both go through :func:`load_aip_metadata` + :func:`upsert_dossier`,
so a catalog rebuilt from storage is the catalog ingest wrote.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

import luutru.catalog.models as m
from luutru.packaging.ocfl import RevisionReader


@dataclass
class AipMetadata:
    aip_id: str
    dossier: dict[str, Any]
    documents: list[dict[str, Any]]
    events: list[dict[str, Any]]
    manifest_sha256: str  # hash of manifest-sha256.txt: identifies the content
    texts: dict[str, str]
    revision: int = 1  # the AIP revision read (luutru.packaging.ocfl); the head unless asked otherwise
    revisions: int = 1  # how many revisions the AIP has

    @property
    def code(self) -> str:
        return self.dossier["ma_ho_so"]


def load_aip_metadata(storage: Any, aip_id: str, *, with_text: bool = True, version: int | None = None) -> AipMetadata:
    """The metadata of one revision of a stored AIP (the newest unless ``version`` is given).

    ``manifest_sha256`` stays that of the ingested bag (revision 1): it names the AIP.
    """
    def raw(rel: str) -> bytes:
        with storage.open_file(aip_id, rel) as fh:
            return fh.read()

    revs = RevisionReader(raw, storage.list_files(aip_id))
    v = version or revs.head

    def read(rel: str) -> bytes:
        return revs.read(rel, v)

    return metadata_of(aip_id, raw("manifest-sha256.txt"), read, with_text=with_text, revision=v, revisions=revs.head)


def metadata_of(aip_id: str, manifest: bytes, read: Callable[[str], bytes], *, with_text: bool = True,
                revision: int = 1, revisions: int = 1) -> AipMetadata:
    """The metadata of an AIP whose files ``read`` gives (bag path → bytes)."""
    dossier = json.loads(read("data/metadata/dossier.json"))
    documents = json.loads(read("data/metadata/documents.json"))
    events = json.loads(read("data/metadata/premis.json"))
    texts: dict[str, str] = {}
    if with_text:
        for doc in documents:
            for comp in doc.get("_service", {}).get("components", []):
                if comp.get("role") == "text":
                    texts[doc["ma_dinh_danh_van_ban"]] = read(comp["path"]).decode("utf-8", "replace")
    return AipMetadata(aip_id, dossier, documents, events, hashlib.sha256(manifest).hexdigest(), texts,
                       revision, revisions)


def _insert_missing(s: Session, model: Any, **values: Any) -> None:
    """INSERT … ON CONFLICT DO NOTHING: two workers ingesting the first dossiers of a new
    agency at once must not collide on its row."""
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - other databases: check first
        if s.get(model, values["code"]) is None:
            s.add(model(**values))
            s.flush()
        return
    s.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=["code"]))


def _d(s: str) -> date:
    return date.fromisoformat(s)


def upsert_dossier(s: Session, meta: AipMetadata, *, status: str = "stored") -> None:
    """Replace the catalog rows of one dossier with those described by its AIP."""
    d = meta.dossier
    svc = d.get("_service", {})
    _insert_missing(s, m.Agency, code=d["ma_co_quan"], name=d["ten_co_quan"])
    _insert_missing(s, m.Fonds, code=d["ma_co_quan"], agency_code=d["ma_co_quan"], name=d["ten_co_quan"])
    code = d["ma_ho_so"]
    delete_dossier_rows(s, code)
    s.add(m.Dossier(
        code=code, fonds_code=d["ma_co_quan"], transfer_id=svc.get("transfer_id"), year=d["nam_hinh_thanh"],
        number=d["so_ky_hieu_ho_so"], title=d["tieu_de"], retention_years=svc.get("retention_years"),
        access=svc.get("access_regime", ""), start_date=_d(d["thoi_gian_bat_dau"]), end_date=_d(d["thoi_gian_ket_thuc"]),
        aip_id=meta.aip_id, stored_at=svc.get("ingested_at", ""), status=status,
        manifest_sha256=meta.manifest_sha256, meta={k: v for k, v in d.items() if k != "_service"},
    ))
    s.flush()
    # One bulk INSERT per table (SQLAlchemy's ORM bulk form): adding an ORM object per row
    # was a sixth of the ingest's main thread (issue 17).
    docs, files = [], []
    for doc in meta.documents:
        dsvc = doc.get("_service", {})
        ident = doc["ma_dinh_danh_van_ban"]
        docs.append(dict(
            identifier=ident, dossier_code=code, sequence=doc["so_thu_tu"], doc_type=doc["ten_loai_van_ban"],
            number=str(doc["so_van_ban"]), notation=doc["ky_hieu_van_ban"], issued=_d(doc["ngay_van_ban"]),
            issuer=doc["co_quan_ban_hanh"], abstract=doc["trich_yeu"], access=dsvc.get("access_regime", ""),
            reliability=dsvc.get("reliability", ""), meta={k: v for k, v in doc.items() if k != "_service"},
        ))
        files += [dict(
            document_identifier=ident, role=comp["role"], path=comp["path"], original_name=comp["original_name"],
            size=comp["size"], sha256=comp["sha256"], mime=comp.get("mime"), puid=comp.get("puid"),
            signature_status=comp.get("signature_status"),
        ) for comp in dsvc.get("components", [])]
    if docs:
        s.execute(insert(m.Document), docs)
    if files:
        s.execute(insert(m.File), files)
    add_events(s, code, meta.events)


def delete_dossier_rows(s: Session, code: str) -> None:
    idents = list(s.scalars(select(m.Document.identifier).where(m.Document.dossier_code == code)))
    if idents:
        s.execute(delete(m.File).where(m.File.document_identifier.in_(idents)))
        s.execute(delete(m.Document).where(m.Document.dossier_code == code))
    s.execute(delete(m.Dossier).where(m.Dossier.code == code))
    s.flush()


def _known_event_ids(s: Session, ids: list[str]) -> set[str]:
    known: set[str] = set()
    for i in range(0, len(ids), 500):
        known.update(s.scalars(select(m.Event.id).where(m.Event.id.in_(ids[i:i + 500]))))
    return known


def add_events(s: Session, dossier_code: str | None, events: list[dict[str, Any]]) -> None:
    """Insert the events, or update those already recorded (a re-run): one query for which
    exist, then one bulk INSERT and one bulk UPDATE (by primary key)."""
    known = _known_event_ids(s, [ev["event_id"] for ev in events])
    rows: dict[str, dict[str, Any]] = {}
    for ev in events:  # the same id twice in one list: the last one wins, as with updates
        rows[ev["event_id"]] = dict(
            id=ev["event_id"], dossier_code=dossier_code, object=ev["object"], event_type=ev["event_type"],
            outcome=ev["outcome"], detail=ev.get("detail", ""), outcome_detail=ev.get("outcome_detail", {}),
            agent=ev["agent"], event_datetime=ev["event_datetime"],
        )
    new = [r for i, r in rows.items() if i not in known]
    again = [r for i, r in rows.items() if i in known]
    if new:
        s.execute(insert(m.Event), new)
    if again:
        s.execute(update(m.Event), again)
