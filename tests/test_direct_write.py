"""Large staged ciphertext written around the page cache (packaging/direct_write.py):
whatever the sizes of the writes and of the file, the file holds exactly the bytes
written; where O_DIRECT is refused (tmpfs) the same bytes are written buffered; and an
ingest whose ciphertext is all written that way stores AIPs that audit and decrypt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import luutru.packaging.direct_write as direct_write
from luutru.ingest.pipeline import ingest
from luutru.packaging.direct_write import BLOCK, DirectWriter, open_direct
from luutru.preservation.fixity import audit
from tests.factory import base_spec, original_digests, write_transfer


@pytest.mark.parametrize("size", [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 12345])
@pytest.mark.parametrize("chunk", [1 << 20, 1 << 20 | 28, 4096, 3 * BLOCK])
def test_the_file_holds_exactly_the_bytes_written(tmp_path: Path, size: int, chunk: int) -> None:
    data = os.urandom(size)
    target = tmp_path / "x.enc"
    with open_direct(target) as out:
        for i in range(0, size, chunk):
            assert out.write(data[i:i + chunk]) == len(data[i:i + chunk])
    assert target.read_bytes() == data


def test_direct_is_used_where_the_file_system_allows_it(tmp_path: Path) -> None:
    out = open_direct(tmp_path / "y.enc")
    try:
        assert isinstance(out, DirectWriter) == _supports_direct(tmp_path)
    finally:
        out.close()


def _supports_direct(folder: Path) -> bool:
    try:
        fd = os.open(folder / "probe", os.O_WRONLY | os.O_CREAT | os.O_DIRECT)
    except OSError:
        return False
    os.close(fd)
    return True


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no tmpfs at /dev/shm on this machine")
def test_a_file_system_refusing_o_direct_gets_the_same_bytes_buffered(tmp_path: Path) -> None:
    folder = Path("/dev/shm") / f"luutru-test-{os.getpid()}"
    folder.mkdir()
    try:
        data = os.urandom(2 * BLOCK + 7)
        with open_direct(folder / "z.enc") as out:
            out.write(data)
        assert (folder / "z.enc").read_bytes() == data
    finally:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "w.enc").write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        open_direct(tmp_path / "w.enc")
    assert (tmp_path / "w.enc").read_bytes() == b"keep"


def test_an_ingest_writing_every_ciphertext_direct_stores_aips_that_audit(services, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(direct_write, "DIRECT_FROM_BYTES", 1)  # every staged original written with O_DIRECT
    spec = base_spec(2, 2)
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert rep.status == "accepted", [f.code for f in rep.findings if f.is_error]
    assert audit(services.storage, repair=False).ok
    for d in spec.dossiers:
        plain = services.storage.fetch_aip(d["ma_ho_so"], tmp_path / f"p-{d['ma_ho_so']}")
        docs = [r for r in spec.documents if r["ma_ho_so"] == d["ma_ho_so"]]
        assert original_digests(plain, docs) == {r["ma_dinh_danh_van_ban"]: [r["sha256"]] for r in docs}


def test_an_ingest_copying_every_permanent_record_direct_stores_aips_that_audit(services, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(direct_write, "DIRECT_FROM_BYTES", 1)  # every permanent original copied with O_DIRECT
    spec = base_spec(1, 3)
    for d in spec.dossiers:
        d["thoi_han_bao_quan"] = "Vĩnh viễn"
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert rep.status == "accepted", [f.code for f in rep.findings if f.is_error]
    code = spec.dossiers[0]["ma_ho_so"]
    assert not services.storage.is_encrypted(code)
    assert audit(services.storage, repair=False).ok
    plain = services.storage.fetch_aip(code, tmp_path / "p")
    assert original_digests(plain, spec.documents) == {r["ma_dinh_danh_van_ban"]: [r["sha256"]] for r in spec.documents}
