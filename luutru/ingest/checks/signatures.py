"""Digital signatures in PDFs: integrity, trust, validity at signing time, revocation, kind.

Why this shape: the receiving archive must check authenticity and integrity of every
signed document and may refuse one that fails.  pyHanko does the cryptography, the
byte-range coverage and the modification analysis of incremental updates; this module
turns its status objects into one bottom-line :class:`SignatureStatus` per signature,
then into findings (per the signature policy) and a PREMIS event.  The verdict types
are in ``signature_model.py``, the findings and the event in ``signature_findings.py``.

Offline by design: the validation context never fetches CRLs/OCSP over the network.
Revocation is decided only from what the PDF carries (document security store and the
signature's own revocation archive attribute).  The certificate is judged at the
signing time (trusted timestamp if present, else the time the signer claims), because
archived signatures outlive their certificates.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
import weakref
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable

import luutru.ingest.checks.hexstring as hexstring
import luutru.ingest.checks.name_match as name_match
import luutru.ingest.checks.path_cache as path_cache
from luutru.ingest.checks.signature_hazards import (
    appended_bytes,
    apply_appended,
    apply_weak,
    filled_signature_fields,
    weak_algorithms,
)
from luutru.ingest.checks.signature_model import (
    SEVERITY_ORDER,
    SignatureReport,
    SignatureResult,
    SignatureStatus,
    SignerKind,
)
from luutru.policies.signatures import (
    SignaturePolicy,
    SignerKindRule,
    WeakAlgorithmRule,
    load_signature_policy,
)
from luutru.records.model import fold
from luutru.records.timeutil import iso_vn

log = logging.getLogger(__name__)


class TrustRootError(ValueError):
    """The configured trust roots cannot be read."""


def load_trust_roots(path: Path | str | None) -> tuple[Any, ...]:
    """Certificates (asn1crypto) from a PEM bundle or a directory of PEM/DER certificates.

    ``None`` gives no roots: every signature is then at best VALID_UNTRUSTED.  The OS TLS
    trust store is never used (it says nothing about document signers).
    """
    if path is None:
        return ()
    p = Path(path)
    try:
        mtime = p.stat().st_mtime
    except OSError as e:
        raise TrustRootError(f"trust roots not found: {p} ({e})") from e
    return _load_trust_roots_cached(str(p), mtime)


@lru_cache(maxsize=8)
def _load_trust_roots_cached(path: str, _mtime: float) -> tuple[Any, ...]:
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    p = Path(path)
    files = sorted(f for f in p.iterdir() if f.is_file()) if p.is_dir() else [p]
    out = []
    for f in files:
        data = f.read_bytes()
        try:
            if b"-----BEGIN CERTIFICATE-----" in data:
                certs = x509.load_pem_x509_certificates(data)
            else:
                certs = [x509.load_der_x509_certificate(data)]
        except ValueError:
            if p.is_dir():
                log.warning("skipping %s in trust roots: not a certificate", f)
                continue
            raise TrustRootError(f"{f} holds no PEM or DER certificate") from None
        out.extend(asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in certs)
    if not out:
        raise TrustRootError(f"no certificates in {p}")
    return tuple(out)


# ---------------------------------------------------------------------------------------
# Signer kind


def _attrs(name: Any) -> dict[str, list[str]]:
    """Subject attributes of an asn1crypto Name as {short name: [values]}."""
    out: dict[str, list[str]] = {}
    for rdn in name.chosen:
        for atv in rdn:
            key = atv["type"].native
            try:
                val = str(atv["value"].native)
            except Exception:  # noqa: BLE001 - odd encodings must not stop the check
                continue
            out.setdefault(key, []).append(val)
    return out


def classify_signer(cert: Any, rule: SignerKindRule) -> SignerKind:
    """Personal or organisation certificate; the rule is documented in signatures.yaml."""
    try:
        policies = cert["tbs_certificate"]["extensions"]
        oids: set[str] = set()
        for ext in policies:
            if ext["extn_id"].native == "certificate_policies":
                oids |= {p["policy_identifier"].dotted for p in ext["extn_value"].parsed}
    except Exception:  # noqa: BLE001
        oids = set()
    if oids & rule.organisation_policy_oids:
        return SignerKind.ORGANISATION
    if oids & rule.personal_policy_oids:
        return SignerKind.PERSONAL
    a = _attrs(cert.subject)
    if any(k in a for k in ("given_name", "surname", "pseudonym")):
        return SignerKind.PERSONAL
    orgs = [fold(v) for v in a.get("organization_name", []) + a.get("organizational_unit_name", [])]
    cns = [fold(v) for v in a.get("common_name", [])]
    if not cns:
        return SignerKind.ORGANISATION if orgs else SignerKind.UNKNOWN
    cn = cns[0]
    if cn in orgs:
        return SignerKind.ORGANISATION
    if any(cn == p or cn.startswith(p + " ") for p in rule.organisation_name_prefixes):
        return SignerKind.ORGANISATION
    return SignerKind.PERSONAL


# ---------------------------------------------------------------------------------------
# Validation


def _revinfo_from_pdf(reader: Any, embedded_sig: Any) -> tuple[list, list, list]:
    """(crls, ocsps, certs) embedded in the PDF: the DSS and the signature's own archive."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.sign.general import find_unique_cms_attribute
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    crls: list = []
    ocsps: list = []
    certs: list = []
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # noqa: BLE001 - NoDSSFoundError or a malformed store: nothing usable
        dss = None
    if dss is not None:
        for refs, loader, dest in (
            (dss.crls, asn1_crl.CertificateList.load, crls),
            (dss.ocsps, asn1_ocsp.OCSPResponse.load, ocsps),
        ):
            for ref in refs:
                try:
                    dest.append(loader(ref.get_object().data))
                except Exception:  # noqa: BLE001 - skip a broken entry, keep the rest
                    log.debug("unreadable DSS entry %r", ref)
        try:
            certs.extend(dss.load_certs())
        except Exception:  # noqa: BLE001
            pass
    try:
        attr = find_unique_cms_attribute(embedded_sig.signer_info["signed_attrs"], "adobe_revocation_info_archival")
        crls.extend(attr["crl"] or [])
        ocsps.extend(attr["ocsp"] or [])
    except Exception:  # noqa: BLE001 - absent or multi-valued: nothing embedded there
        pass
    return crls, ocsps, certs


