"""S3 backend against a real S3 server with object lock (SeaweedFS, started by scripts/setup).

The server is named by LUUTRU_TEST_S3_ENDPOINT (with LUUTRU_TEST_S3_ACCESS_KEY and
LUUTRU_TEST_S3_SECRET_KEY; see tests/engines.py); without it these tests skip with that
reason (and fail in CI). Each test gets a fresh prefix in a bucket with Object Lock. Objects written
with retention dates stay until those dates pass: the tests use dates at most a few days
ahead. Nothing here runs on moto: the real server has every feature these tests use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import bagit
import pytest

from luutru.config import Settings
from luutru.preservation.storage import open_storage
from luutru.preservation.storage.base import AipNotFound, LockedError, StorageError
from luutru.preservation.storage.s3 import S3Storage
from luutru.records.timeutil import now_vn
from tests import engines
from tests.test_storage_local import make_bag

AIP = "000.00.31.H57.2021.05"
ROOT = Path(__file__).parent.parent
# Over 5 GiB, the most S3 takes in one PUT: only a multipart upload can store it.
BIG = 5 * 2**30 + 100 * 2**20

pytestmark = engines.mark("s3")


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> str:
    """The S3 server, with this test's AWS_* credentials set to its test identity."""
    return engines.s3_endpoint(monkeypatch)


@pytest.fixture
def storage_url(endpoint: str) -> str:
    """An s3:// URL for a fresh, empty place with Object Lock: a new prefix in the
    server's test bucket (buckets are collections of volumes there, so not one per test)."""
    return f"s3://{engines.s3_shared_bucket(endpoint)}/t-{uuid.uuid4().hex[:12]}?endpoint_url={endpoint}"


@pytest.fixture
def store(storage_url: str) -> S3Storage:
    st = open_storage(storage_url, Settings())
    assert isinstance(st, S3Storage)
    return st


@pytest.fixture
def bag(tmp_path: Path) -> Path:
    return make_bag(tmp_path / "bag", {"Quyết định số 12.pdf": b"%PDF-1.4 " + os.urandom(10_000), "sub/bảng kê.csv": b"a,b\n"})


def today():  # type: ignore[no-untyped-def]
    return now_vn().date()


def test_put_list_fetch_round_trip(store: S3Storage, bag: Path, tmp_path: Path) -> None:
    stored = store.put_aip(AIP, bag)
    assert stored.files == 6
    assert list(store.list_aips()) == [AIP] and store.has_aip(AIP)
    assert set(store.list_files(AIP)) == {
        "bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
        "data/Quyết định số 12.pdf", "data/sub/bảng kê.csv"}
    assert store.open_file(AIP, "data/sub/bảng kê.csv").read() == b"a,b\n"
    out = store.fetch_aip(AIP, tmp_path / "out")
    bagit.Bag(str(out)).validate()
    with pytest.raises(StorageError, match="already exists"):
        store.put_aip(AIP, bag)
    with pytest.raises(AipNotFound):
        store.open_file("khác", "bagit.txt")


def test_compliance_lock_refuses_delete_until_date(store: S3Storage, bag: Path) -> None:
    store.put_aip(AIP, bag, retain_until=today() + timedelta(days=2))
    assert store.lock_state(AIP).retain_until == today() + timedelta(days=2)
    with pytest.raises(LockedError, match="retained until"):
        store.delete_aip(AIP)
    assert store.has_aip(AIP)
    # The object store itself refuses too, not just our code.
    key = f"{store.prefix}aips/{AIP}/bagit.txt"
    head = store.client.head_object(Bucket=store.bucket, Key=key)
    assert head["ObjectLockMode"] == "COMPLIANCE"
    with pytest.raises(Exception):
        store.client.delete_object(Bucket=store.bucket, Key=key, VersionId=head["VersionId"])


