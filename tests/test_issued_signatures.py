"""What the archive issues is signed (issue 18 item 4): handover records, receipts and
destruction minutes carry a PAdES signature of the archive's organisation certificate
(PKCS#12 from the live test PKI, tests/ltv_pki.py) with a signature timestamp from its
TSA, and pyHanko validates them.  Without a certificate they are issued unsigned and the
result says so (ISSUED_UNSIGNED), never silently.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

import luutru.disposal.execution as execution
from luutru.config import Settings, SigningSettings
from luutru.ingest.pipeline import ingest
from luutru.packaging.pdf_signing import sign_issued_pdf
from luutru.services import Services
from luutru.transfer_out.layout import HANDOVER_PDF
from luutru.transfer_out.package import build_package
from luutru.transfer_out.registration import register
from tests.disposal_helpers import approved_list, seed_template
from tests.factory import write_transfer
from tests.ltv_pki import start_ltv_pki
from tests.pgdb import catalog_url
from tests.pki import make_pdf_bytes
from tests.test_transfer_out import AGENCY, AS_OF, DUE, NOT_DUE, _spec

ARCHIVE_CN = "Trung tâm Lưu trữ thử nghiệm"


@pytest.fixture(scope="module")
def ltv(tmp_path_factory):
    for name in ("pyhanko", "pyhanko_certvalidator", "werkzeug"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    pki = start_ltv_pki(tmp_path_factory.mktemp("ltv"))
    yield pki
    pki.stop()


@pytest.fixture(scope="module")
def signing(ltv) -> SigningSettings:
    p12, pw = ltv.pkcs12("archive")
    return SigningSettings(org_pkcs12=p12, org_pkcs12_passphrase_file=pw, tsa_url=ltv.tsa_url)


def validate(data: bytes, ltv):
    """pyHanko's own verdict on the (single) signature, fetching revocation from the test PKI."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    sigs = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(sigs) == 1
    return validate_pdf_signature(sigs[0], ValidationContext(trust_roots=[ltv.cert("root")], allow_fetching=True))


def assert_signed_by_archive(data: bytes, ltv) -> None:
    st = validate(data, ltv)
    assert st.bottom_line, st.pretty_print_details()
    assert st.signing_cert.subject.native["common_name"] == ARCHIVE_CN
    assert st.timestamp_validity is not None and st.timestamp_validity.valid and st.timestamp_validity.trusted
    assert st.coverage.name == "ENTIRE_FILE"


def test_sign_issued_pdf_with_pkcs12_and_timestamp(tmp_path, ltv, signing):
    p = tmp_path / "bien_ban.pdf"
    p.write_bytes(make_pdf_bytes("BIÊN BẢN GIAO NHẬN TÀI LIỆU"))
    res = sign_issued_pdf(p, signing, what_vi="biên bản", what_en="record", reason="Biên bản giao nhận")
    assert res.signed and res.timestamped and ARCHIVE_CN in res.signer and res.findings == ()
    assert_signed_by_archive(p.read_bytes(), ltv)


def test_without_certificate_the_document_is_issued_unsigned_and_said_so(tmp_path, caplog):
    p = tmp_path / "bien_ban.pdf"
    original = make_pdf_bytes("BIÊN BẢN")
    p.write_bytes(original)
    with caplog.at_level(logging.WARNING):
        res = sign_issued_pdf(p, SigningSettings(), what_vi="biên bản", what_en="record", reason="x")
    assert not res.signed and [f.code for f in res.findings] == ["ISSUED_UNSIGNED"]
    assert res.findings[0].severity.value == "warning" and "not signed" in res.findings[0].message_en
    assert "not signed" in caplog.text and p.read_bytes() == original


def test_wrong_passphrase_leaves_the_file_untouched_with_a_finding(tmp_path, ltv, signing):
    bad = tmp_path / "wrong.pass"
    bad.write_text("sai mật khẩu")
    p = tmp_path / "bien_ban.pdf"
    original = make_pdf_bytes("BIÊN BẢN")
    p.write_bytes(original)
    res = sign_issued_pdf(p, signing.model_copy(update={"org_pkcs12_passphrase_file": bad}),
                          what_vi="biên bản", what_en="record", reason="x")
    assert not res.signed and [f.code for f in res.findings] == ["ISSUED_SIGNING_FAILED"]
    assert p.read_bytes() == original and str(tmp_path) not in res.findings[0].message_en


def _instance(home: Path, url: str, signing: SigningSettings | None) -> Services:
    return Services(Settings(home=home, database_url=url, signing=signing or SigningSettings()))


def test_handover_record_and_receipt_are_signed_by_the_archive(tmp_path, ltv, signing):
    with catalog_url(tmp_path / "a") as url_a, catalog_url(tmp_path / "b") as url_b:
        a = _instance(tmp_path / "a", url_a, signing)
        b = _instance(tmp_path / "b", url_b, signing)
        try:
            assert ingest(write_transfer(_spec(), tmp_path / "transfer"), a).status == "accepted"
            register(a, agency=AGENCY, archive_code="", archive_name="Lưu trữ lịch sử tỉnh", planned_year=AS_OF,
                     dossiers=DUE + [NOT_DUE], actor="luu.tru.vien")
            pkg = build_package(a, agency=AGENCY, as_of=AS_OF, out_dir=tmp_path / "out", actor="luu.tru.vien")
            assert pkg.findings == []
            assert_signed_by_archive((Path(pkg.path) / HANDOVER_PDF).read_bytes(), ltv)
            report = ingest(Path(pkg.path), b)
            assert report.status == "accepted"
            rf = next(f for f in report.findings if f.code == "TRANSFER_OUT_RECEIPT")
            assert rf.details["pdf_signed"] is True
            assert_signed_by_archive(Path(rf.details["pdf"]).read_bytes(), ltv)
        finally:
            a.close()
            b.close()


def test_unsigned_handover_and_receipt_are_reported(tmp_path):
    with catalog_url(tmp_path / "a") as url_a, catalog_url(tmp_path / "b") as url_b:
        a = _instance(tmp_path / "a", url_a, None)
        b = _instance(tmp_path / "b", url_b, None)
        try:
            ingest(write_transfer(_spec(), tmp_path / "transfer"), a)
            register(a, agency=AGENCY, archive_code="", archive_name="Lưu trữ lịch sử tỉnh", planned_year=AS_OF,
                     dossiers=DUE + [NOT_DUE], actor="luu.tru.vien")
            pkg = build_package(a, agency=AGENCY, as_of=AS_OF, out_dir=tmp_path / "out", actor="luu.tru.vien")
            assert [f["code"] for f in pkg.findings] == ["ISSUED_UNSIGNED"]
            report = ingest(Path(pkg.path), b)
            assert "ISSUED_UNSIGNED" in {f.code for f in report.findings}
        finally:
            a.close()
            b.close()


def test_destruction_minutes_are_signed_by_the_archive(tmp_path, ltv, signing):
    home, ing = seed_template(tmp_path / "seed")
    svc = Services(Settings(home=home, database_url=f"sqlite:///{home / 'catalog.sqlite'}", signing=signing))
    try:
        rep = execution.execute(svc, approved_list(svc, ing.expired), actor="tuan")
        assert rep.ok
        mid = rep.minutes_aip_id
        pdf = next(f for f in svc.storage.list_files(mid) if f.startswith("data/objects/") and f.endswith(".pdf"))
        with svc.storage.open_file(mid, pdf) as fh:
            assert_signed_by_archive(fh.read(), ltv)
    finally:
        svc.close()
