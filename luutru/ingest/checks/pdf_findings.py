"""Findings from the in-process PDF checks (:mod:`luutru.ingest.checks.pdf`): readability,
encryption, active content, fonts (any PDF) and the rules for digitised copies."""

from __future__ import annotations

from typing import Any

from luutru.ingest.checks.pdf import PdfaResult, version_tuple
from luutru.policies.formats import DigitisedRule
from luutru.records.findings import Finding, Severity, error, info, warning


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


def digitised_findings(result: PdfaResult, rule: DigitisedRule, **where: Any) -> list[Finding]:
    """Digitised copies: PDF >= 1.4, colour page images, >= 200 dpi (per the format policy)."""
    if result.error:
        return []
    out: list[Finding] = []
    sev = rule.severity
    mk = {Severity.ERROR: error, Severity.WARNING: warning, Severity.INFO: info}[sev]
    if result.version and version_tuple(result.version) < version_tuple(rule.min_pdf_version):
        out.append(mk(
            "DIGITISED_PDF_VERSION",
            f"Bản số hóa phải là PDF phiên bản {rule.min_pdf_version} trở lên (tệp là {result.version}).",
            f"A digitised copy must be PDF {rule.min_pdf_version} or later (this file is {result.version}).",
            details={"version": result.version}, **where,
        ))
    if not result.images:
        out.append(info(
            "DIGITISED_NO_IMAGES",
            "Không tìm thấy ảnh trang để kiểm tra độ phân giải và màu của bản số hóa.",
            "No page images found to check resolution and colour of this digitised copy.",
            details={"complete": result.images_complete}, **where,
        ))
        return out
    low = [i for i in result.images if i.dpi < rule.min_dpi]
    if low:
        worst = min(low, key=lambda i: i.dpi)
        out.append(mk(
            "DIGITISED_LOW_RESOLUTION",
            f"Ảnh số hóa có độ phân giải {worst.dpi:.0f} dpi (trang {worst.page}), thấp hơn {rule.min_dpi:.0f} dpi. "
            f"Số hóa lại ở {rule.min_dpi:.0f} dpi trở lên, tỷ lệ 100 %.",
            f"Scanned image at {worst.dpi:.0f} dpi (page {worst.page}), below {rule.min_dpi:.0f} dpi. "
            f"Rescan at {rule.min_dpi:.0f} dpi or more, 100 % scale.",
            details={"pages": sorted({i.page for i in low}), "min_dpi": worst.dpi}, **where,
        ))
    if rule.require_colour:
        mono = [i for i in result.images if i.colour in ("gray", "bilevel")]
        if mono:
            out.append(mk(
                "DIGITISED_NOT_COLOUR",
                f"Ảnh số hóa không phải ảnh màu ({mono[0].colour}, trang {mono[0].page}). Số hóa lại ở chế độ màu.",
                f"Scanned image is not colour ({mono[0].colour}, page {mono[0].page}). Rescan in colour.",
                details={"pages": sorted({i.page for i in mono})}, **where,
            ))
    return out
