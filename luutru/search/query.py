"""The query model shared by every index backend and by the web API.

A :class:`SearchQuery` says what the caller asks for, :class:`Rights` what the caller
may see, and :class:`SearchResult` what comes back.  Both backends read the same
:func:`parse_text` clauses so a query means the same thing on tantivy and on
Elasticsearch.

Query text: words are all required (AND), in any order, with or without diacritics;
``"..."`` (straight or curly quotes) asks for a phrase; a token shaped like a code
(``000.00.31.H57.2021.05``, ``31/2021/QĐ-UBND``) matches that identifier or
number/notation exactly, and also the same characters quoted in text.
"""

from __future__ import annotations

import copy
import enum
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from luutru.records.model import AccessRegime, Retention
from luutru.search.errors import QueryError
from luutru.search.folding import looks_like_code, nfc, squash_spaces

MAX_SIZE = 100
MAX_WINDOW = 10_000  # page * size; deeper pages are refused the same way on every backend
MAX_TEXT = 1_000
MAX_CLAUSES = 32
FACET_SIZE = 50

FACETS = ("kind", "fonds", "agency", "year", "doc_type", "retention", "access")
"""Facet names in every :class:`SearchResult` (values are strings, most frequent first)."""


class Kind(str, enum.Enum):
    """What an index entry is: a whole dossier (hồ sơ) or one document (văn bản)."""

    DOSSIER = "dossier"
    DOCUMENT = "document"


class Sort(str, enum.Enum):
    RELEVANCE = "relevance"
    DATE = "date"  # newest first
    DATE_ASC = "date_asc"  # oldest first


def retention_key(value: Any) -> str:
    """Index/filter key of a retention period: ``vinh_vien`` or the number of years."""
    r = value if isinstance(value, Retention) else Retention.parse(value)
    return "vinh_vien" if r.permanent else str(r.years)


def access_key(value: Any) -> str:
    """Index/filter key of an access regime: ``cong_khai`` or ``han_che``."""
    return (value if isinstance(value, AccessRegime) else AccessRegime.parse(value)).value


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, enum.Enum)):
        value = (value,)
    try:
        items = tuple(value)
    except TypeError:
        raise QueryError(
            f"Bộ lọc '{name}' phải là chuỗi hoặc danh sách chuỗi.",
            f"Filter '{name}' must be a string or a list of strings.",
            field=name,
        ) from None
    out = []
    for v in items:
        s = squash_spaces(nfc(str(v.value if isinstance(v, enum.Enum) else v)))
        if s:
            out.append(s)
    return tuple(dict.fromkeys(out))


