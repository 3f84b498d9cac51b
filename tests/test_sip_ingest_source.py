"""SIPs as an ingest source: one package, or a submission folder of package ZIPs, becomes the
template's shape (catalogue rows + files at their catalogue paths) and passes the ordinary
catalogue and file checks; a bad package gives findings that name the package and the file."""

from __future__ import annotations

import hashlib

from luutru.ingest.files import check_files
from luutru.ingest.sip_source import open_sips, sip_packages
from luutru.ingest.validate import validate_catalogue
from luutru.packaging.sip.builder import build_sip
from tests.sip_helpers import CREATOR, sample_package


def _second_package():
    pkg = sample_package(1, with_preservation=False)
    d = pkg.dossier
    old = d.file_code
    new = old[:-2] + "06"
    d.fields.file_code = new
    d.catalogue.update(ma_ho_so=new, so_ky_hieu_ho_so="06", tong_so_van_ban=1)
    d.fields.total_doc = 1
    for doc in d.documents:
        doc.catalogue.update(ma_ho_so=new, ma_dinh_danh_van_ban=doc.catalogue["ma_dinh_danh_van_ban"].replace(old, new),
                             duong_dan_tep="files/HS06/01.pdf")
        doc.fields.doc_id = doc.catalogue["ma_dinh_danh_van_ban"]
        doc.fields.doc_code = doc.fields.doc_code.replace(old, new)
    pkg.sequence = 2
    return pkg


def test_submission_of_two_packages_passes_the_template_checks(tmp_path):
    sub = tmp_path / "submission"
    a, b = sample_package(2), _second_package()
    build_sip(a, sub, creator=CREATOR)
    build_sip(b, sub, creator=CREATOR)
    pkgs = sip_packages(sub)
    assert [p.name for p in pkgs] == [a.zip_name(), b.zip_name()]
    t = open_sips(pkgs, tmp_path / "work")
    assert t.findings == []
    assert t.packages == {a.dossier.file_code: a.objid, b.dossier.file_code: b.objid}
    cat = validate_catalogue(t.raw)
    assert [f for f in cat.findings if f.is_error] == []
    docs = [d for code in cat.dossiers for d in cat.documents_of(code)]
    fc = check_files(t.view_root, docs, set(), [d.path for d in docs])
    assert [f for f in fc.findings if f.is_error] == []
    assert len(fc.matches) == 3
    first = a.dossier.documents[0]
    assert (t.view_root / first.catalogue["duong_dan_tep"]).read_bytes() == first.files[0].source
    assert hashlib.sha256((t.view_root / "files/HS06/01.pdf").read_bytes()).hexdigest() == b.dossier.documents[0].files[0].sha256
    assert [e["event_id"] for e in t.events[a.dossier.file_code]][:len(a.dossier.events)] == [e.event_id for e in a.dossier.events]


def test_a_broken_package_is_named_in_its_findings(tmp_path):
    sub = tmp_path / "submission"
    a = sample_package(1)
    built = build_sip(a, sub, creator=CREATOR, zip_package=False)
    victim = next((built.path / "representations/rep1/data").rglob("*.pdf"))
    victim.write_bytes(victim.read_bytes() + b"%")
    t = open_sips(sip_packages(built.path), tmp_path / "work")
    assert [f.code for f in t.findings] == ["SIP_SIZE_MISMATCH", "SIP_CHECKSUM_MISMATCH"]
    assert all(f.file.startswith(f"{a.objid}/representations/rep1/data/") for f in t.findings)
    assert t.raw.dossiers == []


def test_template_transfer_is_not_taken_for_a_sip(tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "ho_so.csv").write_text("x")
    assert sip_packages(tmp_path) == []
