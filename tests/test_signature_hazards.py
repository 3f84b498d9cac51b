"""Issue 16: what a plain verdict missed, each a finding of its own, never a traceback.

Real PDFs signed by the test PKIs (tests/pki.py, and tests/ltv_pki.py for the RSA-1024
key), then damaged the way a careless or hostile sender would.
"""

from __future__ import annotations

import io

import pytest

from luutru.ingest.checks.signature_findings import signature_findings
from luutru.ingest.checks.signature_model import SignatureStatus
from luutru.ingest.checks.signatures import check_signatures, load_trust_roots
from luutru.records.findings import Severity
from luutru.records.model import Reliability
from tests.ltv_pki import start_ltv_pki
from tests.pki import make_pdf_bytes, sign_pdf


@pytest.fixture(scope="module")
def roots(pki):
    return load_trust_roots(pki.root_pem)


@pytest.fixture(scope="module")
def signed(pki):
    return sign_pdf(make_pdf_bytes("QUYẾT ĐỊNH\nVề việc ban hành quy chế lưu trữ"), pki.personal)


def codes(report):
    return {(f.severity, f.code) for f in signature_findings(report, Reliability.BORN_DIGITAL)}


def _sign(data: bytes, signer, md: str = "sha256") -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = io.BytesIO()
    signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name="Signature1", md_algorithm=md,
                                                     subfilter=fields.SigSeedSubFilter.PADES),
                     signer=signer, output=out)
    return out.getvalue()


def test_clean_signed_file_has_no_hazard(signed, roots):
    r = check_signatures(signed, trust_roots=roots)
    assert r.status is SignatureStatus.VALID and codes(r) == set()


@pytest.mark.parametrize("damage", ["zeroed_contents", "no_byte_range", "junk_contents"])
def test_unparsable_signature_dictionary_is_its_own_error(signed, roots, damage):
    i = signed.find(b"/Contents <")
    j = signed.find(b">", i)
    bad = {
        "zeroed_contents": signed[:i + 11] + b"0" * (j - i - 11) + signed[j:],
        "no_byte_range": signed.replace(b"/ByteRange", b"/ByteRangX", 1),
        "junk_contents": signed[:i + 11] + b"3082" + b"ZZ" * 10 + signed[i + 11 + 24:],
    }[damage]
    r = check_signatures(bad, trust_roots=roots)
    assert r.status is SignatureStatus.INVALID and r.unparsable == ("Signature1",)
    found = signature_findings(r, Reliability.BORN_DIGITAL)
    assert [(f.severity, f.code) for f in found] == [(Severity.ERROR, "SIGNATURE_UNPARSABLE")]
    assert "Signature1" in found[0].message_en and found[0].details["unparsable_fields"] == ["Signature1"]


def test_not_a_pdf_is_not_called_an_unparsable_signature(roots):
    r = check_signatures(b"%PDF-1.7\nnot really", trust_roots=roots)
    assert r.status is SignatureStatus.INVALID and r.unparsable == ()


@pytest.mark.parametrize("tail", [
    b"\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n",
    b"\n% appended after signing\n",
])
def test_bytes_appended_after_the_last_revision_are_flagged(signed, roots, tail):
    r = check_signatures(signed + tail, trust_roots=roots)
    s = r.signatures[0]
    assert r.status is SignatureStatus.MODIFIED and s.problem == "APPENDED_BYTES"
    assert codes(r) == {(Severity.ERROR, "SIGNATURE_APPENDED_CHANGES")}


def test_whitespace_after_eof_is_not_a_change(signed, roots):
    r = check_signatures(signed + b"\r\n\x00\x00\n", trust_roots=roots)
    assert r.status is SignatureStatus.VALID


def test_content_replaced_by_an_incremental_update_is_appended_changes(signed, roots):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page = w.root["/Pages"]["/Kids"][0].get_object()
    page[generic.NameObject("/Contents")] = w.add_object(
        generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 700 Td (Noi dung da bi thay) Tj ET"))
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    r = check_signatures(out.getvalue(), trust_roots=roots)
    assert r.status is SignatureStatus.MODIFIED
    assert codes(r) == {(Severity.ERROR, "SIGNATURE_APPENDED_CHANGES")}


def test_bytes_changed_inside_the_signed_range_stay_signature_modified(signed, roots):
    from tests.pki import tamper_signed_range

    r = check_signatures(tamper_signed_range(signed), trust_roots=roots)
    assert codes(r) == {(Severity.ERROR, "SIGNATURE_MODIFIED")}


def test_sha1_signature_is_named_weak(pki, roots):
    r = check_signatures(_sign(make_pdf_bytes("Công văn SHA-1"), pki.personal.pyhanko_signer(), md="sha1"),
                         trust_roots=roots)
    s = r.signatures[0]
    assert s.status is SignatureStatus.INVALID and s.problem == "WEAK_ALGORITHM" and "SHA1" in s.detail
    found = signature_findings(r, Reliability.BORN_DIGITAL)
    assert [(f.severity, f.code) for f in found] == [(Severity.ERROR, "SIGNATURE_WEAK_ALGORITHM")]
    assert "SHA1" in found[0].message_en and "trusted root" not in found[0].message_en


def test_rsa_1024_signer_is_named_weak_not_untrusted(tmp_path):
    ltv = start_ltv_pki(tmp_path / "ltv")
    try:
        r = check_signatures(_sign(make_pdf_bytes("Công văn RSA-1024"), ltv.signer("weak")),
                             trust_roots=load_trust_roots(ltv.root_pem))
    finally:
        ltv.stop()
    s = r.signatures[0]
    assert s.problem == "WEAK_ALGORITHM" and "RSA-1024" in s.detail
    assert codes(r) == {(Severity.ERROR, "SIGNATURE_WEAK_ALGORITHM")}


def test_policy_sets_the_weak_thresholds(pki, roots):
    import yaml

    from luutru.policies.signatures import DEFAULT_PATH, parse_policy

    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["weak_algorithms"] = {"digests": ["md5"], "min_rsa_bits": 1024}
    lenient = parse_policy(data)
    r = check_signatures(_sign(make_pdf_bytes("Công văn SHA-1"), pki.personal.pyhanko_signer(), md="sha1"),
                         trust_roots=roots, policy=lenient)
    assert r.signatures[0].problem != "WEAK_ALGORITHM"
