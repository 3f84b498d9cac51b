"""Digital signatures in PDFs: integrity, trust, validity at signing time, revocation, kind.

Why this shape: the receiving archive must check authenticity and integrity of every
signed document and may refuse one that fails.  pyHanko does the cryptography, the
byte-range coverage and the modification analysis of incremental updates; this module
turns its status objects into one bottom-line :class:`SignatureStatus` per signature,
then into findings (per the signature policy) and a PREMIS event.

Offline by design: the validation context never fetches CRLs/OCSP over the network.
Revocation is decided only from what the PDF carries (document security store and the
signature's own revocation archive attribute).  The certificate is judged at the
signing time (trusted timestamp if present, else the time the signer claims), because
archived signatures outlive their certificates.
"""

from __future__ import annotations

import enum
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import luutru.records.events as ev
from luutru.policies.signatures import (
    SignaturePolicy,
    SignerKindRule,
    load_signature_policy,
)
from luutru.records.findings import Finding
import luutru.records.finding_codes.checks as fc
from luutru.records.model import Reliability, fold
from luutru.records.timeutil import iso_vn

log = logging.getLogger(__name__)


class SignatureStatus(str, enum.Enum):
    """Bottom line for one signature (and, as the worst of them, for a file)."""

    VALID = "valid"
    VALID_UNTRUSTED = "valid_untrusted"
    MODIFIED = "modified"
    EXPIRED = "expired"
    REVOKED = "revoked"
    INVALID = "invalid"
    UNSIGNED = "unsigned"


# Worst first: a file's status is the worst of its signatures.
_SEVERITY_ORDER = [
    SignatureStatus.INVALID,
    SignatureStatus.MODIFIED,
    SignatureStatus.REVOKED,
    SignatureStatus.EXPIRED,
    SignatureStatus.VALID_UNTRUSTED,
    SignatureStatus.VALID,
    SignatureStatus.UNSIGNED,
]


