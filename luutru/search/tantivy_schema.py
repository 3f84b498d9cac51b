"""The embedded index's fields and analysers, and an entry as a tantivy document.

Title and body text are indexed twice: ``*_exact`` (lower-cased words) and ``*_fold``
(lower-cased, diacritics folded by tantivy's ASCII folding, which maps đ→d), both with
positions (phrases, proximity).  ``codes``/``related_codes`` are untokenised keys
(:func:`luutru.search.folding.code_key`) for identifiers and numbers/notations.  Facet
and filter fields are raw fast fields.  Changing any of this changes
``SCHEMA_VERSION``: an index of another version is refused with "run reindex".
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import tantivy

from luutru.policies.access import PUBLIC_VALUE, AccessRegime
from luutru.search.entries import Entry

SCHEMA_VERSION = 1

RAW = ("uid", "kind", "id", "dossier_code", "fonds", "agency", "doc_type", "retention", "access")
TEXT_FIELDS = ("title_exact", "title_fold", "body_exact", "body_fold")
ANALYZER_OF = {"title_exact": "vi_exact", "title_fold": "vi_fold", "body_exact": "vi_exact", "body_fold": "vi_fold"}


def analyzers() -> dict[str, tantivy.TextAnalyzer]:
    """``vi_exact`` and ``vi_fold``: words are runs of letters and digits (``simple``)."""
    def base() -> tantivy.TextAnalyzerBuilder:
        return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(
            tantivy.Filter.remove_long(100)).filter(tantivy.Filter.lowercase())
    return {"vi_exact": base().build(), "vi_fold": base().filter(tantivy.Filter.ascii_fold()).build()}


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in RAW:
        sb.add_text_field(name, stored=True, fast=name not in ("uid", "id"), tokenizer_name="raw")
    sb.add_text_field("fonds_name", stored=True, tokenizer_name="raw")
    sb.add_text_field("number_notation", stored=True, tokenizer_name="raw")
    sb.add_text_field("codes", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("related_codes", tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("year", stored=True, indexed=True, fast=True)
    sb.add_date_field("date", stored=True, indexed=True, fast=True)
    # Exact fields are not stored: the folded twin stores the original text once.
    sb.add_text_field("title_exact", tokenizer_name="vi_exact")
    sb.add_text_field("title_fold", stored=True, tokenizer_name="vi_fold")
    sb.add_text_field("body_exact", tokenizer_name="vi_exact")
    sb.add_text_field("body_fold", stored=True, tokenizer_name="vi_fold")
    return sb.build()


def to_doc(e: Entry) -> tantivy.Document:
    """One entry as a document, built in one call (indexing speed: no call per field; the
    values are already of the schema's types, so no schema-driven conversion)."""
    values: dict[str, list[Any]] = {
        "uid": [e.uid], "kind": [e.kind.value], "title_exact": [e.title], "title_fold": [e.title],
    }
    for name in RAW[2:-1]:
        value = getattr(e, name)
        if value:
            values[name] = [value]
    # Always one of the two values: searches exclude restricted rather than require public.
    values["access"] = [PUBLIC_VALUE if e.access == PUBLIC_VALUE else AccessRegime.RESTRICTED.value]
    if e.fonds_name:
        values["fonds_name"] = [e.fonds_name]
    if e.number_notation:
        values["number_notation"] = [e.number_notation]
    if e.codes:
        values["codes"] = e.codes
    if e.related_codes:
        values["related_codes"] = e.related_codes
    if e.year is not None:
        values["year"] = [e.year]
    if e.date is not None:
        values["date"] = [datetime(e.date.year, e.date.month, e.date.day, tzinfo=timezone.utc)]
    if e.body:
        values["body_exact"] = values["body_fold"] = [e.body]
    return tantivy.Document(**values)
