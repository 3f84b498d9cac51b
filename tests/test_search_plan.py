"""The cheaper query shapes of the embedded index give exactly what the earlier shapes gave.

Three changes made searches cheaper without changing what users get, and this file holds
them to it on a generated corpus (marked and unmarked words, legacy text typed without
diacritics, restricted entries, several fonds and years):

* totals and facets match on the folded fields only (``QueryBuilder.matching``), where
  they matched on all four text fields: the same set, since a word found as typed is
  also found folded;
* the phrase tier's constant (``PHRASE + NEAR``) is a required clause, where it was an
  optional one beside the optional ``PHRASE_EXACT`` tier: the same scores, so the same
  order;
* a caller who cannot see restricted entries gets the ``access`` facet from the total
  (every entry they can match is public) instead of from the aggregation.

The reference is the plan as it was built before (:class:`EarlierShape`, kept here),
run through the same index: every query kind of ``bench/bench_search.py`` and a few
more must give the same total, exact-phrase count, facets, hits, scores and snippets.
"""

from __future__ import annotations

import random
from typing import Any, Iterator

import pytest
import tantivy

from luutru.search import Rights, SearchQuery
from luutru.search import ranking as rk
from luutru.search.query import ClauseKind, Sort, facet_list
from luutru.search.tantivy_index import TantivyIndex
from luutru.search.tantivy_query import Plan, QueryBuilder, _all, _should
from tests.test_search_contract import document, dossier

Occur, Q = tantivy.Occur, tantivy.Query
WORDS = ("quyết định công văn tờ trình đất đai quy hoạch tài chính giải quyết khiếu nại hội nghị triển khai "
         "thực hiện ủy ban nhân dân tỉnh huyện xã phê duyệt ban hành bồi thường định mức").split()
FOLDED = ("quyet dinh dat dai tai chinh khieu nai").split()  # legacy catalogues typed without diacritics
TYPES = [("Quyết định", "QĐ-UBND"), ("Công văn", "UBND-VP"), ("Tờ trình", "TTr-SNV"), ("Báo cáo", "BC-UBND")]


class EarlierShape(QueryBuilder):
    """The plan as built before: totals on all four text fields, the phrase constant optional."""

    def plan(self, q: SearchQuery, rights: Rights) -> Plan:
        built = [(c, self.clause(c)) for c in q.clauses()]
        clauses = [query for _, query in built if query is not None]
        text = _all(clauses) if clauses else None
        filters = ([(Occur.Must, Q.const_score_query(f, 0.0)) for f in self.filters(q, rights)]
                   + [(Occur.MustNot, f) for f in self.excluded(rights)])
        must = [(Occur.Must, text if text is not None else Q.all_query())] + filters
        match = Q.boolean_query(must)
        relevance = text is not None and q.effective_sort is Sort.RELEVANCE
        words = self._words(q) if text is not None else ""
        if not words:
            quoted = any(c.kind is ClauseKind.PHRASE for c in q.clauses())
            tiers = self.exact_tier(q, rk.PHRASE_EXACT if quoted else rk.ALL_EXACT) if relevance else []
            return Plan(match, _should(must, tiers), text, None, None)
        others = [(Occur.Must, query) for c, query in built if query is not None and c.kind is not ClauseKind.WORD]
        phrase = self.phrase(words)
        assert phrase is not None
        first = _should([(Occur.Must, phrase)] + others + filters,
                        [Q.const_score_query(Q.all_query(), rk.PHRASE + rk.NEAR)]
                        + (self.exact_tier(q, rk.PHRASE_EXACT) if relevance else []))
        if not relevance:
            return Plan(match, match, text, first, None)
        near = self._in("fold", words, rk.NEAR_SLOP)
        rest = _should(must + [(Occur.MustNot, phrase)], ([Q.const_score_query(near, rk.NEAR)] if near else [])
                       + self.exact_tier(q, rk.ALL_EXACT))
        return Plan(match, first, text, first, rest)


def _text(rnd: random.Random, n: int, legacy: bool) -> str:
    return " ".join(rnd.choices(FOLDED if legacy else WORDS, k=n))


