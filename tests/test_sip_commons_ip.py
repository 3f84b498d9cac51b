"""05/2025 SIPs and commons-ip2 2.10.0, the E-ARK reference implementation (Maven Central;
scripts/setup installs it under /opt/luutru-engines with a ``commons-ip`` wrapper).

(a) Every package luutru builds — the builder's sample (zip and folder) and a transfer-out
    submission of stored dossiers — passes commons-ip2's E-ARK SIP 2.0.4 validator: no failed
    requirement, no error, no warning.
(b) A package built by commons-ip2's own ``create`` command (an EAD 2002 description, one
    representation, documentation) is read by luutru's SIP ingest path as the reference
    implementation writes it (form-encoded hrefs with ``+`` for a space, ``Representations/rep1``
    file group, upper-case checksums, ``mets1_12.xsd``, an empty ``amdSec``): every declared file is
    found and its SHA-256 verified.  It carries none of the 05/2025 descriptions (no fileCode, no
    document EADs), so it is refused with findings that say so — never a traceback.
(c) A package built with commons-ip2's EARKSIP API (``commons-ip-sip``) that carries 05/2025
    descriptions — the dossier EAD and one EAD per document, as another system would write them
    (no luutru catalogue block), files in ``data/<docId>/`` without METS GROUPID, no PREMIS —
    passes commons-ip2's validator and is accepted by luutru's ingest: the records are mapped from
    the 05/2025 elements and the stored bytes are the package's.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from luutru.catalog.records import load_aip_metadata
from luutru.ingest.pipeline import ingest
from luutru.ingest.sip_source import sip_packages
from luutru.packaging.sip import ead
from luutru.packaging.sip.builder import build_sip
from luutru.packaging.sip.reader import read_sip
from luutru.packaging.sip.xmlschemas import to_bytes
from luutru.transfer_out.registration import register
from luutru.transfer_out.sip import build_sip_submission
from tests import engines
from tests.factory import AGENCY, base_spec, make_pdf, write_transfer
from tests.sip_helpers import (
    CREATOR,
    commons_ip_create,
    commons_ip_problems,
    commons_ip_sip_from_folder,
    commons_ip_validate,
    sample_package,
)

pytestmark = engines.mark("commons-ip")

# A plain EAD 2002 description, as any E-ARK tool would carry it: no 05/2025 @encodinganalog.
PLAIN_EAD = """<?xml version="1.0" encoding="UTF-8"?>
<ead xmlns="urn:isbn:1-931666-22-9">
  <eadheader><eadid>HS-2021-05</eadid>
    <filedesc><titlestmt><titleproper>Hồ sơ tuyển dụng 2021</titleproper></titlestmt></filedesc></eadheader>
  <archdesc level="file">
    <did>
      <unitid>000.00.31.H57.2021.05</unitid>
      <unittitle>Hồ sơ về việc tuyển dụng công chức năm 2021</unittitle>
      <unitdate normal="2021-01-05/2021-12-28">05/01/2021 - 28/12/2021</unitdate>
      <origination><corpname>Sở Nội vụ tỉnh X</corpname></origination>
    </did>
  </archdesc>
</ead>
"""


def _assert_valid(report: dict) -> None:
    assert commons_ip_problems(report) == []
    assert report["summary"]["result"] == "VALID", report["summary"]
    assert report["summary"]["errors"] == 0 and report["summary"]["warnings"] == 0, report["summary"]
    assert {s["id"] for s in report["header"]["specifications"]} == {"CSIP-2.0.4", "SIP-2.0.4"}


@pytest.mark.parametrize("zipped", [True, False], ids=["zip", "folder"])
def test_built_package_passes_the_reference_validator(tmp_path, zipped):
    built = build_sip(sample_package(2), tmp_path / "out", creator=CREATOR, zip_package=zipped)
    _assert_valid(commons_ip_validate(built.path, tmp_path / "report"))


def test_validator_can_fail(tmp_path):
    """The check above can fail: a package without its submitting agent (SIP15) is invalid."""
    built = build_sip(sample_package(1), tmp_path / "out", creator=CREATOR, zip_package=False)
    mets = built.path / "METS.xml"
    text = mets.read_text(encoding="utf-8")
    start = text.index('<agent ROLE="CREATOR" TYPE="ORGANIZATION">')
    mets.write_text(text[:start] + text[text.index("</agent>", start) + len("</agent>"):], encoding="utf-8")
    report = commons_ip_validate(built.path, tmp_path / "report")
    assert report["summary"]["result"] == "INVALID"
    assert [p.split()[0] for p in commons_ip_problems(report)] == ["SIP15"]


def test_transfer_out_submission_passes_the_reference_validator(services, tmp_path):
    spec = base_spec(2, 2)
    for d in spec.dossiers:
        d["thoi_han_bao_quan"] = "Vĩnh viễn"
    assert ingest(write_transfer(spec, tmp_path / "t"), services).status == "accepted"
    codes = [d["ma_ho_so"] for d in spec.dossiers]
    register(services, agency=AGENCY, archive_code="", archive_name="Trung tâm Lưu trữ lịch sử tỉnh",
             planned_year=2026, dossiers=codes, actor="archivist")
    r = build_sip_submission(services, agency=AGENCY, dossiers=codes, out_dir=tmp_path / "out",
                             archive_name="Trung tâm Lưu trữ lịch sử tỉnh")
    zips = sip_packages(Path(r.path))
    assert len(zips) == 2
    for n, z in enumerate(zips):
        _assert_valid(commons_ip_validate(z, tmp_path / f"report-{n}"))


@pytest.fixture()
def reference_sip(tmp_path) -> Path:
    """A SIP built by commons-ip2's ``create``: plain EAD 2002, two PDFs in rep1, one documentation file."""
    src = tmp_path / "src"
    (src / "docs").mkdir(parents=True)
    (src / "ead.xml").write_text(PLAIN_EAD, encoding="utf-8")
    for i in (1, 2):
        (src / "docs" / f"0{i} quyết định.pdf").write_bytes(make_pdf([f"Quyết định số {i}"]))
    (src / "ghi chú.txt").write_text("Bàn giao hồ sơ tuyển dụng 2021\n", encoding="utf-8")
    sub = tmp_path / "submission"
    z = commons_ip_create(sub, "--metadata-file", str(src / "ead.xml"), "--metadata-type", "EAD",
                          "--metadata-version", "2002", "--representation-data", str(src / "docs"),
                          "--representation-id", "rep1", "--submitter-id", AGENCY, "--submitter-name", "Sở Nội vụ tỉnh X",
                          "-d", str(src / "ghi chú.txt"), "--sip-id", "uuid-5E0C8F8A-6B8B-4E8B-9C51-2B0D2F1C0A01")
    # The reference implementation's own verdict on its package: valid, one SHOULD unmet (CSIPSTR13,
    # no metadata/ folder in the representation, which its CLI cannot add).
    report = commons_ip_validate(z, tmp_path / "report")
    assert report["summary"]["result"] == "VALID" and report["summary"]["errors"] == 0, report["summary"]
    assert [p.split(":")[0] for p in commons_ip_problems(report)] == ["CSIPSTR13 SHOULD"]
    return z


