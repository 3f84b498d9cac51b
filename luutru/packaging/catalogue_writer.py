"""Write the transfer catalogue (mục lục hồ sơ) as an XLSX workbook or as two CSV files.

Agencies fill in the blank workbook (``luutru template``); the demo generator and the
catalogue export write filled ones through the same functions, so every catalogue the
service hands out has the same columns, in the same order, as the parser expects.  The
columns come only from :mod:`luutru.records.fields`.

Rows are plain dicts keyed by column key (``ma_ho_so``, ``trich_yeu`` …).  Dates are
``datetime.date`` values: in the workbook they become real date cells shown as
``dd/mm/yyyy``; in CSV they are written as ``dd/mm/yyyy`` text.  Any other value is
written as given, so a deliberately wrong value (a text date such as ``31/02/2021``)
survives unchanged.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from luutru.packaging.catalogue_lists import (
    LISTS_SHEET,
    add_list_validations,
    write_lists_sheet,
)
from luutru.records.fields import (
    DOCUMENT_COLUMNS,
    DOCUMENT_CSV,
    DOCUMENT_SHEET,
    DOSSIER_COLUMNS,
    DOSSIER_CSV,
    DOSSIER_SHEET,
    FONDS_COLUMNS,
    FONDS_SHEET,
    Column,
    Kind,
)

GUIDE_SHEET = "HuongDan"
DATE_FORMAT = "dd/mm/yyyy"
TEMPLATE_NAME = "muc_luc_ho_so.xlsx"


# Rows covered by the dropdowns and column formats in a blank template.
VALIDATION_LAST_ROW = 5000

_KIND_VI = {Kind.STR: "chuỗi ký tự", Kind.INT: "số", Kind.DATE: "ngày (dd/mm/yyyy)", Kind.TEXT: "văn bản dài"}
_KIND_EN = {Kind.STR: "text", Kind.INT: "number", Kind.DATE: "date (dd/mm/yyyy)", Kind.TEXT: "long text"}

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def column_note(col: Column) -> str:
    """The bilingual note shown on a header cell: English label, type, length, required."""
    lines = [f"{col.label_vi} — {col.label_en}", f"Khóa / key: {col.key}"]
    kind = f"Kiểu / type: {_KIND_VI[col.kind]} / {_KIND_EN[col.kind]}"
    if col.max_len:
        unit = "chữ số / digits" if col.kind is Kind.INT else "ký tự / characters"
        kind += f", tối đa / max {col.max_len} {unit}"
    lines.append(kind)
    lines.append("Bắt buộc / required: " + ("có / yes" if col.required else "không / no"))
    if col.note_vi:
        lines.append(col.note_vi)
    return "\n".join(lines)


def _width(col: Column) -> float:
    if col.kind is Kind.DATE:
        return 14
    if col.kind is Kind.INT:
        return max(12, min(len(col.label_vi) * 0.6, 22))
    longest = max(len(col.label_vi) * 0.8, min(col.max_len or 20, 60) * 0.9)
    return max(12, min(longest, 60))


def _write_sheet(ws: Worksheet, columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]) -> int:
    """Header row (labels, notes, styling) then one row per dict; returns the last row."""
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.label_vi)
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if col.required else _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        note = Comment(column_note(col), "luutru")
        note.width, note.height = 320, 150
        cell.comment = note
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = _width(col)
        # Typed-in values keep their form: "05" stays text, dates show as dd/mm/yyyy.
        if col.kind in (Kind.STR, Kind.TEXT) or col.partial_date:
            # text: "05" stays "05"; a month-only date "02/2025" is not turned into 01/02/2025
            dim.number_format = "@"
        elif col.kind is Kind.DATE:
            dim.number_format = DATE_FORMAT
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "A2"

    last = 1
    for r, row in enumerate(rows, start=2):
        last = r
        for i, col in enumerate(columns, start=1):
            value = row.get(col.key)
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=i, value=value)
            if cell.data_type == "f":
                cell.data_type = "s"  # a value starting with "=" is text from a catalogue, never a live formula
            if isinstance(value, (date, datetime)):
                cell.number_format = DATE_FORMAT
            elif col.kind in (Kind.STR, Kind.TEXT) or col.partial_date:
                cell.number_format = "@"
    return last


def _add_date_validation(ws: Worksheet, columns: Sequence[Column], last_row: int) -> None:
    for i, col in enumerate(columns, start=1):
        if col.kind is not Kind.DATE or col.partial_date:
            continue
        letter = get_column_letter(i)
        dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        dv.errorStyle = "warning"
        dv.errorTitle = "Ngày không hợp lệ / Invalid date"
        dv.error = "Nhập ngày dạng dd/mm/yyyy / Enter the date as dd/mm/yyyy"
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{last_row}")


_GUIDE_VI = [
    "HƯỚNG DẪN LẬP MỤC LỤC HỒ SƠ NỘP LƯU",
    "Mẫu theo Thông tư 05/2025/TT-BNV. Mục lục theo mẫu Thông tư 02/2019 vẫn được tiếp nhận và chuyển đổi.",
    f"1. Sheet {FONDS_SHEET} (không bắt buộc): thông tin phông. Sheet {DOSSIER_SHEET}: mỗi dòng một hồ sơ. "
    f"Sheet {DOCUMENT_SHEET}: mỗi dòng một tài liệu. Dòng 1 là tiêu đề cột, không sửa; dữ liệu bắt đầu từ dòng 2. "
    "Cột thêm ngoài mẫu được giữ nguyên trong hồ sơ lưu trữ, không bị bỏ.",
    "2. Cột tô màu cam là bắt buộc. Di chuột lên ô tiêu đề để xem kiểu dữ liệu, độ dài tối đa và ghi chú.",
    "3. Ngày ghi dạng dd/mm/yyyy, ví dụ 05/03/2021; thời gian bắt đầu/kết thúc của hồ sơ số hóa có thể ghi "
    "mm/yyyy hoặc yyyy.",
    f"4. Cột có danh mục (xem sheet {LISTS_SHEET}): chọn trong danh sách, hoặc ghi mã (01) hay nhãn (Vĩnh viễn). "
    "Thời hạn lưu trữ: 01 Vĩnh viễn, 02 70 năm, 03 50 năm, 04 30 năm, 05 20 năm, 06 10 năm, 07 Khác (ghi '07: 15 năm'). "
    "Không ghi số trần như 1 hay 5: hệ thống không đoán, sẽ báo lỗi.",
    "5. Mức độ tiếp cận: 01 Công khai, 02 Sử dụng có điều kiện. Mức độ tin cậy: 01 Gốc điện tử, 02 Số hóa, "
    "03 Hỗn hợp. Ngôn ngữ: nhiều giá trị cách nhau bằng dấu ';'.",
    "6. Mã định danh cơ quan dạng 000.00.31.H57 (phông đóng: mã phông). Mã hồ sơ = mã cơ quan + năm + số và ký "
    "hiệu hồ sơ [+ mục lục số], ví dụ 000.00.31.H57.2021.05. Mã định danh tài liệu: tối đa 25 ký tự, duy nhất. "
    "Mã lưu trữ tài liệu = mã hồ sơ + số thứ tự 7 chữ số (để trống: hệ thống tự lập).",
    "7. Đường dẫn tệp: tương đối so với thư mục gói nộp lưu, dùng dấu /, ví dụ files/05/0001_quyet-dinh.pdf; "
    "không dùng đường dẫn tuyệt đối, không dùng '..', không dùng liên kết tượng trưng.",
    "8. Mã băm SHA-256 (không bắt buộc): 64 ký tự thập lục phân của tệp; nếu ghi, hệ thống sẽ đối chiếu.",
    "9. Tài liệu mật (Mật, Tối mật, Tuyệt mật) không được nộp lưu qua hệ thống này: để trống cột Độ mật.",
    "10. Gói nộp lưu: thư mục chứa tệp mục lục này và các tệp tài liệu; hoặc tệp .zip của thư mục đó; "
    "hoặc túi BagIt có thư mục data/ là thư mục đó.",
]

_GUIDE_EN = [
    "HOW TO FILL IN THE TRANSFER CATALOGUE",
    "Template of Circular 05/2025/TT-BNV. Catalogues in the 02/2019 shape are still accepted and converted.",
    f"1. Sheet {FONDS_SHEET} (optional): the fonds. Sheet {DOSSIER_SHEET}: one row per dossier. "
    f"Sheet {DOCUMENT_SHEET}: one row per document. Row 1 holds the headers; data starts on row 2. "
    "Extra columns are kept in the archival package, never dropped.",
    "2. Orange columns are required. Hover over a header to see its type, maximum length and notes.",
    "3. Dates are dd/mm/yyyy, e.g. 05/03/2021; dossier start/end of digitised dossiers may be mm/yyyy or yyyy.",
    f"4. Listed columns (sheet {LISTS_SHEET}): choose from the list, or type the code (01) or label (Vĩnh viễn). "
    "Retention: 01 permanent, 02 70, 03 50, 04 30, 05 20, 06 10 years, 07 other (write '07: 15 năm'). "
    "Do not write a bare 1 or 5: the service does not guess and reports an error.",
    "5. Access: 01 Công khai (public), 02 Sử dụng có điều kiện (conditional). Reliability: 01 Gốc điện tử, "
    "02 Số hóa, 03 Hỗn hợp. Language: several values separated by ';'.",
    "6. Agency code like 000.00.31.H57 (closed fonds: the fonds code). Dossier code = agency code + year + dossier "
    "number [+ catalogue number]. Document identifier: at most 25 characters, unique. Archival document code = "
    "dossier code + 7-digit sequence (left empty: made by the service).",
    "7. File path: relative to the transfer folder, with '/', e.g. files/05/0001_quyet-dinh.pdf; "
    "no absolute paths, no '..', no symbolic links.",
    "8. SHA-256 checksum (optional): 64 hexadecimal characters of the file; when given it is verified.",
    "9. State-secret documents (Mật, Tối mật, Tuyệt mật) cannot be transferred through this service: "
    "leave the security classification column empty.",
    "10. A transfer is a folder holding this catalogue and the document files; or a .zip of that folder; "
    "or a BagIt bag whose data/ folder is that folder.",
]


def _write_guide(ws: Worksheet) -> None:
    ws.column_dimensions["A"].width = 16
    for letter, width in zip("BCDEFGH", (24, 40, 34, 22, 10, 10, 60)):
        ws.column_dimensions[letter].width = width
    row = 1
    for block in (_GUIDE_VI, _GUIDE_EN):
        for i, line in enumerate(block):
            cell = ws.cell(row=row, column=1, value=line)
            if i == 0:
                cell.font = Font(bold=True, size=13)
            row += 1
        row += 1
    header = ("Sheet", "Khóa / key", "Tên cột", "Column", "Kiểu / type", "Tối đa / max",
              "Bắt buộc / required", "Ghi chú")
    for i, text in enumerate(header, start=1):
        ws.cell(row=row, column=i, value=text).font = Font(bold=True)
    for sheet, columns in ((FONDS_SHEET, FONDS_COLUMNS), (DOSSIER_SHEET, DOSSIER_COLUMNS),
                           (DOCUMENT_SHEET, DOCUMENT_COLUMNS)):
        for col in columns:
            row += 1
            values = (sheet, col.key, col.label_vi, col.label_en, _KIND_EN[col.kind],
                      col.max_len, "x" if col.required else "", col.note_vi)
            for i, value in enumerate(values, start=1):
                if value not in (None, ""):
                    ws.cell(row=row, column=i, value=value)


def build_workbook(dossiers: Sequence[Mapping[str, Any]] = (),
                   documents: Sequence[Mapping[str, Any]] = (),
                   fonds: Sequence[Mapping[str, Any]] = ()) -> Workbook:
    """The catalogue workbook: Phong, HoSo, VanBan, DanhMuc and HuongDan sheets, with any rows given."""
    wb = Workbook()
    ws_fonds = wb.active
    ws_fonds.title = FONDS_SHEET
    ws_dossiers = wb.create_sheet(DOSSIER_SHEET)
    ws_documents = wb.create_sheet(DOCUMENT_SHEET)
    last_f = _write_sheet(ws_fonds, FONDS_COLUMNS, fonds)
    last_d = _write_sheet(ws_dossiers, DOSSIER_COLUMNS, dossiers)
    last_v = _write_sheet(ws_documents, DOCUMENT_COLUMNS, documents)
    ranges = write_lists_sheet(wb)
    for ws, columns, last in ((ws_fonds, FONDS_COLUMNS, last_f), (ws_dossiers, DOSSIER_COLUMNS, last_d),
                              (ws_documents, DOCUMENT_COLUMNS, last_v)):
        last_row = max(VALIDATION_LAST_ROW, last + 100)
        add_list_validations(ws, columns, ranges, last_row)
        _add_date_validation(ws, columns, last_row)
    _write_guide(wb.create_sheet(GUIDE_SHEET))
    wb.active = 1  # open on HoSo
    return wb


def save_workbook(wb: Workbook, path: Path, *, timestamp: datetime | None = None) -> Path:
    """Save ``wb``; with ``timestamp`` the bytes are reproducible (fixed document dates and zip times)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if timestamp is None:
        wb.save(path)
        return path
    if timestamp.tzinfo is not None:
        timestamp = timestamp.astimezone(timezone.utc).replace(tzinfo=None)
    wb.properties.created = wb.properties.modified = timestamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    write_reproducible_zip(path, _zip_members(raw.getvalue()), timestamp)
    return path


