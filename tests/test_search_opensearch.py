"""OpenSearch specifics: template, dynamic: false, analysers, alias swap, bounded bulk,
schema check, errors. Runs against the node scripts/setup starts
(``LUUTRU_TEST_OPENSEARCH_URL``, see tests/engines.py); the behaviour a researcher sees
is in tests/test_search_contract.py, which runs here too.
"""

from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from luutru.search import IndexingError, Rights, SearchQuery, SearchUnavailable
from luutru.search.opensearch_index import OpenSearchIndex
from tests import engines
from tests.test_search_contract import D_LAND, corpus, load, os_cleanup


@pytest.fixture
def os_index() -> Iterator[OpenSearchIndex]:
    url = engines.need("opensearch").rstrip("/")
    prefix = f"luutru-test-{uuid.uuid4().hex[:8]}"
    idx = OpenSearchIndex(f"{url}/{prefix}")
    yield idx
    idx.close()
    os_cleanup(url, prefix)


def alias_targets(idx: OpenSearchIndex) -> list[str]:
    return sorted(idx.os.indices.get_alias(name=idx.alias))


@engines.mark("opensearch")
def test_template_alias_and_strict_mapping(os_index: OpenSearchIndex) -> None:
    load(os_index)
    tpl = os_index.os.indices.get_index_template(name=os_index.names.template)["index_templates"][0]
    assert tpl["index_template"]["index_patterns"] == [os_index.names.pattern]
    [concrete] = alias_targets(os_index)
    mapping = os_index.os.indices.get_mapping(index=concrete)[concrete]["mappings"]
    assert mapping["dynamic"] in (False, "false")
    assert mapping["properties"]["title"]["fields"]["folded"]["analyzer"] == "vi_folded"
    tokens = os_index.os.indices.analyze(index=concrete, body={"analyzer": "vi_folded", "text": "Quyết định Đắk Lắk"})
    assert [t["token"] for t in tokens["tokens"]] == ["quyet", "dinh", "dak", "lak"]


@engines.mark("opensearch")
def test_rebuild_swaps_the_alias_and_drops_the_old_index(os_index: OpenSearchIndex) -> None:
    load(os_index)
    [old] = alias_targets(os_index)
    os_index.begin_rebuild()
    os_index.index_dossier(*corpus()[0])
    assert os_index.count() > 4  # still the old index
    os_index.finish_rebuild()
    [new] = alias_targets(os_index)
    assert new != old and not os_index.os.indices.exists(index=old)
    assert os_index.count() == 4
    assert os_index.search(SearchQuery(text="31/2021/QĐ-UBND"), Rights.public()).hits[0].id == f"{D_LAND}.0001"


@engines.mark("opensearch")
def test_bulk_batches_are_bounded(os_index: OpenSearchIndex) -> None:
    d, docs, texts = corpus()[4]
    many = [dict(docs[0], ma_dinh_danh_van_ban=f"{d['ma_ho_so']}.{i:04d}", so_thu_tu=i) for i in range(1, 1201)]
    os_index.index_dossier(d, many)  # 1201 entries: three bulk requests of at most 500
    assert os_index.count() == 1201


@engines.mark("opensearch")
def test_index_of_another_schema_version_is_refused(os_index: OpenSearchIndex) -> None:
    load(os_index)
    [concrete] = alias_targets(os_index)
    os_index.os.indices.put_mapping(index=concrete, body={"_meta": {"schema_version": 0}})
    again = OpenSearchIndex(os_index.url)
    with pytest.raises(IndexingError, match="luutru reindex"):
        again.index_dossier(*corpus()[0])
    again.close()


def test_unreachable_cluster_is_an_indexing_error() -> None:
    """Runs without a server: nothing listens on port 9 (discard)."""
    idx = OpenSearchIndex("http://127.0.0.1:9/luutru-nowhere")
    with pytest.raises(IndexingError) as err:
        idx.index_dossier(*corpus()[0])
    assert "OpenSearch" in err.value.message_en
    with pytest.raises(SearchUnavailable):
        idx.search(SearchQuery(text="quyết định"), Rights.public())
    idx.close()
