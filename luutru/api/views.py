"""Request helpers shared by the JSON API and the web pages: query parameters, audited views."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query

from luutru.api.auth import Principal
from luutru.audit.trail import record_action
from luutru.policies.access import is_restricted
from luutru.records.status import Outcome
from luutru.search.query import SearchQuery
from luutru.services import Services

#: Largest numeric row id of the catalog: its id columns are SQL ``INTEGER`` (32-bit on
#: PostgreSQL; a larger value there, or past 64 bits on SQLite, is a driver error, not "absent").
MAX_ROW_ID = 2**31 - 1

#: A numeric id in a path: outside 1 … 2^31-1 it is refused with 422 before any query.
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="numeric id (1 … 2^31-1)")]

#: A ``before=<seq>`` cursor of a listing.
Cursor = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID, description="list entries before this sequence number")]


def restricted(access: str) -> bool:
    """True for the restricted access regime (the one place the API compares it)."""
    return is_restricted(access)


def search_query(q: str = "", fonds: Annotated[list[str] | None, Query()] = None, agency: str | None = None,
                 issuer: Annotated[list[str] | None, Query()] = None, year: int | None = None,
                 year_from: int | None = None, year_to: int | None = None,
                 doc_type: Annotated[list[str] | None, Query()] = None,
                 retention: Annotated[list[str] | None, Query()] = None,
                 access: Annotated[list[str] | None, Query()] = None, kind: str | None = None,
                 sort: str = "relevance", page: int = 1, size: int = 20) -> SearchQuery:
    """A SearchQuery from request parameters (shared by the JSON API and the search page)."""
    return SearchQuery(text=q, fonds=tuple(fonds or ()) + ((agency,) if agency else ()), agency=tuple(issuer or ()),
                       year_from=year if year is not None else year_from, year_to=year if year is not None else year_to,
                       doc_type=tuple(doc_type or ()), retention=tuple(retention or ()), access=tuple(access or ()),
                       kind=kind or None, sort=sort or "relevance", page=page, size=size)


def audit_restricted_view(svc: Services, who: Principal, view: dict[str, Any]) -> None:
    """A restricted dossier (or restricted documents in it) shown to someone: an audit event."""
    d = view["dossier"]
    restricted_docs = [x["identifier"] for x in view["documents"] if restricted(x["access"])]
    if restricted(d["access"]) or restricted_docs:
        record_action(svc, who, "record.view_restricted", f"dossier:{d['code']}", Outcome.SUCCESS,
                      {"restricted_documents": restricted_docs} if restricted_docs else None)
