"""Ingest into S3 storage on the real S3 server (tests/engines.py) and rebuild catalog and
index from S3 alone."""

from __future__ import annotations

import uuid

from luutru.config import Settings
from luutru.ingest.pipeline import ingest
from luutru.preservation.reindex import reindex
from luutru.search.query import Rights, SearchQuery
from luutru.services import Services
from tests import engines
from tests.factory import base_spec, write_transfer
from tests.test_ingest_recovery import snapshot

pytestmark = engines.mark("s3")


def test_ingest_to_s3_then_reindex_from_s3_alone(tmp_path, database_url, monkeypatch):
    endpoint = engines.s3_endpoint(monkeypatch)
    bucket = engines.s3_shared_bucket(endpoint)
    settings = Settings(home=tmp_path / "home", database_url=database_url,
                        storage_url=f"s3://{bucket}/e2e-{uuid.uuid4().hex[:12]}?endpoint_url={endpoint}")
    spec = base_spec(2, 2)
    spec.dossiers[0]["thoi_han_bao_quan"] = "Vĩnh viễn"
    spec.dossiers[1]["tieu_de"] = "Hồ sơ hội nghị tại tỉnh Đắk Lắk"
    svc = Services(settings)
    try:
        rep = ingest(write_transfer(spec, tmp_path / "t"), svc)
        assert rep.status == "accepted", [f.message_en for f in rep.findings]
        before = snapshot(svc)
        assert sorted(svc.storage.list_aips()) == sorted(d["ma_ho_so"] for d in spec.dossiers)
    finally:
        svc.close()
    # nothing local survives: catalog file and index directory removed
    for p in (tmp_path / "home").glob("catalog.sqlite*"):
        p.unlink()
    import shutil

    shutil.rmtree(tmp_path / "home" / "index", ignore_errors=True)
    if database_url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        eng = create_engine(database_url)
        with eng.begin() as c:
            c.execute(text("DELETE FROM files; DELETE FROM documents; DELETE FROM events; DELETE FROM dossiers"))
        eng.dispose()
    svc = Services(settings)
    try:
        r = reindex(svc)
        assert r.aips == 2 and r.failed == []
        assert snapshot(svc) == before
        hits = svc.index.search(SearchQuery(text="dak lak"), Rights.everything()).hits
        assert hits and hits[0].dossier_code == spec.dossiers[1]["ma_ho_so"]
    finally:
        svc.close()
