"""The certificate path-validation cache (ingest/checks/path_cache.py) on real signed PDFs
from the test PKI: the same verdicts as validating afresh, reused only when signer, chain,
trust roots, revocation info and the moment's place in every validity window are the
same.  ``path_cache._original`` (pyHanko's own ``validate_cert_usage``) is wrapped to
count how often the real validation ran."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding

import luutru.ingest.checks.path_cache as path_cache
from luutru.ingest.checks.signature_model import SignatureStatus
from luutru.ingest.checks.signatures import (
    _validate_at_signing_time,
    _verdict,
    check_signatures,
    load_trust_roots,
)
from tests.pki import TestSigner, make_pdf_bytes, sign_pdf, tamper_signed_range


def _asn1(cert):
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


@pytest.fixture(scope="module")
def roots(pki):
    return load_trust_roots(pki.root_pem)


@pytest.fixture(scope="module")
def docs(pki):
    """Distinct signed one-page PDFs by signer name."""
    def doc(i, signer, **kw):
        return sign_pdf(make_pdf_bytes(f"Công văn số {i}/UBND-VP về việc lưu trữ"), signer, **kw)

    return {
        "personal_a": doc(1, pki.personal), "personal_b": doc(2, pki.personal), "personal_c": doc(3, pki.personal),
        "organisation": doc(4, pki.organisation), "expired": doc(5, pki.expired), "stranger": doc(6, pki.stranger),
        "revoked_plain": doc(7, pki.revoked), "revoked_crl": doc(8, pki.revoked, embed_crl=pki.crl),
        "personal_crl_a": doc(9, pki.personal, embed_crl=pki.crl),
        "personal_crl_b": doc(10, pki.personal, embed_crl=pki.crl),
        # the same signer, but the signature carries no intermediate certificate: no path
        "personal_bare": doc(11, TestSigner("personal", pki.personal.cert, pki.personal.key, ())),
    }


@pytest.fixture
def calls(monkeypatch):
    """How many times pyHanko's own validate_cert_usage ran (a list of one counter)."""
    path_cache.install()
    real = path_cache._original
    count = [0]

    async def counted(*args, **kwargs):
        count[0] += 1
        return await real(*args, **kwargs)

    monkeypatch.setattr(path_cache, "_original", counted)
    path_cache.clear()
    yield count
    path_cache.clear()


def verdict(report):
    """What ingest keeps of a check: bottom line and, per signature, status, trust, problem, time."""
    return (report.status, report.error,
            tuple((s.status, s.trusted, s.intact, s.problem, s.signing_time, s.revoked_at) for s in report.signatures))


