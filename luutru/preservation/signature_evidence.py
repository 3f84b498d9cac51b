"""Signature evidence that lasts: PAdES long-term validation data and archive timestamps.

Why: a signer certificate expires in 1–3 years, but the archive must show for decades
that a signature was valid when it was checked.  PAdES-LTA does that with pyHanko:

1. at ingest, the validation data of every signature (certificate chain, OCSP responses
   or CRLs, fetched now while the CA still answers) goes into the document security
   store (DSS) of an *evidence copy* of the PDF;
2. a document timestamp from the configured RFC 3161 time-stamping authority (TSA)
   seals the document and that data: it proves they existed at that time;
3. before the TSA's certificate expires, :func:`renew_timestamp` adds the TSA's own
   validation data and a new timestamp (the archive timestamp chain).

The evidence copy is the original bytes followed by incremental updates, so the
original revision stays byte-for-byte inside it (the original is kept untouched beside
it in the AIP).  :func:`validate_evidence` judges every signature from the stored data
alone, at any validation time (``at``), with no network access: the test moves ``at``
past the signer's expiry and the signature still validates.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from luutru.records.timeutil import iso_vn

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Evidence:
    """The outcome of collecting (or renewing) evidence for one PDF."""

    ok: bool
    pdf: bytes | None = None  # original + DSS + document timestamp (None when not ok)
    signatures: int = 0
    timestamp_at: str | None = None  # ISO 8601 +07:00, the newest archive timestamp
    tsa_not_after: str | None = None  # when that timestamp must be renewed by
    problem: str | None = None  # machine-readable, e.g. "TSA_UNREACHABLE", "REVINFO_UNAVAILABLE"
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "pdf"}


@dataclass(frozen=True)
class LtvVerdict:
    """One signature judged from the stored evidence at ``validation_time``."""

    field_name: str
    valid: bool
    indication: str  # AdES sub-indication name, or "PASSED"
    validation_time: str
    best_signature_time: str | None = None
    oldest_archive_timestamp: str | None = None


@dataclass(frozen=True)
class LtvReport:
    verdicts: tuple[LtvVerdict, ...] = ()
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.error is None and bool(self.verdicts) and all(v.valid for v in self.verdicts)


def _reader(data: bytes) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data), strict=False)


def _fetching_context(roots: Iterable[Any], timeout: float) -> Any:
    """A validation context that fetches OCSP/CRLs now (at ingest, while the CA answers)."""
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

    return ValidationContext(trust_roots=list(roots), allow_fetching=True, revocation_mode="require",
                             fetcher_backend=RequestsFetcherBackend(per_request_timeout=int(timeout) or 1))


def _timestamper(tsa_url: str, timeout: float) -> Any:
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(tsa_url, timeout=int(timeout) or 1)


def newest_timestamp(data: bytes) -> tuple[str | None, str | None]:
    """(time, TSA certificate not-after) of the newest document timestamp, ISO +07:00."""

    tss = list(_reader(data).embedded_timestamp_signatures)
    if not tss:
        return None, None
    last = max(tss, key=lambda t: t.signed_revision)
    return iso_vn(_gen_time(last)), iso_vn(last.signer_cert.not_valid_after)


def collect_evidence(data: bytes, *, trust_roots: Iterable[Any], tsa_url: str | None,
                     timeout: float = 30.0) -> Evidence:
    """Validation data of every signature into the DSS, then an archive timestamp.

    Never raises for a bad file or an unreachable service: the problem is in the
    result, for the caller to report.  Without ``tsa_url`` nothing is done (the caller
    says so: evidence without a timestamp proves nothing about *when*).
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.validation import add_validation_info

    if not tsa_url:
        return Evidence(False, problem="TSA_NOT_CONFIGURED", detail="no time-stamping authority configured")
    roots = list(trust_roots)
    try:
        sigs = list(_reader(data).embedded_regular_signatures)
    except Exception as e:  # noqa: BLE001 - a hostile PDF is a result, not a traceback
        return Evidence(False, problem="UNREADABLE", detail=f"{type(e).__name__}: {e}"[:500])
    if not sigs:
        return Evidence(False, problem="UNSIGNED", detail="no signature to keep evidence for")
    vc = _fetching_context(roots, timeout)
    buf = data
    try:
        for i in range(len(sigs)):
            out = io.BytesIO()
            sig = list(_reader(buf).embedded_regular_signatures)[i]
            add_validation_info(sig, vc, in_place=False, output=out)
            buf = out.getvalue()
    except Exception as e:  # noqa: BLE001 - OCSP/CRL unreachable or chain incomplete
        return Evidence(False, signatures=len(sigs), problem="REVINFO_UNAVAILABLE",
                        detail=f"{type(e).__name__}: {e}"[:500])
    try:
        out = io.BytesIO()
        w = IncrementalPdfFileWriter(io.BytesIO(buf), strict=False)
        signers.PdfTimeStamper(_timestamper(tsa_url, timeout)).timestamp_pdf(
            w, "sha256", validation_context=vc, output=out)
        buf = out.getvalue()
    except Exception as e:  # noqa: BLE001 - TSA down, refused, or its chain untrusted
        return Evidence(False, signatures=len(sigs), problem="TSA_UNREACHABLE",
                        detail=f"{type(e).__name__}: {e}"[:500])
    at, not_after = newest_timestamp(buf)
    return Evidence(True, buf, len(sigs), at, not_after)


