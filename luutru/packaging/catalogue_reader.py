"""Reading the catalogue (mục lục hồ sơ) of a transfer: 05/2025 or 02/2019, XLSX or CSV.

Only reading happens here: rows come out as raw values keyed by column key, each with
its location (``HoSo!5``, ``van_ban.csv:12``) so findings point at the cell row.  Which
circular a sheet follows is told by its headers (``fields.detect_version``) and
said in the report.  **Nothing a catalogue holds is dropped**: a column the field table
does not know is kept, cell by cell, in ``RawRow.extra`` (it travels into the AIP
metadata) and reported as kept.  Field rules live in the validator.
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
    FONDS_COLUMNS,
    FONDS_CSV,
    FONDS_SHEET,
    Column,
    Version,
    detect_version,
    header_lookup,
)
from luutru.records.findings import Finding, error, info
from luutru.records.model import fold


@dataclass
class RawRow:
    where: str
    values: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)  # header -> value of columns the table does not know
    version: Version = Version.V2025


@dataclass
class RawCatalogue:
    source: str | None = None  # catalogue file name(s) relative to the transfer root
    dossiers: list[RawRow] = field(default_factory=list)
    documents: list[RawRow] = field(default_factory=list)
    fonds: list[RawRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    versions: dict[str, Version] = field(default_factory=dict)  # sheet -> version read
    evidence: dict[str, list[str]] = field(default_factory=dict)  # sheet -> headers that told the version
    present: dict[str, set[str]] = field(default_factory=dict)  # sheet -> column keys present

    @property
    def catalogue_files(self) -> set[str]:
        return set((self.source or "").split("+")) - {""}

    @property
    def version(self) -> Version:
        """The catalogue's version: 05/2025 if any sheet is, else 02/2019 (no sheet read: 05/2025)."""
        if not self.versions or any(v is Version.V2025 for v in self.versions.values()):
            return Version.V2025
        return Version.V2019


def _header_map(headers: list[Any], columns: tuple[Column, ...], where: str,
                version: Version) -> tuple[dict[int, str], dict[int, str], list[Finding]]:
    lookup = header_lookup(columns)
    mapping: dict[int, str] = {}
    unknown: dict[int, str] = {}
    findings: list[Finding] = []
    for i, h in enumerate(headers):
        if h is None or str(h).strip() == "":
            continue
        text = unicodedata.normalize("NFC", str(h)).strip()
        key = lookup.get(fold(text))
        if key is None:
            unknown[i] = text
            findings.append(info(
                "CATALOGUE_COLUMN_KEPT",
                f"{where}: cột '{text}' không thuộc mẫu mục lục Thông tư 05/2025; giá trị được giữ nguyên trong siêu dữ "
                "liệu gói lưu trữ (AIP), không được kiểm tra. Sửa (nếu cần): đổi tên cột theo mẫu `luutru template`.",
                f"{where}: column '{text}' is not in the 05/2025 catalogue template; its values are kept as they are in "
                "the AIP metadata, unchecked. Fix (if needed): rename the column as in the `luutru template` workbook.",
                row=where, field=text))
        elif key in mapping.values() or text in unknown.values():
            findings.append(error(
                "CATALOGUE_DUPLICATE_COLUMN",
                f"{where}: cột '{text}' xuất hiện hai lần. Sửa: xóa cột trùng.",
                f"{where}: column '{text}' appears twice. Fix: delete the duplicate column.", row=where, field=key))
        else:
            mapping[i] = key
    present = set(mapping.values())
    for c in columns:
        if c.required_in(version) and c.key not in present:
            findings.append(error(
                "CATALOGUE_MISSING_COLUMN",
                f"{where}: thiếu cột bắt buộc '{c.label_vi}' ({c.key}). Sửa: thêm cột theo mẫu `luutru template`.",
                f"{where}: required column '{c.label_en}' ({c.key}) is missing. Fix: add it as in the `luutru template` workbook.",
                row=where, field=c.key))
    return mapping, unknown, findings


