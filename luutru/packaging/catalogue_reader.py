"""Reading the catalogue (mục lục hồ sơ) of a transfer: XLSX workbook or two CSV files.

Only reading happens here: rows come out as raw values keyed by column key, each with
its location (``HoSo!5``, ``van_ban.csv:12``) so findings point at the cell row.  Field
rules live in :mod:`luutru.ingest.validate`.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from luutru.records.fields import (
    CATALOGUE_XLSX_NAMES,
    DOCUMENT_COLUMNS,
    DOCUMENT_CSV,
    DOCUMENT_SHEET,
    DOSSIER_COLUMNS,
    DOSSIER_CSV,
    DOSSIER_SHEET,
    Column,
)
from luutru.records.findings import Finding, error, warning
from luutru.records.model import fold


@dataclass
class RawRow:
    where: str
    values: dict[str, Any]


@dataclass
class RawCatalogue:
    source: str | None = None  # catalogue file name(s) relative to the transfer root
    dossiers: list[RawRow] = field(default_factory=list)
    documents: list[RawRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def catalogue_files(self) -> set[str]:
        return set((self.source or "").split("+")) - {""}


def _header_map(headers: list[Any], columns: tuple[Column, ...], where: str) -> tuple[dict[int, str], list[Finding]]:
    lookup: dict[str, str] = {}
    for c in columns:
        lookup[fold(c.key)] = c.key
        lookup[fold(c.label_vi)] = c.key
        lookup[fold(c.label_en)] = c.key
    mapping: dict[int, str] = {}
    findings: list[Finding] = []
    for i, h in enumerate(headers):
        if h is None or str(h).strip() == "":
            continue
        key = lookup.get(fold(unicodedata.normalize("NFC", str(h))))
        if key is None:
            findings.append(warning(
                "CATALOGUE_UNKNOWN_COLUMN",
                f"{where}: cột '{h}' không thuộc mẫu mục lục, bị bỏ qua. Sửa: dùng mẫu `luutru template`.",
                f"{where}: column '{h}' is not in the catalogue template and is ignored. Fix: use the `luutru template` workbook.",
                row=where, field=str(h)))
        elif key in mapping.values():
            findings.append(error(
                "CATALOGUE_DUPLICATE_COLUMN",
                f"{where}: cột '{h}' xuất hiện hai lần. Sửa: xóa cột trùng.",
                f"{where}: column '{h}' appears twice. Fix: delete the duplicate column.", row=where, field=key))
        else:
            mapping[i] = key
    present = set(mapping.values())
    for c in columns:
        if c.required and c.key not in present:
            findings.append(error(
                "CATALOGUE_MISSING_COLUMN",
                f"{where}: thiếu cột bắt buộc '{c.label_vi}' ({c.key}). Sửa: thêm cột theo mẫu `luutru template`.",
                f"{where}: required column '{c.label_en}' ({c.key}) is missing. Fix: add it as in the `luutru template` workbook.",
                row=where, field=c.key))
    return mapping, findings


def _rows(records: list[list[Any]], columns: tuple[Column, ...], label: str, first_row: int) -> tuple[list[RawRow], list[Finding]]:
    if not records:
        return [], [error("CATALOGUE_EMPTY_SHEET", f"{label}: trống, không có dòng tiêu đề. Sửa: dùng mẫu `luutru template`.",
                          f"{label}: empty, no header row. Fix: use the `luutru template` workbook.", row=label)]
    mapping, findings = _header_map(records[0], columns, label)
    rows: list[RawRow] = []
    for n, rec in enumerate(records[1:], start=first_row + 1):
        values: dict[str, Any] = {}
        for i, key in mapping.items():
            v = rec[i] if i < len(rec) else None
            if isinstance(v, str):
                v = unicodedata.normalize("NFC", v.strip())
                if v == "":
                    v = None
            values[key] = v
        if all(v is None for v in values.values()):
            continue  # blank row
        rows.append(RawRow(f"{label}:{n}", values))
    return rows, findings


def _find_ci(root: Path, names: tuple[str, ...]) -> Path | None:
    wanted = {n.lower() for n in names}
    for p in sorted(root.iterdir()):
        if p.is_file() and unicodedata.normalize("NFC", p.name).lower() in wanted:
            return p
    return None


def read_xlsx(path: Path, root: Path) -> RawCatalogue:
    from zipfile import BadZipFile

    import openpyxl  # local import: keeps CLI start-up light
    from openpyxl.utils.exceptions import InvalidFileException

    cat = RawCatalogue(source=path.relative_to(root).as_posix())
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as e:
        cat.findings.append(error(
            "CATALOGUE_UNREADABLE",
            f"Không đọc được tệp mục lục '{path.name}': {e}. Sửa: lưu lại bằng Excel/LibreOffice dạng .xlsx.",
            f"Cannot read catalogue '{path.name}': {e}. Fix: save it again as .xlsx from Excel/LibreOffice.",
            file=cat.source))
        return cat
    try:
        sheets = {fold(n): n for n in wb.sheetnames}
        for sheet, columns, target in ((DOSSIER_SHEET, DOSSIER_COLUMNS, cat.dossiers),
                                       (DOCUMENT_SHEET, DOCUMENT_COLUMNS, cat.documents)):
            name = sheets.get(fold(sheet))
            if name is None:
                cat.findings.append(error(
                    "CATALOGUE_MISSING_SHEET",
                    f"Tệp mục lục thiếu trang '{sheet}'. Sửa: dùng mẫu `luutru template` (trang {DOSSIER_SHEET} và {DOCUMENT_SHEET}).",
                    f"The catalogue workbook has no sheet '{sheet}'. Fix: use the `luutru template` workbook (sheets {DOSSIER_SHEET} and {DOCUMENT_SHEET}).",
                    file=cat.source, row=sheet))
                continue
            records = [list(r) for r in wb[name].iter_rows(values_only=True)]
            rows, findings = _rows(records, columns, sheet, 1)
            target.extend(rows)
            cat.findings.extend(findings)
    finally:
        wb.close()
    return cat


def _read_csv(path: Path) -> list[list[Any]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return [list(r) for r in csv.reader(fh, dialect)]


def read_csv_pair(dossier_csv: Path, document_csv: Path, root: Path) -> RawCatalogue:
    cat = RawCatalogue(source=f"{dossier_csv.relative_to(root).as_posix()}+{document_csv.relative_to(root).as_posix()}")
    for path, columns, target in ((dossier_csv, DOSSIER_COLUMNS, cat.dossiers), (document_csv, DOCUMENT_COLUMNS, cat.documents)):
        try:
            records = _read_csv(path)
        except UnicodeDecodeError:
            cat.findings.append(error(
                "CATALOGUE_ENCODING",
                f"'{path.name}' không phải UTF-8. Sửa: lưu lại dạng CSV UTF-8 (Unicode TCVN 6909:2001).",
                f"'{path.name}' is not UTF-8. Fix: save it as CSV UTF-8 (Unicode).", file=path.name))
            continue
        rows, findings = _rows(records, columns, path.name, 1)
        target.extend(rows)
        cat.findings.extend(findings)
    return cat


def read_catalogue(root: Path) -> RawCatalogue:
    """Find and read the catalogue in a transfer root."""
    xlsx = _find_ci(root, CATALOGUE_XLSX_NAMES)
    if xlsx is not None:
        return read_xlsx(xlsx, root)
    d, v = _find_ci(root, (DOSSIER_CSV,)), _find_ci(root, (DOCUMENT_CSV,))
    if d is not None and v is not None:
        return read_csv_pair(d, v, root)
    cat = RawCatalogue()
    cat.findings.append(error(
        "CATALOGUE_MISSING",
        f"Không tìm thấy mục lục hồ sơ. Sửa: đặt tệp '{CATALOGUE_XLSX_NAMES[0]}' (hoặc '{DOSSIER_CSV}' và '{DOCUMENT_CSV}') "
        "ở thư mục gốc của gói nộp lưu; lấy mẫu bằng `luutru template`.",
        f"No catalogue found. Fix: put '{CATALOGUE_XLSX_NAMES[0]}' (or '{DOSSIER_CSV}' and '{DOCUMENT_CSV}') at the "
        "top of the transfer; get the template with `luutru template`."))
    return cat
