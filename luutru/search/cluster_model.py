"""The query model of the scale-out backends (Elasticsearch, OpenSearch): one place.

Both engines speak the same REST dialect for everything the archive uses, so the
index layout, the analysers, the mapping and the request bodies are built here, as
plain JSON as it goes on the wire, and each backend module only sends them with its
own client. What differs between engines is said where it differs (the highlighter's
offset limit is ``max_analyzed_offset`` on Elasticsearch, ``max_analyzer_offset`` on
OpenSearch).

Layout on the cluster, for prefix ``p`` (default ``luutru``):

* index template ``p-template`` for indices ``p-idx-*``: the analysers and the
  mapping (``dynamic: false``: only the fields below are indexed);
* concrete indices ``p-idx-<timestamp>``; the alias ``p`` points at exactly one of
  them and is what searches and ordinary writes use;
* a full reindex creates a fresh concrete index, fills it (refresh off), then moves
  the alias and drops the old index in one atomic ``_aliases`` call.

Text analysis mirrors the embedded backend: words are runs of letters and digits
(``pattern`` tokenizer), ``vi_exact`` lower-cases, ``vi_folded`` also applies
``asciifolding`` (which folds Vietnamese letters and đ→d). Title and body are indexed
with both (``title`` / ``title.folded``), exact weighing twice as much. Codes are
keyword fields holding keys computed in Python (the same keys as the embedded backend).
"""

from __future__ import annotations

import html
import time
from typing import Any, Iterable
from urllib.parse import unquote, urlsplit

from luutru.policies.access import PUBLIC_VALUE
from luutru.search.base import SearchError
from luutru.search.entries import Entry
from luutru.search.folding import code_key
from luutru.search.query import (
    FACET_SIZE, FACETS, Clause, ClauseKind, Hit, Kind, Rights, SearchQuery, SearchResult, Sort, facet_list,
)
from luutru.search.tantivy_index import (
    SNIPPET_CHARS, W_BODY_EXACT, W_BODY_FOLD, W_CODE, W_RELATED_CODE, W_TITLE_EXACT, W_TITLE_FOLD, pick_snippet,
)

SCHEMA_VERSION = 1
BULK_DOCS = 500
BULK_BYTES = 10 * 1024 * 1024
HIGHLIGHT_MAX_OFFSET = 1_000_000

ANALYSIS: dict[str, Any] = {
    "tokenizer": {
        # Same word boundaries as the embedded index: runs of letters and digits.
        "vi_words": {"type": "pattern", "pattern": "[^\\p{L}\\p{N}]+"},
    },
    "filter": {"vi_long": {"type": "length", "max": 100}},
    "analyzer": {
        "vi_exact": {"type": "custom", "tokenizer": "vi_words", "filter": ["lowercase", "vi_long"]},
        "vi_folded": {"type": "custom", "tokenizer": "vi_words",
                      "filter": ["lowercase", "asciifolding", "vi_long"]},
    },
}

_KEYWORD = {"type": "keyword"}
_TEXT = {
    "type": "text", "analyzer": "vi_exact", "index_options": "offsets",
    "fields": {"folded": {"type": "text", "analyzer": "vi_folded", "index_options": "offsets"}},
}
MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "_meta": {"schema_version": SCHEMA_VERSION},
    "properties": {
        **{k: _KEYWORD for k in ("uid", "kind", "id", "dossier_code", "fonds", "agency", "doc_type",
                                 "retention", "access", "codes", "related_codes", "number_notation")},
        "fonds_name": {"type": "keyword", "index": False},
        "year": {"type": "integer"},
        "date": {"type": "date", "format": "strict_date"},
        "title": _TEXT,
        "body": _TEXT,
    },
}