def _int(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        n = int(str(value).strip())
    except ValueError:
        raise QueryError(
            f"'{name}' phải là số nguyên, nhận được '{value}'.",
            f"'{name}' must be a whole number, got '{value}'.",
            field=name,
        ) from None
    return n


def _text(value: Any) -> str:
    text = squash_spaces(nfc(value or ""))
    if len(text) > MAX_TEXT:
        raise QueryError(
            f"Câu truy vấn quá dài ({len(text)} ký tự, tối đa {MAX_TEXT}).",
            f"The query is too long ({len(text)} characters, at most {MAX_TEXT}).",
            field="text",
        )
    return text


def _keys(values: Any, name: str, key: Callable[[Any], str], vi: str, en: str) -> tuple[str, ...]:
    strings = _strings(values, name)
    try:
        return tuple(dict.fromkeys(key(v) for v in strings))
    except ValueError as e:
        raise QueryError(vi.format(e), en.format(e), field=name) from None


def _filters(q: "SearchQuery") -> dict[str, Any]:
    """Filter values as stored keys; ``agencies`` is merged into ``fonds``."""
    out: dict[str, Any] = {name: _strings(getattr(q, name), name) for name in ("fonds", "agencies", "agency", "doc_type")}
    out["fonds"] = tuple(dict.fromkeys(out["fonds"] + out.pop("agencies")))
    out["agencies"] = ()
    out["retention"] = _keys(q.retention, "retention", retention_key,
                             "Thời hạn bảo quản không hợp lệ: '{}'. Dùng 'Vĩnh viễn' hoặc số năm.",
                             "Unknown retention period '{}'. Use 'Vĩnh viễn' (permanent) or a number of years.")
    out["access"] = _keys(q.access, "access", access_key,
                          "Chế độ sử dụng không hợp lệ: '{}'. Dùng 'Công khai' hoặc 'Hạn chế'.",
                          "Unknown access regime '{}'. Use 'Công khai' (public) or 'Hạn chế' (restricted).")
    return out


def _years(year_from: Any, year_to: Any) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for name, value in (("year_from", year_from), ("year_to", year_to)):
        y = _int(value, name)
        if y is not None and not 1000 <= y <= 9999:
            raise QueryError(f"Năm '{y}' không hợp lệ (cần 4 chữ số).",
                             f"Year '{y}' is out of range (four digits expected).", field=name)
        out[name] = y
    if out["year_from"] is not None and out["year_to"] is not None and out["year_from"] > out["year_to"]:
        raise QueryError(f"Khoảng năm ngược: từ {out['year_from']} đến {out['year_to']}.",
                         f"Year range is reversed: from {out['year_from']} to {out['year_to']}.", field="year_from")
    return out


def _choices(kind: Any, sort: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": kind, "sort": sort}
    if kind is not None and not isinstance(kind, Kind):
        try:
            out["kind"] = Kind(str(kind).strip().lower())
        except ValueError:
            raise QueryError(f"Loại kết quả '{kind}' không hợp lệ; dùng 'dossier' hoặc 'document'.",
                             f"Unknown kind '{kind}'; use 'dossier' or 'document'.", field="kind") from None
    if not isinstance(sort, Sort):
        try:
            out["sort"] = Sort(str(sort).strip().lower())
        except ValueError:
            raise QueryError(f"Kiểu sắp xếp '{sort}' không hợp lệ; dùng relevance, date hoặc date_asc.",
                             f"Unknown sort '{sort}'; use relevance, date or date_asc.", field="sort") from None
    return out


def _paging(page: Any, size: Any) -> dict[str, int]:
    page, size = _int(page, "page"), _int(size, "size")
    if page is None or page < 1:
        raise QueryError("Số trang phải từ 1 trở lên.", "The page number must be 1 or more.", field="page")
    if size is None or not 1 <= size <= MAX_SIZE:
        raise QueryError(f"Số kết quả mỗi trang phải từ 1 đến {MAX_SIZE}.",
                         f"The page size must be between 1 and {MAX_SIZE}.", field="size")
    if page * size > MAX_WINDOW:
        raise QueryError(
            f"Chỉ xem được {MAX_WINDOW} kết quả đầu tiên; hãy thu hẹp tìm kiếm bằng bộ lọc.",
            f"Only the first {MAX_WINDOW} results can be paged through; narrow the search with filters.",
            field="page",
        )
    return {"page": page, "size": size}


@dataclass(frozen=True)
class Rights:
    """What a caller may see.

    ``see_restricted``: restricted-use records (chế độ sử dụng *Hạn chế*) are visible.
    ``agencies``: fonds (agency codes, ``ma_co_quan``) whose records are visible at all;
    ``None`` means every agency, an empty set means none.
    ``restricted_agencies``: with ``see_restricted``, the fonds whose restricted records
    are visible (an agency's own archive: its restricted records, and everyone's public
    ones); ``None`` means every visible fonds.
    """

    see_restricted: bool = False
    agencies: frozenset[str] | None = None
    restricted_agencies: frozenset[str] | None = None

    def __post_init__(self) -> None:
        for name in ("agencies", "restricted_agencies"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(_strings(value, name)))

    def sees_restricted_of(self, agency_code: str | None) -> bool:
        """Restricted records of ``agency_code`` are visible."""
        if not self.see_restricted:
            return False
        return self.restricted_agencies is None or agency_code in self.restricted_agencies

    @classmethod
    def public(cls) -> "Rights":
        """An anonymous researcher: public records of every agency."""
        return cls(see_restricted=False, agencies=None)

    @classmethod
    def everything(cls) -> "Rights":
        """An archivist of the archive: every record."""
        return cls(see_restricted=True, agencies=None)


@dataclass(frozen=True)
class SearchQuery:
    """One search request; invalid values raise :class:`QueryError` with a bilingual message.

    Filters are ANDed across fields and ORed within one field (several fonds, several
    document types …).  ``fonds`` are agency codes (``ma_co_quan``; ``agencies`` is
    accepted as another name and merged into ``fonds``); ``agency`` is the
    issuing organisation of a document (or the agency name of a dossier) as it appears
    in the ``agency`` facet.  ``year_from``/``year_to`` are inclusive.  Retention and
    access accept the catalogue spellings (``Vĩnh viễn``, ``10 năm``, ``Hạn chế`` …).
    Empty text browses everything visible, newest first unless another sort is asked.
    """

    text: str = ""
    fonds: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()  # same as fonds (agency codes), named like Rights.agencies
    agency: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    doc_type: tuple[str, ...] = ()
    retention: tuple[str, ...] = ()
    access: tuple[str, ...] = ()
    kind: Kind | None = None
    dossier_code: str | None = None
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    size: int = 20
    facets: bool = False  # only when asked: the aggregation pass costs as much as the page

    def __post_init__(self) -> None:
        values = {"text": _text(self.text)}
        values.update(_filters(self))
        values.update(_years(self.year_from, self.year_to))
        values.update(_choices(self.kind, self.sort))
        values["dossier_code"] = (squash_spaces(nfc(str(self.dossier_code))) or None
                                  if self.dossier_code is not None else None)
        values.update(_paging(self.page, self.size))
        for name, value in values.items():
            object.__setattr__(self, name, value)  # frozen dataclass

    def with_facets(self, facets: bool = True) -> "SearchQuery":
        """This query asking (or not) for facets.  Not ``dataclasses.replace``: that would
        validate the already normalised values (stored keys) a second time."""
        new = copy.copy(self)
        object.__setattr__(new, "facets", bool(facets))
        return new

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def effective_sort(self) -> Sort:
        """Relevance means nothing without text: browsing is newest first."""
        if self.sort is Sort.RELEVANCE and not self.clauses():
            return Sort.DATE
        return self.sort

    def clauses(self) -> list["Clause"]:
        return parse_text(self.text)

    def phrase_words(self) -> list[str]:
        """The unquoted words in the order typed, when there are two or more (else []).

        Ranking puts entries holding them as one phrase first, and the result counts
        those entries (:attr:`SearchResult.phrase_total`): what quoting them would find.
        """
        words = [c.text for c in self.clauses() if c.kind is ClauseKind.WORD]
        return words if len(words) > 1 else []


class ClauseKind(str, enum.Enum):
    WORD = "word"
    PHRASE = "phrase"
    CODE = "code"


@dataclass(frozen=True)
class Clause:
    """One required part of the query text."""

    kind: ClauseKind
    text: str


_QUOTED = re.compile(r'["“”„«»]([^"“”„«»]*)["“”„«»]?')
_EDGE_PUNCT = "\"'“”‘’„«»,;:!?()[]{}<>…*+=|\\`~^&%$#@"


def parse_text(text: str) -> list[Clause]:
    """Split query text into required clauses: quoted phrases, codes and words."""
    text = nfc(text or "")
    clauses: list[Clause] = []
    rest: list[str] = []
    pos = 0
    for m in _QUOTED.finditer(text):
        rest.append(text[pos : m.start()])
        phrase = squash_spaces(m.group(1))
        if phrase:
            clauses.append(Clause(ClauseKind.PHRASE, phrase))
        pos = m.end()
    rest.append(text[pos:])
    for token in " ".join(rest).split():
        token = token.strip(_EDGE_PUNCT + ".")
        if not token:
            continue
        kind = ClauseKind.CODE if looks_like_code(token) else ClauseKind.WORD
        clauses.append(Clause(kind, token))
    # Same clause twice adds nothing; too many clauses is an abuse, not a search.
    return list(dict.fromkeys(clauses))[:MAX_CLAUSES]


@dataclass(frozen=True)
class Hit:
    """One result: a dossier or a document.

    ``snippet`` is HTML: the best matching fragment, escaped, with matches in ``<b>``.
    ``score`` is None when sorting by date.  ``date`` is ISO ``YYYY-MM-DD`` (document
    date, or the dossier's start date).
    """

    kind: Kind
    id: str
    dossier_code: str
    title: str
    snippet: str
    score: float | None
    date: str | None
    year: int | None
    fonds: str
    fonds_name: str
    agency: str
    doc_type: str
    number_notation: str
    retention: str
    access: str

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["kind"] = self.kind.value
        return d


@dataclass(frozen=True)
class SearchResult:
    """One page of results.

    ``phrase_total``: how many of the ``total`` entries hold the query's unquoted words
    as one phrase (diacritics aside), i.e. what putting them in quotes would find; the
    page shows it next to the total.  ``None`` when the query has fewer than two
    unquoted words, or when the backend did not count it.
    """

    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    page: int = 1
    size: int = 20
    phrase_total: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, MAX_WINDOW) // self.size))

    def ids(self) -> list[str]:
        return [h.id for h in self.hits]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for the web API and ``luutru search --json``)."""
        return {
            "total": self.total, "phrase_total": self.phrase_total, "page": self.page, "size": self.size,
            "pages": self.pages,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {k: [[v, n] for v, n in vals] for k, vals in self.facets.items()},
        }


def facet_list(pairs: Iterable[tuple[Any, int]]) -> list[tuple[str, int]]:
    """Facet buckets as (value, count), most frequent first, then by value; empty values dropped."""
    out: dict[str, int] = {}
    for value, count in pairs:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        v = str(value)
        if v and count > 0:
            out[v] = out.get(v, 0) + int(count)
    return sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))
