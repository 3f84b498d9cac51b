"""The deliberate errors of the "bad" demo transfer: one of each kind, each listed.

Each error is made on a freshly built dossier and described as a :class:`Defect`, so the
list printed beside the transfer names exactly what a report must find.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Callable

from luutru.demo.builder import DemoDossier, DossierBuilder
from luutru.demo.vocab import AGENCIES


@dataclass(frozen=True)
class Defect:
    """One deliberate error in the bad transfer."""

    code: str  # stable name, e.g. "file_missing"
    vi: str
    en: str
    dossier: str | None = None
    document: str | None = None
    file: str | None = None
    field: str | None = None


INVALID_AGENCY_CODE = "000.0.31.H57"
INVALID_DATE = "31/02/2021"
UNKNOWN_RETENTION = "Lâu dài"


def bad_transfer(builder: DossierBuilder, sizes: list[int], tick: Callable[[], None]
                 ) -> tuple[list[DemoDossier], list[Defect], dict[str, str], set[str]]:
    """Six dossiers of one agency, then one deliberate error each, in distinct places."""
    agency = AGENCIES[0]
    topics = ("cong_van", "kiem_tra_vtlt", "tong_ket", "cchc", "bo_nhiem", "thu_thap")
    years = (2022, 2020, 2022, 2021, 2023, 2021)
    ds = []
    for i, (topic, year, n) in enumerate(zip(topics, years, sizes)):
        code = INVALID_AGENCY_CODE if i == 1 else None
        ds.append(builder.dossier(agency, topic, year, n_docs=n, agency_code=code, progress=tick))
    name_on_disk: dict[str, str] = {}
    skip: set[str] = set()
    defects = (_missing_file_and_checksum(ds[0], skip) + _bad_agency_and_secret(ds[1]) + _swapped_dates(ds[2])
               + _bad_retention_and_abstract(ds[3]) + _wrong_count_and_nfd_name(ds[4], name_on_disk)
               + _bad_date_and_duplicate(ds[5]) + [_unlisted_file(ds[0])])
    return ds, defects, name_on_disk, skip


def _missing_file_and_checksum(d: DemoDossier, skip: set[str]) -> list[Defect]:
    """A listed file is missing; another document's checksum is wrong."""
    r = d.docs[1].row
    skip.add(r["duong_dan_tep"])
    r["sha256"] = None
    out = [Defect("file_missing", f"Văn bản {r['ma_dinh_danh_van_ban']} có trong mục lục nhưng thiếu tệp "
                  f"{r['duong_dan_tep']}.", f"Document {r['ma_dinh_danh_van_ban']} is listed but its file "
                  f"{r['duong_dan_tep']} is missing.", r["ma_ho_so"], r["ma_dinh_danh_van_ban"],
                  r["duong_dan_tep"], "duong_dan_tep")]
    r = d.docs[2].row
    good_sum = hashlib.sha256(d.docs[2].data).hexdigest()
    r["sha256"] = hashlib.sha256(b"not the file " + good_sum.encode()).hexdigest()
    out.append(Defect("checksum_mismatch", f"Mã băm SHA-256 của văn bản {r['ma_dinh_danh_van_ban']} không khớp "
                      "với tệp.", f"The SHA-256 of document {r['ma_dinh_danh_van_ban']} does not match its file.",
                      r["ma_ho_so"], r["ma_dinh_danh_van_ban"], r["duong_dan_tep"], "sha256"))
    return out


def _bad_agency_and_secret(d: DemoDossier) -> list[Defect]:
    """An invalid agency code (used consistently in its codes); a state-secret document."""
    row = d.row
    out = [Defect("agency_code_invalid", f"Hồ sơ {row['ma_ho_so']}: mã định danh cơ quan "
                  f"{INVALID_AGENCY_CODE} sai dạng (đúng dạng 000.00.31.H57).",
                  f"Dossier {row['ma_ho_so']}: agency code {INVALID_AGENCY_CODE} is malformed "
                  "(expected like 000.00.31.H57).", row["ma_ho_so"], None, None, "ma_co_quan")]
    r = d.docs[1].row
    r["do_mat"] = "Mật"
    out.append(Defect("state_secret", f"Văn bản {r['ma_dinh_danh_van_ban']} có độ mật \"Mật\".",
                      f"Document {r['ma_dinh_danh_van_ban']} is marked secret (\"Mật\").",
                      r["ma_ho_so"], r["ma_dinh_danh_van_ban"], r["duong_dan_tep"], "do_mat"))
    return out


def _swapped_dates(d: DemoDossier) -> list[Defect]:
    """End date before start date."""
    row = d.row
    row["thoi_gian_bat_dau"], row["thoi_gian_ket_thuc"] = row["thoi_gian_ket_thuc"], row["thoi_gian_bat_dau"]
    return [Defect("end_before_start", f"Hồ sơ {row['ma_ho_so']}: thời gian kết thúc trước thời gian bắt đầu "
                   "(hai ngày bị đảo).", f"Dossier {row['ma_ho_so']}: end date is before start date "
                   "(the two dates are swapped).", row["ma_ho_so"], None, None, "thoi_gian_ket_thuc")]