class Layout:
    """Names on the cluster for one prefix (alias, template, index pattern)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.alias = prefix
        self.template = f"{prefix}-template"
        self.pattern = f"{prefix}-idx-*"

    def new_index_name(self) -> str:
        return f"{self.prefix}-idx-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 1_000_000:06d}"

    def template_body(self) -> dict[str, Any]:
        """The composable index template (``PUT _index_template/<name>``)."""
        return {"index_patterns": [self.pattern], "priority": 200,
                "template": {"settings": {"analysis": ANALYSIS}, "mappings": MAPPINGS},
                "_meta": {"owner": "luutru", "schema_version": SCHEMA_VERSION}}


def parse_url(url: str, engine: str) -> tuple[str, str, tuple[str, str] | None]:
    """``http(s)://[user:pw@]host:port[/prefix]`` → (node URL, prefix, basic auth)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SearchError(f"URL {engine} không hợp lệ: '{url}'.",
                          f"Invalid {engine} URL '{url}'; use http(s)://host:9200[/prefix].")
    prefix = parts.path.strip("/") or "luutru"
    if not prefix.replace("-", "").replace("_", "").isalnum() or prefix != prefix.lower() or "/" in prefix:
        raise SearchError(
            f"Tiền tố chỉ mục '{prefix}' không hợp lệ: chỉ dùng chữ thường, số, '-' và '_'.",
            f"Index prefix '{prefix}' is invalid: use lower-case letters, digits, '-' and '_'.")
    auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
    port = parts.port or 9200
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return f"{parts.scheme}://{host}:{port}", prefix, auth


def source(e: Entry) -> dict[str, Any]:
    """The stored document of one entry."""
    return {
        "uid": e.uid, "kind": e.kind.value, "id": e.id, "dossier_code": e.dossier_code,
        "fonds": e.fonds or None, "fonds_name": e.fonds_name, "agency": e.agency or None,
        "doc_type": e.doc_type or None, "retention": e.retention or None, "access": e.access,
        "codes": e.codes, "related_codes": e.related_codes, "number_notation": e.number_notation,
        "year": e.year, "date": e.date_iso, "title": e.title, "body": e.body,
    }


def schema_mismatch(mappings_by_index: dict[str, Any]) -> tuple[str, Any] | None:
    """(index, its schema version) of the first index whose mapping is not ours, or None."""
    for idx, m in mappings_by_index.items():
        version = m.get("mappings", {}).get("_meta", {}).get("schema_version")
        if version != SCHEMA_VERSION:
            return idx, version
    return None


def replace_dossier_query(code: str, keep_uids: Iterable[str]) -> dict[str, Any]:
    """Entries of dossier ``code`` other than ``keep_uids`` (left over from an older version)."""
    return {"bool": {"filter": [{"term": {"dossier_code": code}}],
                     "must_not": [{"ids": {"values": list(keep_uids)}}]}}


def dossier_query(code: str) -> dict[str, Any]:
    return {"term": {"dossier_code": code}}


def per_field(text: str, fields: list[str]) -> dict[str, Any]:
    """Each field on its own: all words in that field, several words as a phrase; summed.

    This is what the embedded index does with its per-field term/phrase queries.
    """
    return {"bool": {"should": [
        {"match_phrase": {f.split("^")[0]: {"query": text, "boost": float(f.split("^")[1])}}} for f in fields
    ], "minimum_should_match": 1}}


def clause(c: Clause) -> dict[str, Any]:
    fields = [f"title^{W_TITLE_EXACT}", f"title.folded^{W_TITLE_FOLD}",
              f"body^{W_BODY_EXACT}", f"body.folded^{W_BODY_FOLD}"]
    if c.kind is not ClauseKind.CODE:
        return per_field(c.text, fields)
    key = code_key(c.text)
    return {"bool": {"should": [
        {"term": {"codes": {"value": key, "boost": W_CODE}}},
        {"term": {"related_codes": {"value": key, "boost": W_RELATED_CODE}}},
        per_field(c.text, fields),
    ], "minimum_should_match": 1}}


