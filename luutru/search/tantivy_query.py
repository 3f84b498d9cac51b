"""A :class:`SearchQuery` as tantivy queries: what must match, and how it ranks.

Only tantivy's query API is used (term, phrase with slop, boolean should-clauses,
boosts, constant scores), so the engine does all scoring; the tiers and weights are
those of :mod:`luutru.search.ranking`.

A search plan has four parts:

* ``match``: every required clause and every filter (the rights first), unscored: a
  word is looked up in the folded fields only (they hold every exact match too, so the
  set is the same at half the postings).  The total and the facets are computed on it
  in one aggregation pass.
* ``ranked``: the query for the top hits: the scored clauses (all four text fields,
  weighted) with the filters, plus the optional tier clauses.
* ``text``: the text clauses alone, for the snippets.
* ``phrase`` and ``rest``, when there are two or more unquoted words: ``match`` with
  the words required as a phrase (the phrase implies each word, so it replaces them;
  it scores BM25 of the phrase in title and body, plus the ``PHRASE`` + ``NEAR``
  tiers as a constant, a required clause: as an optional one beside the optional
  ``PHRASE_EXACT`` tier it made the engine merge a clause matching every entry into
  that tier for each phrase match, which cost more than the phrase itself), and
  ``match`` without the phrase (with the ``NEAR`` tier).  Every phrase
  match outranks every other match, so a page is the top of ``phrase`` followed by
  the top of ``rest``: the same order as one query with all tiers, but the costly
  phrase and proximity checks run on the phrase matches only, and ``rest`` only runs
  when a page reaches past them.  Counting ``phrase`` gives the exact-phrase count.
  (tantivy's ``filter`` aggregation cannot count it in the aggregation pass: its
  query parser does not know the index's own analysers.)  Sorted by date, ``ranked``
  is ``match`` and ``phrase`` only counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import tantivy

from luutru.policies.access import PUBLIC_VALUE, AccessRegime
from luutru.search import ranking as rk
from luutru.search.folding import code_key
from luutru.search.query import Clause, ClauseKind, Rights, SearchQuery, Sort

Occur = tantivy.Occur
Q = tantivy.Query


@dataclass(frozen=True)
class Plan:
    """The queries one search runs (see module docstring)."""

    match: tantivy.Query
    ranked: tantivy.Query
    text: tantivy.Query | None
    phrase: tantivy.Query | None
    rest: tantivy.Query | None


def _any(queries: list[tantivy.Query]) -> tantivy.Query | None:
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else Q.boolean_query([(Occur.Should, q) for q in queries])


def _all(queries: list[tantivy.Query]) -> tantivy.Query:
    return queries[0] if len(queries) == 1 else Q.boolean_query([(Occur.Must, q) for q in queries])


class QueryBuilder:
    """Builds plans for one schema and its analysers."""

    def __init__(self, schema: tantivy.Schema, analyzers: dict[str, tantivy.TextAnalyzer]) -> None:
        self._schema = schema
        self._analyzers = analyzers

    def term(self, field: str, value: Any) -> tantivy.Query:
        return Q.term_query(self._schema, field, value)

    def tokens(self, analyzer: str, text: str) -> list[str]:
        return self._analyzers[analyzer].analyze(text)

    def _text(self, field: str, analyzer: str, text: str, slop: int = 0) -> tantivy.Query | None:
        tokens = self.tokens(analyzer, text)
        if not tokens:
            return None
        if len(tokens) == 1:
            return self.term(field, tokens[0])
        return Q.phrase_query(self._schema, field, tokens, slop)

    def _in(self, fields: str, text: str, slop: int = 0) -> tantivy.Query | None:
        """The text in the title or the body, ``fields`` being ``exact`` or ``fold``."""
        analyzer = "vi_exact" if fields == "exact" else "vi_fold"
        return _any([q for q in (self._text(f"title_{fields}", analyzer, text, slop),
                                 self._text(f"body_{fields}", analyzer, text, slop)) if q is not None])

    def phrase(self, text: str) -> tantivy.Query | None:
        """The text as a phrase in the folded title (weight 4) or body (2), diacritics aside."""
        return _any([Q.boost_query(q, w) for q, w in (
            (self._text("title_fold", "vi_fold", text), rk.W_TITLE_EXACT),
            (self._text("body_fold", "vi_fold", text), rk.W_BODY_EXACT)) if q is not None])

    def clause(self, c: Clause) -> tantivy.Query | None:
        """One required clause: the words in any of the four text fields (weighted), or the code.

        A quoted phrase is looked up in the folded fields only (they hold every exact
        match too, and each phrase field costs a position check per candidate); the
        diacritics as typed rank through the ``PHRASE_EXACT`` tier instead.
        """
        if c.kind is ClauseKind.PHRASE:
            return self.phrase(c.text)
        parts: list[tuple[tantivy.Query | None, float]] = [
            (self._text("title_exact", "vi_exact", c.text), rk.W_TITLE_EXACT),
            (self._text("title_fold", "vi_fold", c.text), rk.W_TITLE_FOLD),
            (self._text("body_exact", "vi_exact", c.text), rk.W_BODY_EXACT),
            (self._text("body_fold", "vi_fold", c.text), rk.W_BODY_FOLD),
        ]
        if c.kind is ClauseKind.CODE:
            key = code_key(c.text)
            parts += [(self.term("codes", key), rk.W_CODE), (self.term("related_codes", key), rk.W_RELATED_CODE)]
        return _any([Q.boost_query(q, w) for q, w in parts if q is not None])

    def matching(self, c: Clause) -> tantivy.Query | None:
        """What :meth:`clause` matches, unscored and cheaper: the folded fields only.

        Both analysers split the same words (``vi_fold`` is ``vi_exact`` plus ASCII folding),
        so a word or phrase found as typed in ``*_exact`` is found folded at the same
        positions in ``*_fold``: the exact fields add no entry to the set.
        """
        if c.kind is ClauseKind.PHRASE:
            return self.phrase(c.text)
        parts = [self._text("title_fold", "vi_fold", c.text), self._text("body_fold", "vi_fold", c.text)]
        if c.kind is ClauseKind.CODE:
            key = code_key(c.text)
            parts += [self.term("codes", key), self.term("related_codes", key)]
        return _any([q for q in parts if q is not None])

    def excluded(self, rights: Rights) -> list[tantivy.Query]:
        """What the rights exclude outright: restricted entries for a caller without ``see_restricted``.

        Every entry holds exactly one of the two access values (``to_doc`` writes anything
        not known to be public as restricted), so excluding restricted is requiring public,
        fail closed as before; but the exclusion only seeks into the restricted entries
        (the smaller list) where a required term walks every public one with the match.
        """
        return [] if rights.see_restricted else [self.term("access", AccessRegime.RESTRICTED.value)]

    def filters(self, q: SearchQuery, rights: Rights) -> list[tantivy.Query]:
        """The rights (apart from :meth:`excluded`), then the caller's filters; each must match."""
        s = self._schema
        f: list[tantivy.Query] = []
        if rights.see_restricted and rights.restricted_agencies is not None:  # public records, and restricted ones of these fonds
            f.append(Q.boolean_query([(Occur.Should, self.term("access", PUBLIC_VALUE)),
                                      (Occur.Should, Q.term_set_query(s, "fonds", sorted(rights.restricted_agencies)))]))
        if rights.agencies is not None:
            f.append(Q.term_set_query(s, "fonds", sorted(rights.agencies)) if rights.agencies else Q.empty_query())
        for name in ("fonds", "agency", "doc_type", "retention", "access"):
            values = getattr(q, name)
            if values:
                f.append(Q.term_set_query(s, name, list(values)))
        if q.kind is not None:
            f.append(self.term("kind", q.kind.value))
        if q.dossier_code:
            f.append(self.term("dossier_code", q.dossier_code))
        if q.year_from is not None or q.year_to is not None:
            f.append(Q.range_query(s, "year", tantivy.FieldType.Integer, q.year_from, q.year_to))
        return f

    def _words(self, q: SearchQuery) -> str:
        """The unquoted words when they make a phrase of two or more tokens, else ''."""
        words = " ".join(q.phrase_words())
        return words if len(self.tokens("vi_fold", words)) > 1 else ""

    def exact_tier(self, q: SearchQuery, score: float) -> list[tantivy.Query]:
        """Every word with the diacritics as typed (when the text has any), worth ``score``.

        Checked word by word (term lookups in the exact fields, no positions): in the
        phrase tier and for a quoted phrase the folded phrase is already known to be
        there, so this is the cheap test of "the phrase as typed" (``PHRASE_EXACT``);
        elsewhere it is ``ALL_EXACT``.
        """
        texts = [c.text for c in q.clauses() if c.kind is not ClauseKind.CODE]
        if not any(rk.has_marks(t) for t in texts):
            return []
        tokens = list(dict.fromkeys(t for text in texts for t in self.tokens("vi_exact", text)))
        words = [_any([self.term("title_exact", t), self.term("body_exact", t)]) for t in tokens]
        return [Q.const_score_query(_all([w for w in words if w is not None]), score)] if words else []

    def plan(self, q: SearchQuery, rights: Rights) -> Plan:
        """The queries of one search; see the module docstring for the phrase tier."""
        built = [(c, self.clause(c)) for c in q.clauses()]
        clauses = [query for _, query in built if query is not None]
        text = _all(clauses) if clauses else None
        filters = ([(Occur.Must, Q.const_score_query(f, 0.0)) for f in self.filters(q, rights)]
                   + [(Occur.MustNot, f) for f in self.excluded(rights)])
        must = [(Occur.Must, text if text is not None else Q.all_query())] + filters
        wanted = [m for m in (self.matching(c) for c in q.clauses()) if m is not None]
        match = Q.boolean_query([(Occur.Must, _all(wanted) if wanted else Q.all_query())] + filters)
        relevance = text is not None and q.effective_sort is Sort.RELEVANCE
        words = self._words(q) if text is not None else ""
        if not words:
            quoted = any(c.kind is ClauseKind.PHRASE for c in q.clauses())
            if not relevance:
                return Plan(match, match, text, None, None)
            return Plan(match, _should(must, self.exact_tier(q, rk.PHRASE_EXACT if quoted else rk.ALL_EXACT)),
                        text, None, None)
        # The phrase implies every unquoted word, so its tier needs only the other clauses.
        others = [(Occur.Must, query) for c, query in built if query is not None and c.kind is not ClauseKind.WORD]
        phrase = self.phrase(words)
        assert phrase is not None  # words has two tokens or more
        if not relevance:  # the phrase matches are only counted
            counted = Q.boolean_query([(Occur.Must, phrase)] + others + filters)
            return Plan(match, match, text, Q.const_score_query(counted, 0.0), None)
        first = _should([(Occur.Must, phrase), (Occur.Must, Q.const_score_query(Q.all_query(), rk.PHRASE + rk.NEAR))]
                        + others + filters, self.exact_tier(q, rk.PHRASE_EXACT))
        near = self._in("fold", words, rk.NEAR_SLOP)
        rest = _should(must + [(Occur.MustNot, phrase)], ([Q.const_score_query(near, rk.NEAR)] if near else [])
                       + self.exact_tier(q, rk.ALL_EXACT))
        return Plan(match, first, text, first, rest)


def _should(must: list[tuple[Any, tantivy.Query]], tiers: list[tantivy.Query]) -> tantivy.Query:
    return Q.boolean_query(must + [(Occur.Should, t) for t in tiers])
