"""The search errors, each with a Vietnamese and an English message.

A failed index write must never fail a stored package: every write error of every
backend surfaces as :class:`IndexingError`, which the commit path catches to queue a
retry.  They live apart from the ``Index`` protocol so that the query model can raise
them without importing the protocol that uses it.
"""

from __future__ import annotations

from typing import Any


class SearchError(Exception):
    """Base of the search errors; carries a Vietnamese and an English message."""

    def __init__(self, message_vi: str, message_en: str, *, field: str | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{message_en} / {message_vi}")
        self.message_vi = message_vi
        self.message_en = message_en
        self.field = field
        self.details = details or {}


class IndexingError(SearchError):
    """A write to the index failed.  The AIP is fine; queue the dossier and retry."""


class QueryError(SearchError, ValueError):
    """The search request itself is invalid (bad filter, page out of range …)."""


class SearchUnavailable(SearchError):
    """The index could not answer (server down, index unreadable).  Try again later."""
