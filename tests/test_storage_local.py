"""Local storage: verified copy, atomic visibility, software retention locks, big files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import bagit
import pytest

from luutru.preservation.storage import open_storage
from luutru.preservation.storage.base import (
    AipNotFound,
    ChecksumMismatch,
    LockedError,
    StorageError,
)
from luutru.preservation.storage.local import LocalStorage
from luutru.records.timeutil import now_vn

AIP = "000.00.31.H57.2021.05"


def make_bag(root: Path, files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True)
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    bagit.make_bag(str(root), {"Source-Organization": "UBND tỉnh Tiền Giang"}, checksums=["sha256"])
    return root


@pytest.fixture
def bag(tmp_path: Path) -> Path:
    return make_bag(tmp_path / "bag", {"Quyết định số 12.pdf": b"%PDF-1.4 test", "sub/bảng kê.csv": b"a,b\n1,2\n"})


def today() -> date:
    return now_vn().date()


def test_round_trip_is_a_valid_bag(tmp_path: Path, bag: Path) -> None:
    st = open_storage((tmp_path / "store").as_uri())
    stored = st.put_aip(AIP, bag)
    assert stored.files == 6 and stored.bytes > 0
    assert list(st.list_aips()) == [AIP]
    assert "data/Quyết định số 12.pdf" in set(st.list_files(AIP))
    with st.open_file(AIP, "data/sub/bảng kê.csv") as f:
        assert f.read() == b"a,b\n1,2\n"
    out = st.fetch_aip(AIP, tmp_path / "out")
    bagit.Bag(str(out)).validate()
    with pytest.raises(StorageError, match="already exists"):
        st.put_aip(AIP, bag)


def test_stored_files_are_read_only(tmp_path: Path, bag: Path) -> None:
    st = LocalStorage(tmp_path / "store")
    st.put_aip(AIP, bag)
    mode = st.path_of(AIP, "data/Quyết định số 12.pdf").stat().st_mode
    assert mode & 0o222 == 0


def test_changed_source_is_refused_and_leaves_nothing(tmp_path: Path, bag: Path) -> None:
    (bag / "data" / "Quyết định số 12.pdf").write_bytes(b"tampered after bagging")
    st = LocalStorage(tmp_path / "store")
    with pytest.raises(ChecksumMismatch, match="does not match the manifest"):
        st.put_aip(AIP, bag)
    assert not st.has_aip(AIP) and list(st.list_aips()) == []
    assert list(st.incoming.iterdir()) == []


def test_not_a_bag_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "x.txt").write_text("x")
    with pytest.raises(StorageError, match="not a BagIt bag"):
        LocalStorage(tmp_path / "store").put_aip(AIP, tmp_path / "plain")


def test_interrupted_write_is_invisible_and_swept(tmp_path: Path, bag: Path) -> None:
    st = LocalStorage(tmp_path / "store")
    half = st.incoming / f"{AIP}.deadbeef"
    (half / "data").mkdir(parents=True)
    (half / "bagit.txt").write_text("BagIt-Version: 0.97\n")
    assert list(st.list_aips()) == [] and not st.has_aip(AIP)
    assert st.sweep_incoming() == 1
    st.put_aip(AIP, bag)
    assert st.has_aip(AIP)


def test_retention_refuses_deletion_until_the_date(tmp_path: Path, bag: Path) -> None:
    st = LocalStorage(tmp_path / "store")
    st.put_aip(AIP, bag, retain_until=today() + timedelta(days=30))
    with pytest.raises(LockedError, match="retained until"):
        st.delete_aip(AIP)
    assert st.has_aip(AIP)
    # Same-day retention still protects (inclusive).
    st.put_aip("B", bag, retain_until=today())
    with pytest.raises(LockedError):
        st.delete_aip("B")
    # Past date: allowed, and everything is gone.
    st.put_aip("C", bag, retain_until=today() - timedelta(days=1))
    st.delete_aip("C")
    assert not st.has_aip("C") and not (st.locks / "C.json").exists()
    with pytest.raises(AipNotFound):
        st.open_file("C", "bagit.txt")


def test_locks_only_extend(tmp_path: Path, bag: Path) -> None:
    st = LocalStorage(tmp_path / "store")
    st.put_aip(AIP, bag, retain_until=today() + timedelta(days=10))
    with pytest.raises(LockedError, match="only be extended"):
        st.extend_retention(AIP, today() + timedelta(days=5))
    st.extend_retention(AIP, today() + timedelta(days=400))
    assert st.lock_state(AIP).retain_until == today() + timedelta(days=400)
    history = json.loads((st.locks / f"{AIP}.json").read_text())["history"]
    assert [h["event"] for h in history] == ["stored", "retention extended"]


def test_hold_blocks_deletion_regardless_of_dates(tmp_path: Path, bag: Path) -> None:
    st = LocalStorage(tmp_path / "store")
    st.put_aip(AIP, bag, retain_until=today() - timedelta(days=100))
    st.set_hold(AIP, True)
    with pytest.raises(LockedError, match="hold"):
        st.delete_aip(AIP)
    st.set_hold(AIP, False)
    st.delete_aip(AIP)
    assert not st.has_aip(AIP)


def test_damaged_lock_record_never_allows_deletion(tmp_path: Path, bag: Path) -> None:
    st = LocalStorage(tmp_path / "store")
    st.put_aip(AIP, bag)
    (st.locks / f"{AIP}.json").write_text("{not json")
    with pytest.raises(LockedError, match="unreadable"):
        st.delete_aip(AIP)
    assert st.has_aip(AIP)


def test_repair_only_accepts_the_recorded_bytes(tmp_path: Path, bag: Path) -> None:
    import hashlib
    import io

    st = LocalStorage(tmp_path / "store")
    st.put_aip(AIP, bag, legal_hold=True)
    good = b"%PDF-1.4 test"
    with pytest.raises(ChecksumMismatch):
        st.repair_file(AIP, "data/Quyết định số 12.pdf", io.BytesIO(b"other"), sha256=hashlib.sha256(good).hexdigest())
    st.repair_file(AIP, "data/Quyết định số 12.pdf", io.BytesIO(good), sha256=hashlib.sha256(good).hexdigest())
    assert st.open_file(AIP, "data/Quyết định số 12.pdf").read() == good


_BIG_CHILD = r"""
import json, sys
from pathlib import Path
from tests.s3server import RssSampler
from luutru.preservation.storage.local import LocalStorage
from luutru.preservation.fixity import audit
store, bag = Path(sys.argv[1]), Path(sys.argv[2])
st = LocalStorage(store)
with RssSampler() as put:
    st.put_aip("BIG", bag)