def _zip_members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def write_reproducible_zip(path: Path, members: Iterable[tuple[str, bytes]], timestamp: datetime) -> None:
    """Write a zip whose bytes depend only on the members and ``timestamp`` (no clock, no host)."""
    stamp = (max(timestamp.year, 1980), timestamp.month, timestamp.day,
             timestamp.hour, timestamp.minute, timestamp.second)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            out.writestr(info, data)


def write_xlsx_template(path: Path,
                        rows: tuple[Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]] | None = None,
                        *, timestamp: datetime | None = None) -> Path:
    """Write the catalogue workbook to ``path``: blank, or with ``rows = (dossiers, documents)``.

    Each row is a dict keyed by column key; dates as ``datetime.date``.  Pass ``timestamp``
    for reproducible bytes (the demo generator does).
    """
    dossiers, documents = rows if rows is not None else ((), ())
    return save_workbook(build_workbook(dossiers, documents), path, timestamp=timestamp)


def csv_value(value: Any) -> str:
    """One cell as CSV text: dates as dd/mm/yyyy, None as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write_csv_table(path: Path, columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]) -> Path:
    """One UTF-8 CSV file: header of column keys, then one line per row."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.key for c in columns])
        for row in rows:
            writer.writerow([csv_value(row.get(c.key)) for c in columns])
    return path