def at(pdf: bytes, roots, moment: datetime):
    """The verdict of a PDF's first signature judged at ``moment`` (the signing time ingest would use)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    sig = reader.embedded_regular_signatures[0]
    st, _, _ = _validate_at_signing_time(reader, sig, tuple(roots), moment)
    return _verdict(st), st.trusted, st.trust_problem_indic


def test_verdicts_identical_with_and_without_cache(pki, roots, docs, calls):
    cases = [
        (docs["personal_a"], roots, SignatureStatus.VALID),
        (docs["personal_b"], roots, SignatureStatus.VALID),
        (docs["personal_a"], (), SignatureStatus.VALID_UNTRUSTED),  # no roots at all
        (docs["expired"], roots, SignatureStatus.EXPIRED),
        (docs["stranger"], roots, SignatureStatus.VALID_UNTRUSTED),  # another chain, its root not trusted
        (docs["stranger"], (_asn1(pki.untrusted_root),), SignatureStatus.VALID),  # … and trusted
        (docs["personal_a"], (_asn1(pki.untrusted_root),), SignatureStatus.VALID_UNTRUSTED),  # other roots
        (docs["organisation"], roots, SignatureStatus.VALID),
        (tamper_signed_range(docs["personal_c"]), roots, SignatureStatus.MODIFIED),
        (docs["personal_c"], roots, SignatureStatus.VALID),
        (docs["personal_bare"], roots, SignatureStatus.VALID_UNTRUSTED),  # same signer, chain missing
    ]
    with path_cache.disabled():
        fresh = [verdict(check_signatures(pdf, trust_roots=r)) for pdf, r, _ in cases]
    assert [v[0] for v in fresh] == [want for _, _, want in cases]
    assert path_cache.stats()["entries"] == 0
    for _ in range(2):  # the second round finds every cacheable validation remembered
        assert [verdict(check_signatures(pdf, trust_roots=r)) for pdf, r, _ in cases] == fresh
    assert path_cache.stats()["hits"] >= len(cases)


def test_second_document_of_the_same_signer_reuses_the_validation(roots, docs, calls):
    check_signatures(docs["personal_a"], trust_roots=roots)
    assert calls[0] == 1
    r = check_signatures(docs["personal_b"], trust_roots=roots)
    assert r.status is SignatureStatus.VALID and r.signatures[0].trusted
    assert calls[0] == 1 and path_cache.stats()["hits"] == 1
    check_signatures(docs["organisation"], trust_roots=roots)  # another signer: validated
    assert calls[0] == 2
    # the same signer without its intermediate in the signature: other certificates, no path
    assert check_signatures(docs["personal_bare"], trust_roots=roots).status is SignatureStatus.VALID_UNTRUSTED
    assert calls[0] == 3


def test_other_trust_roots_never_reuse_the_first_result(pki, roots, docs, calls):
    pdf = docs["personal_a"]
    stranger_root = (_asn1(pki.untrusted_root),)
    assert check_signatures(pdf, trust_roots=roots).status is SignatureStatus.VALID
    assert check_signatures(pdf, trust_roots=stranger_root).status is SignatureStatus.VALID_UNTRUSTED
    assert check_signatures(pdf, trust_roots=()).status is SignatureStatus.VALID_UNTRUSTED
    assert check_signatures(pdf, trust_roots=(*roots, *stranger_root)).status is SignatureStatus.VALID
    assert calls[0] == 4
    assert check_signatures(pdf, trust_roots=stranger_root).status is SignatureStatus.VALID_UNTRUSTED
    assert calls[0] == 4  # now remembered, under its own roots


def test_moment_crossing_a_validity_bound_is_validated_again(pki, roots, docs, calls):
    pdf, now = docs["personal_a"], datetime.now(timezone.utc)
    end = pki.personal.cert.not_valid_after_utc
    start = pki.personal.cert.not_valid_before_utc
    moments = [now, now + timedelta(days=1), end + timedelta(days=1), end + timedelta(days=2),
               start - timedelta(days=1)]
    with path_cache.disabled():
        fresh = [at(pdf, roots, m) for m in moments]
    # (the whole test chain shares these bounds: past them the root has expired as well)
    assert fresh[0][0][0] is SignatureStatus.VALID
    assert fresh[2][0][0] is not SignatureStatus.VALID and fresh[4][0][0] is not SignatureStatus.VALID
    calls[0] = 0
    got = []
    for m in moments:
        got.append(at(pdf, roots, m))
    assert got == fresh
    assert calls[0] == 3  # now / after the end / before the start; each second moment in a band reused


def test_expired_signer_judged_inside_and_after_its_validity(pki, roots, docs, calls):
    pdf = docs["expired"]
    inside = pki.expired.cert.not_valid_before_utc + timedelta(days=10)
    now = datetime.now(timezone.utc)
    assert at(pdf, roots, inside)[0][0] is SignatureStatus.VALID
    assert at(pdf, roots, now)[0][0] is SignatureStatus.EXPIRED
    assert at(pdf, roots, inside + timedelta(days=1))[0][0] is SignatureStatus.VALID
    assert calls[0] == 2


def test_moment_near_a_bound_is_never_cached(pki, roots, docs, calls):
    pdf, end = docs["personal_a"], pki.personal.cert.not_valid_after_utc
    for m in (end - timedelta(seconds=30), end + timedelta(seconds=30), end - timedelta(seconds=30)):
        with path_cache.disabled():
            fresh = at(pdf, roots, m)
        assert at(pdf, roots, m) == fresh
    assert calls[0] == 6 and path_cache.stats()["entries"] == 0


def test_revocation_info_in_the_pdf_bypasses_the_cache(roots, docs, calls):
    """The test PKI embeds its CRL in the DSS (``sign_pdf(embed_crl=…)``); it has no OCSP
    responder, so the OCSP half of the rule is checked through the same code path only."""
    # the revoked signer's certificate without a CRL in hand: valid (soft-fail), and remembered
    assert check_signatures(docs["revoked_plain"], trust_roots=roots).status is SignatureStatus.VALID
    assert calls[0] == 1
    # with the CRL in the PDF: validated afresh, and revoked
    r = check_signatures(docs["revoked_crl"], trust_roots=roots)
    assert r.status is SignatureStatus.REVOKED and r.signatures[0].revoked_at
    assert calls[0] == 2
    for name in ("personal_crl_a", "personal_crl_b", "personal_crl_a"):
        assert check_signatures(docs[name], trust_roots=roots).status is SignatureStatus.VALID
    assert calls[0] == 5
    st = path_cache.stats()
    assert st["bypassed"] == 4 and st["entries"] == 1


def _key(pdf: bytes, roots, moment: datetime, crls=(), other_certs=(), usage=None):
    """The cache key of a PDF's first signature, built the way cms_basic_validation calls it
    (``other_certs`` as the DSS certificates are given)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.status import PdfSignatureStatus
    from pyhanko_certvalidator import ValidationContext

    sig = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_regular_signatures[0]
    vc = ValidationContext(trust_roots=list(roots), other_certs=list(other_certs), crls=list(crls),
                           allow_fetching=False, revocation_mode="soft-fail", moment=moment, retroactive_revinfo=True)
    vc.certificate_registry.register_multiple(sig.other_embedded_certs)
    paths = vc.path_builder.async_build_paths_lazy(sig.signer_cert)
    usage = usage or PdfSignatureStatus.default_usage_constraints(None)
    return path_cache.cache_key(sig.signer_cert, vc, usage, paths, None)