def _rows(d: int, rnd: random.Random) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    fonds, year, legacy = f"000.00.{d % 4:02d}.H5{d % 4}", 2000 + d % 6, d % 7 == 0
    code = f"{fonds}.{year}.{d:03d}"
    row = dossier(code, fonds, f"UBND huyện {d % 4}", year, "Hồ sơ " + _text(rnd, 6, legacy))
    documents, texts = [], {}
    for i in range(1, 5):
        doc_type, notation = TYPES[(d + i) % len(TYPES)]
        doc = document(code, i, doc_type, str(d * 3 + i), notation, f"{year}-0{i}-1{i}", f"UBND huyện {d % 4}",
                       _text(rnd, 8, legacy), access="Hạn chế" if (d + i) % 9 == 0 else "Công khai")
        documents.append(doc)
        texts[doc["ma_dinh_danh_van_ban"]] = _text(rnd, 30, legacy)
    return row, documents, texts


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TantivyIndex, TantivyIndex]]:
    path = tmp_path_factory.mktemp("plan")
    now, rnd = TantivyIndex(path), random.Random(5)
    with now.bulk():
        for d in range(1, 121):
            now.index_dossier(*_rows(d, rnd))
    before = TantivyIndex(path)  # reads the same index with the earlier plan
    before._queries = EarlierShape(before._schema, before._analyzers)
    yield now, before
    before.close()
    now.close()


QUERIES = [
    # the kinds of bench/bench_search.py
    {"text": "quyết"}, {"text": "dinh"}, {"text": "quyet dinh"}, {"text": "tai chinh khieu nai"},
    {"text": "quyết định"}, {"text": "đất đai"}, {"text": "giải quyết khiếu nại"}, {"text": '"quyết định"'},
    {"text": '"dat dai"'}, {"text": "000.00.01.H51.2001.001"}, {"text": "9/UBND-VP"},
    {"text": "quyết", "fonds": "000.00.02.H52", "year_from": 2001, "year_to": 2003},
    {"kind": "document", "doc_type": "Công văn", "sort": "date", "page": 2, "size": 5},
    # and more: two clauses, pages past the phrase matches, date order with words, a code beside words
    {"text": 'quyết định "đất đai"'}, {"text": "quyết định", "page": 3, "size": 10},
    {"text": "dat dai", "page": 2, "size": 50}, {"text": "quyết định", "sort": "date"},
    {"text": "ban hành 000.00.01.H51.2001.001"}, {"text": "tỉnh", "access": "Công khai", "retention": "Vĩnh viễn"},
]


def _seen(result: Any) -> tuple[Any, ...]:
    return (result.total, result.phrase_total, result.facets,
            [(h.id, h.score, h.snippet) for h in result.hits])


@pytest.mark.parametrize("rights", [Rights.public(), Rights(see_restricted=True)], ids=["public", "archivist"])
@pytest.mark.parametrize("asked", QUERIES, ids=[str(q) for q in QUERIES])
def test_the_same_results_as_the_earlier_query_shape(pair: tuple[TantivyIndex, TantivyIndex], asked: dict[str, Any],
                                                     rights: Rights) -> None:
    now, before = pair
    for facets in (True, False):
        q = SearchQuery(**asked, facets=facets)
        now._forget_summaries()
        before._forget_summaries()
        got, expected = now.search(q, rights), before.search(q, rights)
        assert _seen(got) == _seen(expected)
        assert got.total > 0 or asked.get("page", 1) > 1, "every query of this set finds something"


def test_the_folded_match_is_the_set_of_the_four_field_match(pair: tuple[TantivyIndex, TantivyIndex]) -> None:
    now, before = pair
    searcher = now._searcher()
    for asked in QUERIES:
        q = SearchQuery(**asked)
        a, b = now.plan(q, Rights.public()).match, before.plan(q, Rights.public()).match
        found = {(x.segment_ord, x.doc) for _, x in searcher.search(a, 10_000).hits}
        assert found == {(x.segment_ord, x.doc) for _, x in searcher.search(b, 10_000).hits}


def test_a_public_callers_access_facet_is_what_an_aggregation_counts(pair: tuple[TantivyIndex, TantivyIndex]) -> None:
    """Public callers match public entries only, so that facet is the total, not aggregated."""
    now, _ = pair
    for rights in (Rights.public(), Rights(see_restricted=True)):
        for asked in QUERIES:
            q = SearchQuery(**asked, facets=True)
            now._forget_summaries()
            got = now.search(q, rights).facets["access"]
            out = now._searcher().aggregate(now.plan(q, rights).match, {"access": {"terms": {"field": "access"}}})
            assert got == facet_list((b["key"], b["doc_count"]) for b in out["access"]["buckets"])
    both = now.search(SearchQuery(text="quyết", facets=True), Rights(see_restricted=True)).facets["access"]
    assert [value for value, _ in both] == ["cong_khai", "han_che"]
