"""Who may submit which dossiers: an account bound to one agency transfers only its own.

The rule is one finding among the catalogue's others (the ingest runs every check and
reports everything at once).  A row whose agency code is missing or badly formed is not
judged here: the catalogue rules report it as a format problem (``AGENCY_CODE_INVALID``,
``FIELD_REQUIRED``), never as a permission problem.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import luutru.records.finding_codes.api as api_codes
from luutru.records import code_grammar as cg
from luutru.records.findings import Finding, finding


def agency_scope(rows: Iterable[tuple[str, Mapping[str, Any]]], agency: str) -> list[Finding]:
    """``AGENCY_NOT_PERMITTED`` for each dossier row (``(where, values)``) of another agency than ``agency``."""
    out: list[Finding] = []
    for where, values in rows:
        code = str(values.get("ma_ho_so") or "").strip()
        owner = str(values.get("ma_co_quan") or "").strip()
        if not owner or not cg.is_fonds_code(owner) or owner == agency:
            continue  # missing/malformed: the catalogue rules say so; own agency: allowed
        out.append(finding(
            api_codes.AGENCY_NOT_PERMITTED,
            f"{where}: hồ sơ {code} thuộc cơ quan '{owner}', nhưng tài khoản của bạn chỉ được nộp lưu cho cơ quan "
            f"{agency}. Sửa: bỏ hồ sơ này khỏi gói, hoặc để cơ quan đó tự nộp lưu.",
            f"{where}: dossier {code} belongs to agency '{owner}', but your account may only transfer records of "
            f"{agency}. Fix: remove this dossier from the transfer, or have that agency submit it.",
            dossier=code or None, row=where, field="ma_co_quan"))
    return out