def test_key_function(pki, roots, docs):
    now = datetime.now(timezone.utc)
    a, b = docs["personal_a"], docs["personal_b"]
    assert _key(a, roots, now) == _key(b, roots, now + timedelta(hours=5))  # same signer, same band
    assert _key(a, roots, now) != _key(a, roots, pki.personal.cert.not_valid_after_utc + timedelta(days=1))
    assert _key(a, roots, now) != _key(a, (), now)
    assert _key(a, roots, now) != _key(docs["organisation"], roots, now)
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    assert _key(a, roots, now) != _key(a, roots, now, usage=KeyUsageConstraints(key_usage={"key_agreement"}))
    # the root among the PDF's certificates either way: only its being trusted differs
    root = _asn1(pki.root)
    assert _key(a, roots, now, other_certs=[root]) != _key(a, (), now, other_certs=[root])
    crl = asn1_crl.CertificateList.load(pki.crl.public_bytes(Encoding.DER))
    with pytest.raises(path_cache.Uncacheable):
        _key(a, roots, now, crls=[crl])
    with pytest.raises(path_cache.Uncacheable):
        _key(a, roots, pki.root.not_valid_after_utc - timedelta(seconds=59))  # near the root's bound


def test_a_raised_validation_is_not_remembered(monkeypatch, roots, docs, calls):
    real = path_cache._original

    async def failing(*args, **kwargs):
        raise RuntimeError("validation broke")

    monkeypatch.setattr(path_cache, "_original", failing)
    r = check_signatures(docs["personal_a"], trust_roots=roots)
    assert r.status is SignatureStatus.INVALID and r.signatures[0].problem == "RuntimeError"
    assert path_cache.stats()["entries"] == 0
    monkeypatch.setattr(path_cache, "_original", real)
    assert check_signatures(docs["personal_a"], trust_roots=roots).status is SignatureStatus.VALID
    assert calls[0] == 1


def test_table_is_bounded(monkeypatch, pki, roots, docs, calls):
    monkeypatch.setattr(path_cache, "MAX_ENTRIES", 2)
    for r in (roots, (), (_asn1(pki.untrusted_root),)):
        check_signatures(docs["personal_a"], trust_roots=r)
    assert path_cache.stats()["entries"] == 2
    check_signatures(docs["personal_a"], trust_roots=roots)  # the oldest went first
    assert calls[0] == 4