def query(q: SearchQuery, rights: Rights) -> dict[str, Any]:
    """The query: the text clauses, and the filters of the user's rights and choices."""
    filters: list[dict[str, Any]] = []
    if not rights.see_restricted:
        filters.append({"term": {"access": PUBLIC_VALUE}})
    elif rights.restricted_agencies is not None:  # public records, and restricted ones of these fonds
        filters.append({"bool": {"should": [{"term": {"access": PUBLIC_VALUE}},
                                            {"terms": {"fonds": sorted(rights.restricted_agencies)}}],
                                 "minimum_should_match": 1}})
    if rights.agencies is not None:
        filters.append({"terms": {"fonds": sorted(rights.agencies)}} if rights.agencies
                       else {"bool": {"must_not": {"match_all": {}}}})
    for name in ("fonds", "agency", "doc_type", "retention", "access"):
        if getattr(q, name):
            filters.append({"terms": {name: list(getattr(q, name))}})
    if q.kind is not None:
        filters.append({"term": {"kind": q.kind.value}})
    if q.dossier_code:
        filters.append({"term": {"dossier_code": q.dossier_code}})
    if q.year_from is not None or q.year_to is not None:
        rng = {k: v for k, v in (("gte", q.year_from), ("lte", q.year_to)) if v is not None}
        filters.append({"range": {"year": rng}})
    must = [clause(c) for c in q.clauses()] or [{"match_all": {}}]
    return {"bool": {"must": must, "filter": filters}}


def search_body(q: SearchQuery, rights: Rights, *, max_offset_key: str) -> dict[str, Any]:
    """The ``_search`` request body (REST JSON). ``max_offset_key`` names the
    highlighter's offset limit in the engine's dialect (see module docstring)."""
    sort = q.effective_sort
    body: dict[str, Any] = {
        "query": query(q, rights), "from": q.offset, "size": q.size, "track_total_hits": True,
        "_source": {"excludes": ["body"]},
    }
    if sort is not Sort.RELEVANCE:
        order = "desc" if sort is Sort.DATE else "asc"
        body["sort"] = [{"date": {"order": order, "missing": "_last"}}, {"uid": "asc"}]
    if q.clauses():
        hl = {"number_of_fragments": 1, "fragment_size": SNIPPET_CHARS}
        body["highlight"] = {
            "pre_tags": ["<b>"], "post_tags": ["</b>"], "encoder": "html",
            max_offset_key: HIGHLIGHT_MAX_OFFSET, "require_field_match": False,
            "fields": {"body.folded": hl, "title.folded": hl},
        }
    if q.facets:
        body["aggs"] = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETS}
    return body


def empty_result(q: SearchQuery) -> SearchResult:
    """The answer while no index exists yet."""
    return SearchResult(total=0, hits=[], facets={n: [] for n in FACETS} if q.facets else {},
                        page=q.page, size=q.size)


def result(res: dict[str, Any], q: SearchQuery) -> SearchResult:
    """A :class:`SearchResult` from a ``_search`` response."""
    sort = q.effective_sort
    hits = [hit(h, sort) for h in res["hits"]["hits"]]
    facets = {name: facet_list((b["key"], b["doc_count"]) for b in res.get("aggregations", {})
                               .get(name, {}).get("buckets", [])) for name in FACETS} if q.facets else {}
    return SearchResult(total=int(res["hits"]["total"]["value"]), hits=hits, facets=facets,
                        page=q.page, size=q.size)


def hit(h: dict[str, Any], sort: Sort) -> Hit:
    s = h["_source"]
    frags = h.get("highlight", {})
    body_hl, title_hl = frags.get("body.folded", [""])[0], frags.get("title.folded", [""])[0]
    snippet = pick_snippet(title_hl, title_hl.count("<b>"), body_hl, body_hl.count("<b>")) \
        or html.escape(s.get("title", "")[:SNIPPET_CHARS])
    return Hit(
        kind=Kind(s["kind"]), id=s["id"], dossier_code=s["dossier_code"], title=s.get("title", ""),
        snippet=snippet, score=h.get("_score") if sort is Sort.RELEVANCE else None,
        date=s.get("date"), year=s.get("year"), fonds=s.get("fonds") or "", fonds_name=s.get("fonds_name") or "",
        agency=s.get("agency") or "", doc_type=s.get("doc_type") or "",
        number_notation=s.get("number_notation") or "", retention=s.get("retention") or "",
        access=s.get("access") or "",
    )
