"""Destruction leaves nothing recoverable: not in storage (any location, any object
version, leftovers), not in the index, not in the database file, and a copy of the
storage taken before destruction can no longer be decrypted."""

from __future__ import annotations

import io
import os
import shutil
import stat
import tracemalloc
from pathlib import Path

import pytest

import luutru.catalog.models as m
import luutru.disposal.execution as execution
import luutru.disposal.listing as listing
import luutru.disposal.tombstone as tombstone
from luutru.config import Settings
from luutru.packaging.bag import validate_bag
from luutru.preservation.storage.bag_cipher import encrypt_bag
from luutru.preservation.storage.crypto import (
    RING,
    SEGMENT,
    DecryptionError,
    decrypt_bytes,
    encrypt_bytes,
    encrypt_stream,
    open_decrypting,
)
from luutru.preservation.storage.encrypted import EncryptedStorage
from luutru.preservation.storage.keystore import FileKeyStore, KeyDestroyed
from luutru.preservation.storage.local import LocalStorage
from luutru.services import Services
from tests import engines
from tests.disposal_helpers import (
    PHRASE_ASCII,
    approved_list,
    build_spec,
    copy_home,
    grep_tree,
    ingest_fixture,
    probes,
    seed_template,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    return seed_template(tmp_path_factory.mktemp("seed"))


@pytest.fixture
def svc(template, tmp_path: Path):
    home, _ing = template
    s = copy_home(home, tmp_path / "home")
    yield s
    s.close()


def _needles(secret: bytes) -> list[bytes]:
    spec, _ = build_spec()
    return probes(secret, [d for d in spec.files.values() if d != secret])


def _pdf_path(services: Services, code: str) -> str:
    with services.catalog.session() as s:
        doc = s.get(m.Document, f"{code}.0001")
        return next(f.path for f in doc.files if f.role == "original")


def test_no_byte_of_the_content_survives_locally(svc: Services, template, tmp_path: Path) -> None:
    _home, ing = template
    code = ing.expired[0]
    home = svc.settings.home_dir
    needles = _needles(ing.secret_pdf)
    assert len(needles) >= 4
    # Positive controls: the content is there and readable before destruction.
    pdf_rel = _pdf_path(svc, code)
    with svc.storage.open_file(code, pdf_rel) as f:
        assert f.read() == ing.secret_pdf
    before = grep_tree(home, needles)
    assert any(k.startswith("catalog.sqlite") for k in before), before  # abstract in the catalog
    assert any(k.startswith("index/") for k in before), before  # stored text in the index
    # ... but never in clear in storage, even before: fixed-term AIPs are stored encrypted.
    assert not [k for k in before if k.startswith("storage/")]
    # The stored bag is valid BagIt over the ciphertext: audits need no key.
    assert validate_bag(home / "storage" / "aips" / code) == []
    backup = tmp_path / "backup-storage"
    shutil.copytree(home / "storage", backup)

    list_id = approved_list(svc, ing.expired)
    rep = execution.execute(svc, list_id, actor="tuan.luutru")
    assert rep.ok and set(rep.destroyed) == set(ing.expired), rep
    svc.close()

    after = grep_tree(home, needles)
    assert after == {}, f"content found after destruction: {after}"
    assert not (home / "storage" / "aips" / code).exists()
    wal = home / "catalog.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0 or not grep_tree(home, needles)

    # The backup still holds the ciphertext, but it cannot be decrypted any more.
    assert (backup / "aips" / code).is_dir()
    assert grep_tree(backup, needles) == {}
    old = EncryptedStorage(LocalStorage(backup), FileKeyStore(svc.settings.keystore_path))
    with pytest.raises(KeyDestroyed, match="destroyed"):
        old.open_file(code, pdf_rel)
    with pytest.raises(KeyDestroyed):
        old.fetch_aip(code, tmp_path / "restored")
    # A reindex over the old copy reports it unreadable, it does not bring it back.
    svc2 = Services(Settings(home=home, database_url=svc.settings.db_url, storage_url=backup.as_uri(),
                             search_url="tantivy://" + str(tmp_path / "idx2")))
    try:
        from luutru.preservation.reindex import reindex

        r = reindex(svc2)
        assert {a for a, _why in r.failed} == set(ing.expired)
        assert all("destroyed" in why for _a, why in r.failed)
        with svc2.catalog.session() as s:
            assert s.get(m.Dossier, code) is None
    finally:
        svc2.close()


def test_tombstone_and_minutes_survive_reindex(svc: Services, template) -> None:
    _home, ing = template
    list_id = approved_list(svc, ing.expired)
    rep = execution.execute(svc, list_id, actor="tuan.luutru")
    from luutru.preservation.reindex import reindex

    reindex(svc)
    stones = {t["dossier_code"]: t for t in tombstone.tombstones(svc)}
    assert set(stones) == set(ing.expired)
    t = stones[ing.expired[0]]
    assert t["manifest_sha256"] and len(t["manifest_sha256"]) == 64
    assert t["crypto_shredded"] is True and t["minutes_aip_id"] == rep.minutes_aip_id
    assert t["approvals"]["decided"]["by"] == "minh.giamdoc"
    with svc.catalog.session() as s:
        minutes = s.get(m.Dossier, rep.minutes_aip_id)
        assert minutes is not None and minutes.retention_years is None
        assert all(s.get(m.Dossier, c) is None for c in ing.expired)
    assert svc.storage.lock_state(rep.minutes_aip_id).legal_hold
    assert not svc.storage.is_encrypted(rep.minutes_aip_id)


@engines.mark("s3")
def test_no_object_version_survives_on_s3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = engines.s3_endpoint(monkeypatch)
    bucket = engines.s3_bucket(url)  # a bucket of its own: the test reads back every version in it
    home = tmp_path / "home"
    home.mkdir()
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'catalog.sqlite'}",
                        storage_url=f"s3://{bucket}/arch?endpoint_url={url}", s3_endpoint_url=url)
    svc = Services(settings)
    try:
        ing = ingest_fixture(svc, tmp_path)
        code = ing.expired[0]
        needles = _needles(ing.secret_pdf)
        c = engines.s3_client(url)

        def versions(prefix: str) -> list[dict]:
            out = []
            for page in c.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
                out += page.get("Versions", []) + page.get("DeleteMarkers", [])
            return out

        def all_bodies() -> bytes:
            data = b""
            for v in versions(""):
                if "Size" in v:
                    data += c.get_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])["Body"].read()
            return data

        assert versions(f"arch/aips/{code}/")
        with svc.storage.open_file(code, _pdf_path(svc, code)) as f:
            assert f.read() == ing.secret_pdf
        assert not any(n in all_bodies() for n in needles)  # encrypted at rest
        list_id = approved_list(svc, ing.expired)
        rep = execution.execute(svc, list_id, actor="tuan.luutru")
        assert rep.ok, rep
        for cd in ing.expired:
            assert versions(f"arch/aips/{cd}/") == []
            assert versions(f"arch/complete/{cd}.json") == []
        assert not any(n in all_bodies() for n in needles)
        assert grep_tree(home, needles) == {}
    finally:
        svc.close()


