"""Fixity audit: damage is found per file and location, repaired from a healthy copy, resumable."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from luutru.catalog.db import Catalog
from luutru.catalog.fixity_models import FixityState
from luutru.preservation.fixity import CopyStatus, audit
from luutru.preservation.storage.local import LocalStorage
from luutru.preservation.storage.replicated import ReplicatedStorage
from luutru.preservation.storage.s3 import S3Storage
from luutru.preservation.storage.verify import ProblemKind
from luutru.records.events import FIXITY_CHECK, REPAIR, Event
from tests import engines
from tests.test_storage_local import make_bag

FILES = {"Quyết định.pdf": b"%PDF-1.4 " + os.urandom(3000), "phụ lục/bảng.csv": b"a,b\n1,2\n"}


@pytest.fixture
def two(tmp_path: Path) -> ReplicatedStorage:
    rs = ReplicatedStorage(LocalStorage(tmp_path / "primary"), [LocalStorage(tmp_path / "replica")])
    for i in range(3):
        rs.put_aip(f"000.00.31.H57.2021.0{i}", make_bag(tmp_path / f"bag{i}", FILES))
    return rs


def rot(path: Path) -> None:
    """Flip one bit in place, as a failing disk would."""
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_clean_audit_records_one_event_per_aip_and_location(two: ReplicatedStorage) -> None:
    events: list[Event] = []
    report = audit(two, on_event=events.append)
    assert report.ok and len(report.aips) == 3 and not report.damaged
    assert len(events) == 6 and {e.event_type for e in events} == {FIXITY_CHECK}
    assert all(e.outcome == "success" and e.event_datetime.endswith("+07:00") for e in events)
    assert {e.outcome_detail["location"] for e in events} == {s.url for s in two.locations}


def test_bit_rot_in_one_replica_is_found_and_repaired(two: ReplicatedStorage) -> None:
    aip = "000.00.31.H57.2021.01"
    replica = two.replicas[0]
    rot(replica.path_of(aip, "data/Quyết định.pdf"))
    events: list[Event] = []
    report = audit(two, aip_ids=[aip], on_event=events.append)
    (res,) = report.aips
    bad = [c for c in res.copies if c.location == replica.url][0]
    assert bad.status is CopyStatus.REPAIRED
    assert [(p.relpath, p.kind) for p in bad.problems] == [("data/Quyết định.pdf", ProblemKind.MISMATCH)]
    assert report.ok and report.repaired == (res,)
    repairs = [e for e in events if e.event_type == REPAIR]
    assert len(repairs) == 1 and repairs[0].outcome == "success" and repairs[0].outcome_detail["location"] == replica.url
    failed = [e for e in events if e.event_type == FIXITY_CHECK and e.outcome == "failure"]
    assert failed[0].outcome_detail["problems"][0]["relpath"] == "data/Quyết định.pdf"
    # The repaired replica now passes on its own.
    assert audit([replica], aip_ids=[aip]).ok
    assert replica.path_of(aip, "data/Quyết định.pdf").read_bytes() == FILES["Quyết định.pdf"]


def test_rot_in_the_primary_is_repaired_from_the_replica(two: ReplicatedStorage) -> None:
    aip = "000.00.31.H57.2021.00"
    rot(two.primary.path_of(aip, "manifest-sha256.txt"))
    report = audit(two, aip_ids=[aip])
    (res,) = report.aips
    assert res.reference == two.replicas[0].url
    assert res.copies[0].status is CopyStatus.REPAIRED and report.ok


def test_missing_aip_and_missing_and_unexpected_files(two: ReplicatedStorage, tmp_path: Path) -> None:
    replica = two.replicas[0]
    # Replica loses a whole AIP (deleted behind the service's back).
    import shutil

    gone = replica.aips / "000.00.31.H57.2021.02"
    shutil.rmtree(gone)
    (replica.locks / "000.00.31.H57.2021.02.json").unlink()
    # Primary loses a file and gains a stray one.
    p = two.primary.path_of("000.00.31.H57.2021.00", "data/phụ lục/bảng.csv")
    p.unlink()
    (p.parent / "lạ.txt").write_text("not in the manifest")
    report = audit(two)
    by_id = {a.aip_id: a for a in report.aips}
    miss = by_id["000.00.31.H57.2021.02"].copies[1]
    assert miss.status is CopyStatus.REPAIRED and miss.location == replica.url
    prim = by_id["000.00.31.H57.2021.00"].copies[0]
    kinds = {(pr.relpath, pr.kind) for pr in prim.problems}
    assert kinds == {("data/phụ lục/bảng.csv", ProblemKind.MISSING), ("data/phụ lục/lạ.txt", ProblemKind.UNEXPECTED)}
    assert prim.status is CopyStatus.REPAIRED and report.ok
    assert replica.has_aip("000.00.31.H57.2021.02") and two.has_aip("000.00.31.H57.2021.02")
    assert not (p.parent / "lạ.txt").exists()


def test_no_healthy_copy_is_reported_not_repaired(tmp_path: Path) -> None:
    st = LocalStorage(tmp_path / "only")
    st.put_aip("X", make_bag(tmp_path / "bag", FILES))
    rot(st.path_of("X", "data/Quyết định.pdf"))
    report = audit([st])
    assert not report.ok and report.unrepaired[0].copies[0].status is CopyStatus.DAMAGED
    assert "nothing to repair from" in report.unrepaired[0].copies[0].error
    assert report.events[0].outcome == "failure"


def test_audit_resumes_where_it_stopped(two: ReplicatedStorage, tmp_path: Path) -> None:
    state = FixityState(Catalog(f"sqlite:///{tmp_path / 'catalog.sqlite'}"))  # runs and checks in the catalog
    seen: list[str] = []

    def stop_after_two(done: int, total: int, aip_id: str) -> None:
        seen.append(aip_id)
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        audit(two, state=state, progress=stop_after_two)
    report = audit(two, state=state, progress=lambda d, t, a: seen.append(a))
    assert report.resumed and len(report.skipped) == 2 and len(report.aips) == 1
    assert sorted(seen) == sorted(two.list_aips())
    # A finished run is not resumed: the next run checks everything again...
    assert len(audit(two, state=state).aips) == 3
    # ...unless asked only for AIPs not checked recently.
    assert audit(two, state=state, not_checked_since_days=1).aips == ()


def test_sample_and_selection_errors(two: ReplicatedStorage) -> None:
    assert len(audit(two, sample=2, seed=1).aips) == 2
    with pytest.raises(Exception, match="needs a state"):
        audit(two, not_checked_since_days=30)


# -- with an S3 replica --------------------------------------------------------------------


@engines.mark("s3")
def test_bit_rot_in_s3_replica_repaired_and_locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from luutru.records.timeutil import now_vn

    endpoint = engines.s3_endpoint(monkeypatch)
    bucket = engines.s3_shared_bucket(endpoint)
    prefix = f"fixity-{uuid.uuid4().hex[:12]}"
    s3 = S3Storage(bucket, prefix, endpoint_url=endpoint)
    rs = ReplicatedStorage(LocalStorage(tmp_path / "primary"), [s3])
    until = now_vn().date() + timedelta(days=3)  # locked objects on a shared test server: days, not years
    rs.put_aip("A", make_bag(tmp_path / "bag", FILES), retain_until=until)
    # Damage: a new (wrong) version of one object, as a faulty gateway or a bad actor would write.
    c = engines.s3_client(endpoint)
    c.put_object(Bucket=bucket, Key=f"{prefix}/aips/A/data/Quyết định.pdf", Body=b"garbage")
    c.put_object(Bucket=bucket, Key=f"{prefix}/aips/A/data/extra.bin", Body=b"stray")
    report = audit(rs)
    (res,) = report.aips
    s3copy = res.copies[1]
    assert {(p.relpath, p.kind) for p in s3copy.problems} == {
        ("data/Quyết định.pdf", ProblemKind.MISMATCH), ("data/extra.bin", ProblemKind.UNEXPECTED)}
    assert s3copy.status is CopyStatus.REPAIRED and report.ok
    assert s3.open_file("A", "data/Quyết định.pdf").read() == FILES["Quyết định.pdf"]
    head = c.head_object(Bucket=bucket, Key=f"{prefix}/aips/A/data/Quyết định.pdf")
    assert head["ObjectLockMode"] == "COMPLIANCE"  # the repaired version is locked like the rest
