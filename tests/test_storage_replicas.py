"""Replicated storage: stored means stored and verified everywhere; reads fall back."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import bagit
import pytest

from luutru.preservation.storage.base import LockedError, StorageError
from luutru.preservation.storage.local import LocalStorage
from luutru.preservation.storage.replicated import ReplicatedStorage, ReplicationError
from luutru.records.timeutil import now_vn
from tests.test_storage_local import make_bag

AIP = "000.00.31.H57.2021.05"


@pytest.fixture
def rs(tmp_path: Path) -> ReplicatedStorage:
    return ReplicatedStorage(LocalStorage(tmp_path / "a"), [LocalStorage(tmp_path / "b"), LocalStorage(tmp_path / "c")])


@pytest.fixture
def bag(tmp_path: Path) -> Path:
    return make_bag(tmp_path / "bag", {"văn bản.pdf": b"%PDF-1.4 x"})


def test_put_stores_everywhere_and_locks_everywhere(rs: ReplicatedStorage, bag: Path) -> None:
    rs.put_aip(AIP, bag, retain_until=now_vn().date() + timedelta(days=10))
    assert all(s.has_aip(AIP) for s in rs.locations) and list(rs.list_aips()) == [AIP]
    with pytest.raises(LockedError):
        rs.delete_aip(AIP)
    assert all(s.has_aip(AIP) for s in rs.locations)


def test_reads_fall_back_when_primary_lost_the_aip(rs: ReplicatedStorage, bag: Path, tmp_path: Path) -> None:
    rs.put_aip(AIP, bag)
    shutil.rmtree(rs.primary.aips / AIP)
    assert rs.open_file(AIP, "data/văn bản.pdf").read() == b"%PDF-1.4 x"
    bagit.Bag(str(rs.fetch_aip(AIP, tmp_path / "out"))).validate()
    assert not rs.has_aip(AIP)  # not stored everywhere any more
    assert list(rs.list_all_aips()) == [AIP] and list(rs.list_aips()) == []


def test_failed_location_means_not_stored_and_put_again_completes(tmp_path: Path, bag: Path) -> None:
    good = LocalStorage(tmp_path / "good")

    class Broken(LocalStorage):
        def put_aip(self, *a, **k):  # type: ignore[no-untyped-def]
            raise StorageError(f"disk full at {self.url}")

    broken = Broken(tmp_path / "broken")
    rs = ReplicatedStorage(good, [broken])
    with pytest.raises(ReplicationError) as exc:
        rs.put_aip(AIP, bag)
    assert list(exc.value.failures) == [broken.url] and "disk full" in str(exc.value)
    assert not rs.has_aip(AIP) and good.has_aip(AIP)
    fixed = ReplicatedStorage(good, [LocalStorage(tmp_path / "broken")])
    fixed.put_aip(AIP, bag)  # only the missing copy is written, then all are verified
    assert fixed.has_aip(AIP)


def test_same_location_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="twice"):
        ReplicatedStorage(LocalStorage(tmp_path / "a"), [LocalStorage(tmp_path / "a")])