# -- the encryption itself ----------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 17])
def test_segmented_aead_round_trip(size: int) -> None:
    key = os.urandom(32)
    data = os.urandom(size)
    sealed = encrypt_bytes(data, key, "data/objects/x/a.pdf")
    assert decrypt_bytes(sealed, key, "data/objects/x/a.pdf") == data
    if size >= 16:
        assert data[:16] not in sealed


def test_tampering_truncation_reordering_and_moving_are_detected() -> None:
    key = os.urandom(32)
    data = os.urandom(2 * SEGMENT + 5)
    sealed = encrypt_bytes(data, key, "data/a")
    seg = SEGMENT + 28
    flipped = bytearray(sealed)
    flipped[100] ^= 1
    cases = {
        "flipped bit": bytes(flipped),
        "truncated at a segment boundary": sealed[: 12 + seg],
        "segments swapped": sealed[:12] + sealed[12 + seg: 12 + 2 * seg] + sealed[12: 12 + seg] + sealed[12 + 2 * seg:],
    }
    for what, bad in cases.items():
        with pytest.raises(DecryptionError):
            decrypt_bytes(bad, key, "data/a")
            pytest.fail(what)
    with pytest.raises(DecryptionError):
        decrypt_bytes(sealed, key, "data/b")  # moved to another file
    with pytest.raises(DecryptionError):
        decrypt_bytes(sealed, os.urandom(32), "data/a")  # wrong key


class _Zeros(io.RawIOBase):
    def __init__(self, n: int):
        self.left = n

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        k = min(len(b), self.left)
        b[:k] = bytes(k)
        self.left -= k
        return k


class _Sink(io.RawIOBase):
    def __init__(self):
        self.n = 0
        self.buf = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[no-untyped-def]
        self.n += len(b)
        return len(b)


def _peaks(tmp_path: Path, size: int) -> tuple[int, int]:
    """Peak Python memory of encrypting then decrypting ``size`` bytes (tracemalloc)."""
    key = os.urandom(32)
    enc_path = tmp_path / f"big{size}.enc"
    tracemalloc.start()
    try:
        with open(enc_path, "wb") as out:
            _p, pn, _c, cn = encrypt_stream(_Zeros(size), out, key, "data/big")
        _cur, peak_enc = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        total = 0
        with open_decrypting(open(enc_path, "rb"), key, "data/big") as f:
            while chunk := f.read(SEGMENT):
                total += len(chunk)
        _cur, peak_dec = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert pn == size == total and cn == enc_path.stat().st_size
    return peak_enc, peak_dec


