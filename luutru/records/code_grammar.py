"""Code grammar of Circular 05/2025/TT-BNV: dossier codes, document codes, partial dates.

Facts (confidence as in the shared reference, metadata-fields.md §4.5):

* Agency identifier (mã định danh cơ quan, QCVN 102:2016 style): 13 characters, four
  dot-separated groups, e.g. ``000.00.31.H57`` (length V-P, shape V-I).  A closed fonds
  (phông đóng) may be identified by its **fonds code** instead (V-I); its shape is not
  fixed by any text found, so it is any 1–13 letters, digits, ``.`` or ``-``.
* Dossier code (mã hồ sơ, ``fileCode``, ≤ 100): agency identifier (or fonds code) + year
  + dossier number-and-notation, dot-joined, optionally followed by the catalogue number
  (mục lục số) (V-I).  The archival form (``arcFileCode``) puts the historical archive's
  code in front (V-I).  A 02/2019 catalogue may carry the catalogue number where the
  year would be ("mục lục số hoặc năm hình thành", V-I).
* Document identifier (mã định danh tài liệu, ``docId``): at most 25 characters (V-I);
  its shape is only known from a sample (``<fileCode>.<n>``, I), so only the length and
  uniqueness are checked.
* Archival document code (mã lưu trữ tài liệu, ``docCode``): dossier code + ``.`` + the
  7-digit sequence number, ≤ 100 (V-I).
* Paper original dossier code (mã hồ sơ gốc giấy): archive code . store/shelf/box .
  paper dossier number (V-I).
* Dates: DD/MM/YYYY; dossier dates of the 05/2025 AIP may also be MM/YYYY or YYYY (I).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

AGENCY_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
FONDS_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,12}$")
ARCHIVE_CODE_RE = FONDS_CODE_RE
# letters (Vietnamese included), digits and '-': "Đ" in an abbreviation is legitimate
DOSSIER_NUMBER_RE = re.compile(r"^[^\W_][\w\-]{0,19}$")
DOSSIER_CODE_MAX = 100
DOCUMENT_ID_MAX = 25
DOCUMENT_CODE_MAX = 100
SEQUENCE_DIGITS = 7
DOCUMENT_CODE_RE = re.compile(r"^(?P<dossier>.+)\.(?P<seq>\d{7})$")
PAPER_CODE_RE = re.compile(r"^(?P<archive>[0-9A-Za-z][0-9A-Za-z\-]*)\.(?P<place>[^.\s]+(?:\.[^.\s]+)*)\.(?P<number>[^.\s]+)$")


def is_agency_code(value: str) -> bool:
    return bool(AGENCY_CODE_RE.match(value))


def is_fonds_code(value: str) -> bool:
    """An agency identifier or the code of a (closed) fonds.

    A value of four dot-separated groups is an agency identifier and must have its shape
    (``000.0.31.H57`` is a mistyped identifier, not a fonds code).
    """
    if AGENCY_CODE_RE.match(value):
        return True
    return bool(FONDS_CODE_RE.match(value)) and value.count(".") < 3


def is_dossier_number(value: str) -> bool:
    return "_" not in value and bool(DOSSIER_NUMBER_RE.match(value))


def dossier_code(prefix: str, year: int | str, number: str, catalogue: int | str | None = None) -> str:
    """The 05/2025 dossier code: agency identifier (or fonds code) . year . number [. catalogue]."""
    code = f"{prefix}.{year}.{number}"
    return f"{code}.{catalogue}" if catalogue not in (None, "") else code


def dossier_code_forms(prefix: str, year: int | None, number: str, *, catalogue: int | None = None,
                       archive: str | None = None) -> tuple[str, ...]:
    """Every accepted spelling of a dossier's code, given its parts.

    Order: the plain 05/2025 form first (what luutru writes), then the form with the
    catalogue number, the 02/2019 form with the catalogue number in the year's place, and
    each of those with the historical archive's code in front (the archival form).
    """
    forms: list[str] = []
    if year is not None:
        forms.append(dossier_code(prefix, year, number))
        if catalogue is not None:
            forms.append(dossier_code(prefix, year, number, catalogue))
    if catalogue is not None:
        forms.append(f"{prefix}.{catalogue}.{number}")
    if archive:
        forms += [f"{archive}.{f}" for f in list(forms)]
    return tuple(dict.fromkeys(forms))


def document_code(dossier_code_: str, sequence: int) -> str:
    """Archival document code: dossier code + '.' + 7-digit sequence number."""
    return f"{dossier_code_}.{int(sequence):0{SEQUENCE_DIGITS}d}"


def split_document_code(code: str) -> tuple[str, int] | None:
    """(dossier code, sequence) of an archival document code, or None if it is not one."""
    m = DOCUMENT_CODE_RE.match(code)
    return (m.group("dossier"), int(m.group("seq"))) if m else None


def is_paper_code(value: str) -> bool:
    return len(value) <= 100 and bool(PAPER_CODE_RE.match(value))


@dataclass(frozen=True)
class PartialDate:
    """A date that may be known only to the month or the year (05/2025 dossier dates).

    ``first()`` and ``last()`` give the first and last day it covers, so range checks and
    retention counting (from the year the work ended) stay exact.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.year < 1 or (self.month is not None and not 1 <= self.month <= 12) or self.day == 0:
            raise ValueError(f"{self.day}/{self.month}/{self.year}")
        date(self.year, self.month or 1, self.day or 1)  # ValueError for 31/02

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def first(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last(self) -> date:
        if self.day:
            return date(self.year, self.month or 1, self.day)
        if self.month:
            nxt = date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        return date(self.year, 12, 31)

    def iso(self) -> str:
        """ISO 8601 with reduced precision: 2021-03-05, 2021-03 or 2021."""
        if self.day:
            return self.first().isoformat()
        return f"{self.year:04d}-{self.month:02d}" if self.month else f"{self.year:04d}"

    def display(self) -> str:
        """dd/mm/yyyy, mm/yyyy or yyyy, as people read dates."""
        if self.day:
            return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"
        return f"{self.month:02d}/{self.year:04d}" if self.month else f"{self.year:04d}"

    @classmethod
    def from_iso(cls, s: str) -> "PartialDate":
        parts = [int(p) for p in s.split("-")]
        return cls(*parts)  # type: ignore[arg-type]


_FULL = (
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
)
_MONTH = (
    (re.compile(r"^(\d{1,2})/(\d{4})$"), ("m", "y")),
    (re.compile(r"^(\d{1,2})-(\d{4})$"), ("m", "y")),
    (re.compile(r"^(\d{1,2})\.(\d{4})$"), ("m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("y", "m")),
)
_YEAR = re.compile(r"^(\d{4})$")


def parse_partial_date(value: object, *, allow_partial: bool) -> PartialDate:
    """Read dd/mm/yyyy (also d-m-y, d.m.y, ISO) and, when allowed, mm/yyyy or yyyy.

    Raises ValueError for anything else, for impossible dates (31/02) and for a partial
    date where the field needs a full one.
    """
    if isinstance(value, date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    s = str(value).strip()
    for rx, order in _FULL:
        m = rx.match(s)
        if m:
            p = dict(zip(order, (int(g) for g in m.groups())))
            return PartialDate(p["y"], p["m"], p["d"])
    partial: PartialDate | None = None
    for rx, order in _MONTH:
        m = rx.match(s)
        if m:
            p = dict(zip(order, (int(g) for g in m.groups())))
            partial = PartialDate(p["y"], p["m"])
            break
    if partial is None and _YEAR.match(s):
        partial = PartialDate(int(s))
    if partial is None or not allow_partial:
        raise ValueError(s)
    return partial