def test_lock_extension_only_forward(store: S3Storage, bag: Path) -> None:
    store.put_aip(AIP, bag, retain_until=today() + timedelta(days=1))
    with pytest.raises(LockedError, match="only be extended"):
        store.extend_retention(AIP, today())
    store.extend_retention(AIP, today() + timedelta(days=3))
    assert store.lock_state(AIP).retain_until == today() + timedelta(days=3)
    key = f"{store.prefix}aips/{AIP}/data/sub/bảng kê.csv"
    until = store.client.head_object(Bucket=store.bucket, Key=key)["ObjectLockRetainUntilDate"]
    assert until.astimezone().date() >= today() + timedelta(days=3)


def test_hold_blocks_and_unlocked_delete_removes_every_version(store: S3Storage, bag: Path) -> None:
    store.put_aip(AIP, bag, legal_hold=True)
    with pytest.raises(LockedError, match="hold"):
        store.delete_aip(AIP)
    store.set_hold(AIP, False)
    store.delete_aip(AIP)
    assert not store.has_aip(AIP) and list(store.list_aips()) == []
    versions = store.client.list_object_versions(Bucket=store.bucket, Prefix=store.prefix)
    assert not versions.get("Versions") and not versions.get("DeleteMarkers")


def test_changed_source_refused_and_invisible(store: S3Storage, bag: Path) -> None:
    (bag / "data" / "sub" / "bảng kê.csv").write_bytes(b"changed")
    with pytest.raises(StorageError, match="does not match the manifest"):
        store.put_aip(AIP, bag)
    assert not store.has_aip(AIP)
    assert not store.client.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix).get("Contents")


_CRASH_CHILD = r"""
import os, sys
from pathlib import Path
from luutru.preservation.storage import open_storage
from luutru.config import Settings
st = open_storage(sys.argv[1], Settings())
real, count = st._upload, [0]
def upload_then_die(*a, **k):
    if count[0] == 3:
        os._exit(9)   # the process dies between two objects, no cleanup runs
    count[0] += 1
    return real(*a, **k)
st._upload = upload_then_die
st.put_aip(sys.argv[2], Path(sys.argv[3]))
"""


def test_partial_put_after_crash_is_not_visible(store: S3Storage, storage_url: str, bag: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _CRASH_CHILD, storage_url, AIP, str(bag)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 9, proc.stderr
    objects = store.client.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix).get("Contents", [])
    assert len(objects) == 3  # the crash really left objects behind
    assert not store.has_aip(AIP) and list(store.list_aips()) == []
    with pytest.raises(AipNotFound):
        list(store.list_files(AIP))
    # Storing again cleans the leftovers and completes.
    store.put_aip(AIP, bag)
    assert len(list(store.list_files(AIP))) == 6


def test_missing_bucket_is_a_clear_error(endpoint: str, bag: Path) -> None:
    st = S3Storage("khong-co-bucket-nay", endpoint_url=endpoint)
    with pytest.raises(StorageError, match="does not exist; create it with versioning and Object Lock"):
        st.put_aip(AIP, bag)


def test_bucket_without_object_lock_is_refused(endpoint: str, bag: Path) -> None:
    plain = engines.s3_bucket(endpoint, object_lock=False)
    with pytest.raises(StorageError, match="no versioning"):
        S3Storage(plain, endpoint_url=endpoint).put_aip(AIP, bag)
    versioned = engines.s3_bucket(endpoint, object_lock=False, versioning=True)
    with pytest.raises(StorageError, match="no Object Lock"):
        S3Storage(versioned, endpoint_url=endpoint).put_aip(AIP, bag)
    # Allowed for a test store without locks, but then no retention can be promised.
    loose = open_storage(f"s3://{versioned}/x?endpoint_url={endpoint}&object_lock=optional")
    with pytest.raises(StorageError, match="cannot be kept"):
        loose.put_aip(AIP, bag, retain_until=today() + timedelta(days=1))
    loose.put_aip(AIP, bag)
    assert loose.has_aip(AIP)


