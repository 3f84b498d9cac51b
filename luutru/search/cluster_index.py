"""What the OpenSearch and Elasticsearch backends share: everything but the client's call shapes.

The layout, analysers, mapping and request bodies come from
:mod:`luutru.search.cluster_model`; this class sends them: template and first index on
the first write (schema version checked), bounded bulk writes, the rebuild into a new
index with one alias swap, counts and searches, and every failure wrapped as
:class:`IndexingError` / :class:`SearchUnavailable`.  A subclass is a thin adapter:
it makes the client and says how that client spells each call (``body=`` for
opensearch-py, keyword arguments and ``.body`` responses for elasticsearch 9.x), and
how it deletes the entries a query matches.

Writes go through the bulk API in bounded batches (``BULK_DOCS`` actions or
``BULK_BYTES`` bytes, whichever comes first).  Outside ``bulk()`` and a rebuild a write
is searchable when the call returns (the index is refreshed).
"""

from __future__ import annotations

import threading
from types import ModuleType
from typing import Any, Iterable

from luutru.search import cluster_model as model
from luutru.search.base import BulkWrites, IndexingError, QueryError, SearchUnavailable
from luutru.search.entries import build_entries
from luutru.search.query import Rights, SearchQuery, SearchResult


class ClusterIndex(BulkWrites):
    """The shared cluster :class:`~luutru.search.base.Index` (see module docstring).

    Nothing is sent to the cluster until the first call; the template and the first
    index are created on the first write.
    """

    ENGINE = "cluster"
    MAX_OFFSET_KEY = "max_analyzed_offset"  # the highlighter's limit, named per engine

    def __init__(self, url: str, *, client: Any | None = None, request_timeout: float = 30.0) -> None:
        node, prefix, auth = model.parse_url(url, self.ENGINE)
        self.url = url
        self.names = model.Layout(prefix)
        self.prefix = prefix
        self.alias = self.names.alias
        self.client = client if client is not None else self._make_client(node, auth, request_timeout)
        self._lock = threading.RLock()
        self._ready = False
        self._bulk_depth = 0
        self._rebuild_target: str | None = None

    # ------------------------------------------------------------------ the adapter

    def _make_client(self, node: str, auth: tuple[str, str] | None, timeout: float) -> Any:
        raise NotImplementedError

    def _helpers(self) -> ModuleType:
        """The client library's ``helpers`` module (``streaming_bulk``, ``scan``)."""
        raise NotImplementedError

    def _not_found(self) -> type[Exception]:
        raise NotImplementedError

    def _put_template(self) -> None:
        raise NotImplementedError

    def _create_index(self, name: str, body: dict[str, Any]) -> None:
        """``body``: ``aliases`` and/or ``settings``."""
        raise NotImplementedError

    def _mappings(self) -> dict[str, Any]:
        raise NotImplementedError

    def _put_settings(self, index: str, settings: dict[str, Any]) -> None:
        raise NotImplementedError

    def _alias_indices(self) -> list[str]:
        raise NotImplementedError

    def _update_aliases(self, actions: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _delete_matching(self, index: str, query: dict[str, Any], *, refresh: bool) -> None:
        """Delete what ``query`` matches; with ``refresh``, searchable when it returns."""
        raise NotImplementedError

    # ------------------------------------------------------------------ set-up

    def _wrap(self, action_vi: str, action_en: str, e: Exception) -> IndexingError:
        return IndexingError(f"{self.ENGINE}: lỗi khi {action_vi}: {e}", f"{self.ENGINE}: {action_en} failed: {e}")

    def _unavailable(self, e: Exception) -> SearchUnavailable:
        return SearchUnavailable(f"{self.ENGINE} không trả lời: {e}", f"{self.ENGINE} did not answer: {e}")

    def _ensure(self) -> None:
        """Create/refresh the template; create the first index behind the alias if none."""
        if self._ready:
            return
        try:
            self._put_template()
            if not self.client.indices.exists_alias(name=self.alias):
                self._create_index(self.names.new_index_name(), {"aliases": {self.alias: {"is_write_index": True}}})
            else:
                bad = model.schema_mismatch(self._mappings())
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

    def _send(self, actions: Iterable[dict[str, Any]]) -> None:
        """Bounded bulk requests; a delete of an entry already gone (404) is not an error."""
        for ok, item in self._helpers().streaming_bulk(
            self.client, actions, chunk_size=model.BULK_DOCS, max_chunk_bytes=model.BULK_BYTES,
            raise_on_error=False, max_retries=3, initial_backoff=1,
        ):
            if not ok and item.get("delete", {}).get("status") != 404:
                raise IndexingError(f"{self.ENGINE} từ chối một mục chỉ mục.",
                                    f"{self.ENGINE} rejected an index entry.", details={"item": item})

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
                self._delete_matching(",".join(targets), model.dossier_query(code), refresh=self._bulk_depth == 0)
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
                self.client.indices.refresh(index=self._target())
            except Exception as e:
                raise self._wrap("làm mới chỉ mục", "refreshing the index", e) from e

    def begin_rebuild(self) -> None:
        with self._lock:
            if self._rebuild_target:
                raise IndexingError("Đang dựng lại chỉ mục.", "A rebuild is already in progress.")
            self._ensure()
            name = self.names.new_index_name()
            try:
                self._create_index(name, {"settings": {"refresh_interval": "-1"}})
            except Exception as e:
                raise self._wrap("tạo chỉ mục mới", "creating the new index", e) from e
            self._rebuild_target = name

    def finish_rebuild(self) -> None:
        with self._lock:
            new = self._rebuild_target
            if not new:
                raise IndexingError("Chưa bắt đầu dựng lại chỉ mục.", "No rebuild in progress.")
            try:
                self._put_settings(new, {"refresh_interval": None})
                self.client.indices.refresh(index=new)
                actions: list[dict[str, Any]] = [{"add": {"index": new, "alias": self.alias, "is_write_index": True}}]
                actions += [{"remove_index": {"index": o}} for o in self._alias_indices() if o != new]
                self._update_aliases(actions)
            except Exception as e:
                raise self._wrap("hoán đổi chỉ mục", "swapping the rebuilt index in", e) from e
            self._rebuild_target = None

    def abort_rebuild(self) -> None:
        with self._lock:
            new, self._rebuild_target = self._rebuild_target, None
            if new:
                try:
                    self.client.indices.delete(index=new, ignore_unavailable=True)
                except Exception as e:
                    raise self._wrap("hủy dựng lại", "dropping the partial rebuild", e) from e

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        try:
            return int(self.client.count(index=self.alias)["count"])
        except self._not_found():
            return 0
        except Exception as e:
            raise self._unavailable(e) from e

    def search(self, query: SearchQuery, rights: Rights) -> SearchResult:
        if not isinstance(query, SearchQuery) or not isinstance(rights, Rights):
            raise QueryError("Truy vấn hoặc quyền không hợp lệ.", "search() takes a SearchQuery and a Rights.")
        body = model.search_body(query, rights, max_offset_key=self.MAX_OFFSET_KEY)
        try:
            res = self._search(body)
        except self._not_found():
            return model.empty_result(query)
        except Exception as e:
            raise self._unavailable(e) from e
        return model.result(res, query)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        with self._lock:
            if self._rebuild_target:
                self.abort_rebuild()
            self.client.close()

    def __enter__(self) -> "ClusterIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r}, alias={self.alias!r})"
