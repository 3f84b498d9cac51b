"""Sealing a bag without bagit-python's ``Bag.save`` (bag_seal.py) and answering
``expected_digests`` from what the seal wrote (sealed.py): the bag must be one that
bagit-python validates, and the remembered digests must never outlive a changed manifest."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import asdict
from pathlib import Path

import bagit

from luutru.packaging.bag import expected_digests
from luutru.packaging.bag_seal import seal_bag, write_declaration
from luutru.records.events import Event


def _bag(root: Path, files: dict[str, bytes]) -> Path:
    hashes = {}
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        hashes[rel] = (hashlib.sha256(data).hexdigest(), len(data))
    write_declaration(root, "2026-11-30")
    seal_bag(root, hashes, {"Source-Organization": "Văn phòng UBND", "External-Identifier": "H57.2021.01"})
    return root


def test_sealed_bag_validates_with_bagit_and_reads_back_the_same(tmp_path: Path) -> None:
    root = _bag(tmp_path / "b", {"data/objects/1/Quyết định.pdf": b"%PDF-1.7 x", "data/metadata/a.json": b"{}"})
    (root / "meta").mkdir()
    bag = bagit.Bag(str(root))
    bag.validate()
    assert bag.info["Payload-Oxum"] == "12.2"
    assert bag.info["Source-Organization"] == "Văn phòng UBND"
    remembered = expected_digests(root)
    # what bagit-python reads from the bag is what the seal remembered
    assert remembered == {k: v["sha256"] for k, v in bag.entries.items()}
    assert set(remembered) >= {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"}


def test_remembered_digests_end_when_a_manifest_changes(tmp_path: Path) -> None:
    root = _bag(tmp_path / "b", {"data/x.txt": b"hello"})
    assert expected_digests(root)["data/x.txt"] == hashlib.sha256(b"hello").hexdigest()
    # someone rewrites the payload manifest (and the tag manifest) after the seal
    other = hashlib.sha256(b"other").hexdigest()
    (root / "manifest-sha256.txt").write_text(f"{other}  data/x.txt\n", encoding="utf-8")
    tag = (root / "tagmanifest-sha256.txt").read_text("utf-8").splitlines()
    new_manifest_sha = hashlib.sha256((root / "manifest-sha256.txt").read_bytes()).hexdigest()
    tag = [f"{new_manifest_sha} manifest-sha256.txt" if line.endswith(" manifest-sha256.txt") else line for line in tag]
    (root / "tagmanifest-sha256.txt").write_text("\n".join(tag) + "\n", encoding="utf-8")
    assert expected_digests(root)["data/x.txt"] == other  # read from the bag again, not remembered


def test_bags_sealed_on_threads_leave_the_working_directory_alone(tmp_path: Path) -> None:
    before = os.getcwd()
    errors: list[BaseException] = []

    def one(i: int) -> None:
        try:
            for k in range(5):
                root = _bag(tmp_path / f"b{i}-{k}", {f"data/f{j}.txt": f"{i}-{k}-{j}".encode() for j in range(5)})
                bagit.Bag(str(root)).validate()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert os.getcwd() == before


def test_event_to_dict_is_the_dataclass_fields_with_copied_containers() -> None:
    detail = {"chain": [{"subject": "CN=Nguyễn Văn A", "serial": 7}], "pair": (1, 2), "none": None}
    e = Event("digital signature validation", "data/objects/1/a.pdf", "success", "ok", detail)
    d = e.to_dict()
    assert d == asdict(e)
    d["outcome_detail"]["chain"][0]["subject"] = "changed"
    assert e.outcome_detail["chain"][0]["subject"] == "CN=Nguyễn Văn A"  # the event is not changed through it
    assert Event.from_dict(e.to_dict()) == e
