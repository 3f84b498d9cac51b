"""Catalogue ↔ files: missing, unlisted, checksums, NFC/NFD names, unsafe paths."""

from __future__ import annotations

import os
import unicodedata
import zipfile
from pathlib import Path

import bagit

from luutru.ingest.pipeline import ingest
from luutru.records.findings import Severity
from tests.factory import base_spec, make_pdf, write_transfer


def errors(rep):
    return [f for f in rep.findings if f.severity is Severity.ERROR]


def test_missing_unlisted_and_checksum_mismatch_each_named(services, tmp_path):
    spec = base_spec(2, 3)
    root = write_transfer(spec, tmp_path / "t")
    missing = spec.documents[1]["duong_dan_tep"]
    (root / missing).unlink()
    (root / "files" / "extra.pdf").write_bytes(make_pdf(["không có trong mục lục"]))
    bad = spec.documents[4]["duong_dan_tep"]
    with open(root / bad, "ab") as fh:
        fh.write(b"tampered")
    rep = ingest(root, services)
    by_code = {f.code: f for f in errors(rep)}
    assert by_code["FILE_MISSING"].file == missing
    assert by_code["FILE_UNLISTED"].file == "files/extra.pdf"
    assert by_code["CHECKSUM_MISMATCH"].file == bad
    assert by_code["CHECKSUM_MISMATCH"].document == spec.documents[4]["ma_dinh_danh_van_ban"]
    assert rep.status == "rejected"
    assert list(services.storage.list_aips()) == []
    # nothing left behind in the work area
    assert [p.name for p in services.settings.work_dir.iterdir()] == []


def test_nfd_file_name_matches_nfc_catalogue(services, tmp_path):
    spec = base_spec(1, 2)
    root = write_transfer(spec, tmp_path / "t")
    listed = spec.documents[0]["duong_dan_tep"]
    assert unicodedata.is_normalized("NFC", listed) and "ế" in listed or "ị" in listed
    nfd = unicodedata.normalize("NFD", listed)
    os.rename(root / listed, root / nfd)
    rep = ingest(root, services)
    assert rep.status == "accepted", [f.message_en for f in rep.findings]
    assert any(f.code == "FILE_NAME_NFD" for f in rep.findings)
    files = list(services.storage.list_files(spec.dossiers[0]["ma_ho_so"]))
    assert any(unicodedata.is_normalized("NFC", f) and f.endswith(Path(listed).name) for f in files)


def test_two_names_differing_only_by_normalisation_conflict(services, tmp_path):
    spec = base_spec(1, 1)
    root = write_transfer(spec, tmp_path / "t")
    listed = spec.documents[0]["duong_dan_tep"]
    (root / unicodedata.normalize("NFD", listed)).write_bytes(b"%PDF-1.4 other")
    rep = ingest(root, services)
    assert "FILE_NAME_CONFLICT" in [f.code for f in errors(rep)]


def test_catalogue_path_escaping_the_transfer(services, tmp_path):
    spec = base_spec(1, 2)
    spec.documents[0]["duong_dan_tep"] = "../../etc/passwd"
    spec.documents[1]["duong_dan_tep"] = "/etc/hostname"
    root = write_transfer(spec, tmp_path / "t")
    rep = ingest(root, services)
    esc = [f for f in errors(rep) if f.code == "PATH_ESCAPE"]
    assert len(esc) == 2
    assert list(services.storage.list_aips()) == []


def test_symlink_in_transfer_is_refused(services, tmp_path):
    spec = base_spec(1, 1)
    root = write_transfer(spec, tmp_path / "t")
    os.symlink("/etc/passwd", root / "files" / "link.pdf")
    rep = ingest(root, services)
    assert "SYMLINK" in [f.code for f in errors(rep)]


def test_zip_with_parent_paths_is_reported_and_nothing_written_outside(services, tmp_path):
    spec = base_spec(1, 2)
    root = write_transfer(spec, tmp_path / "t")
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in root.rglob("*"):
            if p.is_file():
                zf.write(p, p.relative_to(root).as_posix())
        zf.writestr("../../outside.txt", b"escape")
        zf.writestr("/abs.txt", b"escape")
    rep = ingest(z, services)
    esc = sorted(f.file for f in errors(rep) if f.code == "PATH_ESCAPE")
    assert esc == ["../../outside.txt", "/abs.txt"]
    assert not (services.settings.work_dir.parent / "outside.txt").exists()
    assert not list(tmp_path.rglob("outside.txt"))
    assert rep.status == "rejected"


def test_zip_transfer_wrapped_in_a_folder_is_accepted(services, tmp_path):
    spec = base_spec(2, 2)
    root = write_transfer(spec, tmp_path / "nop_luu_2021")
    z = tmp_path / "nop_luu_2021.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in root.rglob("*"):
            zf.write(p, p.relative_to(tmp_path).as_posix())
    rep = ingest(z, services)
    assert rep.status == "accepted" and rep.kind == "zip"
    assert len(list(services.storage.list_aips())) == 2


def test_corrupt_zip(services, tmp_path):
    z = tmp_path / "broken.zip"
    z.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    rep = ingest(z, services)
    assert rep.status == "rejected"
    assert [f.code for f in errors(rep)] in (["ZIP_CORRUPT"], ["TRANSFER_NOT_RECOGNISED"])


def test_bagit_transfer_verified_and_bad_payload_named(services, tmp_path):
    spec = base_spec(1, 2)
    root = write_transfer(spec, tmp_path / "bag")
    bagit.make_bag(str(root), checksums=["sha256"])
    rep = ingest(root, services)
    assert rep.status == "accepted" and rep.kind == "bag"
    spec2 = base_spec(1, 2)
    for d in spec2.dossiers:
        d["ma_ho_so"] = d["ma_ho_so"].replace("2021", "2020")
        d["nam_hinh_thanh"] = 2020
    for doc in spec2.documents:
        doc["ma_ho_so"] = doc["ma_ho_so"].replace("2021", "2020")
        doc["ma_dinh_danh_van_ban"] = doc["ma_dinh_danh_van_ban"].replace("2021", "2020")
    root2 = write_transfer(spec2, tmp_path / "bag2")
    bagit.make_bag(str(root2), checksums=["sha256"])
    target = root2 / "data" / spec2.documents[0]["duong_dan_tep"]
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))
    rep2 = ingest(root2, services)
    bad = [f for f in errors(rep2) if f.code == "BAG_CHECKSUM_MISMATCH"]
    assert len(bad) == 1 and spec2.documents[0]["duong_dan_tep"] in bad[0].file


def test_empty_file(services, tmp_path):
    spec = base_spec(1, 1)
    spec.documents[0]["sha256"] = ""
    root = write_transfer(spec, tmp_path / "t")
    (root / spec.documents[0]["duong_dan_tep"]).write_bytes(b"")
    rep = ingest(root, services)
    assert "FILE_EMPTY" in [f.code for f in errors(rep)]
