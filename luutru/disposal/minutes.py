"""Destruction minutes (biên bản hủy tài liệu hết giá trị): PDF + JSON, kept for ever.

The minutes are stored as a dossier-shaped, permanent AIP of their own (id
``BBH-<agency>-<yyyymmdd>-<n>``), not encrypted and under a legal hold, so they are
listed, searched and reindexed like any permanent record and survive the loss of the
database.  Document 1 is the PDF (PDF/A-2b through Ghostscript when it is installed —
the JSON record says which), document 2 the machine-readable JSON of the same facts.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

import luutru.records.events as ev
from luutru.policies.access import combined_access
from luutru.policies.retention import label_vi
from luutru.preservation.aip import AipBuilder
from luutru.preservation.commit import commit
from luutru.records.model import (
    AccessRegime,
    DocumentRecord,
    DossierRecord,
    Reliability,
    Retention,
)
from luutru.records.timeutil import iso_vn, now_vn
from luutru.services import Services
from luutru.packaging.pdf_signing import sign_issued_pdf
from luutru.tools.ghostscript import convert_to_pdfa

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_fonts_done = False


def _fonts() -> tuple[str, str]:
    global _fonts_done
    if not _fonts_done:
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        _fonts_done = True
    return "DejaVuSans", "DejaVuSans-Bold"


def minutes_record(listing: dict[str, Any], minutes_id: str) -> dict[str, Any]:
    """The facts of the minutes, from the list as shown by ``disposal.show``."""
    dossiers = [{k: it.get(k) for k in ("dossier_code", "title", "start_date", "end_date", "retention_years",
                                        "retention_end", "documents", "reason", "state", "note",
                                        "manifest_sha256", "stored_manifest_sha256")}
                for it in listing["items"]]
    return {
        "minutes_id": minutes_id,
        "title_vi": "Biên bản hủy tài liệu hết giá trị",
        "agency_code": listing["agency_code"], "agency_name": listing["agency_name"],
        "list_id": listing["id"], "list_title": listing["title"],
        "explanatory_note": listing["explanatory_note"],
        "approvals": listing["approvals"],
        "destroyed": [d for d in dossiers if d["state"] == "destroyed"],
        "withheld": [d for d in dossiers if d["state"] == "withheld"],
        "method_vi": "Hủy khóa dữ liệu (AES-256-GCM) của từng hồ sơ, xóa mọi phiên bản đối tượng tại mọi nơi lưu trữ, "
                     "xóa khỏi chỉ mục tìm kiếm và cơ sở dữ liệu; giữ lại bia hồ sơ (mã, tiêu đề, thời gian, mã băm).",
        "method_en": "Per-dossier data key (AES-256-GCM) destroyed, every object version deleted at every storage "
                     "location, removed from the search index and the catalog; a tombstone (codes, title, dates, "
                     "hash) is kept.",
        "created_at": iso_vn(),
    }


def render_pdf(rec: dict[str, Any]) -> bytes:
    regular, bold = _fonts()
    base = ParagraphStyle("b", fontName=regular, fontSize=10, leading=13)
    small = ParagraphStyle("s", parent=base, fontSize=8, leading=10)
    head = ParagraphStyle("h", parent=base, fontName=bold, fontSize=14, leading=18, alignment=1)
    center = ParagraphStyle("c", parent=base, alignment=1)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"Biên bản hủy tài liệu hết giá trị {rec['minutes_id']}",
                            author=rec["agency_name"], subject=rec["list_id"], invariant=1)
    a = rec["approvals"]
    story: list[Any] = [
        Paragraph(rec["agency_name"].upper(), center),
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br/>Độc lập - Tự do - Hạnh phúc", center),
        Spacer(1, 6 * mm),
        Paragraph("BIÊN BẢN HỦY TÀI LIỆU HẾT GIÁ TRỊ", head),
        Paragraph(f"Số: {rec['minutes_id']}", center),
        Spacer(1, 4 * mm),
        Paragraph(f"Căn cứ danh mục tài liệu hết giá trị <b>{rec['list_id']}</b> ({rec['list_title']}), "
                  f"do {a['drafted']['by']} lập lúc {a['drafted']['at']}; quyết định số "
                  f"<b>{a['decided'].get('decision_ref') or ''}</b> do {a['decided'].get('by')} phê duyệt lúc "
                  f"{a['decided'].get('at')}.", base),
        Paragraph(f"Bản thuyết minh: {rec['explanatory_note']}", base),
        Spacer(1, 3 * mm),
        Paragraph("Ý kiến của Hội đồng xác định giá trị tài liệu:", base),
    ]
    for o in a["opinions"]:
        story.append(Paragraph(f"– {o['member']} ({o.get('role') or 'thành viên'}): "
                               f"{'đồng ý' if o['opinion'] == 'agree' else 'không đồng ý'} — {o.get('comment') or ''} "
                               f"({o['at']})", base))
    story += [Spacer(1, 3 * mm), Paragraph(
        f"Thực hiện hủy: {a['executed'].get('by')} lúc {a['executed'].get('at')}. Phương pháp: {rec['method_vi']}",
        base), Spacer(1, 3 * mm), Paragraph(f"Các hồ sơ đã hủy ({len(rec['destroyed'])}):", base)]
    rows = [[Paragraph(x, small) for x in ("TT", "Mã hồ sơ", "Tiêu đề", "Thời gian", "Thời hạn", "Lý do hủy",
                                            "SHA-256 (manifest)")]]
    for i, d in enumerate(rec["destroyed"], 1):
        rows.append([Paragraph(str(i), small), Paragraph(d["dossier_code"], small), Paragraph(d["title"] or "", small),
                     Paragraph(f"{d['start_date']} – {d['end_date']}", small),
                     Paragraph(label_vi(d["retention_years"]), small), Paragraph(d["reason"] or "", small),
                     Paragraph((d["manifest_sha256"] or "")[:16] + "…", small)])
    t = Table(rows, colWidths=[8 * mm, 34 * mm, 50 * mm, 24 * mm, 14 * mm, 26 * mm, 22 * mm], repeatRows=1)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(t)
    if rec["withheld"]:
        story += [Spacer(1, 3 * mm), Paragraph("Hồ sơ không hủy (giữ lại khi thực hiện):", base)]
        for d in rec["withheld"]:
            story.append(Paragraph(f"– {d['dossier_code']}: {d.get('note') or ''}", small))
    story += [Spacer(1, 6 * mm), Paragraph(f"Lập lúc {rec['created_at']}.", base)]
    doc.build(story)
    return buf.getvalue()


def _text(rec: dict[str, Any]) -> str:
    lines = [f"Biên bản hủy tài liệu hết giá trị {rec['minutes_id']}", rec["agency_name"],
             f"Danh mục {rec['list_id']}: {rec['list_title']}", rec["explanatory_note"]]
    lines += [f"{d['dossier_code']} {d['title']}" for d in rec["destroyed"]]
    return "\n".join(lines)


def _pdfa(services: Services, pdf: Path, work: Path) -> tuple[Path, str]:
    """PDF/A-2b copy through the Ghostscript wrapper when available; else the plain PDF, said so."""

    res = convert_to_pdfa(pdf, work / "bien_ban_huy.pdfa.pdf", gs=services.settings.ghostscript,
                          timeout=services.settings.pdf_timeout_s)
    if res.ok and res.output is not None:
        return res.output, f"PDF/A-2b (Ghostscript {res.version or ''})".strip()
    return pdf, f"PDF (không tạo được PDF/A / PDF/A not produced: {res.status.value} {res.message[:200]})"


def store_minutes(services: Services, listing: dict[str, Any], minutes_id: str) -> str:
    """Write the minutes of an executed list (``listing``: the list as ``listing.show`` gives
    it) as a permanent AIP under a legal hold, through the one commit path (store → catalog
    → index); idempotent: minutes already stored are only catalogued and indexed again."""

    if services.storage.has_aip(minutes_id):  # written before: catalog and index again
        commit(services, minutes_id, None)
        return minutes_id
    work = Path(tempfile.mkdtemp(prefix="minutes-", dir=services.settings.work_dir))
    try:
        commit(services, minutes_id, _build(services, listing, minutes_id, work), lock={"legal_hold": True})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return minutes_id


def _build(services: Services, listing: dict[str, Any], minutes_id: str, work: Path) -> Path:
    """The sealed bag of the minutes: the PDF (PDF/A-2b when possible) and the JSON record."""
    list_id = listing["id"]
    rec = minutes_record(listing, minutes_id)
    pdf = work / "bien_ban_huy.pdf"
    pdf.write_bytes(render_pdf(rec))
    stored_pdf, pdf_form = _pdfa(services, pdf, work)
    rec["pdf_form"] = pdf_form
    signing = sign_issued_pdf(stored_pdf, services.settings.signing, what_vi="biên bản hủy tài liệu",
                              what_en="destruction minutes", reason=f"Biên bản hủy tài liệu {minutes_id}")
    rec["pdf_signature"] = {**signing.to_dict(), "warnings": [f.message_vi for f in signing.findings]}
    js = work / "bien_ban_huy.json"
    js.write_text(json.dumps(rec, ensure_ascii=False, indent=2), "utf-8")
    today = now_vn().date()
    access = combined_access(it.get("access") for it in listing["items"])
    d = _dossier_record(rec, minutes_id, today, access)
    builder = AipBuilder(work / "bag", d, f"disposal:{list_id}")
    docs = [_doc(d, 1, "Biên bản", "Biên bản hủy tài liệu hết giá trị", stored_pdf.name, today, access),
            _doc(d, 2, "Danh mục", "Danh mục hồ sơ đã hủy và chuỗi phê duyệt (JSON)", js.name, today, access)]
    builder.documents = docs
    c1 = builder.add_original(docs[0], stored_pdf)
    c1.mime, c1.format_name = "application/pdf", pdf_form
    c2 = builder.add_original(docs[1], js)
    c2.mime, c2.format_name = "application/json", "JSON"
    builder.add_text(docs[0].identifier, _text(rec))
    builder.events.append(ev.Event(ev.INGESTION, minutes_id, "success",
                                   f"destruction minutes of list {list_id}", {"list_id": list_id}))
    builder.events.append(ev.Event(ev.SIGNATURE_GENERATION, c1.path, "success" if signing.signed else "warning",
                                   "signed with the organisation certificate" if signing.signed else
                                   "; ".join(f.message_en for f in signing.findings), signing.to_dict()))
    return builder.seal()


def _dossier_record(rec: dict[str, Any], minutes_id: str, today: date, access: AccessRegime) -> DossierRecord:
    number = minutes_id[len(f"BBH-{rec['agency_code']}-"):]
    title = f"Biên bản hủy tài liệu hết giá trị theo danh mục {rec['list_id']}"
    fields = {
        "ma_ho_so": minutes_id, "ma_co_quan": rec["agency_code"], "ten_co_quan": rec["agency_name"],
        "nam_hinh_thanh": today.year, "so_ky_hieu_ho_so": f"BBH-{number}"[:20], "tieu_de": title,
        "thoi_han_bao_quan": "Vĩnh viễn", "che_do_su_dung": access.label_vi(), "ngon_ngu": "Tiếng Việt",
        "thoi_gian_bat_dau": today.isoformat(), "thoi_gian_ket_thuc": today.isoformat(), "tong_so_van_ban": 2,
        "nhom_thoi_han": "12.6",
        "chu_giai": f"Hồ sơ hủy tài liệu của danh mục {rec['list_id']}; giữ vĩnh viễn trong hệ thống.",
    }
    return DossierRecord(minutes_id, rec["agency_code"], rec["agency_name"], today.year, fields["so_ky_hieu_ho_so"],
                         title, Retention(None), access, "Tiếng Việt", today, today, 2, fields)


def _doc(d: DossierRecord, seq: int, doc_type: str, abstract: str, name: str, today: date,
         access: AccessRegime) -> DocumentRecord:
    ident = f"{d.code}.{seq:04d}"
    fields = {"ma_dinh_danh_van_ban": ident, "ma_ho_so": d.code, "so_thu_tu": seq, "ten_loai_van_ban": doc_type,
              "so_van_ban": str(seq), "ky_hieu_van_ban": "BB-HTL", "ngay_van_ban": today.isoformat(),
              "co_quan_ban_hanh": d.agency_name, "trich_yeu": abstract, "ngon_ngu": "Tiếng Việt", "so_trang": 1,
              "che_do_su_dung": access.label_vi(), "muc_do_tin_cay": Reliability.BORN_DIGITAL.label_vi(),
              "duong_dan_tep": name}
    return DocumentRecord(ident, d.code, seq, doc_type, str(seq), "BB-HTL", today, d.agency_name, abstract, access,
                          Reliability.BORN_DIGITAL, name, fields=fields)
