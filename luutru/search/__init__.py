"""Search: an ``Index`` protocol with a tantivy (embedded) and an Elasticsearch backend.

Open one with :func:`open_index`; ask it with a :class:`SearchQuery` and the caller's
:class:`Rights`.  Results do not depend on diacritics (``quyet dinh`` finds
``Quyết định``), exact diacritics rank first, and codes and numbers/notations are
found as typed.  See ``docs/search.md``.
"""

from luutru.search.backends import open_index
from luutru.search.base import (
    Index,
    IndexingError,
    QueryError,
    SearchError,
    SearchUnavailable,
)
from luutru.search.query import (
    FACETS,
    Hit,
    Kind,
    Rights,
    SearchQuery,
    SearchResult,
    Sort,
)

__all__ = [
    "open_index", "Index", "IndexingError", "QueryError", "SearchError", "SearchUnavailable",
    "FACETS", "Hit", "Kind", "Rights", "SearchQuery", "SearchResult", "Sort",
]