def test_reference_package_is_read_as_written(reference_sip, tmp_path):
    res = read_sip(reference_sip, tmp_path / "read")
    assert res.package is not None
    codes = [f.code for f in res.findings]
    # Every declared file found and verified: no missing, undeclared, checksum or schema finding.
    assert sorted(codes) == ["SIP_EAD_NOT_05_2025", "SIP_FILE_NO_DOCUMENT", "SIP_FILE_NO_DOCUMENT"], \
        [f.message_en for f in res.findings]
    ead_finding = next(f for f in res.findings if f.code == "SIP_EAD_NOT_05_2025")
    assert ead_finding.details == {"unitid": "000.00.31.H57.2021.05",
                                   "unittitle": "Hồ sơ về việc tuyển dụng công chức năm 2021"}
    assert sorted(f.file for f in res.findings if f.code == "SIP_FILE_NO_DOCUMENT") == [
        "01 quyết định.pdf", "02 quyết định.pdf"]
    assert all("GROUPID" in f.message_en and f.message_vi for f in res.findings if f.code == "SIP_FILE_NO_DOCUMENT")


def test_reference_package_ingest_is_refused_with_clear_findings(services, reference_sip):
    folder = reference_sip.parent
    assert sip_packages(folder) == [reference_sip]
    report = ingest(folder, services)
    assert report.status == "rejected"
    errors = [f for f in report.findings if f.is_error]
    assert sorted({f.code for f in errors}) == ["SIP_EAD_NOT_05_2025", "SIP_FILE_NO_DOCUMENT"], \
        [f.to_dict() for f in errors]
    assert all(f.file and f.file.startswith(reference_sip.name) for f in errors)
    assert all(f.message_vi and f.message_en and "Traceback" not in f.message_en for f in report.findings)
    assert not list(services.storage.list_aips())


@pytest.mark.parametrize("rep", ["rep1", "ban-goc"])
def test_reference_package_with_05_2025_descriptions_is_accepted(services, tmp_path, rep):
    """``rep1`` as luutru names it, or any name CSIP allows for a package's only representation."""
    pkg = sample_package(2, with_preservation=False)
    d = pkg.dossier
    src = tmp_path / "src"
    (src / rep / "metadata").mkdir(parents=True)
    created, agent = "2026-03-02T09:00:00+07:00", "Hệ thống khác 1.0"
    (src / "EAD.xml").write_bytes(to_bytes(ead.dossier_ead(d.fields, {}, created=created, agent=agent)))
    for doc in d.documents:
        (src / rep / "metadata" / f"EAD_doc_{doc.doc_id}.xml").write_bytes(
            to_bytes(ead.document_ead(doc.fields, {}, created=created, agent=agent)))
        f = doc.files[0]
        (src / rep / "data" / doc.doc_id).mkdir(parents=True)
        (src / rep / "data" / doc.doc_id / f.name).write_bytes(f.source)
    z = commons_ip_sip_from_folder(src, tmp_path / "submission", "uuid-7A1F3C2E-0B4D-4E5F-8A9B-1C2D3E4F5A6B",
                                   (d.fields.agency_name, d.fields.agency_code))
    report = commons_ip_validate(z, tmp_path / "report")
    assert report["summary"]["result"] == "VALID" and report["summary"]["errors"] == 0, commons_ip_problems(report)

    res = read_sip(z, tmp_path / "read")
    assert res.ok and res.findings == [], [f.message_en for f in res.findings]
    assert [(x.doc_id, [f.name for f in x.files]) for x in res.package.dossier.documents] == [
        (doc.doc_id, [doc.files[0].name]) for doc in d.documents]

    ing = ingest(z.parent, services)
    assert ing.status == "accepted", [f.to_dict() for f in ing.findings if f.is_error]
    meta = load_aip_metadata(services.storage, d.file_code, with_text=False)
    assert meta.dossier["tieu_de"] == d.fields.title and meta.dossier["ma_co_quan"] == d.fields.agency_code
    stored = sorted(c["sha256"] for doc in meta.documents for c in doc["_service"]["components"]
                    if c["role"] == "original")
    assert stored == sorted(hashlib.sha256(doc.files[0].source).hexdigest() for doc in d.documents)
