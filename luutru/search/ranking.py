"""How results are ordered, the same on every backend: the weights and the tiers.

Vietnamese words are mostly two or more syllables (``quyết định``, ``quy định``), and
the index splits text into syllables.  So two typed syllables also match records that
hold them far apart (an invitation about *quy định* that mentions *giải quyết*
somewhere).  Every word stays required; what changes is the order.  A relevance
search ranks in tiers, each worth more than anything the tiers below can add:

1. ``PHRASE``: the typed words as one phrase, in order and adjacent (diacritics aside);
2. ``NEAR``: the words within ``NEAR_SLOP`` = 2 moves of the phrase (tantivy's slop:
   in order with up to two words between, or two adjacent words swapped; a phrase
   match is also near, so it keeps its lead);
3. ``PHRASE_EXACT``: among phrase matches, the words with the diacritics as typed
   (only when the query has diacritics: ``quyết định`` puts *Quyết định* above legacy
   *Quyet dinh*; checked word by word, the phrase being already there);
4. ``ALL_EXACT``: among the others, every word with the diacritics as typed (same
   condition);
5. inside a tier, BM25 with the field weights below (title above body, the
   diacritics as typed above folded).

The tiers are constant scores added by optional ("should") clauses of the query, so
the engine does the ranking; the numbers only have to keep the tiers apart (BM25 of a
few words stays far below 1 000).  Codes are outside the tiers: they weigh
``W_CODE``/``W_RELATED_CODE`` on top of the word weights.
"""

from __future__ import annotations

from luutru.search.folding import fold

# Field weights of one word (BM25 × weight, summed over the fields it matches).
W_TITLE_EXACT, W_TITLE_FOLD, W_BODY_EXACT, W_BODY_FOLD = 4.0, 2.0, 2.0, 1.0
W_CODE, W_RELATED_CODE = 50.0, 10.0

# Tier scores (constant, added once per entry).
PHRASE = 8_000.0
NEAR = 4_000.0
PHRASE_EXACT = 2_000.0
ALL_EXACT = 1_000.0
NEAR_SLOP = 2

__all__ = [
    "W_TITLE_EXACT", "W_TITLE_FOLD", "W_BODY_EXACT", "W_BODY_FOLD", "W_CODE", "W_RELATED_CODE",
    "PHRASE", "NEAR", "PHRASE_EXACT", "ALL_EXACT", "NEAR_SLOP", "has_marks",
]


def has_marks(text: str) -> bool:
    """True when the text carries Vietnamese diacritics (or đ): the exact tiers then apply."""
    return fold(text) != text.strip().lower()