def test_memory_stays_flat_for_large_files(tmp_path: Path) -> None:
    """64 MiB through encryption and decryption: peak Python memory is a few segments
    (encryption: its reused buffers, crypto.RING of each kind, and the first two
    segments), not the file, and no more than for a file a quarter of the size."""
    peak_enc, peak_dec = _peaks(tmp_path, 64 * SEGMENT)
    small_enc, small_dec = _peaks(tmp_path, 16 * SEGMENT)
    assert peak_enc < (2 * RING + 4) * SEGMENT and peak_dec < 10 * SEGMENT, (peak_enc, peak_dec)
    assert peak_enc < small_enc + SEGMENT and peak_dec < small_dec + SEGMENT, (peak_enc, small_enc, peak_dec, small_dec)


def test_key_store_files_and_destruction(tmp_path: Path) -> None:
    ks = FileKeyStore(tmp_path / "keys")
    k = ks.create_key("000.00.31.H57.2012.01")
    assert ks.create_key("000.00.31.H57.2012.01") == k == ks.get_key("000.00.31.H57.2012.01")
    master = tmp_path / "keys" / "master.key"
    assert stat.S_IMODE(master.stat().st_mode) == 0o600
    wrapped = (tmp_path / "keys" / "keys" / "000.00.31.H57.2012.01.key").read_bytes()
    assert k not in wrapped and len(wrapped) == 40
    ks.destroy_key("000.00.31.H57.2012.01", reason="test", actor="t")
    assert not (tmp_path / "keys" / "keys" / "000.00.31.H57.2012.01.key").exists()
    with pytest.raises(KeyDestroyed):
        ks.get_key("000.00.31.H57.2012.01")
    with pytest.raises(KeyDestroyed):
        ks.create_key("000.00.31.H57.2012.01")  # ids are never reused
    os.chmod(master, 0o644)
    with pytest.raises(Exception, match="chmod 600"):
        FileKeyStore(tmp_path / "keys").create_key("x1")  # a master key others can read is refused


def test_permanent_dossiers_are_stored_in_clear(svc: Services, template) -> None:
    _home, ing = template
    assert not svc.storage.is_encrypted(ing.permanent)
    assert svc.storage.is_encrypted(ing.current)
    home = svc.settings.home_dir
    assert (home / "storage" / "aips" / ing.permanent / "data" / "metadata" / "dossier.json").read_text("utf-8").find(
        ing.permanent) >= 0
    stored = home / "storage" / "aips" / ing.current
    assert not (stored / "data" / "metadata").exists()  # encrypted AIPs store files under opaque names
    assert all(PHRASE_ASCII not in p.read_bytes().decode("latin-1") for p in stored.rglob("*") if p.is_file())


def test_replicas_are_destroyed_everywhere_and_encryption_is_repeatable(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    replica = tmp_path / "replica"
    svc = Services(Settings(home=home, database_url=f"sqlite:///{home / 'catalog.sqlite'}",
                            replica_urls=[replica.as_uri()]))
    try:
        ing = ingest_fixture(svc, tmp_path)
        code = ing.expired[0]
        assert len(svc.storage.locations) == 2
        assert (replica / "aips" / code / "luutru-encryption.json").exists()
        # The same bag encrypted twice gives the same stored bytes, so a replica completed
        # on a retry verifies against the first copy.
        plain = svc.storage.fetch_aip(code, tmp_path / "plain")
        key = svc.storage.keystore.get_key(code)
        for n in (1, 2):
            (tmp_path / f"enc{n}").mkdir()
            encrypt_bag(code, plain, tmp_path / f"enc{n}", key, opaque_names=svc.storage.opaque_names, staged={})
        for name in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
            assert (tmp_path / "enc1" / name).read_bytes() == (tmp_path / "enc2" / name).read_bytes()
        assert (tmp_path / "enc1" / "manifest-sha256.txt").read_bytes() == (
            home / "storage" / "aips" / code / "manifest-sha256.txt").read_bytes()
        needles = _needles(ing.secret_pdf)
        shutil.rmtree(plain)
        list_id = approved_list(svc, ing.expired)
        rep = execution.execute(svc, list_id, actor="tuan.luutru")
        assert rep.ok, rep
        steps = listing.show(svc, list_id)["items"][0]["steps"]["storage"]
        assert set(steps) == {s.url for s in svc.storage.locations}
        for root in (home / "storage", replica):
            assert not (root / "aips" / code).exists()
        assert grep_tree(home, needles) == {} and grep_tree(replica, needles) == {}
    finally:
        svc.close()