def _first(attrs: dict[str, list[str]], key: str) -> str | None:
    vals = attrs.get(key)
    return str(vals[0]) if vals else None


def _dt(d: datetime | None) -> str | None:
    return iso_vn(d) if d is not None else None


_LOOPS = threading.local()


def _event_loop() -> asyncio.AbstractEventLoop:
    """One event loop per thread, kept for the life of the thread (a check worker), and
    closed when the thread object goes or the interpreter exits (an unclosed loop is a
    ResourceWarning on stderr)."""
    loop = getattr(_LOOPS, "loop", None)
    if loop is None or loop.is_closed():
        loop = _LOOPS.loop = asyncio.new_event_loop()
        weakref.finalize(threading.current_thread(), loop.close)
    return loop


_EXPIRY_INDICS = {"OUT_OF_BOUNDS_NO_POE", "EXPIRED", "NOT_YET_VALID", "OUT_OF_BOUNDS_NOT_REVOKED"}
_REVOKED_INDICS = {"REVOKED", "REVOKED_NO_POE", "REVOKED_CA_NO_POE"}


def _signer(sig: Any, rule: SignerKindRule) -> dict[str, Any]:
    """Who signed, from the signer's certificate (fields of :class:`SignatureResult`)."""
    name = str(sig.field_name or "?")  # plain str: pyHanko's string objects keep the reader alive
    try:
        cert = sig.signer_cert
    except Exception:  # noqa: BLE001
        cert = None
    return dict(field_name=name, **(_cert_facts(cert.dump(), rule) if cert is not None else _NO_CERT))


_NO_CERT = MappingProxyType(dict(kind=SignerKind.UNKNOWN, signer_name=None, signer_organisation=None,
                                 signer_subject=None, issuer=None, serial=None, cert_not_before=None,
                                 cert_not_after=None))


@lru_cache(maxsize=256)
def _cert_facts(der: bytes, rule: SignerKindRule) -> MappingProxyType[str, Any]:
    """The signer fields of one certificate, worked out once per certificate and rule:
    the documents of a transfer are signed by a few signers (issue 17: reading the
    names again was a tenth of the signature check)."""
    from asn1crypto import x509 as asn1_x509

    cert = asn1_x509.Certificate.load(der)
    a = _attrs(cert.subject)
    return MappingProxyType(dict(
        kind=classify_signer(cert, rule),
        signer_name=_first(a, "common_name"),
        signer_organisation=_first(a, "organization_name"),
        signer_subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        serial=format(cert.serial_number, "x"),
        cert_not_before=_dt(cert.not_valid_before),
        cert_not_after=_dt(cert.not_valid_after),
    ))


def _validate_at_signing_time(reader: Any, sig: Any, roots: tuple[Any, ...], claimed: datetime | None
                              ) -> tuple[Any, datetime | None, str | None]:
    """pyHanko's status judged at the signing time: the trusted timestamp's if there is
    one, else the time the signer claims.  Returns (status, signing time, its source)."""
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    crls, ocsps, certs = _revinfo_from_pdf(reader, sig)

    def run(moment: datetime | None) -> Any:
        vc = ValidationContext(trust_roots=list(roots), other_certs=certs, crls=crls, ocsps=ocsps,
                               allow_fetching=False, revocation_mode="soft-fail", moment=moment,
                               retroactive_revinfo=True)
        # What pyHanko's validate_pdf_signature does, on this thread's own event loop:
        # asyncio.run() made and closed a loop per signature (~8 % of the validation).
        # Fetching is off, so no network session is opened that would need releasing.
        return _event_loop().run_until_complete(async_validate_pdf_signature(sig, vc))

    st = run(claimed)
    ts = st.timestamp_validity
    signing_time, source = (claimed, "signer") if claimed else (None, None)
    if ts is not None and ts.intact and ts.valid and ts.trusted:
        signing_time, source = ts.timestamp, "timestamp"
        if claimed is None or abs((ts.timestamp - claimed).total_seconds()) > 1:
            st = run(ts.timestamp)
    return st, signing_time, source


