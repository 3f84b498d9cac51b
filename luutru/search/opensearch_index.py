"""Scale-out search on an OpenSearch cluster (``opensearch-py`` client).

Everything but the client's call shapes is :class:`luutru.search.cluster_index.ClusterIndex`,
shared with the Elasticsearch backend; this adapter says how opensearch-py spells each
call (request bodies as ``body=``).  Tested in CI against an OpenSearch 2.19 node
(scripts/setup).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from luutru.search.cluster_index import ClusterIndex


class OpenSearchIndex(ClusterIndex):
    """The OpenSearch :class:`~luutru.search.base.Index`; ``os`` is the client."""

    ENGINE = "OpenSearch"
    MAX_OFFSET_KEY = "max_analyzer_offset"  # Elasticsearch: max_analyzed_offset

    def __init__(self, url: str, *, client: Any | None = None, request_timeout: float = 30.0) -> None:
        super().__init__(url, client=client, request_timeout=request_timeout)
        self.os = self.client

    def _make_client(self, node: str, auth: tuple[str, str] | None, timeout: float) -> Any:
        # The client is the "scale" extra: imported only when a cluster is used.
        from opensearchpy import OpenSearch

        return OpenSearch(hosts=[node], http_auth=auth, timeout=timeout, http_compress=True)

    def _helpers(self) -> ModuleType:
        from opensearchpy import helpers

        return helpers

    def _not_found(self) -> type[Exception]:
        from opensearchpy import NotFoundError

        return NotFoundError

    def _put_template(self) -> None:
        self.os.indices.put_index_template(name=self.names.template, body=self.names.template_body())

    def _create_index(self, name: str, body: dict[str, Any]) -> None:
        self.os.indices.create(index=name, body=body)

    def _mappings(self) -> dict[str, Any]:
        return self.os.indices.get_mapping(index=self.alias)

    def _put_settings(self, index: str, settings: dict[str, Any]) -> None:
        self.os.indices.put_settings(index=index, body={"index": settings})

    def _alias_indices(self) -> list[str]:
        return list(self.os.indices.get_alias(name=self.alias))

    def _update_aliases(self, actions: list[dict[str, Any]]) -> None:
        self.os.indices.update_aliases(body={"actions": actions})

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.os.search(index=self.alias, body=body)

    def _delete_matching(self, index: str, query: dict[str, Any], *, refresh: bool) -> None:
        """``_delete_by_query`` (the reindex module every OpenSearch distribution has).  Its own
        ``refresh`` only refreshes when it deleted something, so the refresh is asked here."""
        self.os.delete_by_query(index=index, body={"query": query}, conflicts="proceed", refresh=False)
        if refresh:
            self.os.indices.refresh(index=index)
