"""From catalogue rows to flat index entries, the same for every backend.

One entry per dossier and one per document.  Decisions recorded here (and in
``docs/search.md``):

* A document is restricted if it *or its dossier* is restricted; an access regime
  that cannot be read counts as restricted (fail closed).
* Documents carry their dossier's retention period and fonds.
* ``codes`` holds the entry's own identifiers (dossier code; document identifier and
  number/notation in the forms people type: ``31/QĐ-UBND`` and ``31/2021/QĐ-UBND``);
  ``related_codes`` holds the codes it belongs to (its dossier, its fonds, the
  notation alone), so a dossier code also finds the dossier's documents, below it.
* Optional values that cannot be read (a malformed date) are left out rather than
  failing the whole dossier; a missing identifier raises :class:`IndexingError`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable

from luutru.policies.access import access_or_restricted, document_access
from luutru.search.base import IndexingError
from luutru.search.folding import code_key, nfc, squash_spaces
from luutru.search.query import Kind, retention_key

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


@dataclass
class Entry:
    """One searchable record, flattened."""

    kind: Kind
    id: str
    dossier_code: str
    fonds: str
    fonds_name: str
    agency: str
    year: int | None
    date: date | None
    doc_type: str
    retention: str
    access: str
    title: str
    body: str
    number_notation: str = ""
    codes: list[str] = field(default_factory=list)
    related_codes: list[str] = field(default_factory=list)

    @property
    def uid(self) -> str:
        return f"{self.kind.value}:{self.id}"

    @property
    def date_iso(self) -> str | None:
        return self.date.isoformat() if self.date else None


def text_of(value: Any) -> str:
    """A catalogue value as clean NFC text ('' for None)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return squash_spaces(nfc(str(value)))


