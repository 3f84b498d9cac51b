"""Findings from the in-process PDF checks (:mod:`luutru.ingest.checks.pdf`): readability,
encryption, active content, fonts (any PDF).  Digitised copies: :mod:`luutru.policies.digitisation`."""

from __future__ import annotations

from typing import Any

from luutru.ingest.checks.pdf import PdfaResult
from luutru.records.findings import Finding, error, warning


def pdf_findings(result: PdfaResult, **where: Any) -> list[Finding]:
    """Findings about readability, encryption, active content and fonts (any PDF)."""
    out: list[Finding] = []
    if result.needs_password:
        return [error(
            "PDF_ENCRYPTED",
            "Tệp PDF được đặt mật khẩu nên không thể kiểm tra và bảo quản. Gửi lại bản không đặt mật khẩu.",
            "The PDF is password-protected and cannot be checked or preserved. Send a copy without a password.",
            **where,
        )]
    if result.error:
        return [error(
            "PDF_UNREADABLE",
            f"Tệp PDF bị hỏng hoặc không đọc được ({result.error[:200]}). Gửi lại tệp từ bản gốc.",
            f"The PDF is damaged or unreadable ({result.error[:200]}). Resend the file from the original.",
            details={"error": result.error}, **where,
        )]
    if result.encrypted:
        out.append(warning(
            "PDF_ENCRYPTED",
            "Tệp PDF có mã hóa/giới hạn quyền; bản bảo quản sẽ không còn mã hóa. Nên nộp bản không mã hóa.",
            "The PDF is encrypted (permissions restricted); the preservation copy will not be. "
            "Prefer submitting an unencrypted file.",
            **where,
        ))
    if result.javascript or result.forbidden_actions:
        acts = ", ".join(a.lstrip("/") for a in result.forbidden_actions) or "JavaScript"
        out.append(warning(
            "PDF_ACTIVE_CONTENT",
            f"Tệp PDF chứa mã lệnh/hành động không được phép khi lưu trữ ({acts}); bản bảo quản sẽ loại bỏ chúng.",
            f"The PDF contains active content not allowed in archives ({acts}); the preservation copy drops it.",
            details={"actions": list(result.forbidden_actions), "javascript": result.javascript}, **where,
        ))
    if result.fonts_not_embedded:
        out.append(warning(
            "PDF_FONT_NOT_EMBEDDED",
            f"Phông chữ chưa được nhúng: {', '.join(result.fonts_not_embedded[:10])}. "
            "Xuất lại PDF với tùy chọn nhúng phông chữ (PDF/A).",
            f"Fonts not embedded: {', '.join(result.fonts_not_embedded[:10])}. "
            "Export the PDF again with fonts embedded (PDF/A).",
            details={"fonts": list(result.fonts_not_embedded)}, **where,
        ))
    if result.claims_pdfa and not result.is_pdfa:
        reasons = list(result.in_process_problems) + list(result.verapdf_failed_rules[:10])
        out.append(warning(
            "PDFA_CLAIM_INVALID",
            f"Tệp khai báo {result.pdfa_label} nhưng không đạt chuẩn ({'; '.join(reasons)}); "
            "hệ thống tạo bản bảo quản PDF/A-2b.",
            f"The file claims {result.pdfa_label} but does not conform ({'; '.join(reasons)}); "
            "a PDF/A-2b preservation copy is made.",
            details={"reasons": reasons}, **where,
        ))
    return out