def write_csv_catalogue(dir: Path, dossiers: Sequence[Mapping[str, Any]],
                        documents: Sequence[Mapping[str, Any]]) -> tuple[Path, Path]:
    """Write ``ho_so.csv`` and ``van_ban.csv`` into ``dir``; returns both paths."""
    dir = Path(dir)
    return (write_csv_table(dir / DOSSIER_CSV, DOSSIER_COLUMNS, dossiers),
            write_csv_table(dir / DOCUMENT_CSV, DOCUMENT_COLUMNS, documents))


def columns_markdown(columns: Sequence[Column]) -> str:
    """A Markdown table of the columns (for docs/transfer-format.md; kept in sync by a test)."""
    lines = ["| # | key | tên cột (header) | column | type | max | required | list | 02/2019 header | conf. | ghi chú |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for i, c in enumerate(columns, start=1):
        req = "yes" if c.required else "no"
        if c.required_2019 is not None and c.required_2019 != c.required:
            req += " (02/2019: " + ("yes" if c.required_2019 else "no") + ")"
        kind = c.kind.value + (" (partial)" if c.partial_date else "")
        lines.append(
            f"| {i} | `{c.key}` | {c.label_vi} | {c.label_en} | {kind} | {c.max_len or ''} | {req} | "
            f"{c.vocabulary or ''} | {'; '.join(c.headers_2019)} | {'extra' if c.extra else c.confidence} | {c.note_vi} |")
    return "\n".join(lines)


def _print_doc_tables() -> None:
    """``python -m luutru.packaging.catalogue_writer`` prints the column tables for docs/transfer-format.md."""
    print(f"### Sheet `{FONDS_SHEET}` / `phong.csv` (optional)\n")
    print(columns_markdown(FONDS_COLUMNS))
    print(f"\n### Sheet `{DOSSIER_SHEET}` / `{DOSSIER_CSV}`\n")
    print(columns_markdown(DOSSIER_COLUMNS))
    print(f"\n### Sheet `{DOCUMENT_SHEET}` / `{DOCUMENT_CSV}`\n")
    print(columns_markdown(DOCUMENT_COLUMNS))


if __name__ == "__main__":
    _print_doc_tables()