def parse_date(value: Any) -> date | None:
    """ISO ``YYYY-MM-DD`` (or an ISO datetime), ``dd/mm/yyyy``, or a date; else None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        pass
    m = _DMY.match(s)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    return None


def _year(value: Any) -> int | None:
    try:
        y = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return y if 1000 <= y <= 9999 else None


def _cached(fn: Any) -> Any:
    """``fn`` remembered per value: catalogues repeat a handful of regimes and periods on
    every row, and parsing them folds the text (a rebuild flattens a million rows)."""
    remembered = functools.lru_cache(maxsize=1024)(fn)

    def call(*values: Any) -> Any:
        try:
            return remembered(*values)
        except TypeError:  # an unhashable value: parse it every time
            return fn(*values)
    return call


@_cached
def _retention(value: Any) -> str:
    try:
        return retention_key(value) if text_of(value) else ""
    except ValueError:
        return ""


_access = _cached(access_or_restricted)
_document_access = _cached(document_access)


def _join(parts: Iterable[str]) -> str:
    return "\n".join(p for p in parts if p)


def _keys(values: Iterable[str]) -> list[str]:
    keys = (code_key(v) for v in values if v)
    return list(dict.fromkeys(k for k in keys if k))


def number_notation(number: str, notation: str, year: int | None) -> list[str]:
    """The ways a document's number and notation are written, the usual one first.

    ``31`` + ``QĐ-UBND`` (2021) → ``31/QĐ-UBND``, ``31/2021/QĐ-UBND`` (the second is
    the form of legal documents).  A number already holding the year stays as it is.
    """
    number, notation = number.strip(), notation.strip().lstrip("/")
    if not number:
        return [notation] if notation else []
    if not notation:
        return [number]
    forms = [f"{number}/{notation}"]
    if year and "/" not in number:
        forms.append(f"{number}/{year}/{notation}")
    return forms


def build_entries(dossier: dict[str, Any], documents: list[dict[str, Any]],
                  texts: dict[str, str] | None = None) -> list[Entry]:
    """Flatten a dossier, its documents and their full texts into entries."""
    if not isinstance(dossier, dict):
        raise IndexingError("Hồ sơ phải là một dict các trường mục lục.",
                            "The dossier must be a dict of catalogue fields.")
    head = _dossier_entry(dossier)
    code = head.dossier_code
    texts = {nfc(str(k)): v for k, v in (texts or {}).items()}
    entries = [head]
    seen: set[str] = set()
    dossier_keys = _keys([code, head.fonds])  # every document's related codes start with these
    for i, doc in enumerate(documents or []):
        ident = _document_id(doc, i, code, seen)
        entries.append(_document_entry(doc, ident, head, nfc(texts.get(ident) or ""), dossier_keys))
    return entries


def _dossier_entry(dossier: dict[str, Any]) -> Entry:
    code = text_of(dossier.get("ma_ho_so"))
    if not code:
        raise IndexingError("Hồ sơ thiếu mã hồ sơ (ma_ho_so); không thể lập chỉ mục.",
                            "The dossier has no code (ma_ho_so); it cannot be indexed.",
                            field="ma_ho_so")
    fonds = text_of(dossier.get("ma_co_quan"))
    fonds_name = text_of(dossier.get("ten_co_quan"))
    start = parse_date(dossier.get("thoi_gian_bat_dau"))
    number = text_of(dossier.get("so_ky_hieu_ho_so"))
    return Entry(
        kind=Kind.DOSSIER, id=code, dossier_code=code, fonds=fonds, fonds_name=fonds_name,
        agency=fonds_name, year=_year(dossier.get("nam_hinh_thanh")) or (start.year if start else None),
        date=start, doc_type="", retention=_retention(dossier.get("thoi_han_bao_quan")),
        access=_access(dossier.get("che_do_su_dung")), title=text_of(dossier.get("tieu_de")) or code,
        body=_join(text_of(dossier.get(k)) for k in
                   ("ten_co_quan", "so_ky_hieu_ho_so", "tu_khoa", "chu_giai", "nguoi_lap", "ngon_ngu")),
        number_notation=number,
        codes=_keys([code, number if "-" in number or "/" in number else ""]),
        related_codes=_keys([fonds]),
    )


def _document_id(doc: Any, i: int, code: str, seen: set[str]) -> str:
    """The document's identifier, checked: present, of this dossier, not seen before."""
    if not isinstance(doc, dict):
        raise IndexingError(f"Văn bản thứ {i + 1} của hồ sơ {code} không phải dict.",
                            f"Document {i + 1} of dossier {code} is not a dict.", field="documents")
    ident = text_of(doc.get("ma_dinh_danh_van_ban"))
    if not ident:
        raise IndexingError(
            f"Văn bản thứ {i + 1} của hồ sơ {code} thiếu mã định danh (ma_dinh_danh_van_ban).",
            f"Document {i + 1} of dossier {code} has no identifier (ma_dinh_danh_van_ban).",
            field="ma_dinh_danh_van_ban")
    own = text_of(doc.get("ma_ho_so"))
    if own and own != code:
        raise IndexingError(f"Văn bản {ident} thuộc hồ sơ {own}, không phải {code}.",
                            f"Document {ident} belongs to dossier {own}, not {code}.", field="ma_ho_so")
    if ident in seen:
        raise IndexingError(f"Mã định danh văn bản {ident} lặp lại trong hồ sơ {code}.",
                            f"Document identifier {ident} appears twice in dossier {code}.",
                            field="ma_dinh_danh_van_ban")
    seen.add(ident)
    return ident


def _document_entry(doc: dict[str, Any], ident: str, dossier: Entry, full_text: str,
                    dossier_keys: list[str]) -> Entry:
    issued = parse_date(doc.get("ngay_van_ban"))
    year = issued.year if issued else dossier.year
    notation = text_of(doc.get("ky_hieu_van_ban"))
    forms = number_notation(text_of(doc.get("so_van_ban")), notation, year)
    doc_type = text_of(doc.get("ten_loai_van_ban"))
    access = _document_access(dossier.access, _access(doc.get("che_do_su_dung")))
    return Entry(
        kind=Kind.DOCUMENT, id=ident, dossier_code=dossier.dossier_code, fonds=dossier.fonds,
        fonds_name=dossier.fonds_name, agency=text_of(doc.get("co_quan_ban_hanh")), year=year, date=issued,
        doc_type=doc_type, retention=dossier.retention, access=access,
        title=text_of(doc.get("trich_yeu")) or _join([doc_type, forms[0] if forms else ""]) or ident,
        body=_join([doc_type, " ".join(forms)] + [text_of(doc.get(k)) for k in
                   ("co_quan_ban_hanh", "nguoi_ky", "tu_khoa", "ghi_chu", "but_tich")] + [full_text]),
        number_notation=forms[0] if forms else "",
        codes=_keys([ident, *forms]),
        related_codes=list(dict.fromkeys(dossier_keys + _keys([notation]))),
    )
