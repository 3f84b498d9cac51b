"""The entries of a controlled vocabulary and a normalised catalogue cell, and the text forms
used to compare wordings.

Split from :mod:`luutru.records.vocabularies` (which reads the lists and normalises cells) so
that the plain value types stay small and importable on their own; import them from either.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


def verbatim_form(text: str) -> str:
    """Case-sensitive form: NFC, one space, one dash style, no spaces round dashes."""
    s = unicodedata.normalize("NFC", str(text)).translate(_DASHES)
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"\s*-\s*", "-", s)


def exact_key(text: str) -> str:
    """Exact-form key: the verbatim form, case-folded."""
    return verbatim_form(text).casefold()


@dataclass(frozen=True)
class Term:
    """One value of a list: its 05/2025 code and labels, and other accepted wordings."""

    code: str
    label_vi: str
    label_en: str
    alternatives: tuple[str, ...] = ()
    years: int | None = None  # retention only; None with code 01 means permanent

    def display(self) -> str:
        """The form the template's drop-down offers: ``01: Vĩnh viễn``."""
        return f"{self.code}: {self.label_vi}"


@dataclass(frozen=True)
class Value:
    """A normalised cell value: code and labels, plus how it was read from the cell."""

    vocabulary: str
    code: str
    label_vi: str
    label_en: str
    raw: str
    how: str  # "code", "label", "code+label", "alternative", "years", "other"
    years: int | None = None  # retention: the number of years (None = permanent)
    text: str | None = None  # free text kept when a 02/2019 value was mapped to "Khác"

    @property
    def permanent(self) -> bool:
        return self.vocabulary == "retention" and self.code == "01"

    @property
    def mapped(self) -> bool:
        """True when the cell did not already hold the 05/2025 code or label."""
        return self.how not in ("code", "label", "code+label")

    @property
    def label(self) -> str:
        """Label for people; retention 07 shows its number of years."""
        if self.vocabulary == "retention" and self.code == "07" and self.years is not None:
            return f"{self.years} năm"
        if self.text:
            return f"{self.label_vi} ({self.text})"
        return self.label_vi

    def to_dict(self) -> dict[str, Any]:
        """JSON form stored in the AIP metadata: code and label always together."""
        out: dict[str, Any] = {"code": self.code, "label": self.label}
        if self.vocabulary == "retention":
            out["years"] = self.years
        if self.text:
            out["text"] = self.text
        return out
