"""The file key store used from several threads at once (stores run ahead on threads):
no thread ever sees a half-written master or data key, and a key remembered unwrapped
is never given out after it was destroyed."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from luutru.preservation.storage import keystore as ks


def test_first_use_from_many_threads_shares_one_master_key(tmp_path: Path) -> None:
    for round_ in range(5):  # a fresh store each round: the race is on creating master.key
        store = ks.FileKeyStore(tmp_path / f"ks{round_}")
        barrier = threading.Barrier(8)
        got: dict[str, bytes] = {}
        errors: list[BaseException] = []

        def one(i: int) -> None:
            try:
                barrier.wait()
                got[f"K{i}"] = store.create_key(f"K{i}")
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        # another process (a new store object) unwraps every key with the one master key
        again = ks.FileKeyStore(tmp_path / f"ks{round_}")
        assert {k: again.get_key(k) for k in got} == got
        assert not [p for p in (tmp_path / f"ks{round_}").rglob("*.tmp")]


def test_remembered_key_is_not_given_out_after_destruction(tmp_path: Path) -> None:
    a = ks.FileKeyStore(tmp_path / "ks")
    key = a.create_key("H57.2021.01")
    assert a.get_key("H57.2021.01") == key  # now remembered unwrapped
    b = ks.FileKeyStore(tmp_path / "ks")  # another process destroys it
    b.destroy_key("H57.2021.01", reason="hết thời hạn bảo quản", actor="approver")
    with pytest.raises(ks.KeyDestroyed):
        a.get_key("H57.2021.01")


def test_replaced_key_file_is_read_again(tmp_path: Path) -> None:
    a = ks.FileKeyStore(tmp_path / "ks")
    a.create_key("X1")
    a.get_key("X1")
    other = os.urandom(32)
    path = tmp_path / "ks" / "keys" / "X1.key"
    path.unlink()
    b = ks.FileKeyStore(tmp_path / "ks")
    assert b.create_key("X1", key=other) == other  # restored from elsewhere, a new file
    assert a.get_key("X1") == other