def _bad_retention_and_abstract(d: DemoDossier) -> list[Defect]:
    """An unknown retention value; a document with an empty abstract."""
    row = d.row
    row["thoi_han_bao_quan"] = UNKNOWN_RETENTION
    out = [Defect("retention_invalid", f"Hồ sơ {row['ma_ho_so']}: thời hạn bảo quản \"{UNKNOWN_RETENTION}\" "
                  "không hợp lệ (Vĩnh viễn hoặc số năm).", f"Dossier {row['ma_ho_so']}: retention "
                  f"\"{UNKNOWN_RETENTION}\" is not valid (Vĩnh viễn or a number of years).",
                  row["ma_ho_so"], None, None, "thoi_han_bao_quan")]
    r = d.docs[2].row
    r["trich_yeu"] = None
    out.append(Defect("required_missing", f"Văn bản {r['ma_dinh_danh_van_ban']}: thiếu trích yếu nội dung "
                      "(bắt buộc).", f"Document {r['ma_dinh_danh_van_ban']}: the abstract (required) is empty.",
                      r["ma_ho_so"], r["ma_dinh_danh_van_ban"], None, "trich_yeu"))
    return out


def _wrong_count_and_nfd_name(d: DemoDossier, name_on_disk: dict[str, str]) -> list[Defect]:
    """The document count is wrong; a file name is stored in NFD on disk."""
    row = d.row
    row["tong_so_van_ban"] = len(d.docs) + 2
    out = [Defect("document_count_mismatch", f"Hồ sơ {row['ma_ho_so']}: tổng số văn bản ghi "
                  f"{row['tong_so_van_ban']} nhưng mục lục có {len(d.docs)} văn bản.",
                  f"Dossier {row['ma_ho_so']}: says {row['tong_so_van_ban']} documents but the catalogue "
                  f"lists {len(d.docs)}.", row["ma_ho_so"], None, None, "tong_so_van_ban")]
    target = d.docs[-1]  # the decision (Quyết định) that closes the dossier
    nfc = unicodedata.normalize("NFC", f"files/{row['ma_ho_so']}/{target.row['so_thu_tu']:04d}_"
                                       f"{target.row['ten_loai_van_ban']}.pdf")
    target.row["duong_dan_tep"] = target.path = nfc
    name_on_disk[nfc] = unicodedata.normalize("NFD", nfc)
    out.append(Defect("file_name_nfd", f"Tệp {nfc} được lưu trên đĩa với tên dạng NFD, mục lục ghi dạng NFC.",
                      f"File {nfc} is stored on disk with an NFD name; the catalogue has it in NFC.",
                      row["ma_ho_so"], target.row["ma_dinh_danh_van_ban"], nfc, "duong_dan_tep"))
    return out


def _bad_date_and_duplicate(d: DemoDossier) -> list[Defect]:
    """An impossible date; a duplicate document identifier."""
    r = d.docs[1].row
    r["ngay_van_ban"] = INVALID_DATE
    out = [Defect("date_invalid", f"Văn bản {r['ma_dinh_danh_van_ban']}: ngày {INVALID_DATE} không tồn tại.",
                  f"Document {r['ma_dinh_danh_van_ban']}: date {INVALID_DATE} does not exist.",
                  r["ma_ho_so"], r["ma_dinh_danh_van_ban"], None, "ngay_van_ban")]
    last, before = d.docs[-1].row, d.docs[-2].row
    last["ma_dinh_danh_van_ban"], last["so_thu_tu"] = before["ma_dinh_danh_van_ban"], before["so_thu_tu"]
    out.append(Defect("document_duplicate", f"Mã định danh văn bản {last['ma_dinh_danh_van_ban']} xuất hiện hai lần.",
                      f"Document identifier {last['ma_dinh_danh_van_ban']} appears twice.",
                      last["ma_ho_so"], last["ma_dinh_danh_van_ban"], last["duong_dan_tep"],
                      "ma_dinh_danh_van_ban"))
    return out


def _unlisted_file(d: DemoDossier) -> Defect:
    """A file in the transfer that the catalogue does not list (the caller writes it)."""
    extra = f"files/{d.row['ma_ho_so']}/0099_ban-nhap.pdf"
    return Defect("file_unlisted", f"Tệp {extra} có trong gói nhưng không có trong mục lục.",
                  f"File {extra} is in the transfer but not in the catalogue.", d.row["ma_ho_so"], None, extra, None)


def errors_text(defects: list[Defect]) -> str:
    lines = ["LỖI CỐ Ý TRONG GÓI NỘP LƯU MẪU \"bad\" / DELIBERATE ERRORS IN THE \"bad\" DEMO TRANSFER", "",
             "Mỗi lỗi xuất hiện đúng một lần. Một lỗi có thể kéo theo phát hiện phụ (ví dụ hai ngày bị đảo thì "
             "ngày văn bản nằm ngoài khoảng thời gian của hồ sơ). / Each error occurs exactly once; one error may "
             "cause follow-on findings (e.g. swapped dossier dates put document dates outside the dossier span).",
             ""]
    for i, d in enumerate(defects, start=1):
        lines.append(f"{i:2d}. [{d.code}] {d.vi}")
        lines.append(f"    {d.en}")
    return "\n".join(lines) + "\n"
