"""Scale-out search: an Elasticsearch cluster (official ``elasticsearch`` client).

The index layout, analysers, mapping and request bodies are those of
:mod:`luutru.search.cluster_model`, shared with the OpenSearch backend; this module
only sends them with the Elasticsearch client.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Iterable

from luutru.search import cluster_model as model
from luutru.search.base import BulkWrites, IndexingError, QueryError, SearchUnavailable
from luutru.search.entries import build_entries
from luutru.search.query import Rights, SearchQuery, SearchResult

SCHEMA_VERSION = model.SCHEMA_VERSION
BULK_DOCS, BULK_BYTES = model.BULK_DOCS, model.BULK_BYTES
ANALYSIS, MAPPINGS = model.ANALYSIS, model.MAPPINGS
ENGINE = "Elasticsearch"
MAX_OFFSET_KEY = "max_analyzed_offset"


def parse_url(url: str) -> tuple[str, str, tuple[str, str] | None]:
    """``http(s)://[user:pw@]host:port[/prefix]`` → (node URL, prefix, basic auth)."""
    return model.parse_url(url, ENGINE)


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

    def _send(self, actions: Iterable[dict[str, Any]]) -> None:
        """Bounded bulk requests; a delete of an entry already gone (404) is not an error."""
        from elasticsearch import helpers

        for ok, item in helpers.streaming_bulk(
            self.es, actions, chunk_size=BULK_DOCS, max_chunk_bytes=BULK_BYTES,
            raise_on_error=False, max_retries=3, initial_backoff=1,
        ):
            if not ok and item.get("delete", {}).get("status") != 404:
                raise IndexingError("Elasticsearch từ chối một mục chỉ mục.",
                                    "Elasticsearch rejected an index entry.", details={"item": item})

    def _delete_matching(self, index: str, query: dict[str, Any], *, refresh: bool) -> None:
        """Delete the entries ``query`` matches: their ids by a scroll, then one bulk of deletes.

        Why not ``_delete_by_query``: it lives in Elasticsearch's ``reindex`` module, which
        a node may lack (the one scripts/setup can assemble from Maven Central does); a
        dossier has few entries, so looking them up costs one small search.  Entries
        already gone (a concurrent delete) are not an error.
        """
        from elasticsearch import helpers

        hits = helpers.scan(self.es, index=index, query={"query": query, "_source": False},
                            size=BULK_DOCS, scroll="2m")
        self._send({"_op_type": "delete", "_index": h["_index"], "_id": h["_id"]} for h in hits)
        if refresh:
            self.es.indices.refresh(index=index)

    def index_dossier(self, dossier: dict[str, Any], documents: list[dict[str, Any]],
                      texts: dict[str, str] | None = None) -> None:
        """Replace the dossier's entries.  Visible on return outside ``bulk()``/rebuild."""
        entries = build_entries(dossier, documents, texts)
        code = entries[0].dossier_code
        with self._lock:
            self._ensure()
            target = self._target()
            try:
                self._send([{"_op_type": "index", "_index": target, "_id": e.uid, "_source": model.source(e)}
                            for e in entries])
                self._delete_matching(target, model.replace_dossier_query(code, (e.uid for e in entries)),
                                      refresh=not self._deferred())
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
                self._delete_matching(",".join(targets), {"term": {"dossier_code": code}},
                                      refresh=self._bulk_depth == 0)
            except Exception as e:
                raise self._wrap(f"xóa hồ sơ {code}", f"deleting dossier {code}", e) from e

    def clear(self) -> None:
        with self._lock:
            self._ensure()
            try:
                self._delete_matching(self._target(), {"match_all": {}}, refresh=not self._deferred())
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

    def search(self, query: SearchQuery, rights: Rights) -> SearchResult:
        if not isinstance(query, SearchQuery) or not isinstance(rights, Rights):
            raise QueryError("Truy vấn hoặc quyền không hợp lệ.", "search() takes a SearchQuery and a Rights.")
        from elasticsearch import NotFoundError

        q = query
        body = model.search_body(q, rights, max_offset_key=MAX_OFFSET_KEY)
        # The client takes the body's top-level keys as arguments under its own names.
        body["from_"] = body.pop("from")
        body["source_excludes"] = body.pop("_source")["excludes"]
        try:
            res = self.es.search(index=self.alias, **body).body
        except NotFoundError:
            return model.empty_result(q)
        except Exception as e:
            raise SearchUnavailable(f"Elasticsearch không trả lời: {e}", f"Elasticsearch did not answer: {e}") from e
        return model.result(res, q)

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
