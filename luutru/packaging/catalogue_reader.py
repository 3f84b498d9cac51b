"""Reading the catalogue (mục lục hồ sơ) of a transfer: 05/2025 or 02/2019, XLSX or CSV.

Only reading happens here: rows come out as raw values keyed by column key, each with
its location (``HoSo!5``, ``van_ban.csv:12``) so findings point at the cell row.  Which
circular a sheet follows is told by its headers (``fields.detect_version``) and
said in the report.  **Nothing a catalogue holds is dropped**: a column the field table
does not know is kept, cell by cell, in ``RawRow.extra`` (it travels into the AIP
metadata) and reported as kept.  Field rules live in the validator.

Reading is bounded (issue 16, :class:`luutru.config.LimitSettings`): an XLSX is streamed
(openpyxl ``read_only``) with its declared dimension ignored, so a tiny file declaring a
huge used range allocates nothing; rows, columns and cell length are capped and the
excess reported; XML parts holding a DOCTYPE/ENTITY declaration are refused before
openpyxl parses them; CSV fields are capped with ``csv.field_size_limit``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import luutru.packaging.catalogue_locate as catalogue_locate
from luutru.config import LimitSettings
from luutru.packaging.zipsafe import expansion_problems
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
from luutru.records.findings import Finding, error, info, warning
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


#: The start of an XML part's root element: everything before it is the prolog.
_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
_PROLOG_BYTES = 64 * 1024


def _xml_declares_entities(head: bytes) -> bool:
    """True when an XML part's prolog declares a DOCTYPE or ENTITY (or is too long to judge)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    m = _ROOT_ELEMENT.search(head)
    prolog = (head[:m.start()] if m else head).upper()
    return m is None and len(head) >= _PROLOG_BYTES or b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog


def _xlsx_refusal(path: Path, lim: LimitSettings) -> tuple[str, str, str] | None:
    """Why this workbook must not be handed to openpyxl: (code, part, reason), or None.

    The XLSX is itself a zip: the same expansion bounds apply, and every XML part's
    prolog is read (at most 64 KiB) so an entity declaration never reaches a parser.
    """
    with zipfile.ZipFile(path) as zf:
        problems = expansion_problems(zf, lim)
        if problems:
            p = problems[0]
            return "CATALOGUE_UNREADABLE", p.name, f"{p.why} {p.detail}".strip()
        for info in zf.infolist():
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                with zf.open(info) as fh:
                    if _xml_declares_entities(fh.read(_PROLOG_BYTES)):
                        return "CATALOGUE_XML_ENTITY", info.filename, "DOCTYPE/ENTITY"
    return None


def _unreadable(cat: RawCatalogue, path: Path, reason: object) -> None:
    cat.findings.append(error(
        "CATALOGUE_UNREADABLE",
        f"Không đọc được tệp mục lục '{path.name}': {reason}. Sửa: lưu lại bằng Excel/LibreOffice dạng .xlsx.",
        f"Cannot read catalogue '{path.name}': {reason}. Fix: save it again as .xlsx from Excel/LibreOffice.",
        file=cat.source))


def _too_large(cat: RawCatalogue, label: str, where: str, lim: LimitSettings) -> None:
    cat.findings.append(error(
        "CATALOGUE_TOO_LARGE",
        f"{where}: vượt giới hạn {lim.catalogue_max_rows} dòng hoặc {lim.catalogue_max_columns} cột; phần thừa không "
        "được đọc. Sửa: chia mục lục thành nhiều gói nộp lưu (giới hạn: LUUTRU_CATALOGUE_MAX_ROWS, "
        "LUUTRU_CATALOGUE_MAX_COLUMNS).",
        f"{where}: more than {lim.catalogue_max_rows} rows or {lim.catalogue_max_columns} columns; the rest was not "
        "read. Fix: split the catalogue over several transfers (limits: LUUTRU_CATALOGUE_MAX_ROWS, "
        "LUUTRU_CATALOGUE_MAX_COLUMNS).", file=cat.source, row=where))