class SignerKind(str, enum.Enum):
    PERSONAL = "personal"
    ORGANISATION = "organisation"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SignatureResult:
    """One embedded signature, as judged at ingest."""

    field_name: str
    status: SignatureStatus
    kind: SignerKind
    signer_name: str | None
    signer_organisation: str | None
    signer_subject: str | None
    issuer: str | None
    serial: str | None
    signing_time: str | None  # ISO 8601 +07:00
    signing_time_source: str | None  # "timestamp" | "signer" | None
    cert_not_before: str | None = None
    cert_not_after: str | None = None
    intact: bool = False
    trusted: bool = False
    coverage: str | None = None  # pyHanko SignatureCoverageLevel name
    modification_level: str | None = None  # pyHanko ModificationLevel name
    revoked_at: str | None = None
    problem: str | None = None  # short machine-readable reason, e.g. "OUT_OF_BOUNDS_NO_POE"
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: (v.value if isinstance(v, enum.Enum) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class SignatureReport:
    """All signatures of one file and the file's bottom line (worst signature or UNSIGNED)."""

    status: SignatureStatus
    signatures: tuple[SignatureResult, ...] = ()
    error: str | None = None  # the file could not be read for signatures at all

    @property
    def signed(self) -> bool:
        return bool(self.signatures)


# ---------------------------------------------------------------------------------------
# Trust roots


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


_EXPIRY_INDICS = {"OUT_OF_BOUNDS_NO_POE", "EXPIRED", "NOT_YET_VALID", "OUT_OF_BOUNDS_NOT_REVOKED"}
_REVOKED_INDICS = {"REVOKED", "REVOKED_NO_POE", "REVOKED_CA_NO_POE"}


def _validate_one(reader: Any, sig: Any, roots: tuple[Any, ...], rule: SignerKindRule) -> SignatureResult:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    name = str(sig.field_name or "?")  # plain str: pyHanko's string objects keep the reader alive
    try:
        cert = sig.signer_cert
    except Exception:  # noqa: BLE001
        cert = None
    a = _attrs(cert.subject) if cert is not None else {}
    base: dict[str, Any] = dict(
        field_name=name,
        kind=classify_signer(cert, rule) if cert is not None else SignerKind.UNKNOWN,
        signer_name=_first(a, "common_name"),
        signer_organisation=_first(a, "organization_name"),
        signer_subject=cert.subject.human_friendly if cert is not None else None,
        issuer=cert.issuer.human_friendly if cert is not None else None,
        serial=format(cert.serial_number, "x") if cert is not None else None,
        cert_not_before=_dt(cert.not_valid_before) if cert is not None else None,
        cert_not_after=_dt(cert.not_valid_after) if cert is not None else None,
    )
    try:
        claimed = sig.self_reported_timestamp
    except Exception:  # noqa: BLE001
        claimed = None
    crls, ocsps, certs = _revinfo_from_pdf(reader, sig)

    def run(moment: datetime | None):
        vc = ValidationContext(
            trust_roots=list(roots),
            other_certs=certs,
            crls=crls,
            ocsps=ocsps,
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=moment,
            retroactive_revinfo=True,
        )
        return validate_pdf_signature(sig, vc)

    try:
        st = run(claimed)
        ts = st.timestamp_validity
        signing_time, source = (claimed, "signer") if claimed else (None, None)
        if ts is not None and ts.intact and ts.valid and ts.trusted:
            signing_time, source = ts.timestamp, "timestamp"
            if claimed is None or abs((ts.timestamp - claimed).total_seconds()) > 1:
                st = run(ts.timestamp)
    except Exception as e:  # noqa: BLE001 - malformed signatures must become a verdict
        return SignatureResult(
            status=SignatureStatus.INVALID, signing_time=_dt(claimed),
            signing_time_source="signer" if claimed else None,
            problem=type(e).__name__, detail=str(e)[:500], **base,
        )

    indic = st.trust_problem_indic.name if st.trust_problem_indic is not None else None
    level = st.modification_level
    coverage = st.coverage
    if not st.valid:
        status, problem = SignatureStatus.INVALID, "SIG_CRYPTO_FAILURE"
    elif not st.intact:
        status, problem = SignatureStatus.MODIFIED, "HASH_FAILURE"
    elif coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        status, problem = SignatureStatus.MODIFIED, "NONSTANDARD_COVERAGE"
    elif level is not None and level > ModificationLevel.FORM_FILLING or st.docmdp_ok is False:
        status, problem = SignatureStatus.MODIFIED, "MODIFIED_AFTER_SIGNING"
    elif st.revoked or indic in _REVOKED_INDICS:
        status, problem = SignatureStatus.REVOKED, indic or "REVOKED"
    elif indic in _EXPIRY_INDICS:
        status, problem = SignatureStatus.EXPIRED, indic
    elif not st.trusted:
        status, problem = SignatureStatus.VALID_UNTRUSTED, indic
    else:
        status, problem = SignatureStatus.VALID, None
    detail = ""
    from pyhanko.sign.diff_analysis import SuspiciousModification

    if isinstance(st.diff_result, SuspiciousModification):
        detail = str(st.diff_result)[:500]
    rev = st.revocation_details
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

    rule = (policy or load_signature_policy()).signer_kind
    roots = tuple(trust_roots)
    try:
        if isinstance(pdf, bytes):
            stream: Any = io.BytesIO(pdf)
        else:
            stream = open(pdf, "rb")  # noqa: SIM115 - closed below
        try:
            reader = PdfFileReader(stream, strict=False)
            sigs = list(reader.embedded_regular_signatures)
            results = tuple(_validate_one(reader, s, roots, rule) for s in sigs)
        finally:
            stream.close()
    except Exception as e:  # noqa: BLE001 - unreadable/hostile PDFs give a verdict, not a traceback
        return SignatureReport(SignatureStatus.INVALID, (), error=f"{type(e).__name__}: {e}"[:500])
    if not results:
        return SignatureReport(SignatureStatus.UNSIGNED)
    worst = min(results, key=lambda r: _SEVERITY_ORDER.index(r.status)).status
    return SignatureReport(worst, results)


# ---------------------------------------------------------------------------------------
# Findings and events

_STATUS_TEXT = {
    SignatureStatus.VALID_UNTRUSTED: (
        "Chữ ký số hợp lệ nhưng chứng thư số không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy",
        "Signature is intact but the certificate does not chain to a configured trust root",
        "Kiểm tra cấu hình chứng thư gốc (LUUTRU_TRUST_ROOTS) hoặc yêu cầu cơ quan nộp ký lại bằng chứng thư hợp lệ.",
        "Check the configured trust roots (LUUTRU_TRUST_ROOTS) or ask the agency to re-sign with a recognised certificate.",
    ),
    SignatureStatus.MODIFIED: (
        "Tài liệu đã bị thay đổi sau khi ký số",
        "The document was changed after it was signed",
        "Yêu cầu cơ quan nộp gửi lại bản gốc đã ký, không chỉnh sửa sau khi ký.",
        "Ask the agency for the signed original, unchanged after signing.",
    ),
    SignatureStatus.EXPIRED: (
        "Chứng thư số không còn (hoặc chưa có) hiệu lực tại thời điểm ký",
        "The certificate was not valid at the signing time",
        "Yêu cầu cơ quan nộp ký lại bằng chứng thư số còn hiệu lực.",
        "Ask the agency to re-sign with a certificate valid at signing time.",
    ),
    SignatureStatus.REVOKED: (
        "Chứng thư số đã bị thu hồi trước thời điểm ký",
        "The certificate was revoked before the signing time",
        "Không tiếp nhận; yêu cầu cơ quan nộp ký lại bằng chứng thư số hợp lệ.",
        "Refuse it; ask the agency to re-sign with a valid certificate.",
    ),
    SignatureStatus.INVALID: (
        "Chữ ký số không hợp lệ hoặc không đọc được",
        "The signature is invalid or unreadable",
        "Yêu cầu cơ quan nộp gửi lại tệp đã ký đúng chuẩn PAdES.",
        "Ask the agency to resend the file with a proper PAdES signature.",
    ),
    SignatureStatus.UNSIGNED: (
        "Tài liệu không có chữ ký số",
        "The document carries no digital signature",
        "Văn bản điện tử phải được ký số; yêu cầu cơ quan nộp ký số trước khi nộp lưu.",
        "Electronic documents must be signed; ask the agency to sign it before transfer.",
    ),
}


#: The registered finding code of each reported status.
SIGNATURE_CODES = {SignatureStatus.VALID_UNTRUSTED: fc.SIGNATURE_VALID_UNTRUSTED, SignatureStatus.MODIFIED: fc.SIGNATURE_MODIFIED,
                   SignatureStatus.EXPIRED: fc.SIGNATURE_EXPIRED, SignatureStatus.REVOKED: fc.SIGNATURE_REVOKED,
                   SignatureStatus.INVALID: fc.SIGNATURE_INVALID, SignatureStatus.UNSIGNED: fc.SIGNATURE_UNSIGNED}


def signature_findings(
    report: SignatureReport,
    reliability: Reliability,
    *,
    policy: SignaturePolicy | None = None,
    **where: Any,
) -> list[Finding]:
    """Findings for one file per the policy: SIGNATURE_<STATUS> and SIGNATURE_KIND_MISSING."""
    policy = policy or load_signature_policy()
    rule = policy.for_kind(reliability)
    out: list[Finding] = []
    items: list[tuple[SignatureStatus, SignatureResult | None]] = (
        [(s.status, s) for s in report.signatures] or [(report.status, None)]
    )
    for status, sig in items:
        sev = rule.severity_for(status.value)
        if sev is None or status not in _STATUS_TEXT:
            continue
        vi, en, fix_vi, fix_en = _STATUS_TEXT[status]
        who_vi = who_en = ""
        details: dict[str, Any] = {"status": status.value}
        if sig is not None:
            who_vi = f" (trường {sig.field_name}, người ký: {sig.signer_name or '?'})"
            who_en = f" (field {sig.field_name}, signer: {sig.signer_name or '?'})"
            details.update(sig.to_dict())
        elif report.error:
            details["error"] = report.error
        out.append(Finding(sev, SIGNATURE_CODES[status], f"{vi}{who_vi}. {fix_vi}",
                           f"{en}{who_en}. {fix_en}", details=details, **where))
    if rule.expect_kind:
        ok = {SignatureStatus.VALID, SignatureStatus.VALID_UNTRUSTED}
        if not any(s.kind.value == rule.expect_kind and s.status in ok for s in report.signatures):
            kind_vi = "của cơ quan, tổ chức" if rule.expect_kind == "organisation" else "cá nhân"
            out.append(Finding(
                rule.expect_severity, "SIGNATURE_KIND_MISSING",
                f"Thiếu chữ ký số {kind_vi} hợp lệ ({reliability.label_vi()}). "
                "Bản số hóa phải có chữ ký số của cơ quan, tổ chức ở góc trên bên phải trang đầu.",
                f"No valid {rule.expect_kind} signature on this {reliability.name.lower()} document. "
                "A digitised copy must carry the organisation's signature (top right of page 1).",
                details={"expected_kind": rule.expect_kind,
                         "kinds_found": sorted({s.kind.value for s in report.signatures})},
                **where,
            ))
    return out


def signature_event(report: SignatureReport, object_id: str) -> ev.Event:
    """PREMIS 'digital signature validation' event for one file."""
    outcome = {
        SignatureStatus.VALID: "success",
        SignatureStatus.UNSIGNED: "warning",
        SignatureStatus.VALID_UNTRUSTED: "warning",
        SignatureStatus.EXPIRED: "warning",
    }.get(report.status, "failure")
    return ev.Event(
        event_type=ev.SIGNATURE_VALIDATION,
        object=object_id,
        outcome=outcome,
        detail=f"{len(report.signatures)} signature(s); bottom line {report.status.value}",
        outcome_detail={
            "status": report.status.value,
            "signatures": [s.to_dict() for s in report.signatures],
            **({"error": report.error} if report.error else {}),
        },
    )
