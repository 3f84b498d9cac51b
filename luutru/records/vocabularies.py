"""Controlled vocabularies of Circular 05/2025/TT-BNV and the normaliser for catalogue cells.

Why this exists: a catalogue cell such as ``01`` means *Vĩnh viễn* (permanent) in a
05/2025 catalogue but would read as "1 year" to anyone who treats it as a number.  Every
controlled field therefore goes through :meth:`Vocabulary.normalise`, which returns the
05/2025 code together with its label, or raises :class:`VocabularyError` saying whether
the value is unknown or could mean two things, and listing the accepted forms.  Nothing
is guessed:

* a cell may hold the code (``01``), the label (``Vĩnh viễn``), ``code: label``
  (``01: Vĩnh viễn``, as 05/2025 spreadsheets write it) or one of the accepted older
  wordings listed in ``vocabularies.yaml`` (``Bản gốc điện tử``, ``Hạn chế`` …);
* case, spacing and dash style never matter; diacritics may be left out only where the
  result is still one value;
* retention is the one list whose labels are numbers: ``1``–``7`` without a leading
  zero could be a code or a number of years, so in a 05/2025 catalogue it is refused as
  ambiguous; in a 02/2019 catalogue (which had no codes) a bare number is years, and a
  two-digit ``01``–``07`` is refused as ambiguous.

The lists themselves are data (``vocabularies.yaml`` beside this module), each with its
source and confidence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from luutru.records.model import fold
from luutru.records.vocabulary_values import Term, Value, exact_key, verbatim_form

DATA_PATH = Path(__file__).with_name("vocabularies.yaml")

Version = Literal["2025", "2019"]
V2025: Version = "2025"
V2019: Version = "2019"

_PREFIX_RE = re.compile(r"^(\d{1,2})\s*[:.)\-]\s*(.+)$")
_YEARS_RE = re.compile(r"^(\d{1,3})\s*(năm|nam|years?|y)$")
_SPLIT_RE = re.compile(r"[;,\n]+")
RETENTION_MAX_YEARS = 100


class VocabularyError(ValueError):
    """A cell value that names no listed value, or could name more than one."""

    def __init__(self, vocabulary: "Vocabulary", value: Any, kind: str, candidates: tuple[Term, ...] = (),
                 detail: str = "") -> None:
        self.vocabulary = vocabulary
        self.value = value
        self.kind = kind  # "unknown" | "ambiguous" | "needs_years" | "conflict" | "out_of_range"
        self.candidates = candidates
        self.detail = detail
        super().__init__(self.message_en())

    def accepted_vi(self) -> str:
        return self.vocabulary.accepted_vi()

    def accepted_en(self) -> str:
        return self.vocabulary.accepted_en()

    def message_vi(self) -> str:
        v, voc = self.value, self.vocabulary
        if self.kind == "ambiguous":
            meanings = " hoặc ".join(f"'{t.display()}'" for t in self.candidates) or self.detail
            return (f"giá trị '{v}' của '{voc.title_vi}' có thể hiểu là {meanings}. "
                    f"Sửa: ghi rõ một trong: {voc.accepted_vi()}.")
        if self.kind == "needs_years":
            return (f"'{v}' (Khác) cần ghi số năm, ví dụ '07: 15 năm' hoặc '15 năm'. "
                    f"Giá trị chấp nhận: {voc.accepted_vi()}.")
        if self.kind == "conflict":
            return f"'{v}': mã và nhãn không khớp nhau ({self.detail}). Sửa: dùng một trong: {voc.accepted_vi()}."
        if self.kind == "out_of_range":
            return f"'{v}': số năm phải từ 1 đến {RETENTION_MAX_YEARS}. Sửa: dùng một trong: {voc.accepted_vi()}."
        return f"'{v}' không thuộc danh mục '{voc.title_vi}'. Sửa: dùng một trong: {voc.accepted_vi()}."

    def message_en(self) -> str:
        v, voc = self.value, self.vocabulary
        if self.kind == "ambiguous":
            meanings = " or ".join(f"'{t.code}: {t.label_en}'" for t in self.candidates) or self.detail
            return f"value '{v}' of '{voc.title_en}' could mean {meanings}. Fix: write one of: {voc.accepted_en()}."
        if self.kind == "needs_years":
            return (f"'{v}' (other) needs the number of years, e.g. '07: 15 năm' or '15 năm'. "
                    f"Accepted: {voc.accepted_en()}.")
        if self.kind == "conflict":
            return f"'{v}': code and label disagree ({self.detail}). Fix: use one of: {voc.accepted_en()}."
        if self.kind == "out_of_range":
            return f"'{v}': the number of years must be 1 to {RETENTION_MAX_YEARS}. Fix: use one of: {voc.accepted_en()}."
        return f"'{v}' is not in the list '{voc.title_en}'. Fix: use one of: {voc.accepted_en()}."


@dataclass(frozen=True)
class Vocabulary:
    """A 05/2025 value list with its accepted wordings and the rules to read a cell."""

    key: str
    title_vi: str
    title_en: str
    element: str
    terms: tuple[Term, ...]
    multi: bool = False
    other: str | None = None
    source: str = ""
    confidence: str = "U"
    disputed: dict[str, str] = field(default_factory=dict)  # code -> another reading's label
    also_other: tuple[str, ...] = ()
    _exact: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)
    _folded: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)
    _verbatim: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    # -- lookups -----------------------------------------------------------------
    def term(self, code: str) -> Term:
        for t in self.terms:
            if t.code == code:
                return t
        raise KeyError(f"{self.key}: no code {code!r}")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def choices(self) -> tuple[str, ...]:
        """The drop-down entries of the template (``code: label``)."""
        return tuple(t.display() for t in self.terms)

    def accepted_vi(self) -> str:
        forms = ", ".join(t.display() for t in self.terms)
        extra = " (ghi mã, nhãn hoặc 'mã: nhãn')"
        if self.key == "retention":
            extra += "; thời hạn khác ghi '07: N năm' hoặc 'N năm'"
        if self.multi:
            extra += "; nhiều giá trị cách nhau bằng dấu ';'"
        return forms + extra

    def accepted_en(self) -> str:
        forms = ", ".join(f"{t.code}: {t.label_vi} ({t.label_en})" for t in self.terms)
        extra = " (write the code, the label or 'code: label')"
        if self.key == "retention":
            extra += "; another period as '07: N năm' or 'N năm'"
        if self.multi:
            extra += "; several values separated by ';'"
        return forms + extra

    # -- reading cells -------------------------------------------------------------
    def _value(self, term: Term, raw: str, how: str, *, years: int | None = None, text: str | None = None) -> Value:
        return Value(self.key, term.code, term.label_vi, term.label_en, raw, how,
                     years if years is not None else term.years, text)

    def _lookup(self, s: str) -> tuple[frozenset[str], bool]:
        """Codes whose label/alternative matches ``s``; second item True if matched exactly."""
        k = exact_key(s)
        folded = self._folded.get(fold(k), frozenset())
        if k in self._exact:
            if len(folded) > 1:
                # e.g. HD (Hướng dẫn) and HĐ (Hợp đồng): only the exact spelling decides
                code = self._verbatim.get(verbatim_form(s))
                return (frozenset({code}) if code else folded), True
            return self._exact[k], True
        return folded, False

    def _code_of(self, digits: str, raw: Any, version: Version) -> Term | None:
        """A cell made of digits read as a code (None when it is not a code of this list)."""
        width = len(self.terms[0].code)
        if self.key == "retention":
            return self._retention_digits(digits, raw, version)
        if len(digits) > width:
            return None
        padded = digits.zfill(width)
        return next((t for t in self.terms if t.code == padded), None)

    def _retention_digits(self, digits: str, raw: Any, version: Version) -> Term | None:
        n = int(digits)
        by_years = next((t for t in self.terms if t.years == n), None)
        is_code = len(digits) == 2 and digits.startswith("0") and digits in self.codes
        if is_code and version == V2025:
            return self.term(digits)
        if digits.startswith("0") and not is_code:
            raise VocabularyError(self, raw, "unknown")
        if is_code or (1 <= n <= len(self.terms) and len(digits) == 1):
            if version == V2019 and not is_code:
                return None  # a bare number is years in a 02/2019 catalogue: caller reads it so
            code_term = self.term(digits.zfill(2))
            year_meaning = by_years or Term("07", f"{n} năm", f"{n} years", years=n)
            raise VocabularyError(self, raw, "ambiguous", (code_term, year_meaning))
        return None

    def _years(self, n: int, raw: str, how: str) -> Value:
        if not 1 <= n <= RETENTION_MAX_YEARS:
            raise VocabularyError(self, raw, "out_of_range")
        term = next((t for t in self.terms if t.years == n), None)
        if term is not None:
            return self._value(term, raw, "label" if exact_key(raw) == exact_key(term.label_vi) else how)
        return self._value(self.term("07"), raw, how, years=n)

    def normalise(self, value: Any, *, version: Version = V2025) -> Value:
        """Read one cell as one value of this list (see the module docstring)."""
        if self.multi:
            values = self.normalise_many(value, version=version)
            if len(values) != 1:
                raise VocabularyError(self, value, "unknown", detail="several values")
            return values[0]
        return self._one(value, version)

    def normalise_many(self, value: Any, *, version: Version = V2025) -> tuple[Value, ...]:
        """Read a cell of a multi-valued list (``01; 02`` or ``Tiếng Việt, Tiếng Anh``)."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            parts = [value]
        else:
            parts = [p for p in _SPLIT_RE.split(str(value)) if p.strip()]
        if not parts:
            raise VocabularyError(self, value, "unknown")
        out: list[Value] = []
        for p in parts:
            v = self._one(p, version)
            if all(o.code != v.code or o.text != v.text for o in out):
                out.append(v)
        return tuple(out)

    def _one(self, value: Any, version: Version) -> Value:
        if isinstance(value, bool) or value is None:
            raise VocabularyError(self, value, "unknown")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        raw = unicodedata.normalize("NFC", str(value)).strip()
        if not raw:
            raise VocabularyError(self, value, "unknown")
        if raw.isdigit():
            term = self._code_of(raw, value, version)
            if term is not None:
                if self.key == "retention" and term.code == "07":
                    raise VocabularyError(self, raw, "needs_years")
                if term.code in self.disputed:
                    other = Term(term.code, self.disputed[term.code], self.disputed[term.code])
                    raise VocabularyError(self, raw, "ambiguous", (term, other),
                                          detail="two public readings of 05/2025 number this list differently")
                return self._value(term, raw, "code")
            if self.key == "retention":
                return self._years(int(raw), raw, "years")
            raise VocabularyError(self, raw, "unknown")
        m = _PREFIX_RE.match(raw)
        if m:
            return self._prefixed(m.group(1), m.group(2), raw)
        if self.key == "retention":
            ym = _YEARS_RE.match(exact_key(raw)) or _YEARS_RE.match(fold(raw))
            if ym:
                return self._years(int(ym.group(1)), raw, "years")
        codes, exact = self._lookup(raw)
        if len(codes) == 1:
            term = self.term(next(iter(codes)))
            if self.key == "retention" and term.code == "07":
                raise VocabularyError(self, raw, "needs_years")
            how = "label" if exact_key(raw) == exact_key(term.label_vi) else "alternative"
            return self._value(term, raw, how)
        if len(codes) > 1:
            raise VocabularyError(self, raw, "ambiguous", tuple(self.term(c) for c in sorted(codes)))
        if self.other is not None and fold(exact_key(raw)) in {fold(exact_key(x)) for x in self.also_other}:
            return self._value(self.term(self.other), raw, "other", text=raw)
        if version == V2019 and self.other is not None:
            return self._value(self.term(self.other), raw, "other", text=raw)
        raise VocabularyError(self, raw, "unknown")

    def _prefixed(self, code_part: str, label_part: str, raw: str) -> Value:
        """``01: Vĩnh viễn`` / ``07: 15 năm``: the code decides, the label must agree."""
        width = len(self.terms[0].code)
        code = code_part.zfill(width)
        if code not in self.codes:
            raise VocabularyError(self, raw, "unknown")
        term = self.term(code)
        if self.key == "retention" and code == "07":
            ym = _YEARS_RE.match(exact_key(label_part)) or _YEARS_RE.match(fold(label_part))
            if ym is None:
                if fold(label_part) in ("khac", "other"):
                    raise VocabularyError(self, raw, "needs_years")
                raise VocabularyError(self, raw, "conflict", detail=f"07 = Khác, '{label_part}'")
            n = int(ym.group(1))
            if any(t.years == n for t in self.terms):
                listed = next(t for t in self.terms if t.years == n)
                raise VocabularyError(self, raw, "conflict", detail=f"{n} năm có mã riêng {listed.code} / has its own code {listed.code}")
            if not 1 <= n <= RETENTION_MAX_YEARS:
                raise VocabularyError(self, raw, "out_of_range")
            return self._value(term, raw, "code+label", years=n)
        codes, _ = self._lookup(label_part)
        if self.key == "retention" and not codes:
            ym = _YEARS_RE.match(exact_key(label_part))
            if ym:
                codes = frozenset(t.code for t in self.terms if t.years == int(ym.group(1)))
        if code not in codes:
            detail = f"{code} = {term.label_vi}, '{label_part}'"
            if code in self.disputed and fold(exact_key(label_part)) == fold(exact_key(self.disputed[code])):
                detail += f"; '{code}: {label_part}' is another reading of the list: write the label alone"
            raise VocabularyError(self, raw, "conflict", detail=detail)
        return self._value(term, raw, "code+label")