with RssSampler() as aud:
    report = audit([st], aip_ids=["BIG"])
print(json.dumps({"put_mib": put.growth_mib, "audit_mib": aud.growth_mib, "ok": report.ok,
                  "bytes": report.bytes_read}))
"""


def test_5gib_sparse_file_streams_with_flat_memory(tmp_path: Path) -> None:
    """A 5 GiB file (over the 4 GiB limit of some tools) is copied, hashed and audited in bounded memory."""
    size = 5 * 1024**3
    bag_dir = tmp_path / "bigbag"
    (bag_dir).mkdir()
    with open(bag_dir / "scan.tif", "wb") as f:
        f.truncate(size)  # sparse: no disk used until copied
        f.seek(size - 5)
        f.write(b"tail!")
    bagit.make_bag(str(bag_dir), checksums=["sha256"])
    try:
        out = subprocess.run(
            [sys.executable, "-c", _BIG_CHILD, str(tmp_path / "store"), str(bag_dir)],
            capture_output=True, text=True, timeout=600, check=True, cwd=Path(__file__).parent.parent,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        os.sync()
    assert r["ok"] and r["bytes"] >= size
    growth_mib = max(r["put_mib"], r["audit_mib"])
    print(f"5 GiB: peak RSS growth put {r['put_mib']:.1f} MiB, audit {r['audit_mib']:.1f} MiB")
    assert growth_mib < 64, f"memory grew by {growth_mib:.0f} MiB while streaming 5 GiB"
