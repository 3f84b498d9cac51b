"""Scale-out search: an Elasticsearch cluster (official ``elasticsearch`` client).

Layout on the cluster, for prefix ``p`` (default ``luutru``):

* index template ``p-template`` for indices ``p-idx-*``: the analysers and the
  mapping (``dynamic: false``: only the fields below are indexed);
* concrete indices ``p-idx-<timestamp>``; the alias ``p`` points at exactly one of
  them and is what searches and ordinary writes use;
* a full reindex (``begin_rebuild``) creates a fresh concrete index, fills it (refresh
  off), and ``finish_rebuild`` moves the alias and drops the old index in one atomic
  ``_aliases`` call, so searches never see a half-built index.

Text analysis mirrors the embedded backend: words are runs of letters and digits
(``pattern`` tokenizer), ``vi_exact`` lower-cases, ``vi_folded`` also applies
``asciifolding`` (which folds Vietnamese letters and đ→d).  Title and body are indexed
with both (``title`` / ``title.folded``), exact weighing twice as much.  Codes are
keyword fields holding keys computed in Python (the same keys as the embedded backend).

Writes are sent with the bulk API in bounded batches (``BULK_DOCS`` actions or
``BULK_BYTES`` bytes, whichever comes first).
"""

from __future__ import annotations

import html
import threading
import time
from typing import Any
from urllib.parse import unquote, urlsplit

