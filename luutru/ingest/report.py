"""The ingest report: what was decided and every finding, as a table or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from luutru.records.findings import Finding, Severity
from luutru.records.status import DossierOutcome as DossierOutcomeValue
from luutru.records.status import TransferStatus


@dataclass
class DossierOutcome:
    code: str
    title: str
    status: str  # a records.status.DossierOutcome value
    documents: int
    aip: str | None = None
    errors: int = 0
    warnings: int = 0


@dataclass
class IngestReport:
    transfer_id: str
    source: str
    kind: str
    status: str  # a records.status.TransferStatus value
    started_at: str
    finished_at: str | None = None
    dossiers: list[DossierOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    catalogue: dict[str, Any] = field(default_factory=dict)  # version read, values mapped, columns kept

    @property
    def accepted(self) -> bool:
        return self.status == TransferStatus.ACCEPTED

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for f in self.findings:
            out[f.severity.value] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "transfer_id": self.transfer_id,
            "source": self.source,
            "kind": self.kind,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "files": self.files,
            "bytes": self.bytes,
            "counts": self.counts(),
            "catalogue": self.catalogue,
            "dossiers": [asdict(d) for d in self.dossiers],
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "IngestReport":
        return cls(
            transfer_id=d["transfer_id"], source=d["source"], kind=d["kind"], status=d["status"],
            started_at=d["started_at"], finished_at=d.get("finished_at"),
            dossiers=[DossierOutcome(**x) for x in d.get("dossiers", [])],
            findings=[Finding.from_dict(x) for x in d.get("findings", [])],
            files=d.get("files", 0), bytes=d.get("bytes", 0), catalogue=d.get("catalogue", {}),
        )


STATUS_VI = {TransferStatus.ACCEPTED: "CHẤP NHẬN", TransferStatus.REJECTED: "TỪ CHỐI",
             TransferStatus.FAILED: "LỖI HỆ THỐNG", TransferStatus.RUNNING: "ĐANG XỬ LÝ"}
SEV_VI = {"error": "LỖI", "warning": "CẢNH BÁO", "info": "THÔNG TIN"}
# A dossier's outcome as the table shows it: (Vietnamese, English).
OUTCOME_WORDS = {DossierOutcomeValue.PENDING: ("đang chờ", "pending"), DossierOutcomeValue.STORED: ("đã lưu", "stored"),
                 DossierOutcomeValue.ALREADY_STORED: ("đã có", "already stored"),
                 DossierOutcomeValue.REJECTED: ("bị từ chối", "rejected"),
                 DossierOutcomeValue.NOT_STORED: ("không lưu", "not stored")}


def outcome_word(status: str, lang: str = "both") -> str:
    """The dossier outcome in words: Vietnamese unless ``lang`` is ``en``."""
    try:
        vi, en = OUTCOME_WORDS[DossierOutcomeValue(status)]
    except ValueError:
        return status
    return en if lang == "en" else vi


def cut_words(text: str, width: int) -> str:
    """``text`` on one line, at most ``width`` characters, cut at a word boundary with "…"."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    head = text[: width - 1]
    if text[width - 1] != " " and " " in head:
        head = head[: head.rindex(" ")]
    return head.rstrip(" ,;:.-–") + "…"


def render_text(report: IngestReport, lang: str = "both") -> str:
    """A readable report: summary, dossiers, then findings grouped by dossier."""
    c = report.counts()
    lines = [
        f"Gói nộp lưu / Transfer: {report.source}  ({report.kind}, id {report.transfer_id})",
        f"Kết quả / Result: {STATUS_VI.get(report.status, report.status)} / {report.status.upper()}",
        f"Tệp / Files: {report.files}   Dung lượng / Bytes: {report.bytes}",
        f"Lỗi / Errors: {c['error']}   Cảnh báo / Warnings: {c['warning']}   Thông tin / Notices: {c['info']}",
    ]
    cat = report.catalogue or {}
    if cat.get("version"):
        lines.append(f"Mục lục theo / Catalogue read as: Thông tư {cat['version']}")
        kept = {sheet: cols for sheet, cols in (cat.get("kept_columns") or {}).items() if cols}
        for sheet, cols in kept.items():
            lines.append(f"Cột giữ nguyên / Columns kept ({sheet}): {', '.join(cols)}")
        mapped = cat.get("mapped") or []
        if mapped:
            lines.append(f"Giá trị đã chuyển đổi / Values mapped: {len(mapped)}")
            for m in mapped:
                lines.append(f"  {m['row']} [{m['header']}]: '{m['raw']}' → {m['code']}: {m['label']}")
    lines.append("")
    if report.dossiers:
        w = max(len(d.code) for d in report.dossiers)
        lines.append(f"{'Mã hồ sơ / Dossier':<{w}}  {'Trạng thái / Status':<20} VB/Docs  Lỗi/Err  Tiêu đề / Title")
        for d in report.dossiers:
            lines.append(f"{d.code:<{w}}  {outcome_word(d.status, lang):<20} {d.documents:>7}  {d.errors:>7}  "
                         f"{cut_words(d.title, 60)}")
        lines.append("")
    if report.findings:
        lines.append("Phát hiện / Findings:")
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        for f in sorted(report.findings, key=lambda f: (order[f.severity], f.dossier or "", f.document or "", f.file or "")):
            where = " ".join(x for x in (
                f"hồ sơ={f.dossier}" if f.dossier else "", f"văn bản={f.document}" if f.document else "",
                f"tệp={f.file}" if f.file else "", f"dòng={f.row}" if f.row else "") if x)
            lines.append(f"- [{SEV_VI[f.severity.value]}/{f.severity.value}] {f.code}  {where}")
            if lang in ("both", "vi"):
                lines.append(f"    vi: {f.message_vi}")
            if lang in ("both", "en"):
                lines.append(f"    en: {f.message_en}")
    return "\n".join(lines)
