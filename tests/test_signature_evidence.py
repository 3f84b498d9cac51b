"""Signatures that last (issue 18 item 3): PAdES-LTA evidence kept at ingest, validated
from storage alone after the signer's certificate has expired.

A live test PKI (tests/ltv_pki.py, certomancer) serves OCSP, CRLs and an RFC 3161 TSA on
127.0.0.1; the code under test fetches from it over HTTP.  "Later" is a validation time
past the signer certificate's expiry (pyHanko's ``moment``), with no network access.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest

from luutru.config import JobSettings, Settings, SigningSettings
from luutru.ingest.pipeline import ingest
from luutru.preservation.signature_evidence import (
    collect_evidence,
    renew_timestamp,
    renewal_due,
    validate_evidence,
)
from luutru.services import Services
from tests.factory import base_spec, write_transfer
from tests.ltv_pki import start_ltv_pki
from tests.pki import make_pdf_bytes


@pytest.fixture(scope="module")
def ltv(tmp_path_factory):
    for name in ("pyhanko", "pyhanko_certvalidator", "werkzeug"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    pki = start_ltv_pki(tmp_path_factory.mktemp("ltv"))
    yield pki
    pki.stop()


def sign(data: bytes, signer) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data), strict=False),
                     signers.PdfSignatureMetadata(field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES),
                     signer=signer, output=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def signed(ltv):
    return sign(make_pdf_bytes("QUYẾT ĐỊNH\nVề việc lưu trữ dài hạn"), ltv.signer("alice"))


@pytest.fixture(scope="module")
def evidence(ltv, signed):
    ev = collect_evidence(signed, trust_roots=[ltv.cert("root")], tsa_url=ltv.tsa_url)
    assert ev.ok, ev.to_dict()
    return ev


def test_evidence_copy_keeps_the_original_revision_byte_for_byte(signed, evidence):
    assert evidence.pdf.startswith(signed) and len(evidence.pdf) > len(signed)
    assert evidence.signatures == 1 and evidence.timestamp_at and evidence.tsa_not_after


def test_signature_stays_valid_after_its_certificate_expired(ltv, signed, evidence):
    later = ltv.not_after("alice") + timedelta(days=400)
    now = validate_evidence(evidence.pdf, trust_roots=[ltv.cert("root")])
    assert now.valid, now
    kept = validate_evidence(evidence.pdf, trust_roots=[ltv.cert("root")], at=later)
    assert kept.valid, kept
    assert kept.verdicts[0].best_signature_time == evidence.timestamp_at
    # the same signature without the evidence cannot be shown valid then
    bare = validate_evidence(signed, trust_roots=[ltv.cert("root")], at=later)
    assert not bare.valid and bare.verdicts[0].indication != "PASSED"


def test_chain_ends_when_the_tsa_certificate_expired_unrenewed(ltv, evidence):
    too_late = ltv.not_after("tsa") + timedelta(days=1)
    r = validate_evidence(evidence.pdf, trust_roots=[ltv.cert("root")], at=too_late)
    assert not r.valid and "archive timestamp" in (r.error or "")


def test_renewal_adds_an_archive_timestamp_that_keeps_the_chain(ltv, evidence):
    renewed = renew_timestamp(evidence.pdf, trust_roots=[ltv.cert("root")], tsa_url=ltv.tsa_url)
    assert renewed.ok, renewed.to_dict()
    assert renewed.pdf.startswith(evidence.pdf)
    r = validate_evidence(renewed.pdf, trust_roots=[ltv.cert("root")], at=ltv.not_after("alice") + timedelta(days=30))
    assert r.valid and len(r.details["archive_timestamps"]) == 2


def test_renewal_is_due_before_the_tsa_certificate_ends(ltv, evidence):
    end = ltv.not_after("tsa")
    assert not renewal_due(evidence.tsa_not_after, end - timedelta(days=400), 365)
    assert renewal_due(evidence.tsa_not_after, end - timedelta(days=300), 365)
    assert renewal_due(None, end, 365)


def test_tsa_down_or_unconfigured_is_a_result_not_a_traceback(ltv, signed):
    down = collect_evidence(signed, trust_roots=[ltv.cert("root")], tsa_url="http://127.0.0.1:9/tsa", timeout=2)
    assert not down.ok and down.problem == "TSA_UNREACHABLE" and down.pdf is None
    none = collect_evidence(signed, trust_roots=[ltv.cert("root")], tsa_url=None)
    assert none.problem == "TSA_NOT_CONFIGURED"
    garbage = collect_evidence(b"not a pdf", trust_roots=[ltv.cert("root")], tsa_url=ltv.tsa_url)
    assert garbage.problem == "UNREADABLE"


def _ingest_signed(tmp_path, database_url, ltv, signed, tsa_url):
    spec = base_spec(1, 1)
    path = spec.documents[0]["duong_dan_tep"]
    spec.files[path] = signed
    import hashlib

    spec.documents[0]["sha256"] = hashlib.sha256(signed).hexdigest()
    root = write_transfer(spec, tmp_path / "t")
    svc = Services(Settings(home=tmp_path / "home", database_url=database_url, trust_roots=ltv.root_pem,
                            signing=SigningSettings(tsa_url=tsa_url)))
    return svc, ingest(root, svc), spec


def test_ingest_keeps_evidence_in_the_aip_and_it_validates_later(tmp_path, database_url, ltv, signed):
    from luutru.catalog.records import load_aip_metadata

    svc, rep, spec = _ingest_signed(tmp_path, database_url, ltv, signed, ltv.tsa_url)
    try:
        assert rep.status == "accepted", [f.message_en for f in rep.findings]
        assert not {f.code for f in rep.findings} & {"SIGNATURE_EVIDENCE_FAILED", "SIGNATURE_EVIDENCE_NOT_CONFIGURED"}
        code = spec.dossiers[0]["ma_ho_so"]
        meta = load_aip_metadata(svc.storage, code)
        comps = meta.documents[0]["_service"]["components"]
        original = next(c for c in comps if c["role"] == "original")
        kept = next(c for c in comps if c["role"] == "signature_evidence")
        with svc.storage.open_file(code, original["path"]) as fh:
            assert fh.read() == signed  # the original is never written
        with svc.storage.open_file(code, kept["path"]) as fh:
            stored = fh.read()
        assert any(e["event_type"] == "signature evidence" and e["outcome"] == "success" for e in meta.events)
        later = ltv.not_after("alice") + timedelta(days=400)
        assert validate_evidence(stored, trust_roots=[ltv.cert("root")], at=later).valid
    finally:
        svc.close()


def test_ingest_without_tsa_says_no_evidence_is_kept(tmp_path, database_url, ltv, signed):
    svc, rep, _spec = _ingest_signed(tmp_path, database_url, ltv, signed, None)
    try:
        assert rep.status == "accepted"
        assert [f.severity.value for f in rep.findings if f.code == "SIGNATURE_EVIDENCE_NOT_CONFIGURED"] == ["warning"]
    finally:
        svc.close()


def test_renewal_job_renews_due_evidence_as_a_new_revision(tmp_path, database_url, ltv, signed):
    from luutru.preservation.timestamp_renewal import no_revision_writer, renew_due

    svc, rep, spec = _ingest_signed(tmp_path, database_url, ltv, signed, ltv.tsa_url)
    try:
        assert rep.status == "accepted"
        code = spec.dossiers[0]["ma_ho_so"]
        end = ltv.not_after("tsa")
        early = renew_due(svc, writer=no_revision_writer, now=end - timedelta(days=1000))
        assert early.checked == 1 and early.due == [] and early.renewed == []
        # Stands in for the AIP revision writer (luutru.preservation.revisions, merged separately):
        # it receives what the next revision must hold.
        written: list[tuple[str, dict, list]] = []
        rep2 = renew_due(svc, writer=lambda aip, changes, events: written.append((aip, changes, events)),
                         now=end - timedelta(days=100))
        assert len(rep2.due) == 1 and rep2.findings == [] and len(rep2.renewed) == 1
        aip, changes, events = written[0]
        (path, renewed), = changes.items()
        with svc.storage.open_file(code, path) as fh:
            stored = fh.read()
        assert aip == code and renewed.startswith(stored) and len(renewed) > len(stored)
        assert events[0]["event_type"] == "signature evidence"
        later = ltv.not_after("alice") + timedelta(days=400)
        assert validate_evidence(renewed, trust_roots=[ltv.cert("root")], at=later).valid
        # without a revision writer nothing is overwritten, and the report says why
        refused = renew_due(svc, writer=no_revision_writer, now=end - timedelta(days=100))
        assert [f.code for f in refused.findings] == ["TIMESTAMP_RENEWAL_FAILED"] and refused.renewed == []
        with svc.storage.open_file(code, path) as fh:
            assert fh.read() == stored
        # with the AIP revision writer: revision 2 holds the renewed copy, revision 1 the old one
        from luutru.catalog.records import load_aip_metadata
        from luutru.preservation.actions.common import replace_files

        done = renew_due(svc, writer=lambda aip, ch, evs: replace_files(svc, aip, ch, evs, message="renewed"),
                         now=end - timedelta(days=100))
        assert done.findings == [] and len(done.renewed) == 1
        meta = load_aip_metadata(svc.storage, code, with_text=False)
        comp = next(c for d in meta.documents for c in d["_service"]["components"]
                    if c["role"] == "signature_evidence")
        assert meta.revisions == 2 and comp["path"].startswith("revisions/v2/content/")
        with svc.storage.open_file(code, comp["path"]) as fh:
            assert fh.read().startswith(stored)
        with svc.storage.open_file(code, path) as fh:
            assert fh.read() == stored  # revision 1 unchanged
        assert any(e["event_type"] == "signature evidence" for e in meta.events)
    finally:
        svc.close()


def test_renewal_is_a_registered_job_kind(tmp_path, database_url):
    from luutru.jobs import submit
    from luutru.jobs.queue import JobQueue

    # Run in this process, as a single server does (on PostgreSQL "auto" leaves jobs to workers).
    svc = Services(Settings(home=tmp_path / "home", database_url=database_url, jobs=JobSettings(mode="in_process")))
    try:
        job = submit(svc, "timestamp-renewal", {}, wait=True, timeout=120)
        v = JobQueue(svc.catalog).get(job)
        assert v.status == "done", v
        assert v.result["checked"] == 0 and v.result["renewed"] == []
    finally:
        svc.close()
