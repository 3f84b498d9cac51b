"""Identifier codes: agency code, dossier code, document identifier.

* Agency code (mã định danh cơ quan, QCVN 102:2016 style): ``000.00.31.H57`` —
  three digits, two digits, two digits, one capital letter followed by two digits.
* Dossier code (mã hồ sơ, Circular 02/2019): agency code + ``.`` + year (or catalogue
  number) + ``.`` + dossier number/notation, e.g. ``000.00.31.H57.2021.05`` or
  ``000.00.31.H57.2021.12-TCCB``.  At most 30 characters.
* Document identifier (mã định danh tài liệu, Circular 05/2025 ``docId``): at most 25
  characters; luutru writes the sample shape dossier code + ``.`` + sequence number,
  e.g. ``000.00.31.H57.2021.05.3``, dropping leading groups of the agency code when that
  is longer than 25.  (The archival document code, with the 7-digit sequence, is
  :func:`luutru.records.code_grammar.document_code`.)
"""

from __future__ import annotations

import re

AGENCY_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
DOSSIER_NUMBER_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]{0,19}$")
DOSSIER_CODE_MAX = 30
DOCUMENT_ID_MAX = 25


def is_agency_code(value: str) -> bool:
    return bool(AGENCY_CODE_RE.match(value))


def is_dossier_number(value: str) -> bool:
    return bool(DOSSIER_NUMBER_RE.match(value))


def dossier_code(agency_code: str, year: int | str, number: str) -> str:
    """Compose the dossier code from its parts (no validation)."""
    return f"{agency_code}.{year}.{number}"


def document_identifier(dossier_code_: str, sequence: int) -> str:
    """A document identifier of at most 25 characters: dossier code + '.' + sequence number."""
    code, tail = dossier_code_, f".{int(sequence)}"
    while len(code) + len(tail) > DOCUMENT_ID_MAX and "." in code:
        code = code.split(".", 1)[1]
    return (code + tail)[-DOCUMENT_ID_MAX:]


def safe_id(code: str) -> str:
    """A code as a storage-safe name.  Valid codes already are; this guards the rest."""
    return re.sub(r"[^0-9A-Za-z.\-_]", "_", code)
