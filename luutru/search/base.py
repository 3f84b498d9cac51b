"""The ``Index`` protocol every search backend implements (errors: :mod:`luutru.search.errors`).

The search index is derived data: the AIP in storage is the source of truth and
``luutru reindex`` rebuilds the index from storage.  So a failed index write must never
fail a stored package: every write error of every backend surfaces as one exception
type, :class:`IndexingError`, which the pipeline catches to queue a retry.

Commit semantics (same on every backend): ``index_dossier``, ``delete_dossier`` and
``clear`` are visible to searches when they return, except inside ``with index.bulk():``
or between ``begin_rebuild()`` and ``finish_rebuild()``, where changes become visible
together at the end (``commit()`` makes them visible earlier in ``bulk``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
from typing import Any, Iterator, Protocol, runtime_checkable

from luutru.search.errors import (
    IndexingError,
    QueryError,
    SearchError,
    SearchUnavailable,
)
from luutru.search.query import Rights, SearchQuery, SearchResult

__all__ = ["BulkWrites", "Index", "IndexingError", "QueryError", "SearchError", "SearchUnavailable"]


@runtime_checkable
class Index(Protocol):
    """A search index of dossiers and documents (see module docstring for commits)."""

    url: str

    def index_dossier(self, dossier: dict[str, Any], documents: list[dict[str, Any]],
                      texts: dict[str, str] | None = None) -> None:
        """Index a dossier and its documents, replacing every earlier entry of that dossier.

        ``dossier``/``documents`` carry the catalogue keys of
        :mod:`luutru.records.fields`; ``texts`` maps a document identifier
        (``ma_dinh_danh_van_ban``) to its extracted full text.
        """
        ...

    def delete_dossier(self, code: str) -> None:
        """Remove a dossier and all its documents (destruction, or withdrawal)."""
        ...

    def clear(self) -> None:
        """Remove everything."""
        ...

    def commit(self) -> None:
        """Make pending changes visible (only needed inside ``bulk()``)."""
        ...

    def bulk(self) -> AbstractContextManager[None]:
        """Group many writes; they become visible when the block ends."""
        ...

    def begin_rebuild(self) -> None:
        """Start a full reindex: searches keep seeing the old index until finish."""
        ...

    def finish_rebuild(self) -> None:
        """Swap the rebuilt index in, atomically for searches."""
        ...

    def abort_rebuild(self) -> None:
        """Drop the partial rebuild; searches go on seeing the old index."""
        ...

    def count(self) -> int:
        """Number of entries (dossiers + documents) visible to searches."""
        ...

    def search(self, query: "SearchQuery", rights: "Rights") -> "SearchResult":
        """Run a query as a caller with ``rights``; invisible records are never counted."""
        ...

    def close(self) -> None:
        """Release files, locks and connections."""
        ...

    def __enter__(self) -> "Index": ...

    def __exit__(self, *exc: object) -> None: ...


class BulkWrites:
    """``bulk()`` for both backends: writes inside it become visible together at the end.

    The backend provides ``_lock``, ``_bulk_depth`` (starting at 0), ``_deferred()`` (is a
    bulk or a rebuild open?) and ``commit()``.
    """

    _lock: Any
    _bulk_depth: int
    #: Whether writes inside ``bulk()`` stay unseen by searchers until it ends: tantivy
    #: shows only commits; a cluster index refreshes by itself (every second).
    hidden_until_commit: bool = False

    def _deferred(self) -> bool:
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError

    @contextmanager
    def bulk(self) -> Iterator[None]:
        with self._lock:
            self._bulk_depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._bulk_depth -= 1
            if not self._deferred():
                self.commit()
