"""Signature checks on real signed PDFs made with a test PKI (tests/pki.py)."""

from __future__ import annotations


import pytest
from cryptography.hazmat.primitives.serialization import Encoding

import luutru.records.events as ev
from luutru.ingest.checks.signature_findings import signature_event, signature_findings
from luutru.ingest.checks.signature_model import SignatureStatus, SignerKind
from luutru.ingest.checks.signatures import (
    TrustRootError,
    check_signatures,
    load_trust_roots,
)
from luutru.policies.signatures import PolicyError, parse_policy
from luutru.records.findings import Severity
from luutru.records.model import Reliability
from tests.pki import (
    add_annotation_after_signing,
    make_pdf_bytes,
    sign_pdf,
    tamper_signed_range,
)


@pytest.fixture(scope="module")
def roots(pki):
    return load_trust_roots(pki.root_pem)


@pytest.fixture(scope="module")
def base_pdf():
    return make_pdf_bytes("QUYẾT ĐỊNH\nVề việc phê duyệt kế hoạch lưu trữ năm 2024")


def one(report):
    assert len(report.signatures) == 1
    return report.signatures[0]


def codes(findings):
    return {(f.severity, f.code) for f in findings}


def test_personal_signature_is_valid_with_signer_and_time(pki, roots, base_pdf):
    r = check_signatures(sign_pdf(base_pdf, pki.personal), trust_roots=roots)
    s = one(r)
    assert r.status is SignatureStatus.VALID
    assert s.kind is SignerKind.PERSONAL
    assert s.signer_name == "Nguyễn Văn An"
    assert s.signer_organisation == "UBND tỉnh Tiền Giang"
    assert s.signing_time.endswith("+07:00") and s.signing_time_source == "signer"
    assert s.coverage == "ENTIRE_FILE" and s.intact and s.trusted
    assert signature_findings(r, Reliability.BORN_DIGITAL) == []


def test_organisation_certificate_is_classed_as_organisation(pki, roots, base_pdf):
    r = check_signatures(sign_pdf(base_pdf, pki.organisation), trust_roots=roots)
    assert one(r).kind is SignerKind.ORGANISATION
    # a digitised copy signed by the organisation satisfies the policy
    assert signature_findings(r, Reliability.DIGITISED) == []


def test_digitised_copy_with_personal_signature_only_warns(pki, roots, base_pdf):
    r = check_signatures(sign_pdf(base_pdf, pki.personal), trust_roots=roots)
    assert codes(signature_findings(r, Reliability.DIGITISED)) == {(Severity.WARNING, "SIGNATURE_KIND_MISSING")}


def test_unsigned_warns_for_born_digital(roots, base_pdf):
    r = check_signatures(base_pdf, trust_roots=roots)
    assert r.status is SignatureStatus.UNSIGNED and not r.signed
    assert codes(signature_findings(r, Reliability.BORN_DIGITAL)) == {(Severity.WARNING, "SIGNATURE_UNSIGNED")}


def test_expired_certificate_at_signing_time(pki, roots, base_pdf):
    r = check_signatures(sign_pdf(base_pdf, pki.expired), trust_roots=roots)
    assert r.status is SignatureStatus.EXPIRED
    assert codes(signature_findings(r, Reliability.BORN_DIGITAL)) == {(Severity.WARNING, "SIGNATURE_EXPIRED")}


def test_revoked_certificate_from_embedded_crl_rejects(pki, roots, base_pdf):
    r = check_signatures(sign_pdf(base_pdf, pki.revoked, embed_crl=pki.crl), trust_roots=roots)
    s = one(r)
    assert r.status is SignatureStatus.REVOKED
    assert s.revoked_at is not None and s.revoked_at.endswith("+07:00")
    assert s.modification_level == "LTA_UPDATES"  # the DSS update after signing is allowed
    f = signature_findings(r, Reliability.BORN_DIGITAL)
    assert codes(f) == {(Severity.ERROR, "SIGNATURE_REVOKED")}
    assert "Lê Văn Cường" in f[0].message_vi


def test_revocation_is_not_fetched_without_embedded_info(pki, roots, base_pdf):
    # The certificate names a CRL URL; without embedded revocation info nothing is fetched
    # and the signature stands on what the file carries.
    r = check_signatures(sign_pdf(base_pdf, pki.revoked), trust_roots=roots)
    assert r.status is SignatureStatus.VALID