from luutru.search.base import (
    BulkWrites,
    IndexingError,
    QueryError,
    SearchError,
    SearchUnavailable,
)
from luutru.search.entries import Entry, build_entries
from luutru.search.folding import code_key
from luutru.search.query import (
    FACET_SIZE,
    FACETS,
    Clause,
    ClauseKind,
    Hit,
    Kind,
    Rights,
    SearchQuery,
    SearchResult,
    Sort,
    facet_list,
)
from luutru.search.tantivy_index import (
    SNIPPET_CHARS,
    W_BODY_EXACT,
    W_BODY_FOLD,
    W_CODE,
    W_RELATED_CODE,
    W_TITLE_EXACT,
    W_TITLE_FOLD,
    pick_snippet,
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


def _source(e: Entry) -> dict[str, Any]:
    return {
        "uid": e.uid, "kind": e.kind.value, "id": e.id, "dossier_code": e.dossier_code,
        "fonds": e.fonds or None, "fonds_name": e.fonds_name, "agency": e.agency or None,
        "doc_type": e.doc_type or None, "retention": e.retention or None, "access": e.access,
        "codes": e.codes, "related_codes": e.related_codes, "number_notation": e.number_notation,
        "year": e.year, "date": e.date_iso, "title": e.title, "body": e.body,
    }


def parse_url(url: str) -> tuple[str, str, tuple[str, str] | None]:
    """``http(s)://[user:pw@]host:port[/prefix]`` → (node URL, prefix, basic auth)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SearchError(f"URL Elasticsearch không hợp lệ: '{url}'.",
                          f"Invalid Elasticsearch URL '{url}'; use http(s)://host:9200[/prefix].")
    prefix = parts.path.strip("/") or "luutru"
    if not prefix.replace("-", "").replace("_", "").isalnum() or prefix != prefix.lower() or "/" in prefix:
        raise SearchError(
            f"Tiền tố chỉ mục '{prefix}' không hợp lệ: chỉ dùng chữ thường, số, '-' và '_'.",
            f"Index prefix '{prefix}' is invalid: use lower-case letters, digits, '-' and '_'.")
    auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
    port = parts.port or 9200
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return f"{parts.scheme}://{host}:{port}", prefix, auth


class ElasticsearchIndex(BulkWrites):
    """The Elasticsearch :class:`~luutru.search.base.Index` (see module docstring).

    Nothing is sent to the cluster until the first call; the template and the first
    index are created on the first write.
    """

    def __init__(self, url: str, *, client: Any | None = None, request_timeout: float = 30.0) -> None:
        node, self.prefix, auth = parse_url(url)
        self.url = url
        self.alias = self.prefix
        self.template = f"{self.prefix}-template"
        self.pattern = f"{self.prefix}-idx-*"
        if client is None:
            from elasticsearch import Elasticsearch

            client = Elasticsearch(node, basic_auth=auth, request_timeout=request_timeout)
        self.es = client
        self._lock = threading.RLock()
        self._ready = False
        self._bulk_depth = 0
        self._rebuild_target: str | None = None

    # ------------------------------------------------------------------ set-up

    def _wrap(self, action_vi: str, action_en: str, e: Exception) -> IndexingError:
        return IndexingError(f"Elasticsearch: lỗi khi {action_vi}: {e}",
                             f"Elasticsearch: {action_en} failed: {e}")

    def _new_index_name(self) -> str:
        return f"{self.prefix}-idx-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 1_000_000:06d}"

    def _ensure(self) -> None:
        """Create/refresh the template; create the first index behind the alias if none."""
        if self._ready:
            return
        try:
            self.es.indices.put_index_template(
                name=self.template, index_patterns=[self.pattern], priority=200,
                template={"settings": {"analysis": ANALYSIS}, "mappings": MAPPINGS},
                meta={"owner": "luutru", "schema_version": SCHEMA_VERSION},
            )
            if not self.es.indices.exists_alias(name=self.alias):
                name = self._new_index_name()
                self.es.indices.create(index=name, aliases={self.alias: {"is_write_index": True}})
            else:
                for idx, m in self.es.indices.get_mapping(index=self.alias).body.items():
                    version = m.get("mappings", {}).get("_meta", {}).get("schema_version")
                    if version != SCHEMA_VERSION:
                        raise IndexingError(
                            f"Chỉ mục {idx} có phiên bản lược đồ {version}, cần {SCHEMA_VERSION}: "
                            "chạy 'luutru reindex' để dựng lại.",
                            f"Index {idx} has schema version {version}, expected {SCHEMA_VERSION}: "
                            "run 'luutru reindex' to rebuild it.")
        except IndexingError:
            raise
        except Exception as e:
            raise self._wrap("chuẩn bị chỉ mục", "preparing the index", e) from e
        self._ready = True

    def _target(self) -> str:
        return self._rebuild_target or self.alias

    def _deferred(self) -> bool:
        return self._bulk_depth > 0 or self._rebuild_target is not None

    # ------------------------------------------------------------------ writing

    def _send(self, actions: list[dict[str, Any]]) -> None:
        from elasticsearch import helpers

        for ok, item in helpers.streaming_bulk(
            self.es, actions, chunk_size=BULK_DOCS, max_chunk_bytes=BULK_BYTES,
            raise_on_error=False, max_retries=3, initial_backoff=1,
        ):
            if not ok:
                raise IndexingError("Elasticsearch từ chối một mục chỉ mục.",
                                    "Elasticsearch rejected an index entry.", details={"item": item})

    def index_dossier(self, dossier: dict[str, Any], documents: list[dict[str, Any]],
                      texts: dict[str, str] | None = None) -> None:
        """Replace the dossier's entries.  Visible on return outside ``bulk()``/rebuild."""
        entries = build_entries(dossier, documents, texts)
        code = entries[0].dossier_code
        with self._lock:
            self._ensure()
            target = self._target()
            try:
                self._send([{"_op_type": "index", "_index": target, "_id": e.uid, "_source": _source(e)}
                            for e in entries])
                self.es.delete_by_query(
                    index=target, conflicts="proceed", refresh=not self._deferred(),
                    query={"bool": {"filter": [{"term": {"dossier_code": code}}],
                                    "must_not": [{"ids": {"values": [e.uid for e in entries]}}]}},
                )
            except IndexingError:
                raise
            except Exception as e:
                raise self._wrap(f"lập chỉ mục hồ sơ {code}", f"indexing dossier {code}", e) from e

    def delete_dossier(self, code: str) -> None:
        """Delete from the live index and, during a rebuild, from the new one too."""
        code = str(code).strip()
        with self._lock:
            self._ensure()
            targets = [self.alias] + ([self._rebuild_target] if self._rebuild_target else [])
            try:
                self.es.delete_by_query(index=",".join(targets), conflicts="proceed",
                                        refresh=self._bulk_depth == 0,
                                        query={"term": {"dossier_code": code}})
            except Exception as e:
                raise self._wrap(f"xóa hồ sơ {code}", f"deleting dossier {code}", e) from e

    def clear(self) -> None:
        with self._lock:
            self._ensure()
            try:
                self.es.delete_by_query(index=self._target(), conflicts="proceed",
                                        refresh=not self._deferred(), query={"match_all": {}})
            except Exception as e:
                raise self._wrap("xóa toàn bộ chỉ mục", "clearing the index", e) from e

    def commit(self) -> None:
        with self._lock:
            if not self._ready:
                return
            try:
                self.es.indices.refresh(index=self._target())
            except Exception as e:
                raise self._wrap("làm mới chỉ mục", "refreshing the index", e) from e

    def begin_rebuild(self) -> None:
        with self._lock:
            if self._rebuild_target:
                raise IndexingError("Đang dựng lại chỉ mục.", "A rebuild is already in progress.")
            self._ensure()
            name = self._new_index_name()
            try:
                self.es.indices.create(index=name, settings={"refresh_interval": "-1"})
            except Exception as e:
                raise self._wrap("tạo chỉ mục mới", "creating the new index", e) from e
            self._rebuild_target = name

    def finish_rebuild(self) -> None:
        with self._lock:
            new = self._rebuild_target
            if not new:
                raise IndexingError("Chưa bắt đầu dựng lại chỉ mục.", "No rebuild in progress.")
            try:
                self.es.indices.put_settings(index=new, settings={"refresh_interval": None})
                self.es.indices.refresh(index=new)
                old = list(self.es.indices.get_alias(name=self.alias).body)
                actions: list[dict[str, Any]] = [
                    {"add": {"index": new, "alias": self.alias, "is_write_index": True}}]
                actions += [{"remove_index": {"index": o}} for o in old if o != new]
                self.es.indices.update_aliases(actions=actions)
            except Exception as e:
                raise self._wrap("hoán đổi chỉ mục", "swapping the rebuilt index in", e) from e
            self._rebuild_target = None

    def abort_rebuild(self) -> None:
        with self._lock:
            new, self._rebuild_target = self._rebuild_target, None
            if new:
                try:
                    self.es.indices.delete(index=new, ignore_unavailable=True)
                except Exception as e:
                    raise self._wrap("hủy dựng lại", "dropping the partial rebuild", e) from e

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        from elasticsearch import NotFoundError

        try:
            return int(self.es.count(index=self.alias)["count"])
        except NotFoundError:
            return 0
        except Exception as e:
            raise SearchUnavailable(f"Elasticsearch không trả lời: {e}", f"Elasticsearch did not answer: {e}") from e

    @staticmethod
    def _clause(c: Clause) -> dict[str, Any]:
        fields = [f"title^{W_TITLE_EXACT}", f"title.folded^{W_TITLE_FOLD}",
                  f"body^{W_BODY_EXACT}", f"body.folded^{W_BODY_FOLD}"]
        if c.kind is not ClauseKind.CODE:
            return _per_field(c.text, fields)
        key = code_key(c.text)
        return {"bool": {"should": [
            {"term": {"codes": {"value": key, "boost": W_CODE}}},
            {"term": {"related_codes": {"value": key, "boost": W_RELATED_CODE}}},
            _per_field(c.text, fields),
        ], "minimum_should_match": 1}}

    def _query(self, q: SearchQuery, rights: Rights) -> dict[str, Any]:
        filters: list[dict[str, Any]] = []
        if not rights.see_restricted:
            filters.append({"term": {"access": "cong_khai"}})
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
        must = [self._clause(c) for c in q.clauses()] or [{"match_all": {}}]
        return {"bool": {"must": must, "filter": filters}}

    def search(self, query: SearchQuery, rights: Rights) -> SearchResult:
        if not isinstance(query, SearchQuery) or not isinstance(rights, Rights):
            raise QueryError("Truy vấn hoặc quyền không hợp lệ.", "search() takes a SearchQuery and a Rights.")
        from elasticsearch import NotFoundError

        q = query
        sort = q.effective_sort
        body: dict[str, Any] = {
            "query": self._query(q, rights), "from_": q.offset, "size": q.size, "track_total_hits": True,
            "source_excludes": ["body"],
        }
        if sort is not Sort.RELEVANCE:
            order = "desc" if sort is Sort.DATE else "asc"
            body["sort"] = [{"date": {"order": order, "missing": "_last"}}, {"uid": "asc"}]
        if q.clauses():
            hl = {"number_of_fragments": 1, "fragment_size": SNIPPET_CHARS}
            body["highlight"] = {
                "pre_tags": ["<b>"], "post_tags": ["</b>"], "encoder": "html",
                "max_analyzed_offset": HIGHLIGHT_MAX_OFFSET, "require_field_match": False,
                "fields": {"body.folded": hl, "title.folded": hl},
            }
        if q.facets:
            body["aggs"] = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETS}
        try:
            res = self.es.search(index=self.alias, **body).body
        except NotFoundError:
            return SearchResult(total=0, hits=[], facets={n: [] for n in FACETS} if q.facets else {},
                                page=q.page, size=q.size)
        except Exception as e:
            raise SearchUnavailable(f"Elasticsearch không trả lời: {e}", f"Elasticsearch did not answer: {e}") from e
        hits = [self._hit(h, sort) for h in res["hits"]["hits"]]
        facets = {name: facet_list((b["key"], b["doc_count"]) for b in res.get("aggregations", {})
                                   .get(name, {}).get("buckets", [])) for name in FACETS} if q.facets else {}
        return SearchResult(total=int(res["hits"]["total"]["value"]), hits=hits, facets=facets,
                            page=q.page, size=q.size)

    @staticmethod
    def _hit(h: dict[str, Any], sort: Sort) -> Hit:
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

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        with self._lock:
            if self._rebuild_target:
                self.abort_rebuild()
            self.es.close()

    def __enter__(self) -> "ElasticsearchIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ElasticsearchIndex({self.url!r}, alias={self.alias!r})"


def _per_field(text: str, fields: list[str]) -> dict[str, Any]:
    """Each field on its own: all words in that field, several words as a phrase; summed.

    This is what the embedded index does with its per-field term/phrase queries.
    """
    return {"bool": {"should": [
        {"match_phrase": {f.split("^")[0]: {"query": text, "boost": float(f.split("^")[1])}}} for f in fields
    ], "minimum_should_match": 1}}
