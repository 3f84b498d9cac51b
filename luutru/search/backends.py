"""Choose the index backend from a URL (``LUUTRU_SEARCH_URL``).

``tantivy:///abs/path`` (or ``tantivy://`` + any path) opens or creates an embedded
index directory; ``http(s)://[user:password@]host:9200[/prefix]`` uses an
Elasticsearch cluster and ``opensearch+http(s)://…`` the same on an OpenSearch cluster,
with index names starting with ``prefix`` (default ``luutru``). The engine is named in
the URL because neither client talks to the other engine.
"""

from __future__ import annotations

from luutru.search.base import Index, SearchError
from luutru.search.elasticsearch_index import ElasticsearchIndex
from luutru.search.opensearch_index import OpenSearchIndex
from luutru.search.tantivy_index import TantivyIndex

TANTIVY = "tantivy://"
OPENSEARCH = "opensearch+"


def open_index(url: str) -> Index:
    """Open the index a URL names; raises :class:`SearchError` for an unusable URL."""
    url = (url or "").strip()
    if url.startswith(TANTIVY):
        path = url[len(TANTIVY):]
        if not path:
            raise SearchError("URL chỉ mục tantivy thiếu đường dẫn, ví dụ tantivy:///var/lib/luutru/index.",
                              "The tantivy index URL has no path, e.g. tantivy:///var/lib/luutru/index.")

        return TantivyIndex(path)
    if url.startswith((OPENSEARCH + "http://", OPENSEARCH + "https://")):
        return OpenSearchIndex(url[len(OPENSEARCH):])
    if url.startswith(("http://", "https://")):

        return ElasticsearchIndex(url)
    raise SearchError(
        f"Không nhận ra URL chỉ mục tìm kiếm '{url}'. Dùng tantivy:///đường/dẫn, http(s)://máy:9200 "
        "(Elasticsearch) hoặc opensearch+http(s)://máy:9200 (OpenSearch).",
        f"Unrecognised search index URL '{url}'. Use tantivy:///path, http(s)://host:9200[/prefix] "
        "(Elasticsearch) or opensearch+http(s)://host:9200[/prefix] (OpenSearch).")
