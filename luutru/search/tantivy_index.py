"""Embedded search: a tantivy index in a directory (the default, no server).

Fields.  Title and body text are indexed twice: ``*_exact`` (lower-cased words) and
``*_fold`` (lower-cased, diacritics folded by tantivy's ASCII folding, which maps đ→d).
A query word is looked up in both; the exact field weighs twice as much, so a match
with the same diacritics ranks above a folded one.  ``codes``/``related_codes`` are
untokenised keys (:func:`luutru.search.folding.code_key`) for identifiers and
numbers/notations.  Facet and filter fields are raw fast fields.

Concurrency.  One process writes (tantivy holds a lock file while an ``IndexWriter``
is open; this class opens it on the first write and keeps it until ``close()``); any
number of processes may search.  Writes commit at once unless inside ``bulk()`` or a
rebuild.  A rebuild deletes everything and re-adds in one uncommitted batch, so
searchers see the old index until ``finish_rebuild()`` commits — tantivy commits are
atomic, which gives the same swap the Elasticsearch backend gets from its alias.
"""

from __future__ import annotations

import html
import json
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import tantivy

from luutru.search.base import BulkWrites, IndexingError, QueryError, SearchUnavailable
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

SCHEMA_VERSION = 1
MARKER = "luutru-index.json"
SNIPPET_CHARS = 240

# Relative weights; the same numbers are used by the Elasticsearch backend.
W_TITLE_EXACT, W_TITLE_FOLD, W_BODY_EXACT, W_BODY_FOLD = 4.0, 2.0, 2.0, 1.0
W_CODE, W_RELATED_CODE = 50.0, 10.0

_RAW = ("uid", "kind", "id", "dossier_code", "fonds", "agency", "doc_type", "retention", "access")


def pick_snippet(title: str, title_marks: int, body: str, body_marks: int) -> str:
    """The fragment with more highlighted words; the title on a tie ('' if neither has any)."""
    if body_marks > title_marks:
        return body
    return title if title_marks else ""


