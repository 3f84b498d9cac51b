"""Large files are hashed with the reads on a second thread (storage/verify._sha256_overlapped):
same digests, damage still found."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import luutru.preservation.storage.verify as verify
from luutru.preservation.fixity import audit
from luutru.preservation.storage.local import LocalStorage
from luutru.preservation.storage.verify import ProblemKind
from tests.test_fixity import rot
from tests.test_storage_local import make_bag

BIG = os.urandom(3 * 1024 * 1024 + 17)  # several reads of a small chunk, the last one short


def test_overlapped_hash_equals_hashlib(tmp_path: Path) -> None:
    p = tmp_path / "big.bin"
    p.write_bytes(BIG)
    with open(p, "rb") as f:
        assert verify._sha256_overlapped(f, chunk=64 * 1024, buffers=3) == (hashlib.sha256(BIG).hexdigest(), len(BIG))


def test_large_files_are_audited_and_damage_found(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(verify, "OVERLAP_FROM_BYTES", 1024 * 1024)  # the test file counts as large
    used = []
    real = verify._sha256_overlapped
    monkeypatch.setattr(verify, "_sha256_overlapped", lambda f, *a, **k: used.append(1) or real(f, *a, **k))
    st = LocalStorage(tmp_path / "s")
    aip = "000.00.31.H57.2021.01"
    st.put_aip(aip, make_bag(tmp_path / "bag", {"số liệu.csv": BIG, "nhỏ.txt": b"x"}))
    assert audit(st).ok and used == [1]
    rot(st.path_of(aip, "data/số liệu.csv"))
    (res,) = audit(st, repair=False).aips
    assert [(p.relpath, p.kind) for p in res.copies[0].problems] == [("data/số liệu.csv", ProblemKind.MISMATCH)]