def _build(key: str, doc: dict[str, Any]) -> Vocabulary:
    terms = tuple(
        Term(str(t["code"]), str(t["label_vi"]), str(t["label_en"]), tuple(str(a) for a in t.get("alt") or ()),
             t.get("years"))
        for t in doc["terms"])
    exact: dict[str, set[str]] = {}
    folded: dict[str, set[str]] = {}
    verbatim: dict[str, str] = {}
    for t in terms:
        for form in (t.label_vi, t.label_en, *t.alternatives):
            verbatim[verbatim_form(form)] = t.code
            exact.setdefault(exact_key(form), set()).add(t.code)
            folded.setdefault(fold(exact_key(form)), set()).add(t.code)
    clashes = {k: v for k, v in exact.items() if len(v) > 1}
    if clashes:
        raise ValueError(f"{DATA_PATH.name}: list {key}: the same wording names several codes: {clashes}")
    return Vocabulary(key, str(doc["title_vi"]), str(doc["title_en"]), str(doc["element"]), terms,
                      bool(doc.get("multi")), (str(doc["other"]) if doc.get("other") is not None else None),
                      str(doc.get("source", "")), str(doc.get("confidence", "U")),
                      {str(k): str(v) for k, v in (doc.get("disputed") or {}).items()},
                      tuple(str(x) for x in doc.get("also_other") or ()),
                      {k: frozenset(v) for k, v in exact.items()}, {k: frozenset(v) for k, v in folded.items()}, verbatim)


@lru_cache(maxsize=1)
def vocabularies() -> dict[str, Vocabulary]:
    """Every list, by key (``retention``, ``access``, ``reliability``, ``language`` …)."""
    doc = yaml.safe_load(DATA_PATH.read_text(encoding="utf-8"))
    return {key: _build(key, body) for key, body in doc.items()}


def vocabulary(key: str) -> Vocabulary:
    return vocabularies()[key]


def normalise(key: str, value: Any, *, version: Version = V2025) -> Value:
    """Shortcut: ``normalise("retention", "01")`` → code 01, Vĩnh viễn."""
    return vocabulary(key).normalise(value, version=version)