def _analyzers() -> dict[str, tantivy.TextAnalyzer]:
    def base() -> tantivy.TextAnalyzerBuilder:
        return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(
            tantivy.Filter.remove_long(100)).filter(tantivy.Filter.lowercase())
    return {"vi_exact": base().build(), "vi_fold": base().filter(tantivy.Filter.ascii_fold()).build()}


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in _RAW:
        sb.add_text_field(name, stored=True, fast=name not in ("uid", "id"), tokenizer_name="raw")
    sb.add_text_field("fonds_name", stored=True, tokenizer_name="raw")
    sb.add_text_field("number_notation", stored=True, tokenizer_name="raw")
    sb.add_text_field("codes", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("related_codes", tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("year", stored=True, indexed=True, fast=True)
    sb.add_date_field("date", stored=True, indexed=True, fast=True)
    # Exact fields are not stored: the folded twin stores the original text once.
    sb.add_text_field("title_exact", tokenizer_name="vi_exact")
    sb.add_text_field("title_fold", stored=True, tokenizer_name="vi_fold")
    sb.add_text_field("body_exact", tokenizer_name="vi_exact")
    sb.add_text_field("body_fold", stored=True, tokenizer_name="vi_fold")
    return sb.build()


def _to_doc(e: Entry) -> tantivy.Document:
    doc = tantivy.Document()
    for name in _RAW:
        value = e.uid if name == "uid" else getattr(e, name)
        value = value.value if isinstance(value, Kind) else value
        if value:
            doc.add_text(name, value)
    for name in ("fonds_name", "number_notation"):
        if getattr(e, name):
            doc.add_text(name, getattr(e, name))
    for c in e.codes:
        doc.add_text("codes", c)
    for c in e.related_codes:
        doc.add_text("related_codes", c)
    if e.year is not None:
        doc.add_integer("year", e.year)
    if e.date is not None:
        doc.add_date("date", datetime(e.date.year, e.date.month, e.date.day, tzinfo=timezone.utc))
    doc.add_text("title_exact", e.title)
    doc.add_text("title_fold", e.title)
    if e.body:
        doc.add_text("body_exact", e.body)
        doc.add_text("body_fold", e.body)
    return doc


class TantivyIndex(BulkWrites):
    """The embedded :class:`~luutru.search.base.Index` (see module docstring)."""

    def __init__(self, path: str | Path, *, heap_size: int = 256_000_000, threads: int = 0) -> None:
        self.path = Path(path).expanduser().resolve()
        self.url = "tantivy://" + str(self.path)
        self._heap, self._threads = heap_size, threads
        self._lock = threading.RLock()
        self._writer: tantivy.IndexWriter | None = None
        self._bulk_depth = 0
        self._rebuilding = False
        self._dirty = False
        self._seen_meta: tuple[int, int] | None = None
        self._analyzers = _analyzers()
        self._schema = _schema()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            marker = self.path / MARKER
            if marker.exists():
                version = json.loads(marker.read_text("utf-8")).get("schema_version")
                if version != SCHEMA_VERSION:
                    raise IndexingError(
                        f"Chỉ mục tại {self.path} có phiên bản lược đồ {version}, cần {SCHEMA_VERSION}. "
                        "Hãy xóa thư mục này rồi chạy 'luutru reindex'.",
                        f"The index at {self.path} has schema version {version}, expected {SCHEMA_VERSION}. "
                        "Delete that directory and run 'luutru reindex'.")
            self._index = tantivy.Index(self._schema, path=str(self.path), reuse=True)
            if not marker.exists():
                marker.write_text(json.dumps({"schema_version": SCHEMA_VERSION}), "utf-8")
        except IndexingError:
            raise
        except (OSError, ValueError) as e:
            raise IndexingError(
                f"Không mở được chỉ mục tìm kiếm tại {self.path}: {e}. Kiểm tra quyền ghi thư mục, "
                "hoặc xóa thư mục rồi chạy 'luutru reindex' nếu chỉ mục hỏng.",
                f"Cannot open the search index at {self.path}: {e}. Check the directory is writable, "
                "or delete it and run 'luutru reindex' if the index is damaged.") from e
        for name, analyzer in self._analyzers.items():
            self._index.register_tokenizer(name, analyzer)

    # ------------------------------------------------------------------ writing

    def _w(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self._index.writer(heap_size=self._heap, num_threads=self._threads)
            except ValueError as e:
                raise IndexingError(
                    f"Chỉ mục {self.path} đang được một tiến trình khác ghi ({e}). Chỉ một tiến trình được "
                    "ghi chỉ mục; thử lại sau khi tiến trình đó kết thúc.",
                    f"The index at {self.path} is being written by another process ({e}). Only one process "
                    "may write the index; retry when it has finished.") from e
        return self._writer

    def _deferred(self) -> bool:
        return self._bulk_depth > 0 or self._rebuilding

    def _after_write(self) -> None:
        self._dirty = True
        if not self._deferred():
            self._commit()

    def _commit(self) -> None:
        if self._writer is not None and self._dirty:
            self._writer.commit()
            self._dirty = False
        self._index.reload()

    def _write(self, action: str, fn: Any) -> None:
        with self._lock:
            try:
                fn(self._w())
                self._after_write()
            except IndexingError:
                raise
            except Exception as e:  # tantivy raises ValueError/RuntimeError/OSError
                raise IndexingError(f"Lỗi khi {action}: {e}", f"Indexing failed ({action}): {e}") from e

    def index_dossier(self, dossier: dict[str, Any], documents: list[dict[str, Any]],
                      texts: dict[str, str] | None = None) -> None:
        """Replace the dossier's entries.  Commits itself outside ``bulk()``/rebuild."""
        entries = build_entries(dossier, documents, texts)
        docs = [_to_doc(e) for e in entries]
        code = entries[0].dossier_code

        def run(w: tantivy.IndexWriter) -> None:
            w.delete_documents_by_term("dossier_code", code)
            for d in docs:
                w.add_document(d)
        self._write(f"lập chỉ mục hồ sơ {code} / indexing dossier {code}", run)

    def delete_dossier(self, code: str) -> None:
        code = str(code).strip()
        self._write(f"xóa hồ sơ {code} / deleting dossier {code}",
                    lambda w: w.delete_documents_by_term("dossier_code", code))

    def clear(self) -> None:
        self._write("xóa toàn bộ chỉ mục / clearing the index", lambda w: w.delete_all_documents())

    def commit(self) -> None:
        with self._lock:
            try:
                self._commit()
            except Exception as e:
                raise IndexingError(f"Không ghi được chỉ mục: {e}", f"Commit failed: {e}") from e

    def begin_rebuild(self) -> None:
        with self._lock:
            if self._rebuilding:
                raise IndexingError("Đang dựng lại chỉ mục.", "A rebuild is already in progress.")
            self._rebuilding = True  # set first: the delete below must not commit
            try:
                self._write("bắt đầu dựng lại / starting a rebuild", lambda w: w.delete_all_documents())
            except IndexingError:
                self._rebuilding = False
                raise

    def finish_rebuild(self) -> None:
        with self._lock:
            if not self._rebuilding:
                raise IndexingError("Chưa bắt đầu dựng lại chỉ mục.", "No rebuild in progress.")
            self._rebuilding = False
            self._dirty = True
            self.commit()

    def abort_rebuild(self) -> None:
        with self._lock:
            if self._rebuilding and self._writer is not None:
                try:
                    self._writer.rollback()
                except Exception as e:
                    raise IndexingError(f"Không hủy được: {e}", f"Rollback failed: {e}") from e
            self._rebuilding = False
            self._dirty = False

    # ------------------------------------------------------------------ reading

    def _searcher(self) -> tantivy.Searcher:
        """A searcher on the latest commit, also when another process made it.

        tantivy's own reload policy polls with a delay; a stat of ``meta.json`` (which
        every commit replaces) is cheap enough to do on every search.
        """
        try:
            st = (self.path / "meta.json").stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_ino)
        except OSError:
            stamp = None
        if stamp != self._seen_meta:
            self._index.reload()
            self._seen_meta = stamp
        return self._index.searcher()

    def count(self) -> int:
        return self._searcher().num_docs

    def _term(self, field: str, value: Any) -> tantivy.Query:
        return tantivy.Query.term_query(self._schema, field, value)

    def _text_query(self, field: str, analyzer: str, text: str) -> tantivy.Query | None:
        tokens = self._analyzers[analyzer].analyze(text)
        if not tokens:
            return None
        if len(tokens) == 1:
            return self._term(field, tokens[0])
        return tantivy.Query.phrase_query(self._schema, field, tokens)

    def _clause(self, c: Clause) -> tantivy.Query | None:
        parts: list[tuple[tantivy.Query | None, float]] = [
            (self._text_query("title_exact", "vi_exact", c.text), W_TITLE_EXACT),
            (self._text_query("title_fold", "vi_fold", c.text), W_TITLE_FOLD),
            (self._text_query("body_exact", "vi_exact", c.text), W_BODY_EXACT),
            (self._text_query("body_fold", "vi_fold", c.text), W_BODY_FOLD),
        ]
        if c.kind is ClauseKind.CODE:
            key = code_key(c.text)
            parts += [(self._term("codes", key), W_CODE), (self._term("related_codes", key), W_RELATED_CODE)]
        should = [(tantivy.Occur.Should, tantivy.Query.boost_query(q, w)) for q, w in parts if q is not None]
        return tantivy.Query.boolean_query(should) if should else None

    def _filters(self, q: SearchQuery, rights: Rights) -> list[tantivy.Query]:
        s = self._schema
        f: list[tantivy.Query] = []
        if not rights.see_restricted:
            f.append(self._term("access", "cong_khai"))  # only what is known to be public
        if rights.agencies is not None:
            f.append(tantivy.Query.term_set_query(s, "fonds", sorted(rights.agencies))
                     if rights.agencies else tantivy.Query.empty_query())
        for name in ("fonds", "agency", "doc_type", "retention", "access"):
            values = getattr(q, name)
            if values:
                f.append(tantivy.Query.term_set_query(s, name, list(values)))
        if q.kind is not None:
            f.append(self._term("kind", q.kind.value))
        if q.dossier_code:
            f.append(self._term("dossier_code", q.dossier_code))
        if q.year_from is not None or q.year_to is not None:
            f.append(tantivy.Query.range_query(s, "year", tantivy.FieldType.Integer, q.year_from, q.year_to))
        return f

    def _query(self, q: SearchQuery, rights: Rights) -> tuple[tantivy.Query, tantivy.Query | None]:
        must: list[tuple[tantivy.Occur, tantivy.Query]] = []
        text: tantivy.Query | None = None
        clauses = [self._clause(c) for c in q.clauses()]
        if any(c is None for c in clauses):  # a clause with no searchable characters
            clauses = [c for c in clauses if c is not None]
        if clauses:
            text = clauses[0] if len(clauses) == 1 else tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, c) for c in clauses])
            must.append((tantivy.Occur.Must, text))
        else:
            must.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        for f in self._filters(q, rights):
            must.append((tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)))
        return tantivy.Query.boolean_query(must), text

    def search(self, query: SearchQuery, rights: Rights) -> SearchResult:
        if not isinstance(query, SearchQuery) or not isinstance(rights, Rights):
            raise QueryError("Truy vấn hoặc quyền không hợp lệ.",
                             "search() takes a SearchQuery and a Rights.")
        try:
            return self._search(query, rights)
        except QueryError:
            raise
        except Exception as e:
            raise SearchUnavailable(f"Chỉ mục tìm kiếm không trả lời được: {e}",
                                    f"The search index could not answer: {e}") from e

    def _search(self, q: SearchQuery, rights: Rights) -> SearchResult:
        full, text = self._query(q, rights)
        searcher = self._searcher()
        sort = q.effective_sort
        kwargs: dict[str, Any] = {"limit": q.size, "offset": q.offset, "count": True}
        if sort is not Sort.RELEVANCE:
            kwargs["order_by_field"] = "date"
            kwargs["order"] = tantivy.Order.Desc if sort is Sort.DATE else tantivy.Order.Asc
        res = searcher.search(full, **kwargs)
        snippets = {}
        if text is not None:
            for field in ("body_fold", "title_fold"):
                gen = tantivy.SnippetGenerator.create(searcher, text, self._schema, field)
                gen.set_max_num_chars(SNIPPET_CHARS)
                snippets[field] = gen
        hits = [self._hit(searcher.doc(addr), score, snippets, sort) for score, addr in res.hits]
        facets: dict[str, list[tuple[str, int]]] = {}
        if q.facets:
            aggs = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETS}
            out = searcher.aggregate(full, aggs)
            for name in FACETS:
                buckets = out.get(name, {}).get("buckets", [])
                facets[name] = facet_list((b["key"], b["doc_count"]) for b in buckets)
        return SearchResult(total=res.count or 0, hits=hits, facets=facets, page=q.page, size=q.size)

    @staticmethod
    def _hit(doc: tantivy.Document, score: Any, snippets: dict[str, Any], sort: Sort) -> Hit:
        def first(name: str, default: Any = "") -> Any:
            v = doc.get_first(name)
            return default if v is None else v

        found = {}
        for field, gen in snippets.items():
            sn = gen.snippet_from_doc(doc)
            found[field] = (sn.to_html(), len(sn.highlighted()))
        snippet = pick_snippet(*found.get("title_fold", ("", 0)), *found.get("body_fold", ("", 0)))
        if not snippet:
            snippet = html.escape((first("body_fold") or first("title_fold"))[:SNIPPET_CHARS])
        d = doc.get_first("date")
        return Hit(
            kind=Kind(first("kind")), id=first("id"), dossier_code=first("dossier_code"),
            title=first("title_fold"), snippet=snippet,
            score=float(score) if sort is Sort.RELEVANCE else None,
            date=d.date().isoformat() if d is not None else None, year=doc.get_first("year"),
            fonds=first("fonds"), fonds_name=first("fonds_name"), agency=first("agency"),
            doc_type=first("doc_type"), number_notation=first("number_notation"),
            retention=first("retention"), access=first("access"),
        )

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        with self._lock:
            if self._writer is not None:
                try:
                    if self._rebuilding:
                        self._writer.rollback()
                        self._rebuilding = False
                    elif self._dirty:
                        self._writer.commit()
                    self._writer.wait_merging_threads()
                except Exception as e:
                    raise IndexingError(f"Không đóng được chỉ mục: {e}", f"Closing the index failed: {e}") from e
                finally:
                    self._writer = None

    def __enter__(self) -> "TantivyIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"TantivyIndex({str(self.path)!r})"