def _cell_too_long(cat: RawCatalogue, where: str, lim: LimitSettings) -> None:
    cat.findings.append(error(
        "CATALOGUE_CELL_TOO_LONG",
        f"{where}: ô dài hơn {lim.catalogue_max_cell_chars} ký tự. Sửa: rút gọn nội dung ô "
        "(giới hạn: LUUTRU_CATALOGUE_MAX_CELL_CHARS, như Excel).",
        f"{where}: a cell is longer than {lim.catalogue_max_cell_chars} characters. Fix: shorten the cell "
        "(limit: LUUTRU_CATALOGUE_MAX_CELL_CHARS, Excel's own).", file=cat.source, row=where))


def _bounded(rows: Iterable[Iterable[Any]], label: str, cat: RawCatalogue, lim: LimitSettings) -> list[list[Any]]:
    """At most ``catalogue_max_rows`` rows (header included) of at most ``catalogue_max_columns``
    cells; the first excess and every over-long cell become findings, never an allocation."""
    out: list[list[Any]] = []
    wide = False
    for n, row in enumerate(rows, start=1):
        if n > lim.catalogue_max_rows:
            _too_large(cat, label, f"{label}:{n}", lim)
            break
        rec = list(row)
        while rec and rec[-1] in (None, ""):
            rec.pop()  # openpyxl pads to the column bound; keep only what the row holds
        if len(rec) > lim.catalogue_max_columns:
            if any(v not in (None, "") for v in rec[lim.catalogue_max_columns:]) and not wide:
                wide = True
                _too_large(cat, label, f"{label}:{n}", lim)
            del rec[lim.catalogue_max_columns:]
        for i, v in enumerate(rec):
            if isinstance(v, str) and len(v) > lim.catalogue_max_cell_chars:
                _cell_too_long(cat, f"{label}:{n}", lim)
                rec[i] = None
        out.append(rec)
    return out


def _cell_values(rows: Iterable[Iterable[Any]], sheet: str, cat: RawCatalogue) -> Iterator[list[Any]]:
    """Each row's values; a formula cell gives its formula as text (never its computed
    result) and CATALOGUE_FORMULA (warning) names every such cell."""
    cells: list[str] = []
    for row in rows:
        out = []
        for c in row:
            v = c.value
            if getattr(c, "data_type", None) == "f":
                v = str(getattr(v, "text", v))
                cells.append(f"{sheet}!{getattr(c, 'coordinate', '?')}")
            out.append(v)
        yield out
    if cells:
        shown = ", ".join(cells[:10]) + (" …" if len(cells) > 10 else "")
        cat.findings.append(warning(
            "CATALOGUE_FORMULA",
            f"{shown}: ô chứa công thức; giá trị tính sẵn không được tin, hệ thống lưu nguyên văn công thức dạng chữ. "
            "Sửa: thay công thức bằng giá trị (Dán đặc biệt → Giá trị) rồi nộp lại.",
            f"{shown}: the cell holds a formula; its computed value is not trusted and the formula is kept as text. "
            "Fix: replace the formulas by their values (Paste Special → Values) and resubmit.",
            file=cat.source, row=cells[0], details={"cells": cells[:1000]}))


