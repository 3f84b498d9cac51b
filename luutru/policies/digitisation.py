"""Digitised copies per Circular 05/2025/TT-BNV Art. 8 (with the earlier Decree 30 rule).

05/2025 (V-I): a digitised paper record is a **two-layer PDF/A** (page image plus a text
layer), colour as the original with **at least 24 bits per pixel**, **200 dpi**, and
**300 dpi for maps and technical drawings** (document types 30 and 31).  Before it
(Decree 30/2020 App. I, V-P): PDF ≥ 1.4, colour, ≥ 200 dpi.

Severity is policy (``digitisation.yaml``): by default a transfer received on or after
1 July 2025 gets errors, an earlier one warnings.  This module only judges facts that
the PDF checks measured (:class:`ScanFacts`); it does not open files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from luutru.records.findings import Finding, Severity, error, info, warning

DEFAULT_PATH = Path(__file__).with_name("digitisation.yaml")


class DigitisationPolicyError(ValueError):
    """digitisation.yaml is unreadable or malformed."""


@dataclass(frozen=True)
class DigitisationRule:
    applies_from: date = date(2025, 7, 1)
    severity: Severity = Severity.ERROR  # transfers received on or after applies_from
    severity_before: Severity = Severity.WARNING
    min_dpi: float = 200.0
    min_dpi_maps: float = 300.0
    map_types: tuple[str, ...] = ("30", "31")
    min_bits_per_pixel: int = 24
    require_text_layer: bool = True
    require_pdfa: bool = True

    def severity_for(self, received: date) -> Severity:
        return self.severity if received >= self.applies_from else self.severity_before

    def required_dpi(self, doc_type_code: str | None) -> float:
        return self.min_dpi_maps if doc_type_code in self.map_types else self.min_dpi


@dataclass(frozen=True)
class ScanImage:
    page: int
    dpi: float
    bits_per_pixel: int | None  # components x bits per component; None if unknown


@dataclass(frozen=True)
class ScanFacts:
    """What the PDF checks measured on one digitised file."""

    images: tuple[ScanImage, ...] = ()
    has_text_layer: bool = False
    is_pdfa: bool = False
    pdfa_label: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def parse_rule(doc: dict[str, Any]) -> DigitisationRule:
    d = (doc or {}).get("digitised") or {}
    try:
        return DigitisationRule(
            applies_from=date.fromisoformat(str(d.get("applies_from", "2025-07-01"))),
            severity=Severity(str(d.get("severity", "error")).lower()),
            severity_before=Severity(str(d.get("severity_before", "warning")).lower()),
            min_dpi=float(d.get("min_dpi", 200)), min_dpi_maps=float(d.get("min_dpi_maps", 300)),
            map_types=tuple(str(x) for x in d.get("map_types", ("30", "31"))),
            min_bits_per_pixel=int(d.get("min_bits_per_pixel", 24)),
            require_text_layer=bool(d.get("require_text_layer", True)),
            require_pdfa=bool(d.get("require_pdfa", True)))
    except (TypeError, ValueError) as e:
        raise DigitisationPolicyError(f"digitisation policy: {e}") from e


@lru_cache(maxsize=4)
def load_rule(path: Path = DEFAULT_PATH) -> DigitisationRule:
    try:
        return parse_rule(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as e:
        raise DigitisationPolicyError(f"{path}: {e}") from e


def check_digitised(facts: ScanFacts, rule: DigitisationRule, *, doc_type_code: str | None, received: date,
                    **where: Any) -> list[Finding]:
    """Findings for one digitised file, each with the fix."""
    mk = {Severity.ERROR: error, Severity.WARNING: warning, Severity.INFO: info}[rule.severity_for(received)]
    out: list[Finding] = []
    if rule.require_pdfa and not facts.is_pdfa:
        out.append(mk(
            "DIGITISED_NOT_PDFA",
            "Bản số hóa phải là PDF/A hai lớp (ảnh và lớp văn bản) theo Thông tư 05/2025. Sửa: xuất lại bằng phần mềm "
            "số hóa ở định dạng PDF/A có nhận dạng ký tự (OCR).",
            "A digitised copy must be a two-layer PDF/A (image plus text) under Circular 05/2025. Fix: export it again "
            "as PDF/A with character recognition (OCR).", details={"pdfa": facts.pdfa_label}, **where))
    if rule.require_text_layer and not facts.has_text_layer:
        out.append(mk(
            "DIGITISED_NO_TEXT_LAYER",
            "Bản số hóa không có lớp văn bản (chỉ có ảnh). Sửa: chạy nhận dạng ký tự (OCR) để tạo PDF/A hai lớp.",
            "The digitised copy has no text layer (image only). Fix: run OCR to make a two-layer PDF/A.", **where))
    need = rule.required_dpi(doc_type_code)
    low = [i for i in facts.images if i.dpi < need]
    if low:
        worst = min(low, key=lambda i: i.dpi)
        kind_vi = " (bản đồ, bản vẽ kỹ thuật)" if need == rule.min_dpi_maps and need != rule.min_dpi else ""
        out.append(mk(
            "DIGITISED_LOW_RESOLUTION",
            f"Ảnh số hóa {worst.dpi:.0f} dpi (trang {worst.page}), thấp hơn {need:.0f} dpi{kind_vi}. "
            f"Sửa: số hóa lại ở {need:.0f} dpi trở lên, tỷ lệ 100 %.",
            f"Scanned image at {worst.dpi:.0f} dpi (page {worst.page}), below {need:.0f} dpi. "
            f"Fix: rescan at {need:.0f} dpi or more, 100 % scale.",
            details={"pages": sorted({i.page for i in low}), "min_dpi": worst.dpi, "required": need}, **where))
    shallow = [i for i in facts.images if i.bits_per_pixel is not None and i.bits_per_pixel < rule.min_bits_per_pixel]
    if shallow:
        w = min(shallow, key=lambda i: i.bits_per_pixel or 0)
        out.append(mk(
            "DIGITISED_COLOUR_DEPTH",
            f"Ảnh số hóa {w.bits_per_pixel} bit/điểm ảnh (trang {w.page}), dưới {rule.min_bits_per_pixel} bit màu. "
            f"Sửa: số hóa lại ở chế độ màu {rule.min_bits_per_pixel} bit trở lên.",
            f"Scanned image at {w.bits_per_pixel} bits per pixel (page {w.page}), below {rule.min_bits_per_pixel}-bit "
            f"colour. Fix: rescan in {rule.min_bits_per_pixel}-bit colour or more.",
            details={"pages": sorted({i.page for i in shallow})}, **where))
    return out
