"""Embedded search: a tantivy index in a directory (the default, no server).

Fields and analysers: :mod:`luutru.search.tantivy_schema`; queries and ranking:
:mod:`luutru.search.tantivy_query` with the tiers of :mod:`luutru.search.ranking`.

A search makes one scored pass for the top hits and, when facets are asked, one
unscored aggregation pass over the match that yields the total and all seven facets
together (no facet re-runs the match).  Without facets the total comes with the top
hits.  Two or more unquoted words add one count of the exact-phrase matches.

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
import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import tantivy

from luutru.policies.access import PUBLIC_VALUE
from luutru.search.base import BulkWrites, IndexingError, QueryError, SearchUnavailable
from luutru.search.entries import build_entries
from luutru.search.query import (
    FACET_SIZE,
    FACETS,
    Hit,
    Kind,
    Rights,
    SearchQuery,
    SearchResult,
    Sort,
    facet_list,
)

# The weights are re-exported here for the cluster backends, which read them from this module.
from luutru.search.ranking import (  # noqa: F401
    W_BODY_EXACT, W_BODY_FOLD, W_CODE, W_RELATED_CODE, W_TITLE_EXACT, W_TITLE_FOLD,
)
from luutru.search.tantivy_query import Plan, QueryBuilder
from luutru.search.tantivy_schema import SCHEMA_VERSION, analyzers, schema, to_doc

MARKER = "luutru-index.json"
SNIPPET_CHARS = 240
SUMMARIES_KEPT = 256  # totals and facets of recent queries, for their other pages and sorts


def pick_snippet(title: str, title_marks: int, body: str, body_marks: int) -> str:
    """The fragment with more highlighted words; the title on a tie ('' if neither has any)."""
    if body_marks > title_marks:
        return body
    return title if title_marks else ""


class TantivyIndex(BulkWrites):
    """The embedded :class:`~luutru.search.base.Index` (see module docstring)."""

    hidden_until_commit = True  # searchers open the last commit only

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
        self._pool: ThreadPoolExecutor | None = None  # runs the aggregation pass beside the page
        self._generation = 0  # bumped whenever the kept summaries are dropped (the index changed)
        self._summaries: OrderedDict[tuple[Any, ...], tuple[int, dict[str, list[tuple[str, int]]]]] = OrderedDict()
        self._analyzers = analyzers()
        self._schema = schema()
        self._queries = QueryBuilder(self._schema, self._analyzers)
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
        self._forget_summaries()

    def _forget_summaries(self) -> None:
        with self._lock:
            self._generation += 1
            self._summaries.clear()

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
        docs = [to_doc(e) for e in entries]
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
            self._forget_summaries()
        return self._index.searcher()

    def count(self) -> int:
        return self._searcher().num_docs

    def plan(self, query: SearchQuery, rights: Rights) -> Plan:
        """The tantivy queries :meth:`search` runs (the benchmark runs them on plain tantivy)."""
        return self._queries.plan(query, rights)

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
        plan = self.plan(q, rights)
        searcher = self._searcher()
        generation = self._generation
        sort = q.effective_sort
        summary: Future[tuple[int, dict[str, list[tuple[str, int]]]]] | None = None
        if q.facets or plan.rest is not None:
            # The total (and the facets) need a pass of their own: start it first, on another
            # core (tantivy releases the GIL while it searches), and build the page meanwhile.
            summary = self._summaries_pool().submit(self._summary, searcher, plan.match,
                                                    FACETS if q.facets else (), (q, rights, generation))
        if plan.rest is not None:
            found, phrase_total = self._tiered(searcher, plan, q)
            total = None
        else:
            kwargs: dict[str, Any] = {"limit": q.size, "offset": q.offset, "count": not q.facets}
            if sort is not Sort.RELEVANCE:
                kwargs["order_by_field"] = "date"
                kwargs["order"] = tantivy.Order.Desc if sort is Sort.DATE else tantivy.Order.Asc
            res = searcher.search(plan.ranked, **kwargs)
            found, total = res.hits, res.count
            phrase_total = None if plan.phrase is None else searcher.search(plan.phrase, 1, count=True).count
        snippets = self._snippets(searcher, plan.text)
        hits = [self._hit(searcher.doc(addr), score, snippets, sort) for score, addr in found]
        facets: dict[str, list[tuple[str, int]]] = {}
        if summary is not None:
            total, facets = summary.result()
        return SearchResult(total=total or 0, hits=hits, facets=facets if q.facets else {}, page=q.page,
                            size=q.size, phrase_total=phrase_total)

    def _summaries_pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="luutru-facets")
            return self._pool

    @staticmethod
    def _tiered(searcher: tantivy.Searcher, plan: Plan, q: SearchQuery) -> tuple[list[Any], int]:
        """The page from the phrase matches, then from the rest (see :mod:`.tantivy_query`)."""
        assert plan.phrase is not None and plan.rest is not None
        first = searcher.search(plan.phrase, limit=q.size, offset=q.offset, count=True)
        hits, phrase_total = list(first.hits), first.count or 0
        if len(hits) < q.size:
            rest = searcher.search(plan.rest, limit=q.size - len(hits), offset=max(0, q.offset - phrase_total),
                                   count=False)
            hits += rest.hits
        return hits, phrase_total

    def _summary(self, searcher: tantivy.Searcher, match: tantivy.Query, names: tuple[str, ...],
                 asked: tuple[SearchQuery, Rights, int]) -> tuple[int, dict[str, list[tuple[str, int]]]]:
        """Total and facets from one aggregation pass (every entry has a ``kind``, so the
        ``kind`` buckets add up to the total); without facets, the total from an unscored count.

        Kept for the query's other pages and sorts until the index changes (the next page costs
        the scored pass only); the key is what selects the entries.  A result computed on a
        searcher older than the last change is returned, not kept.
        """
        q, rights, generation = asked
        key = (names, rights, q.text, q.fonds, q.agency, q.year_from, q.year_to, q.doc_type, q.retention,
               q.access, q.kind, q.dossier_code)
        with self._lock:
            kept = self._summaries.get(key)
        if kept is None:
            kept = self._aggregate(searcher, match, names, rights)
            with self._lock:
                if generation == self._generation:
                    self._summaries[key] = kept
                    while len(self._summaries) > SUMMARIES_KEPT:
                        self._summaries.popitem(last=False)
        return kept[0], {name: list(values) for name, values in kept[1].items()}  # callers may change theirs

    @staticmethod
    def _aggregate(searcher: tantivy.Searcher, match: tantivy.Query, names: tuple[str, ...],
                   rights: Rights) -> tuple[int, dict[str, list[tuple[str, int]]]]:
        """One pass.  Public callers match public entries only: their ``access`` facet is the total."""
        if not names:
            return searcher.search(tantivy.Query.const_score_query(match, 0.0), 1, count=True).count or 0, {}
        known = () if rights.see_restricted else ("access",)  # one column fewer: 10–15 % of the pass at 1 M
        asked = [name for name in names if name not in known]
        out = searcher.aggregate(match, {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in asked})
        facets = {name: facet_list((b["key"], b["doc_count"]) for b in out.get(name, {}).get("buckets", []))
                  for name in asked}
        total = sum(n for _, n in facets["kind"])
        facets.update({name: facet_list([(PUBLIC_VALUE, total)]) for name in known if name in names})
        return total, {name: facets[name] for name in names}

    def _snippets(self, searcher: tantivy.Searcher, text: tantivy.Query | None) -> dict[str, Any]:
        if text is None:
            return {}
        snippets = {}
        for field in ("body_fold", "title_fold"):
            gen = tantivy.SnippetGenerator.create(searcher, text, self._schema, field)
            gen.set_max_num_chars(SNIPPET_CHARS)
            snippets[field] = gen
        return snippets

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
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)  # outside the lock: a running aggregation takes it to keep its result
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