def read_xlsx(path: Path, root: Path, limits: LimitSettings | None = None) -> RawCatalogue:
    from zipfile import BadZipFile

    import openpyxl  # local import: keeps CLI start-up light
    from openpyxl.utils.exceptions import InvalidFileException

    lim = limits or LimitSettings()
    cat = RawCatalogue(source=path.relative_to(root).as_posix())
    try:
        refusal = _xlsx_refusal(path, lim)
        if refusal is not None:
            code, part, reason = refusal
            if code == "CATALOGUE_XML_ENTITY":
                cat.findings.append(error(
                    code,
                    f"Tệp mục lục '{path.name}' chứa khai báo DOCTYPE/ENTITY trong phần XML '{part}'. Sửa: lưu lại "
                    "bằng Excel/LibreOffice dạng .xlsx (tệp chuẩn không có khai báo này).",
                    f"Catalogue '{path.name}' holds a DOCTYPE/ENTITY declaration in XML part '{part}'. Fix: save it "
                    "again as .xlsx from Excel/LibreOffice (a standard file has none).", file=cat.source))
            else:
                _unreadable(cat, path, f"{part}: {reason}")
            return cat
        # data_only=False: a formula is seen as a formula (its cached result is not trusted)
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, EOFError) as e:
        _unreadable(cat, path, e)
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
            ws = wb[name]
            ws.reset_dimensions()  # the declared used range is never trusted: no padding to it
            # one column past the bound is read, so a value there is reported rather than silently cut
            rows = ws.iter_rows(max_col=lim.catalogue_max_columns + 1)
            _rows(_bounded(_cell_values(rows, sheet, cat), sheet, cat, lim), columns, sheet, cat, target,
                  optional=optional)
    except (KeyError, OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        _unreadable(cat, path, e)
    finally:
        wb.close()
    return cat


class _LineTooLong(Exception):
    """A CSV line longer than a whole row may be: reading it would be unbounded."""


def _lines(fh: Any, limit: int) -> Iterator[str]:
    """The file's lines, each read with a bound (a file of one endless line is refused)."""
    while line := fh.readline(limit + 1):
        if len(line) > limit:
            raise _LineTooLong
        yield line


def _read_csv(path: Path, label: str, cat: RawCatalogue, lim: LimitSettings) -> list[list[Any]]:
    csv.field_size_limit(lim.catalogue_max_cell_chars)
    line_limit = (lim.catalogue_max_cell_chars + 3) * (lim.catalogue_max_columns + 1)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(_lines(fh, line_limit), dialect)
        try:
            return _bounded(reader, label, cat, lim)
        except csv.Error:  # the only error left once the sniffed dialect is set: a field over the limit
            _cell_too_long(cat, f"{label}:{reader.line_num}", lim)
            return []
        except _LineTooLong:
            _cell_too_long(cat, f"{label}:{reader.line_num + 1}", lim)
            return []


def read_csv_files(dossier_csv: Path, document_csv: Path, root: Path, fonds_csv: Path | None = None,
                   limits: LimitSettings | None = None) -> RawCatalogue:
    lim = limits or LimitSettings()
    names = [p.relative_to(root).as_posix() for p in (dossier_csv, document_csv, fonds_csv) if p is not None]
    cat = RawCatalogue(source="+".join(names))
    for path, columns, target, optional in ((fonds_csv, FONDS_COLUMNS, cat.fonds, True),
                                            (dossier_csv, DOSSIER_COLUMNS, cat.dossiers, False),
                                            (document_csv, DOCUMENT_COLUMNS, cat.documents, False)):
        if path is None:
            continue
        try:
            records = _read_csv(path, path.name, cat, lim)
        except UnicodeDecodeError:
            cat.findings.append(error(
                "CATALOGUE_ENCODING",
                f"'{path.name}' không phải UTF-8. Sửa: lưu lại dạng CSV UTF-8 (Unicode TCVN 6909:2001).",
                f"'{path.name}' is not UTF-8. Fix: save it as CSV UTF-8 (Unicode).", file=path.name))
            continue
        _rows(records, columns, path.name, cat, target, optional=optional)
    return cat


def read_csv_pair(dossier_csv: Path, document_csv: Path, root: Path,
                  limits: LimitSettings | None = None) -> RawCatalogue:
    return read_csv_files(dossier_csv, document_csv, root, _find_ci(root, (FONDS_CSV,)), limits)


def read_catalogue(root: Path, limits: LimitSettings | None = None) -> RawCatalogue:
    """Read the catalogue of a transfer root, within ``limits`` (default: the environment's).

    Which file is the catalogue is :func:`catalogue_locate.choose`'s decision."""
    names = catalogue_locate.choose(p.name for p in root.iterdir() if p.is_file() and not p.is_symlink())
    if len(names) == 1:
        return read_xlsx(root / names[0], root, limits)
    if names:
        return read_csv_files(root / names[0], root / names[1], root, root / names[2] if len(names) > 2 else None,
                              limits)
    cat = RawCatalogue()
    cat.findings.append(error(
        "CATALOGUE_MISSING",
        f"Không tìm thấy mục lục hồ sơ. Sửa: đặt tệp '{CATALOGUE_XLSX_NAMES[0]}' (hoặc '{DOSSIER_CSV}' và '{DOCUMENT_CSV}') "
        "ở thư mục gốc của gói nộp lưu; lấy mẫu bằng `luutru template`.",
        f"No catalogue found. Fix: put '{CATALOGUE_XLSX_NAMES[0]}' (or '{DOSSIER_CSV}' and '{DOCUMENT_CSV}') at the "
        "top of the transfer; get the template with `luutru template`."))
    return cat
