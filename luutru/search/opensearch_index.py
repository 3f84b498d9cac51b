"""Scale-out search on an OpenSearch cluster (``opensearch-py`` client).

The index layout, analysers, mapping and request bodies are those of
:mod:`luutru.search.cluster_model`, shared with the Elasticsearch backend; this module
only sends them. Tested in CI against an OpenSearch 2.19 node (scripts/setup).

Writes go through the bulk API in bounded batches (``BULK_DOCS`` actions or
``BULK_BYTES`` bytes, whichever comes first). Outside ``bulk()`` and a rebuild a write
is searchable when the call returns (the index is refreshed).
"""

from __future__ import annotations

import threading
from typing import Any

from luutru.search import cluster_model as model
from luutru.search.base import BulkWrites, IndexingError, QueryError, SearchUnavailable
from luutru.search.entries import build_entries
from luutru.search.query import Rights, SearchQuery, SearchResult

ENGINE = "OpenSearch"
# OpenSearch names the highlighter's limit differently from Elasticsearch.
MAX_OFFSET_KEY = "max_analyzer_offset"


class OpenSearchIndex(BulkWrites):
    """The OpenSearch :class:`~luutru.search.base.Index`.

    Nothing is sent to the cluster until the first call; the template and the first
    index are created on the first write.
    """

    def __init__(self, url: str, *, client: Any | None = None, request_timeout: float = 30.0) -> None:
        node, prefix, auth = model.parse_url(url, ENGINE)
        self.url = url
        self.names = model.Layout(prefix)
        self.prefix = prefix
        self.alias = self.names.alias
        if client is None:
            # The client is the "scale" extra: imported only when a cluster is used.
            from opensearchpy import OpenSearch

            client = OpenSearch(hosts=[node], http_auth=auth, timeout=request_timeout, http_compress=True)
        self.os = client
        self._lock = threading.RLock()
        self._ready = False
        self._bulk_depth = 0
        self._rebuild_target: str | None = None

    # ------------------------------------------------------------------ set-up

    @staticmethod
    def _wrap(action_vi: str, action_en: str, e: Exception) -> IndexingError:
        return IndexingError(f"{ENGINE}: lỗi khi {action_vi}: {e}", f"{ENGINE}: {action_en} failed: {e}")

    def _ensure(self) -> None:
        """Create/refresh the template; create the first index behind the alias if none."""
        if self._ready:
            return
        try:
            self.os.indices.put_index_template(name=self.names.template, body=self.names.template_body())
            if not self.os.indices.exists_alias(name=self.alias):
                self.os.indices.create(index=self.names.new_index_name(),
                                       body={"aliases": {self.alias: {"is_write_index": True}}})
            else:
                bad = model.schema_mismatch(self.os.indices.get_mapping(index=self.alias))
                if bad:
                    idx, version = bad
                    raise IndexingError(
                        f"Chỉ mục {idx} có phiên bản lược đồ {version}, cần {model.SCHEMA_VERSION}: "
                        "chạy 'luutru reindex' để dựng lại.",
                        f"Index {idx} has schema version {version}, expected {model.SCHEMA_VERSION}: "
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
        from opensearchpy import helpers

        for ok, item in helpers.streaming_bulk(
            self.os, actions, chunk_size=model.BULK_DOCS, max_chunk_bytes=model.BULK_BYTES,
            raise_on_error=False, max_retries=3, initial_backoff=1,
        ):
            if not ok:
                raise IndexingError(f"{ENGINE} từ chối một mục chỉ mục.", f"{ENGINE} rejected an index entry.",
                                    details={"item": item})

    def _delete_by_query(self, index: str, query: dict[str, Any], refresh: bool) -> None:
        self.os.delete_by_query(index=index, body={"query": query}, conflicts="proceed", refresh=refresh)

    def index_dossier(self, dossier: dict[str, Any], documents: list[dict[str, Any]],
                      texts: dict[str, str] | None = None) -> None:
        """Replace the dossier's entries. Visible on return outside ``bulk()``/rebuild."""
        entries = build_entries(dossier, documents, texts)
        code = entries[0].dossier_code
        with self._lock:
            self._ensure()
            target = self._target()
            try:
                self._send([{"_op_type": "index", "_index": target, "_id": e.uid, "_source": model.source(e)}
                            for e in entries])
                self._delete_by_query(target, model.replace_dossier_query(code, (e.uid for e in entries)),
                                      refresh=False)
                if not self._deferred():
                    # delete-by-query refreshes only when it deleted something: refresh here.
                    self.os.indices.refresh(index=target)
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
                self._delete_by_query(",".join(targets), model.dossier_query(code), refresh=self._bulk_depth == 0)
            except Exception as e:
                raise self._wrap(f"xóa hồ sơ {code}", f"deleting dossier {code}", e) from e

    def clear(self) -> None:
        with self._lock:
            self._ensure()
            try:
                self._delete_by_query(self._target(), {"match_all": {}}, refresh=not self._deferred())
            except Exception as e:
                raise self._wrap("xóa toàn bộ chỉ mục", "clearing the index", e) from e

    def commit(self) -> None:
        with self._lock:
            if not self._ready:
                return
            try:
                self.os.indices.refresh(index=self._target())
            except Exception as e:
                raise self._wrap("làm mới chỉ mục", "refreshing the index", e) from e

    def begin_rebuild(self) -> None:
        with self._lock:
            if self._rebuild_target:
                raise IndexingError("Đang dựng lại chỉ mục.", "A rebuild is already in progress.")
            self._ensure()
            name = self.names.new_index_name()
            try:
                self.os.indices.create(index=name, body={"settings": {"refresh_interval": "-1"}})
            except Exception as e:
                raise self._wrap("tạo chỉ mục mới", "creating the new index", e) from e
            self._rebuild_target = name

    def finish_rebuild(self) -> None:
        with self._lock:
            new = self._rebuild_target
            if not new:
                raise IndexingError("Chưa bắt đầu dựng lại chỉ mục.", "No rebuild in progress.")
            try:
                self.os.indices.put_settings(index=new, body={"index": {"refresh_interval": None}})
                self.os.indices.refresh(index=new)
                old = list(self.os.indices.get_alias(name=self.alias))
                actions: list[dict[str, Any]] = [
                    {"add": {"index": new, "alias": self.alias, "is_write_index": True}}]
                actions += [{"remove_index": {"index": o}} for o in old if o != new]
                self.os.indices.update_aliases(body={"actions": actions})
            except Exception as e:
                raise self._wrap("hoán đổi chỉ mục", "swapping the rebuilt index in", e) from e
            self._rebuild_target = None

    def abort_rebuild(self) -> None:
        with self._lock:
            new, self._rebuild_target = self._rebuild_target, None
            if new:
                try:
                    self.os.indices.delete(index=new, ignore_unavailable=True)
                except Exception as e:
                    raise self._wrap("hủy dựng lại", "dropping the partial rebuild", e) from e

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        from opensearchpy import NotFoundError

        try:
            return int(self.os.count(index=self.alias)["count"])
        except NotFoundError:
            return 0
        except Exception as e:
            raise SearchUnavailable(f"{ENGINE} không trả lời: {e}", f"{ENGINE} did not answer: {e}") from e

    def search(self, query: SearchQuery, rights: Rights) -> SearchResult:
        if not isinstance(query, SearchQuery) or not isinstance(rights, Rights):
            raise QueryError("Truy vấn hoặc quyền không hợp lệ.", "search() takes a SearchQuery and a Rights.")
        from opensearchpy import NotFoundError

        body = model.search_body(query, rights, max_offset_key=MAX_OFFSET_KEY)
        try:
            res = self.os.search(index=self.alias, body=body)
        except NotFoundError:
            return model.empty_result(query)
        except Exception as e:
            raise SearchUnavailable(f"{ENGINE} không trả lời: {e}", f"{ENGINE} did not answer: {e}") from e
        return model.result(res, query)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        with self._lock:
            if self._rebuild_target:
                self.abort_rebuild()
            self.os.close()

    def __enter__(self) -> "OpenSearchIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"OpenSearchIndex({self.url!r}, alias={self.alias!r})"
