"""Bags held in memory (packaging/held.py): a fixed-term dossier's metadata, text and tag
files go from the builder to the encrypting storage without a cleartext copy on disk,
and the stored AIP is byte for byte the one a bag sealed on disk gives."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import bagit
import pytest

import luutru.packaging.held as held
import luutru.preservation.aip as aip
from luutru.ingest.pipeline import ingest
from luutru.packaging.bag_seal import (
    bag_info_text,
    seal_bag,
    tag_files,
    write_declaration,
)
from luutru.preservation.fixity import audit
from tests.factory import base_spec, refuse_by_the_last_file, write_transfer


@pytest.fixture(autouse=True)
def _nothing_held_before_or_after():
    assert held.held_bytes() == 0
    yield
    assert held.held_bytes() == 0, "a held bag outlived its ingest"


def test_bag_info_text_is_what_bagit_writes(tmp_path: Path) -> None:
    tags = {"Source-Organization": "Văn phòng UBND\r\ntỉnh", "External-Description": "a\nb\rc",
            "Bagging-Date": "2026-11-30", "Repeated": ["một", "hai"], "Payload-Oxum": "12.2"}
    bagit._make_tag_file(str(tmp_path / "bag-info.txt"), tags)
    assert bag_info_text(tags).encode("utf-8") == (tmp_path / "bag-info.txt").read_bytes()


def test_tag_files_in_memory_are_the_ones_sealed_on_disk(tmp_path: Path) -> None:
    files = {"data/objects/1/Quyết định.pdf": b"%PDF-1.7 x", "data/metadata/a.json": b"{}",
             "data/line\nbreak.txt": b"odd name"}
    hashes = {}
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
        hashes[rel] = (hashlib.sha256(data).hexdigest(), len(data))
    info = {"Source-Organization": "Văn phòng UBND", "External-Identifier": "H57.2021.01"}
    write_declaration(tmp_path, "2026-11-30")
    seal_bag(tmp_path, hashes, info)
    tags, digests = tag_files(hashes, info, "2026-11-30")
    for rel, data in tags.items():
        assert (tmp_path / rel).read_bytes() == data, rel
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == sorted(tags)
    assert digests == {**{rel.replace("\n", "\n"): sha for rel, (sha, _n) in hashes.items()},
                       **{rel: hashlib.sha256(data).hexdigest() for rel, data in tags.items()
                          if not rel.startswith("tagmanifest-")}}
    bagit.Bag(str(tmp_path)).validate()


def test_budget_refuses_a_bag_that_does_not_fit_and_release_frees_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(held, "TOTAL_LIMIT", 100)
    assert held.hold(tmp_path / "a", held.HeldBag({"x": b"1" * 60}))
    assert not held.hold(tmp_path / "b", held.HeldBag({"x": b"1" * 60}))  # 120 > 100: written to disk instead
    assert held.hold(tmp_path / "a", held.HeldBag({"x": b"1" * 90}))  # sealed again: replaces its own share
    assert held.held_bytes() == 90
    held.materialise(tmp_path / "a")
    assert (tmp_path / "a" / "x").read_bytes() == b"1" * 90 and held.held_bytes() == 0


_WRITES: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _WRITES is not None:
        path, mode, flags = args
        if (isinstance(mode, str) and any(c in mode for c in "wax+")) or flags & (os.O_WRONLY | os.O_RDWR):
            _WRITES.append(str(path))


sys.addaudithook(_audit)  # cannot be removed: it records only while _WRITES is a list


@pytest.fixture
def opened_for_writing():
    """Every path the code opens for writing meanwhile (builtin open, os.open, pathlib)."""
    global _WRITES
    _WRITES = []
    yield _WRITES
    _WRITES = None


def test_fixed_term_metadata_never_touches_the_scratch_disk_in_clear(services, tmp_path, opened_for_writing) -> None:
    spec = base_spec(2, 3)
    root = write_transfer(spec, tmp_path / "t")
    written = opened_for_writing
    rep = ingest(root, services)
    assert rep.status == "accepted", [f.code for f in rep.findings if f.is_error]
    assert any(p.endswith(".enc") for p in written)  # the spy sees the writes it should
    work = str(services.settings.work_dir)
    clear = [p for p in written if p.startswith(work) and any(s in p for s in ("/data/metadata/", "/data/METS.xml", "/data/schemas/",
                                                        "bag-info.txt", "manifest-sha256.txt"))
             and "/.enc-" not in p]
    assert clear == []
    for d in spec.dossiers:
        code = d["ma_ho_so"]
        assert services.storage.is_encrypted(code)
        plain = services.storage.fetch_aip(code, tmp_path / f"plain-{code}")  # every decrypted digest checked
        bagit.Bag(str(plain)).validate()
        assert (plain / "data" / "metadata" / "dossier.json").is_file()
        assert (plain / "data" / "schemas" / "mets.xsd").is_file()
    assert audit(services.storage, repair=False).ok


def test_a_bag_too_large_to_hold_is_written_to_disk_and_stored_the_same(services, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(held, "TOTAL_LIMIT", 1000)  # no bag fits: every one sealed on disk, as before
    spec = base_spec(1, 2)
    root = write_transfer(spec, tmp_path / "t")
    rep = ingest(root, services)
    assert rep.status == "accepted", [f.code for f in rep.findings if f.is_error]
    code = spec.dossiers[0]["ma_ho_so"]
    plain = services.storage.fetch_aip(code, tmp_path / "plain")
    bagit.Bag(str(plain)).validate()
    assert audit(services.storage, repair=False).ok


def test_a_refused_transfer_holds_nothing_afterwards(services, tmp_path, monkeypatch) -> None:
    spec = base_spec(3, 2)
    refuse_by_the_last_file(spec)  # refused after the dossiers before it were sealed
    most = []
    real_hold = held.hold

    def spy(root, bag):
        ok = real_hold(root, bag)
        most.append(held.held_bytes())
        return ok

    monkeypatch.setattr(held, "hold", spy)
    monkeypatch.setattr(aip, "hold", spy)  # the builder's own name for it
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert rep.status == "rejected"
    assert most and max(most) > 0  # bags were held during the checks
    assert not list(services.storage.list_aips())
    # and the fixture checks that nothing is held any more


def test_catalog_rows_from_held_bytes_are_what_the_stored_aip_says(services, tmp_path, monkeypatch) -> None:
    import luutru.preservation.commit as commit
    from luutru.catalog.records import load_aip_metadata

    seen = {}
    real = commit.stored_from

    def spy(code, bag):
        seen[code] = real(code, bag)
        return seen[code]

    monkeypatch.setattr(commit, "stored_from", spy)
    spec = base_spec(2, 3)
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert rep.status == "accepted", [f.code for f in rep.findings if f.is_error]
    assert set(seen) == {d["ma_ho_so"] for d in spec.dossiers}
    for code, meta in seen.items():
        assert meta is not None  # read from the held bytes, not from storage
        assert meta == load_aip_metadata(services.storage, code)  # what reading the stored AIP back gives
