"""The handover record (biên bản giao nhận tài liệu) of a transfer to a historical archive,
and the PDF renderings: the catalogue, the draft handover record and the receipt (giấy
xác nhận đã nhận tài liệu).

Why PDFs: the handover is signed by people on both sides, and the catalogue travels
with it as an attachment; both must be readable without this software.  The JSON forms
(:func:`handover_record` here, the receipt in :mod:`luutru.transfer_out.receipt`) are
what machines compare; the render functions only lay them out.  All text uses the
DejaVu fonts so Vietnamese prints correctly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from luutru.transfer_out.register import PackageDossier

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
_fonts_ready = False


def _fonts() -> None:
    global _fonts_ready
    if _fonts_ready:
        return
    for name, file in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _fonts_ready = True


def _signature_blocks() -> list[dict[str, Any]]:
    return [
        {"side": "sender", "label_vi": "ĐẠI DIỆN BÊN GIAO", "name": None, "title": None, "signed_at": None},
        {"side": "receiver", "label_vi": "ĐẠI DIỆN BÊN NHẬN", "name": None, "title": None, "signed_at": None},
    ]


def handover_record(*, package_id: str, created: str, legal_basis: str, agency_code: str, agency_name: str,
                    archive: Mapping[str, Any], members: Sequence[PackageDossier],
                    sent_dossiers: Sequence[Mapping[str, Any]], attachments: Sequence[str],
                    payload_manifest_sha256: str | None) -> dict[str, Any]:
    """The draft handover record as JSON: both sides, the fonds, the date range, the totals, each
    dossier with its counts and content hash; blank date, place and signatures for people to fill."""
    starts = [d.get("thoi_gian_bat_dau") for d in sent_dossiers if d.get("thoi_gian_bat_dau")]
    ends = [d.get("thoi_gian_ket_thuc") for d in sent_dossiers if d.get("thoi_gian_ket_thuc")]
    by_code = {d["ma_ho_so"]: d for d in sent_dossiers}
    n_docs = sum(x.documents for x in members)
    return {
        "kind": "bien_ban_giao_nhan_tai_lieu", "draft": True, "package_id": package_id, "created_at": created,
        "legal_basis": legal_basis,
        "sender": {"agency_code": agency_code, "agency_name": agency_name, "representative": {"name": None, "title": None}},
        "receiver": {**archive, "representative": {"name": None, "title": None}},
        "fonds": {"code": agency_code, "name": agency_name},
        "period": {"from": min(starts) if starts else None, "to": max(ends) if ends else None},
        "totals": {"dossiers": len(members), "documents": n_docs, "files": n_docs,
                   "bytes": sum(x.bytes for x in members)},
        "dossiers": [{"ma_ho_so": x.code, "tieu_de": x.title,
                      "thoi_gian_bat_dau": by_code[x.code].get("thoi_gian_bat_dau"),
                      "thoi_gian_ket_thuc": by_code[x.code].get("thoi_gian_ket_thuc"),
                      "thoi_han_bao_quan": by_code[x.code].get("thoi_han_bao_quan"),
                      "che_do_su_dung": by_code[x.code].get("che_do_su_dung"),
                      "documents": x.documents, "files": x.documents, "bytes": x.bytes,
                      "content_sha256": x.content_sha256} for x in members],
        "attachments": list(attachments),
        "package_payload_manifest_sha256": payload_manifest_sha256,
        "handover_date": None, "place": None,
        "signatures": _signature_blocks(),
    }


def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=10, leading=13)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18, alignment=TA_CENTER,
                                spaceAfter=4),
        "bold": ParagraphStyle("bold", parent=base, fontName=FONT_BOLD),
        "boldc": ParagraphStyle("boldc", parent=base, fontName=FONT_BOLD, alignment=TA_CENTER),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), style)


def vn_date(value: Any) -> str:
    """ISO ``yyyy-mm-dd`` → ``dd/mm/yyyy`` as Vietnamese records write dates; anything else unchanged."""
    s = "" if value is None else str(value)
    if len(s) == 10 and s[4] == "-" and s[7] == "-":
        return f"{s[8:10]}/{s[5:7]}/{s[0:4]}"
    return s


def _grid(rows: list[list[Any]], widths: Sequence[float], st: dict[str, ParagraphStyle]) -> Table:
    data = [[_p(c, st["bold"] if i == 0 else st["small"]) for c in row] for i, row in enumerate(rows)]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return t


def _header(st: dict[str, ParagraphStyle], left_top: str, left_bottom: str) -> Table:
    t = Table([[_p(left_top, st["center"]), _p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st["boldc"])],
               [_p(left_bottom, st["boldc"]), _p("Độc lập - Tự do - Hạnh phúc", st["boldc"])]],
              colWidths=[80 * mm, 95 * mm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def _signatures(st: dict[str, ParagraphStyle], left: str, right: str) -> Table:
    note = "(Ký, ghi rõ họ tên, chức vụ và đóng dấu)\n(Sign, full name, title, seal)"
    t = Table([[_p(left, st["boldc"]), _p(right, st["boldc"])],
               [_p(note, st["center"]), _p(note, st["center"])],
               ["", ""],
               [_p("Họ và tên / name: ....................................", st["small"]),
                _p("Họ và tên / name: ....................................", st["small"])]],
              colWidths=[87 * mm, 87 * mm], rowHeights=[None, None, 28 * mm, None])
    return t


def render_catalogue_pdf(path: Path, dossiers: Sequence[Mapping[str, Any]], documents: Sequence[Mapping[str, Any]],
                         *, package_id: str, agency_name: str, created_at: str) -> Path:
    """The catalogue (mục lục hồ sơ) of a package: dossiers, then the documents of each."""
    st = _styles()
    path = Path(path)
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=f"Mục lục hồ sơ {package_id}",
                            author=agency_name)
    story: list[Any] = [
        _p("MỤC LỤC HỒ SƠ NỘP LƯU VÀO LƯU TRỮ LỊCH SỬ", st["title"]),
        _p(f"Catalogue of the transfer to the historical archive — {agency_name}", st["center"]),
        _p(f"Gói / package: {package_id}   Lập lúc / made: {created_at}", st["center"]),
        Spacer(1, 5 * mm),
    ]
    rows = [["TT", "Mã hồ sơ / code", "Tiêu đề hồ sơ / title", "Thời gian / dates", "Thời hạn / retention",
             "Chế độ / access", "Số VB / docs"]]
    for i, d in enumerate(dossiers, start=1):
        rows.append([i, d.get("ma_ho_so"), d.get("tieu_de"),
                     f"{vn_date(d.get('thoi_gian_bat_dau'))} – {vn_date(d.get('thoi_gian_ket_thuc'))}",
                     d.get("thoi_han_bao_quan"), d.get("che_do_su_dung"), d.get("tong_so_van_ban")])
    story.append(_grid(rows, [11 * mm, 44 * mm, 110 * mm, 40 * mm, 22 * mm, 22 * mm, 18 * mm], st))
    by_dossier: dict[str, list[Mapping[str, Any]]] = {}
    for v in documents:
        by_dossier.setdefault(str(v.get("ma_ho_so")), []).append(v)
    for d in dossiers:
        code = str(d.get("ma_ho_so"))
        story += [Spacer(1, 6 * mm), _p(f"Hồ sơ / dossier {code}: {d.get('tieu_de')}", st["bold"]), Spacer(1, 2 * mm)]
        rows = [["TT", "Số, ký hiệu / number", "Ngày / date", "Loại / type", "Trích yếu / abstract",
                 "Cơ quan ban hành / issuer", "Tệp / file", "SHA-256"]]
        for v in sorted(by_dossier.get(code, []), key=lambda x: x.get("so_thu_tu") or 0):
            rows.append([v.get("so_thu_tu"), f"{v.get('so_van_ban')}/{v.get('ky_hieu_van_ban')}", vn_date(v.get("ngay_van_ban")),
                         v.get("ten_loai_van_ban"), v.get("trich_yeu"), v.get("co_quan_ban_hanh"),
                         v.get("duong_dan_tep"), v.get("sha256")])
        story.append(_grid(rows, [10 * mm, 25 * mm, 22 * mm, 22 * mm, 67 * mm, 38 * mm, 45 * mm, 38 * mm], st))
    doc.build(story)
    return path


def render_handover_pdf(path: Path, record: Mapping[str, Any]) -> Path:
    """The draft handover record (biên bản giao nhận tài liệu) from its JSON form."""
    st = _styles()
    sender, receiver, totals = record["sender"], record["receiver"], record["totals"]
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"Biên bản giao nhận tài liệu {record['package_id']}",
                            author=sender["agency_name"])
    period = record.get("period") or {}
    story: list[Any] = [
        _header(st, sender["agency_name"], "Số: ....../BB-GNTL"),
        Spacer(1, 6 * mm),
        _p("BIÊN BẢN", st["title"]),
        _p("Về việc giao nhận tài liệu nộp lưu vào Lưu trữ lịch sử", st["boldc"]),
        _p("Handover record of records transferred to the historical archive (DRAFT / DỰ THẢO)", st["center"]),
        Spacer(1, 5 * mm),
        _p(f"Căn cứ / legal basis: {record.get('legal_basis') or ''}", st["base"]),
        _p("Hôm nay, ngày ..... tháng ..... năm ........, tại ................................................, "
           "chúng tôi gồm:", st["base"]),
        Spacer(1, 2 * mm),
        _p(f"BÊN GIAO / SENDER: {sender['agency_name']} (mã định danh / code {sender['agency_code']})", st["bold"]),
        _p("Đại diện / represented by: Ông (Bà) ........................................ "
           "Chức vụ / title: ....................................", st["base"]),
        _p(f"BÊN NHẬN / RECEIVER: {receiver['archive_name']}"
           + (f" (mã / code {receiver['archive_code']})" if receiver.get("archive_code") else ""), st["bold"]),
        _p("Đại diện / represented by: Ông (Bà) ........................................ "
           "Chức vụ / title: ....................................", st["base"]),
        Spacer(1, 3 * mm),
        _p("Thống nhất lập biên bản giao nhận tài liệu với nội dung sau / agree on the following handover:", st["base"]),
        _p(f"1. Tên phông / fonds: {record['fonds']['name']} ({record['fonds']['code']})", st["base"]),
        _p(f"2. Thời gian của tài liệu / date range: {vn_date(period.get('from'))} – {vn_date(period.get('to'))}", st["base"]),
        _p(f"3. Số lượng / quantity: {totals['dossiers']} hồ sơ / dossiers, {totals['documents']} văn bản / documents, "
           f"{totals['files']} tệp / files, {totals['bytes']} byte", st["base"]),
        _p(f"4. Gói điện tử / electronic package: {record['package_id']} (BagIt, SHA-256; mã băm manifest / "
           f"manifest hash {record.get('package_payload_manifest_sha256') or ''})", st["base"]),
        _p("5. Công cụ tra cứu kèm theo / finding aids attached: " + ", ".join(record.get("attachments") or []), st["base"]),
        Spacer(1, 3 * mm),
    ]
    rows = [["TT", "Mã hồ sơ / code", "Tiêu đề / title", "Thời gian / dates", "Thời hạn", "Số VB"]]
    for i, d in enumerate(record["dossiers"], start=1):
        rows.append([i, d["ma_ho_so"], d["tieu_de"], f"{vn_date(d.get('thoi_gian_bat_dau'))} – {vn_date(d.get('thoi_gian_ket_thuc'))}",
                     d.get("thoi_han_bao_quan"), d["documents"]])
    story += [
        _grid(rows, [10 * mm, 40 * mm, 65 * mm, 35 * mm, 17 * mm, 12 * mm], st),
        Spacer(1, 4 * mm),
        _p("Biên bản được lập thành 02 bản, mỗi bên giữ 01 bản. / Made in two copies, one for each side.", st["base"]),
        Spacer(1, 6 * mm),
        _signatures(st, "ĐẠI DIỆN BÊN GIAO\nFOR THE SENDER", "ĐẠI DIỆN BÊN NHẬN\nFOR THE RECEIVER"),
    ]
    doc.build(story)
    return Path(path)


def render_receipt_pdf(path: Path, receipt: Mapping[str, Any]) -> Path:
    """The receipt the receiving archive returns: each dossier received, with its hashes."""
    st = _styles()
    receiver = receipt.get("receiving_archive") or {}
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=f"Giấy xác nhận {receipt['receipt_id']}",
                            author=receiver.get("name") or "")
    story: list[Any] = [
        _p("GIẤY XÁC NHẬN ĐÃ NHẬN TÀI LIỆU NỘP LƯU", st["title"]),
        _p("Receipt for records transferred to the historical archive", st["center"]),
        Spacer(1, 4 * mm),
        _p(f"Số xác nhận / receipt: {receipt['receipt_id']}", st["base"]),
        _p(f"Gói nộp lưu / package: {receipt['package_id']}  —  mã băm manifest / manifest hash: "
           f"{receipt.get('package_payload_manifest_sha256') or ''}", st["base"]),
        _p(f"Bên giao / sender: {receipt.get('sender', {}).get('agency_name', '')} "
           f"({receipt.get('sender', {}).get('agency_code', '')})", st["base"]),
        _p(f"Bên nhận / receiver: {receiver.get('name') or ''} {('(' + receiver['code'] + ')') if receiver.get('code') else ''}",
           st["base"]),
        _p(f"Đã tiếp nhận lúc / received at: {receipt['received_at']}  —  lượt tiếp nhận / ingest: {receipt.get('transfer_id')}",
           st["base"]),
        Spacer(1, 4 * mm),
    ]
    rows = [["TT", "Mã hồ sơ / code", "Tiêu đề / title", "Số VB", "Trạng thái / status",
             "Mã băm nội dung / content SHA-256", "Mã băm siêu dữ liệu / metadata SHA-256"]]
    for i, d in enumerate(receipt["dossiers"], start=1):
        title = d.get("tieu_de") or ""
        if d.get("objid"):  # a 05/2025 SIP: name the package by its OBJID and checksum
            title = f"{title} — gói / package {d['objid']}, SHA-256 {d.get('package_sha256') or ''}"
        rows.append([i, d["ma_ho_so"], title, d.get("documents"), d.get("status"),
                     d.get("content_sha256"), d.get("metadata_sha256")])
    story += [
        _grid(rows, [10 * mm, 38 * mm, 69 * mm, 12 * mm, 22 * mm, 56 * mm, 56 * mm], st),
        Spacer(1, 8 * mm),
        _signatures(st, "NGƯỜI LẬP / PREPARED BY", "ĐẠI DIỆN BÊN NHẬN\nFOR THE RECEIVER"),
    ]
    doc.build(story)
    return Path(path)
