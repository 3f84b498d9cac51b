"""Reading 05/2025 SIPs back: same metadata, bytes and events; any edit after building is refused
with a finding that names what changed (a content byte, a METS checksum, an EAD element)."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree

from luutru.packaging.sip import mapping
from luutru.packaging.sip.builder import build_sip
from luutru.packaging.sip.reader import read_sip
from luutru.packaging.sip.xmlschemas import EAD_NS, METS_NS, XLINK_NS
from tests.sip_helpers import CREATOR, sample_package


@pytest.fixture()
def folder_pkg(tmp_path):
    pkg = sample_package(2)
    built = build_sip(pkg, tmp_path / "out", creator=CREATOR, zip_package=False)
    return pkg, built.path


def _codes(res):
    return [f.code for f in res.findings]


def test_zip_round_trip_same_metadata_bytes_and_events(tmp_path):
    pkg = sample_package(3)
    built = build_sip(pkg, tmp_path / "out", creator=CREATOR)
    res = read_sip(built.path, tmp_path / "work")
    assert res.ok, [f.message_en for f in res.findings]
    got = res.package
    assert got.objid == pkg.objid and got.created == pkg.created
    assert got.dossier.fields == pkg.dossier.fields
    assert got.dossier.catalogue == pkg.dossier.catalogue
    assert got.dossier.rights == pkg.dossier.rights
    assert [d.doc_id for d in got.dossier.documents] == [d.doc_id for d in pkg.dossier.documents]
    for mine, theirs in zip(pkg.dossier.documents, got.dossier.documents):
        assert theirs.fields == mine.fields and theirs.catalogue == mine.catalogue
        for f, g in zip(mine.files, theirs.files):
            assert (g.role, g.sha256, g.size, g.mime, g.puid, g.format_name) == (f.role, f.sha256, f.size, f.mime, f.puid, f.format_name)
            assert hashlib.sha256(Path(g.source).read_bytes()).hexdigest() == f.sha256
            assert Path(g.source).read_bytes() == f.source
    sent = [e.to_dict() for e in pkg.dossier.events]
    received = [e.to_dict() for e in got.dossier.events]
    assert received[:len(sent)] == sent  # every event, in order, field for field
    assert [e["event_type"] for e in received[len(sent):]] == ["information package creation"]


def test_edited_content_byte_is_refused_naming_the_file(folder_pkg):
    pkg, root = folder_pkg
    code = pkg.dossier.file_code
    target = root / f"representations/rep1/data/{code}.0002/02 quyết định.pdf"
    data = bytearray(target.read_bytes())
    data[200] ^= 0x01
    target.write_bytes(bytes(data))
    res = read_sip(root, root.parent / "w")
    assert _codes(res) == ["SIP_CHECKSUM_MISMATCH"]
    f = res.findings[0]
    assert f.file == f"representations/rep1/data/{code}.0002/02 quyết định.pdf"
    assert f.details["actual"] == hashlib.sha256(bytes(data)).hexdigest()


def test_edited_mets_checksum_is_refused_naming_the_file(folder_pkg):
    _pkg, root = folder_pkg
    mets_path = root / "representations/rep2/METS.xml"
    tree = etree.parse(str(mets_path))
    f = tree.find(f".//{{{METS_NS}}}file")
    old = f.get("CHECKSUM")
    f.set("CHECKSUM", "0" * 64)
    tree.write(str(mets_path), xml_declaration=True, encoding="UTF-8")
    res = read_sip(root, root.parent / "w")
    data_file = next(x.file for x in res.findings
                     if x.code == "SIP_CHECKSUM_MISMATCH" and x.file.startswith("representations/rep2/data/"))
    href = f.find(f"{{{METS_NS}}}FLocat").get(f"{{{XLINK_NS}}}href")
    assert data_file == "representations/rep2/" + unquote(href)
    # the edited METS no longer matches the root METS; the file no longer matches the edited METS
    # (its declared value is the forged one); PREMIS still holds the true digest
    assert {(x.code, x.file) for x in res.findings} == {
        ("SIP_SIZE_MISMATCH", "representations/rep2/METS.xml"),
        ("SIP_CHECKSUM_MISMATCH", "representations/rep2/METS.xml"),
        ("SIP_CHECKSUM_MISMATCH", data_file),
        ("SIP_PREMIS_FIXITY_MISMATCH", data_file),
    }
    forged = next(x for x in res.findings if x.code == "SIP_CHECKSUM_MISMATCH" and x.file == data_file)
    assert forged.details == {"declared": "0" * 64, "actual": old.lower()}


def _edit_ead_title(root: Path, new_title: str, *, fix_mets: bool) -> None:
    ead_path = root / "metadata/descriptive/EAD.xml"
    tree = etree.parse(str(ead_path))
    title = tree.find(f".//{{{EAD_NS}}}unittitle")
    title.text = new_title
    tree.write(str(ead_path), xml_declaration=True, encoding="UTF-8")
    if fix_mets:  # a careful forger also updates the root METS checksum and size
        data = ead_path.read_bytes()
        mets_path = root / "METS.xml"
        mtree = etree.parse(str(mets_path))
        for ref in mtree.iter(f"{{{METS_NS}}}mdRef"):
            if ref.get(f"{{{XLINK_NS}}}href") == "metadata/descriptive/EAD.xml":
                ref.set("CHECKSUM", hashlib.sha256(data).hexdigest())
                ref.set("SIZE", str(len(data)))
        mtree.write(str(mets_path), xml_declaration=True, encoding="UTF-8")


def test_edited_ead_field_is_refused_naming_the_file(folder_pkg):
    _pkg, root = folder_pkg
    _edit_ead_title(root, "Hồ sơ khác", fix_mets=False)
    res = read_sip(root, root.parent / "w")
    assert _codes(res) == ["SIP_SIZE_MISMATCH", "SIP_CHECKSUM_MISMATCH", "SIP_EAD_FIELD_CHANGED"]
    assert {f.file for f in res.findings[:2]} == {"metadata/descriptive/EAD.xml"}
    assert res.findings[2].field == "title"


def test_edited_ead_field_with_fixed_checksum_is_refused_naming_the_field(folder_pkg):
    pkg, root = folder_pkg
    _edit_ead_title(root, "Hồ sơ khác", fix_mets=True)
    res = read_sip(root, root.parent / "w")
    assert _codes(res) == ["SIP_EAD_FIELD_CHANGED"]
    f = res.findings[0]
    assert f.field == "title" and f.details == {"ead": "Hồ sơ khác", "catalogue": pkg.dossier.fields.title}


def test_undeclared_and_missing_files_are_named(folder_pkg):
    _pkg, root = folder_pkg
    (root / "representations/rep1/data/extra.exe").write_bytes(b"MZ")
    (root / "documentation/README.txt").unlink()
    res = read_sip(root, root.parent / "w")
    by_code = {f.code: f.file for f in res.findings}
    assert by_code == {"SIP_FILE_MISSING": "documentation/README.txt",
                       "SIP_FILE_UNDECLARED": "representations/rep1/data/extra.exe"}


def test_unsafe_zip_member_is_refused_before_unpacking(tmp_path):
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("uuid-X/METS.xml", "<mets/>")
        zf.writestr("../outside.txt", "x")
    res = read_sip(z, tmp_path / "work")
    assert _codes(res) == ["SIP_ZIP_UNSAFE_MEMBER"] and res.package is None
    assert not (tmp_path / "outside.txt").exists() and not (tmp_path / "work").exists()


def test_not_a_package(tmp_path):
    (tmp_path / "x").mkdir()
    res = read_sip(tmp_path / "x", tmp_path / "w")
    assert _codes(res) == ["SIP_NO_METS"]


def test_package_from_another_system_is_mapped_from_the_05_2025_elements(tmp_path):
    """Without the sender's catalogue fields, the EAD elements are mapped to catalogue fields."""
    pkg = sample_package(1, with_preservation=False)
    original_cat = dict(pkg.dossier.catalogue)
    doc_cat = dict(pkg.dossier.documents[0].catalogue)
    pkg.dossier.catalogue = {}
    pkg.dossier.documents[0].catalogue = {}
    built = build_sip(pkg, tmp_path / "out", creator=CREATOR, zip_package=False)
    res = read_sip(built.path, tmp_path / "w")
    assert res.ok, [f.message_en for f in res.findings]
    cat = res.package.dossier.catalogue
    for key in ("ma_ho_so", "ma_co_quan", "ten_co_quan", "nam_hinh_thanh", "so_ky_hieu_ho_so", "tieu_de",
                "thoi_han_bao_quan", "che_do_su_dung", "ngon_ngu", "thoi_gian_bat_dau", "thoi_gian_ket_thuc",
                "tong_so_van_ban", "tu_khoa", "so_luong_trang", "tinh_trang_vat_ly"):
        assert cat[key] == original_cat[key], key
    dcat = res.package.dossier.documents[0].catalogue
    for key in ("ma_dinh_danh_van_ban", "so_thu_tu", "ten_loai_van_ban", "so_van_ban", "ky_hieu_van_ban",
                "ngay_van_ban", "co_quan_ban_hanh", "trich_yeu", "ngon_ngu", "so_trang", "che_do_su_dung",
                "muc_do_tin_cay", "tinh_trang_vat_ly"):
        assert dcat[key] == doc_cat[key], key
    code = pkg.dossier.file_code
    assert dcat["duong_dan_tep"] == f"representations/rep1/data/{code}.0001/01 quyết định.pdf"


def test_codes_and_labels_both_map():
    assert mapping.retention_code("Vĩnh viễn") == mapping.retention_code("01") == "01"
    assert mapping.retention_code("10 năm") == "06" and mapping.retention_code("15 năm") == "07"
    assert mapping._code("01: Công khai", mapping.MODE_CODES, mapping.MODE_LABELS) == "01"
    assert mapping._code("Sử dụng có điều kiện", mapping.MODE_CODES, mapping.MODE_LABELS) == "02"
    assert mapping._code("Tiếng Xứ Wales", mapping.LANGUAGE_CODES, mapping.LANGUAGE_LABELS) == "Tiếng Xứ Wales"


def test_folder_is_read_in_place_and_zip_unpacked(tmp_path):
    pkg = sample_package(1)
    built = build_sip(pkg, tmp_path / "out", creator=CREATOR)
    res = read_sip(built.path, tmp_path / "w")
    assert res.ok and res.root == tmp_path / "w" / "sip" / pkg.objid
    shutil.rmtree(tmp_path / "w")