def test_untrusted_root_and_no_roots(pki, roots, base_pdf):
    r = check_signatures(sign_pdf(base_pdf, pki.stranger), trust_roots=roots)
    assert r.status is SignatureStatus.VALID_UNTRUSTED
    assert one(r).problem == "NO_CERTIFICATE_CHAIN_FOUND"
    r2 = check_signatures(sign_pdf(base_pdf, pki.personal), trust_roots=())
    assert r2.status is SignatureStatus.VALID_UNTRUSTED
    assert codes(signature_findings(r2, Reliability.BORN_DIGITAL)) == {(Severity.WARNING, "SIGNATURE_VALID_UNTRUSTED")}


def test_annotation_added_after_signing_is_modified(pki, roots, base_pdf):
    changed = add_annotation_after_signing(sign_pdf(base_pdf, pki.personal))
    r = check_signatures(changed, trust_roots=roots)
    s = one(r)
    assert r.status is SignatureStatus.MODIFIED
    assert s.intact  # the signed revision itself is untouched …
    assert s.coverage == "ENTIRE_REVISION" and s.modification_level == "OTHER"  # … but the file was extended
    # a change appended after signing has a finding of its own (issue 16), not "changed inside the signed range"
    assert codes(signature_findings(r, Reliability.BORN_DIGITAL)) == {(Severity.ERROR, "SIGNATURE_APPENDED_CHANGES")}


def test_byte_tampered_inside_signed_range_is_modified(pki, roots, base_pdf):
    r = check_signatures(tamper_signed_range(sign_pdf(base_pdf, pki.personal)), trust_roots=roots)
    assert r.status is SignatureStatus.MODIFIED
    assert one(r).problem == "HASH_FAILURE" and not one(r).intact


def test_second_signature_keeps_first_valid(pki, roots, base_pdf, tmp_path):
    out = tmp_path / "two.pdf"
    sign_pdf(sign_pdf(base_pdf, pki.personal), pki.organisation, out)
    r = check_signatures(out, trust_roots=roots)
    assert r.status is SignatureStatus.VALID
    assert [s.kind for s in r.signatures] == [SignerKind.PERSONAL, SignerKind.ORGANISATION]
    assert r.signatures[0].modification_level == "FORM_FILLING"


def test_worst_signature_is_the_bottom_line(pki, roots, base_pdf):
    r = check_signatures(sign_pdf(sign_pdf(base_pdf, pki.personal), pki.expired), trust_roots=roots)
    assert [s.status for s in r.signatures] == [SignatureStatus.VALID, SignatureStatus.EXPIRED]
    assert r.status is SignatureStatus.EXPIRED


def test_not_a_pdf_gives_invalid_without_traceback(roots):
    r = check_signatures(b"%PDF-1.7\nthis is not a pdf", trust_roots=roots)
    assert r.status is SignatureStatus.INVALID and r.error


def test_trust_roots_from_directory_of_der_files(pki, base_pdf, tmp_path):
    d = tmp_path / "roots"
    d.mkdir()
    (d / "root.cer").write_bytes(pki.root.public_bytes(Encoding.DER))
    (d / "README.txt").write_text("not a certificate")
    r = check_signatures(sign_pdf(base_pdf, pki.organisation), trust_roots=load_trust_roots(d))
    assert r.status is SignatureStatus.VALID
    with pytest.raises(TrustRootError):
        load_trust_roots(tmp_path / "missing.pem")


def test_signature_event_is_premis_signature_validation(pki, roots, base_pdf):
    r = check_signatures(tamper_signed_range(sign_pdf(base_pdf, pki.personal)), trust_roots=roots)
    e = signature_event(r, "000.00.31.H57.2024.01.001")
    assert e.event_type == ev.SIGNATURE_VALIDATION
    assert e.outcome == "failure"
    assert e.outcome_detail["status"] == "modified"
    assert e.outcome_detail["signatures"][0]["signer_name"] == "Nguyễn Văn An"


def test_policy_rejects_unknown_status():
    section = {"reject": ["modified", "forged"], "warn": []}
    with pytest.raises(PolicyError, match="forged"):
        parse_policy({"born_digital": section, "digitised": section, "mixed": section})


def test_policy_can_make_untrusted_reject(pki, base_pdf):
    strict = {"reject": ["modified", "invalid", "revoked", "valid_untrusted"], "warn": ["unsigned"]}
    pol = parse_policy({"born_digital": strict, "digitised": strict, "mixed": strict})
    r = check_signatures(sign_pdf(base_pdf, pki.stranger), trust_roots=(), policy=pol)
    assert codes(signature_findings(r, Reliability.MIXED, policy=pol)) == {(Severity.ERROR, "SIGNATURE_VALID_UNTRUSTED")}
