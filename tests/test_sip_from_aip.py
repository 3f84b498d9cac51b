"""A 05/2025 SIP from a real AIP: ingest a transfer with the ordinary pipeline, package one stored
dossier from what its AIP holds (dossier.json, documents.json, premis.json and the stored files),
check it with the schemas and eark-validator, and read back the same fields, bytes and events."""

from __future__ import annotations

import hashlib
from pathlib import Path

from luutru.catalog.records import load_aip_metadata
from luutru.ingest.pipeline import ingest
from luutru.packaging.sip.builder import build_sip
from luutru.packaging.sip.from_aip import aip_view, package_from_aip
from luutru.packaging.sip.reader import read_sip
from tests.factory import base_spec, write_transfer
from tests.sip_helpers import CREATOR, eark_errors, eark_only_disputed, eark_validate


def test_sip_from_a_stored_aip_round_trips(services, tmp_path):
    spec = base_spec(1, 2)
    for d in spec.dossiers:
        d["thoi_han_bao_quan"] = "Vĩnh viễn"
    report = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert report.status == "accepted", [f.message_en for f in report.findings if f.is_error]
    code = spec.dossiers[0]["ma_ho_so"]
    meta = load_aip_metadata(services.storage, code, with_text=False)

    pkg = package_from_aip(meta.dossier, meta.documents, meta.events,
                           lambda p: services.storage.open_file(code, p), submission_id="EXP-1")
    built = build_sip(pkg, tmp_path / "out", creator=CREATOR)
    eark_only_disputed(eark_errors(eark_validate(built.path)))

    res = read_sip(built.path, tmp_path / "w")
    assert res.ok, [f.message_en for f in res.findings]
    view = aip_view(res.package)
    strip = lambda d: {k: v for k, v in d.items() if k != "_service"}
    assert view.dossier == strip(meta.dossier)
    assert view.documents == [strip(d) for d in sorted(meta.documents, key=lambda d: d["so_thu_tu"])]
    assert view.events[:len(meta.events)] == meta.events
    for doc in meta.documents:
        stored = next(c for c in doc["_service"]["components"] if c["role"] == "original")
        f = view.originals[doc["ma_dinh_danh_van_ban"]]
        assert hashlib.sha256(Path(f.source).read_bytes()).hexdigest() == stored["sha256"] == f.sha256
    event_types = {e["event_type"] for e in view.events}
    assert {"ingestion", "message digest calculation", "information package creation"} <= event_types
