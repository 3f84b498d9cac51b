"""The query model: what a caller may ask, and the clear errors for what it may not."""

from __future__ import annotations

import pytest

from luutru.search import (
    Kind,
    QueryError,
    Rights,
    SearchError,
    SearchQuery,
    Sort,
    open_index,
)
from luutru.search.elasticsearch_index import ElasticsearchIndex, parse_url
from luutru.search.query import MAX_SIZE, ClauseKind, parse_text


def test_text_is_split_into_phrases_codes_and_words() -> None:
    clauses = parse_text('“giá đất” quyết định 31/2021/QĐ-UBND, (Đắk Lắk).')
    assert [(c.kind, c.text) for c in clauses] == [
        (ClauseKind.PHRASE, "giá đất"), (ClauseKind.WORD, "quyết"), (ClauseKind.WORD, "định"),
        (ClauseKind.CODE, "31/2021/QĐ-UBND"), (ClauseKind.WORD, "Đắk"), (ClauseKind.WORD, "Lắk"),
    ]
    assert parse_text("  ,  ;; ") == []


def test_filters_are_normalised() -> None:
    q = SearchQuery(text="  Quyết   định ", fonds="000.00.31.H57", agencies=["000.00.12.H12"],
                    retention=["Vĩnh viễn", "10 năm", "10"], access="Hạn chế", kind="Document",
                    sort="date_asc", year_from="2019", page="2", size="50")
    assert q.text == "Quyết định"
    assert q.fonds == ("000.00.31.H57", "000.00.12.H12")
    assert q.retention == ("vinh_vien", "10") and q.access == ("han_che",)
    assert (q.kind, q.sort, q.year_from, q.offset) == (Kind.DOCUMENT, Sort.DATE_ASC, 2019, 50)
    assert SearchQuery().effective_sort is Sort.DATE
    assert SearchQuery(text="x").effective_sort is Sort.RELEVANCE


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"size": 0}, "size"), ({"size": MAX_SIZE + 1}, "size"), ({"page": 0}, "page"),
    ({"page": 1000, "size": 20}, "page"), ({"year_from": "năm ngoái"}, "year_from"),
    ({"year_from": 2021, "year_to": 2019}, "year_from"), ({"year_to": 99}, "year_to"),
    ({"retention": "mãi mãi"}, "retention"), ({"access": "mật"}, "access"),
    ({"kind": "folder"}, "kind"), ({"sort": "title"}, "sort"), ({"text": "a" * 1001}, "text"),
    ({"fonds": 12}, "fonds"),
])
def test_bad_requests_get_a_bilingual_error(kwargs: dict, field: str) -> None:
    with pytest.raises(QueryError) as err:
        SearchQuery(**kwargs)
    assert err.value.field == field
    assert err.value.message_vi and err.value.message_en
    assert isinstance(err.value, ValueError)


def test_rights() -> None:
    assert Rights.public() == Rights(see_restricted=False, agencies=None)
    assert Rights(agencies=["000.00.31.H57"]).agencies == frozenset({"000.00.31.H57"})
    assert Rights.everything().see_restricted


def test_search_urls(tmp_path) -> None:
    idx = open_index("tantivy://" + str(tmp_path / "a" / "index"))
    assert (tmp_path / "a" / "index").is_dir() and idx.count() == 0
    idx.close()
    es = open_index("http://user:secret@search.example:9201/archive")
    assert isinstance(es, ElasticsearchIndex) and es.alias == "archive"
    assert parse_url("https://search.example") == ("https://search.example:9200", "luutru", None)
    for bad in ("", "tantivy://", "ftp://x/y", "/var/index", "http://host:9200/Bad Prefix"):
        with pytest.raises(SearchError) as err:
            open_index(bad)
        assert err.value.message_vi and ("tantivy" in err.value.message_en or "prefix" in err.value.message_en)


def test_search_rejects_wrong_arguments(tmp_path) -> None:
    idx = open_index("tantivy://" + str(tmp_path))
    with pytest.raises(QueryError):
        idx.search("quyết định", Rights.public())  # type: ignore[arg-type]
    idx.close()
