"""Scale-out search on an Elasticsearch cluster (official ``elasticsearch`` client, 9.x).

Everything but the client's call shapes is :class:`luutru.search.cluster_index.ClusterIndex`,
shared with the OpenSearch backend; this adapter says how the elasticsearch client
spells each call (the body's top-level keys as keyword arguments, responses under
``.body``) and deletes without ``_delete_by_query`` (see :meth:`_delete_matching`).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from luutru.search import cluster_model as model
from luutru.search.cluster_index import ClusterIndex

ENGINE = "Elasticsearch"


def parse_url(url: str) -> tuple[str, str, tuple[str, str] | None]:
    """``http(s)://[user:pw@]host:port[/prefix]`` → (node URL, prefix, basic auth)."""
    return model.parse_url(url, ENGINE)


class ElasticsearchIndex(ClusterIndex):
    """The Elasticsearch :class:`~luutru.search.base.Index`; ``es`` is the client."""

    ENGINE = ENGINE
    MAX_OFFSET_KEY = "max_analyzed_offset"  # OpenSearch: max_analyzer_offset

    def __init__(self, url: str, *, client: Any | None = None, request_timeout: float = 30.0) -> None:
        super().__init__(url, client=client, request_timeout=request_timeout)
        self.es = self.client
        self.template, self.pattern = self.names.template, self.names.pattern

    def _make_client(self, node: str, auth: tuple[str, str] | None, timeout: float) -> Any:
        from elasticsearch import Elasticsearch

        return Elasticsearch(node, basic_auth=auth, request_timeout=timeout)

    def _helpers(self) -> ModuleType:
        from elasticsearch import helpers

        return helpers

    def _not_found(self) -> type[Exception]:
        from elasticsearch import NotFoundError

        return NotFoundError

    def _put_template(self) -> None:
        body = self.names.template_body()
        body["meta"] = body.pop("_meta")  # the client's name for it
        self.es.indices.put_index_template(name=self.names.template, **body)

    def _create_index(self, name: str, body: dict[str, Any]) -> None:
        self.es.indices.create(index=name, **body)

    def _mappings(self) -> dict[str, Any]:
        return dict(self.es.indices.get_mapping(index=self.alias).body)

    def _put_settings(self, index: str, settings: dict[str, Any]) -> None:
        self.es.indices.put_settings(index=index, settings=settings)

    def _alias_indices(self) -> list[str]:
        return list(self.es.indices.get_alias(name=self.alias).body)

    def _update_aliases(self, actions: list[dict[str, Any]]) -> None:
        self.es.indices.update_aliases(actions=actions)

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        # The client takes the body's top-level keys as arguments under its own names.
        body["from_"] = body.pop("from")
        body["source_excludes"] = body.pop("_source")["excludes"]
        return self.es.search(index=self.alias, **body).body

    def _delete_matching(self, index: str, query: dict[str, Any], *, refresh: bool) -> None:
        """Delete the entries ``query`` matches: their ids by a scroll, then one bulk of deletes.

        Why not ``_delete_by_query``: it lives in Elasticsearch's ``reindex`` module, which
        a node may lack (the one scripts/setup can assemble from Maven Central does); a
        dossier has few entries, so looking them up costs one small search.  Entries
        already gone (a concurrent delete) are not an error.
        """
        hits = self._helpers().scan(self.es, index=index, query={"query": query, "_source": False},
                                    size=model.BULK_DOCS, scroll="2m")
        self._send({"_op_type": "delete", "_index": h["_index"], "_id": h["_id"]} for h in hits)
        if refresh:
            self.es.indices.refresh(index=index)
