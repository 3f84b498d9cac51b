"""Signature verdicts as findings (per the signature policy) and as a PREMIS event."""

from __future__ import annotations

from typing import Any

import luutru.records.events as ev
import luutru.records.finding_codes.checks as fc
import luutru.records.finding_codes.signatures as sfc
from luutru.ingest.checks.signature_model import (
    SignatureReport,
    SignatureResult,
    SignatureStatus,
)
from luutru.policies.signatures import SignaturePolicy, load_signature_policy
from luutru.records.findings import Finding
from luutru.records.model import Reliability

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


#: Problems (SignatureResult.problem) that have a finding code of their own (issue 16).
_APPENDED = {"APPENDED_BYTES", "MODIFIED_AFTER_SIGNING", "NONSTANDARD_COVERAGE"}
_PLAIN_INVALID = {"SIG_CRYPTO_FAILURE", None}


def _hazard(status: SignatureStatus, sig: SignatureResult | None, report: SignatureReport
            ) -> tuple[Any, str, str, str, str] | None:
    """(code, message vi, en, fix vi, en) of an unparsable signature, content appended
    after signing, or a weak algorithm; None for the plain status findings."""
    problem = sig.problem if sig is not None else None
    if status is SignatureStatus.INVALID and sig is None and report.unparsable:
        what = ", ".join(report.unparsable)[:200]
        code = sfc.SIGNATURE_UNPARSABLE
        return (code, code.meaning_vi.replace("…", f"trường {what}: {report.error or ''}"[:300]),
                code.meaning_en.replace("…", f"field {what}: {report.error or ''}"[:300]), code.fix_vi, code.fix_en)
    if sig is None:
        return None
    if status is SignatureStatus.INVALID and problem == "WEAK_ALGORITHM":
        code = sfc.SIGNATURE_WEAK_ALGORITHM
    elif status is SignatureStatus.INVALID and problem not in _PLAIN_INVALID:
        code = sfc.SIGNATURE_UNPARSABLE
    elif status is SignatureStatus.MODIFIED and problem in _APPENDED:
        code = sfc.SIGNATURE_APPENDED_CHANGES
    else:
        return None
    detail = (sig.detail or problem or "")[:300]
    tail = "" if "…" in code.meaning_en else f" ({detail})"
    return (code, code.meaning_vi.replace("…", detail) + tail, code.meaning_en.replace("…", detail) + tail,
            code.fix_vi, code.fix_en)


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
        special = _hazard(status, sig, report)
        code = special[0] if special else SIGNATURE_CODES[status]
        vi, en, fix_vi, fix_en = special[1:] if special else _STATUS_TEXT[status]
        who_vi = who_en = ""
        details: dict[str, Any] = {"status": status.value}
        if sig is not None:
            who_vi = f" (trường {sig.field_name}, người ký: {sig.signer_name or '?'})"
            who_en = f" (field {sig.field_name}, signer: {sig.signer_name or '?'})"
            details.update(sig.to_dict())
        elif report.error:
            details["error"] = report.error
            details["unparsable_fields"] = list(report.unparsable)
        out.append(Finding(sev, code, f"{vi}{who_vi}. {fix_vi}",
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