def renew_timestamp(data: bytes, *, trust_roots: Iterable[Any], tsa_url: str, timeout: float = 30.0) -> Evidence:
    """Extend the archive timestamp chain: validation data of the newest timestamp, then
    a new one (pyHanko's ``update_archival_timestamp_chain``).  Run before the newest
    timestamp's TSA certificate expires (:func:`renewal_due`)."""
    from pyhanko.sign import signers

    try:
        reader = _reader(data)
        n = len(list(reader.embedded_regular_signatures))
        out = io.BytesIO()
        signers.PdfTimeStamper(_timestamper(tsa_url, timeout)).update_archival_timestamp_chain(
            reader, _fetching_context(trust_roots, timeout), in_place=False, output=out)
        buf = out.getvalue()
    except Exception as e:  # noqa: BLE001
        return Evidence(False, problem="RENEWAL_FAILED", detail=f"{type(e).__name__}: {e}"[:500])
    at, not_after = newest_timestamp(buf)
    return Evidence(True, buf, n, at, not_after)


def renewal_due(tsa_not_after: str | datetime | None, now: datetime, margin_days: int) -> bool:
    """Whether the newest archive timestamp must be renewed now (its TSA certificate
    ends within ``margin_days``), or there is none to rely on."""
    if tsa_not_after is None:
        return True
    end = datetime.fromisoformat(tsa_not_after) if isinstance(tsa_not_after, str) else tsa_not_after
    return (end - now).total_seconds() <= margin_days * 86400


def _stored_revinfo(reader: Any) -> dict[str, list]:
    """Certificates, CRLs and OCSP responses kept in the document security store."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # noqa: BLE001 - no DSS (or a broken one): nothing stored
        return {"other_certs": [], "crls": [], "ocsps": []}
    crls = [asn1_crl.CertificateList.load(r.get_object().data) for r in dss.crls]
    ocsps = [asn1_ocsp.OCSPResponse.load(r.get_object().data) for r in dss.ocsps]
    return {"other_certs": list(dss.load_certs()), "crls": crls, "ocsps": ocsps}


def _context(roots: list[Any], stored: dict[str, list], moment: datetime, mode: str) -> Any:
    """Offline validation context at ``moment`` from the stored data only."""
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode=mode, moment=moment,
                             retroactive_revinfo=True, **stored)


def _gen_time(ts_sig: Any) -> datetime:
    return ts_sig.signed_data["encap_content_info"]["content"].parsed["gen_time"].native


def _timestamp_chain(reader: Any, roots: list[Any], stored: dict[str, list], at: datetime
                     ) -> list[tuple[int, datetime]] | str:
    """(revision, time) of each document timestamp whose chain holds at ``at``, oldest
    first; or the reason the chain is broken.  The newest is judged at ``at`` for
    validity and trust (nobody holds revocation data from the future; the renewal job
    fetches it when it extends the chain), each older one at the time of the one after
    it, with the revocation data stored by that renewal (required)."""
    from pyhanko.sign.validation import validate_pdf_timestamp

    tss = sorted(reader.embedded_timestamp_signatures, key=lambda t: t.signed_revision)
    out: list[tuple[int, datetime]] = []
    moment, mode = at, "soft-fail"
    certs_only = {"other_certs": stored["other_certs"], "crls": [], "ocsps": []}
    for ts in reversed(tss):
        st = validate_pdf_timestamp(ts, _context(roots, certs_only if mode == "soft-fail" else stored, moment, mode))
        if not (st.intact and st.valid and st.trusted):
            return f"archive timestamp of revision {ts.signed_revision} does not hold at {iso_vn(moment)}: " + (
                st.trust_problem_indic.name if st.trust_problem_indic else "not intact/valid")
        moment, mode = _gen_time(ts), "require"
        out.append((ts.signed_revision, moment))
    return list(reversed(out))


def _judge(sig: Any, roots: list[Any], stored: dict[str, list], chain: list[tuple[int, datetime]],
           at: datetime) -> LtvVerdict:
    """A signature at its proof of existence: the oldest archive timestamp after it."""
    from pyhanko.sign.validation import validate_pdf_signature

    poe = next((t for rev, t in chain if rev > sig.signed_revision), None)
    moment = poe or at
    st = validate_pdf_signature(sig, _context(roots, stored, moment, "require"))
    ok = bool(st.bottom_line) and st.modification_level is not None and st.modification_level.name in (
        "NONE", "LTA_UPDATES")
    indic = "PASSED" if ok else (st.trust_problem_indic.name if st.trust_problem_indic else
                                 ("MODIFIED" if st.intact and st.valid else "INVALID"))
    return LtvVerdict(field_name=str(sig.field_name), valid=ok, indication=indic, validation_time=iso_vn(at),
                      best_signature_time=iso_vn(moment),
                      oldest_archive_timestamp=iso_vn(chain[0][1]) if chain else None)


def validate_evidence(data: bytes, *, trust_roots: Iterable[Any], at: datetime | None = None) -> LtvReport:
    """Every signature judged at ``at`` (default now) from what the file holds, no
    network: valid when an archive timestamp chain that still holds at ``at`` proves the
    signature existed at a time when its certificate was valid and not revoked (by the
    stored revocation data).  Never raises."""
    moment = at or datetime.now(timezone.utc)
    roots = list(trust_roots)
    try:
        reader = _reader(data)
        stored = _stored_revinfo(reader)
        chain = _timestamp_chain(reader, roots, stored, moment)
        if isinstance(chain, str):
            return LtvReport(error=chain)
        sigs = list(reader.embedded_regular_signatures)
        if not sigs:
            return LtvReport(error="no signature")
        verdicts = tuple(_judge(s, roots, stored, chain, moment) for s in sigs)
    except Exception as e:  # noqa: BLE001
        return LtvReport(error=f"{type(e).__name__}: {e}"[:500])
    return LtvReport(verdicts, details={"archive_timestamps": [iso_vn(t) for _r, t in chain]})