def test_wrong_credentials_are_a_clear_error(endpoint: str, bag: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bucket = engines.s3_bucket(endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAWRONGWRONGWRONG1")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong")
    st = open_storage(f"s3://{bucket}/x?endpoint_url={endpoint}")
    with pytest.raises(StorageError, match="AWS_ACCESS_KEY_ID"):
        st.put_aip(AIP, bag)
    with pytest.raises(StorageError, match="rejected the credentials"):
        list(st.list_aips())


_MEMORY_CHILD = r"""
import json, shutil, sys
from pathlib import Path
from luutru.config import Settings
from luutru.preservation.storage import open_storage
from tests.s3server import RssSampler
st = open_storage(sys.argv[1], Settings())
st.put_aip("warm", Path(sys.argv[3]))      # imports, threads and connection pools first
with RssSampler() as put:
    st.put_aip("BIG", Path(sys.argv[2]))
with RssSampler() as get:
    st.fetch_aip("BIG", Path(sys.argv[4]))
print(json.dumps({"put": put.growth_mib, "fetch": get.growth_mib}))
"""


def test_large_file_streams_with_bounded_memory(store: S3Storage, storage_url: str, tmp_path: Path) -> None:
    """Over 5 GiB, stored by multipart upload and fetched back, with flat memory
    (about 95 s on SeaweedFS here: bag 20 s, put 50 s, fetch 25 s)."""
    size = BIG
    big = tmp_path / "bigbag"
    big.mkdir()
    with open(big / "scan.tif", "wb") as f:
        f.truncate(size)
        f.write(b"head")
    bagit.make_bag(str(big), checksums=["sha256"])
    small = make_bag(tmp_path / "small", {"a.txt": b"a"})
    proc = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, storage_url, str(big), str(small),
                           str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"S3 {size / 2**30:.2f} GiB: peak RSS growth put {r['put']:.1f} MiB, fetch {r['fetch']:.1f} MiB")
    assert r["put"] < 160 and r["fetch"] < 160
    head = store.client.head_object(Bucket=store.bucket, Key=f"{store.prefix}aips/BIG/data/scan.tif")
    assert head["ContentLength"] == size and "-" in head["ETag"]  # a multipart upload's ETag
    assert (tmp_path / "out" / "data" / "scan.tif").stat().st_size == size
    bagit.Bag(str(tmp_path / "out")).validate(fast=True)


def test_revision_is_new_locked_objects_only(store: S3Storage, tmp_path: Path) -> None:
    """A revision (luutru.packaging.ocfl) adds objects under the AIP's lock; nothing is overwritten."""
    from luutru.packaging.ocfl import RevisionReader
    from luutru.preservation.fixity import audit
    from luutru.preservation.revisions import write_revision

    bag = make_bag(tmp_path / "rbag", {"metadata/dossier.json": b'{"_service": {"ingested_at": '
                                       b'"2026-01-05T09:00:00+07:00"}}', "objects/a.pdf": b"%PDF-1.4 a"})
    until = today() + timedelta(days=2)
    store.put_aip(AIP, bag, retain_until=until)
    versions_before = {v["Key"]: v["VersionId"] for v in store.objects.list_versions(store._aip_prefix(AIP))}
    n = write_revision(store, AIP, {"data/metadata/dossier.json": b'{"corrected": true}'}, message="test", user="t")
    assert n == 2
    versions_after = {v["Key"]: v["VersionId"] for v in store.objects.list_versions(store._aip_prefix(AIP))}
    assert {k: v for k, v in versions_after.items() if k in versions_before} == versions_before  # no new version
    new = sorted(k for k in versions_after if k not in versions_before)
    assert new and all("/revisions/v2/" in k for k in new)
    for key in new:
        head = store.client.head_object(Bucket=store.bucket, Key=key)
        assert head["ObjectLockRetainUntilDate"].date() >= until - timedelta(days=1)

    def read(rel: str) -> bytes:
        with store.open_file(AIP, rel) as f:
            return f.read()

    revs = RevisionReader(read, store.list_files(AIP))
    assert revs.head == 2
    assert revs.read("data/metadata/dossier.json") == b'{"corrected": true}'
    assert b"ingested_at" in revs.read("data/metadata/dossier.json", 1)
    assert audit([store], aip_ids=[AIP]).ok  # the revision's stored-bytes manifest is checked too
    with pytest.raises(LockedError):
        store.delete_aip(AIP)