def _verdict(st: Any) -> tuple[SignatureStatus, str | None]:
    """The bottom line of one pyHanko status, and the problem behind it."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    indic = st.trust_problem_indic.name if st.trust_problem_indic is not None else None
    level, coverage = st.modification_level, st.coverage
    if not st.valid:
        return SignatureStatus.INVALID, "SIG_CRYPTO_FAILURE"
    if not st.intact:
        return SignatureStatus.MODIFIED, "HASH_FAILURE"
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        return SignatureStatus.MODIFIED, "NONSTANDARD_COVERAGE"
    if level is not None and level > ModificationLevel.FORM_FILLING or st.docmdp_ok is False:
        return SignatureStatus.MODIFIED, "MODIFIED_AFTER_SIGNING"
    if st.revoked or indic in _REVOKED_INDICS:
        return SignatureStatus.REVOKED, indic or "REVOKED"
    if indic in _EXPIRY_INDICS:
        return SignatureStatus.EXPIRED, indic
    if not st.trusted:
        return SignatureStatus.VALID_UNTRUSTED, indic
    return SignatureStatus.VALID, None


def _validate_one(reader: Any, sig: Any, roots: tuple[Any, ...], rule: SignerKindRule,
                  weak: WeakAlgorithmRule) -> SignatureResult:
    """One signature's verdict; weak algorithms make it INVALID (signature_hazards)."""
    return apply_weak(_validate_plain(reader, sig, roots, rule), weak_algorithms(sig, weak))


def _validate_plain(reader: Any, sig: Any, roots: tuple[Any, ...], rule: SignerKindRule) -> SignatureResult:
    from pyhanko.sign.diff_analysis import SuspiciousModification

    base = _signer(sig, rule)
    try:
        claimed = sig.self_reported_timestamp
    except Exception:  # noqa: BLE001
        claimed = None
    try:
        st, signing_time, source = _validate_at_signing_time(reader, sig, roots, claimed)
    except Exception as e:  # noqa: BLE001 - malformed signatures must become a verdict
        return SignatureResult(
            status=SignatureStatus.INVALID, signing_time=_dt(claimed),
            signing_time_source="signer" if claimed else None,
            problem=type(e).__name__, detail=str(e)[:500], **base,
        )
    status, problem = _verdict(st)
    detail = str(st.diff_result)[:500] if isinstance(st.diff_result, SuspiciousModification) else ""
    rev, level, coverage = st.revocation_details, st.modification_level, st.coverage
    return SignatureResult(
        status=status,
        signing_time=_dt(signing_time),
        signing_time_source=source,
        intact=bool(st.intact),
        trusted=bool(st.trusted),
        coverage=coverage.name if coverage is not None else None,
        modification_level=level.name if level is not None else None,
        revoked_at=_dt(rev.revocation_date) if rev is not None else None,
        problem=problem,
        detail=detail,
        **base,
    )



def check_signatures(
    pdf: Path | str | bytes,
    *,
    trust_roots: Iterable[Any] = (),
    policy: SignaturePolicy | None = None,
) -> SignatureReport:
    """Validate every embedded signature of a PDF; never raises for a bad file.

    ``trust_roots``: asn1crypto certificates, e.g. from :func:`load_trust_roots`.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    hexstring.install()  # /Contents read in one slice, not byte by byte
    name_match.install()  # distinguished names compared once per pair of encodings
    path_cache.install()  # path validation remembered per signer, trust store and validity band
    policy = policy or load_signature_policy()
    rule = policy.signer_kind
    roots = tuple(trust_roots)
    try:
        if isinstance(pdf, bytes):
            stream: Any = io.BytesIO(pdf)
        else:
            stream = open(pdf, "rb")  # noqa: SIM115 - closed below
        try:
            reader = PdfFileReader(stream, strict=False)
            try:
                sigs = list(reader.embedded_regular_signatures)
            except Exception as e:  # noqa: BLE001 - a signature dictionary pyHanko cannot read
                fields = filled_signature_fields(reader)
                if not fields:
                    raise
                return SignatureReport(SignatureStatus.INVALID, (), error=f"{type(e).__name__}: {e}"[:500],
                                       unparsable=tuple(fields))
            results = tuple(_validate_one(reader, s, roots, rule, policy.weak) for s in sigs)
            if results:
                results = apply_appended(results, appended_bytes(reader, stream))
        finally:
            stream.close()
    except Exception as e:  # noqa: BLE001 - unreadable/hostile PDFs give a verdict, not a traceback
        return SignatureReport(SignatureStatus.INVALID, (), error=f"{type(e).__name__}: {e}"[:500])
    if not results:
        return SignatureReport(SignatureStatus.UNSIGNED)
    worst = min(results, key=lambda r: SEVERITY_ORDER.index(r.status)).status
    return SignatureReport(worst, results)


# ---------------------------------------------------------------------------------------
