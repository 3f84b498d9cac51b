"""Small, exact transfers for tests: a valid base that each test then breaks on purpose."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from luutru.records.fields import DOCUMENT_COLUMNS, DOSSIER_COLUMNS

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_registered = False


def make_pdf(text_lines: list[str]) -> bytes:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(TTFont("DejaVu", FONT))
        _registered = True
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setFont("DejaVu", 12)
    y = 800
    for line in text_lines:
        c.drawString(60, y, line)
        y -= 18
    c.showPage()
    c.save()
    return buf.getvalue()


AGENCY = "000.00.31.H57"
AGENCY_NAME = "Sở Nội vụ tỉnh Tiền Giang"


@dataclass
class TransferSpec:
    dossiers: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)


def dossier_row(n: int, docs: int, *, year: int = 2021, agency: str = AGENCY, title: str | None = None,
                retention: str = "10 năm", access: str = "Công khai") -> dict[str, Any]:
    num = f"{n:02d}"
    return {
        "ma_ho_so": f"{agency}.{year}.{num}", "ma_co_quan": agency, "ten_co_quan": AGENCY_NAME,
        "nam_hinh_thanh": year, "so_ky_hieu_ho_so": num,
        "tieu_de": title or f"Hồ sơ về việc ban hành quyết định tuyển dụng công chức tỉnh Đắk Lắk năm {year} số {num}",
        "thoi_han_bao_quan": retention, "che_do_su_dung": access, "ngon_ngu": "Tiếng Việt",
        "thoi_gian_bat_dau": "05/01/2021", "thoi_gian_ket_thuc": "28/12/2021", "tong_so_van_ban": docs,
    }


def document_row(dossier: dict[str, Any], seq: int, path: str, sha: str | None, **over: Any) -> dict[str, Any]:
    row = {
        "ma_dinh_danh_van_ban": f"{dossier['ma_ho_so']}.{seq:04d}", "ma_ho_so": dossier["ma_ho_so"], "so_thu_tu": seq,
        "ten_loai_van_ban": "Quyết định", "so_van_ban": str(30 + seq), "ky_hieu_van_ban": "QĐ-UBND",
        "ngay_van_ban": "15/03/2021", "co_quan_ban_hanh": "Ủy ban nhân dân tỉnh Tiền Giang",
        "trich_yeu": f"Quyết định về việc phê duyệt kế hoạch cải cách hành chính số {seq}",
        "ngon_ngu": "Tiếng Việt", "so_trang": 1, "che_do_su_dung": "Công khai",
        "muc_do_tin_cay": "Bản gốc điện tử", "duong_dan_tep": path, "sha256": sha or "",
    }
    row.update(over)
    return row


def base_spec(n_dossiers: int = 2, n_docs: int = 3) -> TransferSpec:
    spec = TransferSpec()
    for n in range(1, n_dossiers + 1):
        d = dossier_row(n, n_docs)
        spec.dossiers.append(d)
        for s in range(1, n_docs + 1):
            path = f"files/{d['so_ky_hieu_ho_so']}/{s:04d}_quyết định.pdf"
            data = make_pdf([f"QUYẾT ĐỊNH số {30 + s}/QĐ-UBND", f"Về việc phê duyệt kế hoạch cải cách hành chính {n}-{s}",
                             "Đắk Lắk, ngày 15 tháng 3 năm 2021"])
            spec.files[path] = data
            spec.documents.append(document_row(d, s, path, hashlib.sha256(data).hexdigest()))
    return spec


def refuse_by_the_last_file(spec: TransferSpec) -> None:
    """Make the last dossier's last file a program named ``.pdf`` (its declared checksum
    right): FORMAT_REJECTED, an error of the file checks, so the transfer is refused
    only after the dossiers before it were sealed."""
    last = spec.documents[-1]
    data = b"MZ\x90\x00" + os.urandom(4096)
    spec.files[last["duong_dan_tep"]] = data
    last["sha256"] = hashlib.sha256(data).hexdigest()


def original_digests(plain: Path, documents: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Document id → the SHA-256 of each original file, in a bag fetched to ``plain``, of
    the catalogue rows ``documents`` (each should be ``[row["sha256"]]``)."""
    return {r["ma_dinh_danh_van_ban"]: [hashlib.sha256(p.read_bytes()).hexdigest()
                                        for p in (plain / "data" / "objects" / r["ma_dinh_danh_van_ban"]).iterdir()
                                        if p.is_file()] for r in documents}


def _old(cols):
    """The columns of luutru's earlier (02/2019) catalogue: what these test transfers are."""
    return [c for c in cols if not c.since_2025]


def _header_2019(c) -> str:
    return c.headers_2019[0] if c.headers_2019 else c.label_vi


def write_transfer(spec: TransferSpec, root: Path, *, fmt: str = "csv") -> Path:
    """Write the transfer as a 02/2019 catalogue (luutru's earlier template); 05/2025 ones: test_catalogue_2025."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in spec.files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    if fmt == "csv":
        for name, cols, rows in (("ho_so.csv", _old(DOSSIER_COLUMNS), spec.dossiers),
                                 ("van_ban.csv", _old(DOCUMENT_COLUMNS), spec.documents)):
            with open(root / name, "w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, [c.key for c in cols])
                w.writeheader()
                for r in rows:
                    w.writerow({c.key: r.get(c.key, "") for c in cols})
    else:
        import openpyxl

        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for sheet, cols, rows in (("HoSo", _old(DOSSIER_COLUMNS), spec.dossiers),
                                  ("VanBan", _old(DOCUMENT_COLUMNS), spec.documents)):
            ws = wb.create_sheet(sheet)
            ws.append([_header_2019(c) for c in cols])
            for r in rows:
                ws.append([r.get(c.key) for c in cols])
        wb.save(root / "muc_luc_ho_so.xlsx")
    return root