def _clean(v: Any) -> Any:
    if isinstance(v, str):
        v = unicodedata.normalize("NFC", v.strip())
        return v or None
    return v


def _rows(records: list[list[Any]], columns: tuple[Column, ...], label: str, cat: RawCatalogue,
          target: list[RawRow], *, optional: bool = False) -> None:
    if not records:
        if not optional:
            cat.findings.append(error(
                "CATALOGUE_EMPTY_SHEET", f"{label}: trống, không có dòng tiêu đề. Sửa: dùng mẫu `luutru template`.",
                f"{label}: empty, no header row. Fix: use the `luutru template` workbook.", row=label))
        return
    version, seen_new, seen_old = detect_version(list(records[0]), columns)
    cat.versions[label] = version
    cat.evidence[label] = seen_old if version is Version.V2019 else seen_new
    mapping, unknown, findings = _header_map(records[0], columns, label, version)
    cat.present[label] = set(mapping.values())
    cat.findings.extend(findings)
    for n, rec in enumerate(records[1:], start=2):
        values = {key: _clean(rec[i]) if i < len(rec) else None for i, key in mapping.items()}
        extra = {h: _clean(rec[i]) for i, h in unknown.items() if i < len(rec) and _clean(rec[i]) is not None}
        if all(v is None for v in values.values()) and not extra:
            continue  # blank row
        target.append(RawRow(f"{label}:{n}", values, extra, version))


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
        for sheet, columns, target, optional in ((FONDS_SHEET, FONDS_COLUMNS, cat.fonds, True),
                                                 (DOSSIER_SHEET, DOSSIER_COLUMNS, cat.dossiers, False),
                                                 (DOCUMENT_SHEET, DOCUMENT_COLUMNS, cat.documents, False)):
            name = sheets.get(fold(sheet))
            if name is None:
                if not optional:
                    cat.findings.append(error(
                        "CATALOGUE_MISSING_SHEET",
                        f"Tệp mục lục thiếu trang '{sheet}'. Sửa: dùng mẫu `luutru template` (trang {DOSSIER_SHEET} và "
                        f"{DOCUMENT_SHEET}).",
                        f"The catalogue workbook has no sheet '{sheet}'. Fix: use the `luutru template` workbook "
                        f"(sheets {DOSSIER_SHEET} and {DOCUMENT_SHEET}).", file=cat.source, row=sheet))
                continue
            records = [list(r) for r in wb[name].iter_rows(values_only=True)]
            _rows(records, columns, sheet, cat, target, optional=optional)
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


def read_csv_files(dossier_csv: Path, document_csv: Path, root: Path, fonds_csv: Path | None = None) -> RawCatalogue:
    names = [p.relative_to(root).as_posix() for p in (dossier_csv, document_csv, fonds_csv) if p is not None]
    cat = RawCatalogue(source="+".join(names))
    for path, columns, target, optional in ((fonds_csv, FONDS_COLUMNS, cat.fonds, True),
                                            (dossier_csv, DOSSIER_COLUMNS, cat.dossiers, False),
                                            (document_csv, DOCUMENT_COLUMNS, cat.documents, False)):
        if path is None:
            continue
        try:
            records = _read_csv(path)
        except UnicodeDecodeError:
            cat.findings.append(error(
                "CATALOGUE_ENCODING",
                f"'{path.name}' không phải UTF-8. Sửa: lưu lại dạng CSV UTF-8 (Unicode TCVN 6909:2001).",
                f"'{path.name}' is not UTF-8. Fix: save it as CSV UTF-8 (Unicode).", file=path.name))
            continue
        _rows(records, columns, path.name, cat, target, optional=optional)
    return cat


def read_csv_pair(dossier_csv: Path, document_csv: Path, root: Path) -> RawCatalogue:
    return read_csv_files(dossier_csv, document_csv, root, _find_ci(root, (FONDS_CSV,)))


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
