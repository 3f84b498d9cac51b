"""An encrypted (fixed-term) AIP names nothing in storage: no title, agency or file name
in any listing or clear file of the primary location, a replica or an S3 bucket, also
after a revision; reading, fixity audit, repair from a replica, reindex and destruction
still work, and AIPs stored earlier under real names stay readable (issue 16, item 6)."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest

from luutru.catalog.records import load_aip_metadata
from luutru.config import Settings
from luutru.ingest.pipeline import ingest
from luutru.packaging.bag import validate_bag
from luutru.preservation.corrections import correct_metadata
from luutru.preservation.fixity_run import run_audit
from luutru.preservation.reindex import reindex
from luutru.preservation.storage.encrypted import EncryptedStorage
from luutru.preservation.storage.keystore import KeyDestroyed
from luutru.services import Services
from tests import engines
from tests.factory import (
    TransferSpec,
    document_row,
    dossier_row,
    make_pdf,
    write_transfer,
)

TITLE_TOKEN = "Zyxquorvat"
FILE_TOKEN = "Qwimbleton"
TITLE = f"Hồ sơ kỷ luật cán bộ {TITLE_TOKEN} năm 2021"
FILE = f"files/01/Biên bản kỷ luật {FILE_TOKEN}.pdf"
FIX_TOKEN = "Plimsovar"  # the corrected title (a revision)
NEEDLES = [TITLE_TOKEN, FILE_TOKEN, FIX_TOKEN, "kỷ luật", "Biên bản"]


def _spec() -> TransferSpec:
    spec = TransferSpec()
    d = dossier_row(1, 2, title=TITLE, retention="10 năm")  # fixed-term: stored encrypted
    spec.dossiers.append(d)
    for s, path in ((1, FILE), (2, "files/01/0002_quyết định.pdf")):
        data = make_pdf([f"QUYẾT ĐỊNH số {s}/QĐ-UBND", "Về việc kỷ luật cán bộ"])
        spec.files[path] = data
        spec.documents.append(document_row(d, s, path, hashlib.sha256(data).hexdigest()))
    return spec


def _leaks(names: list[str], agency: str) -> list[str]:
    """Stored names (or clear texts) that contain a title word, a file name or the agency name."""
    needles = [n.lower() for n in NEEDLES + [agency]]
    return [n for n in names if any(x in n.lower() for x in needles)]


def _local_texts(root: Path) -> list[str]:
    """Every path under ``root`` and the text of every file stored in clear (not AEAD-framed)."""
    out = []
    for p in root.rglob("*"):
        out.append(str(p.relative_to(root)))
        if p.is_file() and not p.read_bytes().startswith(b"LTAEAD01"):
            out.append(p.read_bytes().decode("utf-8", errors="replace"))
    return out


def test_local_primary_and_replica_list_no_name_and_everything_still_works(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'catalog.sqlite'}",
                        replica_urls=[f"file://{tmp_path / 'replica'}"])
    spec = _spec()
    code, agency = spec.dossiers[0]["ma_ho_so"], spec.dossiers[0]["ten_co_quan"]
    svc = Services(settings)
    try:
        rep = ingest(write_transfer(spec, tmp_path / "t"), svc)
        assert rep.status == "accepted", [f.message_en for f in rep.findings if f.is_error]
        assert svc.storage.is_encrypted(code)
        correct_metadata(svc, code, fields={"tieu_de": f"Hồ sơ {FIX_TOKEN}"}, reason="sai chính tả", actor="lan")
        for root in (home / "storage", tmp_path / "replica"):
            texts = _local_texts(root)
            assert any("revisions/v2" in t for t in texts)  # the revision is there, under opaque names
            assert _leaks(texts, agency) == [], root
        # Readers see the real names and content.
        names = list(svc.storage.list_files(code))
        assert any(FILE_TOKEN in n for n in names) and "revisions/v2/manifest-sha256.txt" in names
        assert load_aip_metadata(svc.storage, code).dossier["tieu_de"] == f"Hồ sơ {FIX_TOKEN}"
        with svc.storage.open_file(code, next(n for n in names if FILE_TOKEN in n)) as f:
            assert f.read() == spec.files[FILE]
        bag = svc.storage.fetch_aip(code, tmp_path / "fetched")
        validate_bag(bag)
        assert run_audit(svc, aip_ids=[code]).ok
        # Repair from the replica: a stored payload file lost at the primary comes back.
        victim = next(p for p in (home / "storage" / "aips" / code / "data").rglob("*") if p.is_file())
        victim.parent.chmod(0o755)
        victim.chmod(0o644)
        victim.unlink()
        healed = run_audit(svc, aip_ids=[code])
        assert healed.repaired and not healed.unrepaired, healed
        assert victim.is_file()
        # Reindex from storage alone.
        r = reindex(svc)
        assert r.failed == [] and r.aips == 1
        # Destruction of the key: nothing readable remains.
        svc.storage.destroy_key(code, reason="test", actor="lan")
        with pytest.raises(KeyDestroyed):
            list(svc.storage.list_files(code))
    finally:
        svc.close()


def test_aips_stored_under_real_names_stay_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'catalog.sqlite'}")
    spec = _spec()
    code = spec.dossiers[0]["ma_ho_so"]
    monkeypatch.setattr(EncryptedStorage, "opaque_names", False)  # the layout written before
    svc = Services(settings)
    try:
        assert ingest(write_transfer(spec, tmp_path / "t"), svc).status == "accepted"
        stored = [str(p) for p in (home / "storage").rglob("*")]
        assert any(FILE_TOKEN in p for p in stored)  # the old layout: real names in clear
        monkeypatch.setattr(EncryptedStorage, "opaque_names", True)
        correct_metadata(svc, code, fields={"tieu_de": f"Hồ sơ {FIX_TOKEN}"}, reason="sai chính tả", actor="lan")
        names = list(svc.storage.list_files(code))
        with svc.storage.open_file(code, next(n for n in names if FILE_TOKEN in n)) as f:
            assert f.read() == spec.files[FILE]
        assert load_aip_metadata(svc.storage, code).dossier["tieu_de"] == f"Hồ sơ {FIX_TOKEN}"
        assert run_audit(svc, aip_ids=[code]).ok
        assert reindex(svc).failed == []
    finally:
        svc.close()


@engines.mark("s3")
def test_s3_bucket_lists_no_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint = engines.s3_endpoint(monkeypatch)
    bucket = engines.s3_shared_bucket(endpoint)
    prefix = f"names-{uuid.uuid4().hex[:12]}"
    home = tmp_path / "home"
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'catalog.sqlite'}",
                        storage_url=f"s3://{bucket}/{prefix}?endpoint_url={endpoint}")
    spec = _spec()
    code, agency = spec.dossiers[0]["ma_ho_so"], spec.dossiers[0]["ten_co_quan"]
    svc = Services(settings)
    try:
        assert ingest(write_transfer(spec, tmp_path / "t"), svc).status == "accepted"
        client = engines.s3_client(endpoint)
        keys: list[str] = []
        for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
            keys += [v["Key"] for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        assert len(keys) > 5
        assert _leaks(keys, agency) == []
        for k in keys:  # objects stored in clear (tag files, markers) name nothing either
            body = client.get_object(Bucket=bucket, Key=k)["Body"].read()
            if not body.startswith(b"LTAEAD01"):
                assert _leaks([body.decode("utf-8", errors="replace")], agency) == [], k
        assert run_audit(svc, aip_ids=[code]).ok
        assert reindex(svc).failed == []
        assert load_aip_metadata(svc.storage, code).dossier["tieu_de"] == TITLE
    finally:
        svc.close()
