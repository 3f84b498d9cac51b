"""Domain enums and records.

Controlled values come from the regulations: retention is ``vĩnh viễn`` (permanent) or a
number of years; the access regime is public or restricted use; the reliability
(mức độ tin cậy) says whether a document is born digital or a digitised copy.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics and map đ→d (for matching controlled values)."""
    text = unicodedata.normalize("NFD", text.strip().lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return text.replace("đ", "d").replace("Đ", "d")


PERMANENT = "vĩnh viễn"


@dataclass(frozen=True)
class Retention:
    """A retention period: permanent (years is None) or a number of years."""

    years: int | None

    @property
    def permanent(self) -> bool:
        return self.years is None

    def label_vi(self) -> str:
        return "Vĩnh viễn" if self.years is None else f"{self.years} năm"

    def label_en(self) -> str:
        return "permanent" if self.years is None else f"{self.years} years"

    def __str__(self) -> str:
        return self.label_vi()

    @classmethod
    def parse(cls, value: Any) -> "Retention":
        """Parse ``Vĩnh viễn``/``vinh vien``/``permanent`` or ``10``/``10 năm``/``10 years``.

        Raises ValueError for anything else.
        """
        if isinstance(value, int) and not isinstance(value, bool):
            years = value
        else:
            s = fold(str(value))
            if s in ("vinh vien", "permanent", "vv"):
                return cls(None)
            m = re.fullmatch(r"(\d{1,3})(?:\.0)?\s*(nam|years?|y)?", s)
            if not m:
                raise ValueError(str(value))
            years = int(m.group(1))
        if not 1 <= years <= 100:
            raise ValueError(str(value))
        return cls(years)


class AccessRegime(str, enum.Enum):
    """Chế độ sử dụng."""

    PUBLIC = "cong_khai"
    RESTRICTED = "han_che"

    def label_vi(self) -> str:
        return {"cong_khai": "Công khai", "han_che": "Hạn chế"}[self.value]

    @classmethod
    def parse(cls, value: Any) -> "AccessRegime":
        s = fold(str(value))
        if s in ("cong khai", "public", "cong_khai", "01", "01: cong khai"):
            return cls.PUBLIC
        if s in ("han che", "su dung han che", "restricted", "han_che", "su dung co dieu kien", "co dieu kien",
                 "conditional", "02", "02: su dung co dieu kien"):  # 05/2025 code 02
            return cls.RESTRICTED
        raise ValueError(str(value))


class Reliability(str, enum.Enum):
    """Mức độ tin cậy: born-digital original, digitised copy, or mixed."""

    BORN_DIGITAL = "ban_goc_dien_tu"
    DIGITISED = "so_hoa"
    MIXED = "hon_hop"

    def label_vi(self) -> str:
        return {"ban_goc_dien_tu": "Bản gốc điện tử", "so_hoa": "Số hóa", "hon_hop": "Hỗn hợp"}[self.value]

    @classmethod
    def parse(cls, value: Any) -> "Reliability":
        s = fold(str(value))
        if s in ("ban goc dien tu", "born digital", "born-digital", "ban_goc_dien_tu", "goc", "goc dien tu", "01"):
            return cls.BORN_DIGITAL
        if s in ("so hoa", "ban so hoa", "digitised", "digitized", "so_hoa", "02"):
            return cls.DIGITISED
        if s in ("hon hop", "mixed", "hon_hop", "03"):
            return cls.MIXED
        raise ValueError(str(value))


@dataclass
class DossierRecord:
    """A dossier (hồ sơ) as validated from the catalogue."""

    code: str
    agency_code: str
    agency_name: str
    year: int
    number: str
    title: str
    retention: Retention
    access: AccessRegime
    language: str
    start_date: date
    end_date: date
    document_count: int
    fields: dict[str, Any] = field(default_factory=dict)  # every catalogue field, JSON-ready


@dataclass
class DocumentRecord:
    """A document (văn bản) as validated from the catalogue, with its file."""

    identifier: str
    dossier_code: str
    sequence: int
    doc_type: str
    number: str
    notation: str
    issued: date
    issuer: str
    abstract: str
    access: AccessRegime
    reliability: Reliability
    path: str  # relative path of the file in the transfer, NFC
    sha256: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
