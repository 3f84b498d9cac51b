"""Elasticsearch specifics: template, dynamic: false, alias swap (needs a server).

Runs on the Elasticsearch 9 node that scripts/setup starts (``LUUTRU_TEST_ELASTICSEARCH_URL``,
see tests/engines.py; skipped with the reason without it, failed in CI), except the one
about an unreachable cluster.
"""

from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from luutru.search import (
    IndexingError,
    Rights,
    SearchQuery,
    SearchUnavailable,
    open_index,
)
from luutru.search.elasticsearch_index import ElasticsearchIndex
from tests import engines
from tests.test_search_contract import D_LAND, corpus, es_cleanup, load

needs_es = engines.mark("elasticsearch")


@pytest.fixture
def es_index() -> Iterator[ElasticsearchIndex]:
    prefix = f"luutru-test-{uuid.uuid4().hex[:8]}"
    idx = open_index(f"{engines.need('elasticsearch').rstrip('/')}/{prefix}")
    assert isinstance(idx, ElasticsearchIndex)
    yield idx
    idx.close()
    es_cleanup(prefix)


def alias_targets(idx: ElasticsearchIndex) -> list[str]:
    return sorted(idx.es.indices.get_alias(name=idx.alias).body)


@needs_es
def test_template_alias_and_strict_mapping(es_index: ElasticsearchIndex) -> None:
    load(es_index)
    tpl = es_index.es.indices.get_index_template(name=es_index.template).body["index_templates"][0]
    assert tpl["index_template"]["index_patterns"] == [es_index.pattern]
    [concrete] = alias_targets(es_index)
    mapping = es_index.es.indices.get_mapping(index=concrete).body[concrete]["mappings"]
    assert mapping["dynamic"] in (False, "false")
    assert mapping["properties"]["title"]["fields"]["folded"]["analyzer"] == "vi_folded"
    tokens = es_index.es.indices.analyze(index=concrete, analyzer="vi_folded", text="Quyết định Đắk Lắk").body
    assert [t["token"] for t in tokens["tokens"]] == ["quyet", "dinh", "dak", "lak"]


@needs_es
def test_rebuild_swaps_the_alias_and_drops_the_old_index(es_index: ElasticsearchIndex) -> None:
    load(es_index)
    [old] = alias_targets(es_index)
    es_index.begin_rebuild()
    es_index.index_dossier(*corpus()[0])
    assert es_index.count() > 4  # still the old index
    es_index.finish_rebuild()
    [new] = alias_targets(es_index)
    assert new != old and not es_index.es.indices.exists(index=old)
    assert es_index.count() == 4
    assert es_index.search(SearchQuery(text="31/2021/QĐ-UBND"), Rights.public()).hits[0].id == f"{D_LAND}.0001"


@needs_es
def test_bulk_batches_are_bounded(es_index: ElasticsearchIndex) -> None:
    d, docs, texts = corpus()[4]
    many = [dict(docs[0], ma_dinh_danh_van_ban=f"{d['ma_ho_so']}.{i:04d}", so_thu_tu=i) for i in range(1, 1201)]
    es_index.index_dossier(d, many)  # 1201 entries: three bulk requests of at most 500
    assert es_index.count() == 1201


def test_unreachable_cluster_is_an_indexing_error() -> None:
    """Runs without a server: nothing listens on port 9 (discard)."""
    idx = open_index("http://127.0.0.1:9/luutru-nowhere")
    with pytest.raises(IndexingError) as err:
        idx.index_dossier(*corpus()[0])
    assert "Elasticsearch" in err.value.message_en
    with pytest.raises(SearchUnavailable):
        idx.search(SearchQuery(text="quyết định"), Rights.public())
    idx.close()
