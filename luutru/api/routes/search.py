"""JSON API of search: full text with or without diacritics, facets, within the caller's rights."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from luutru.api.auth import Perm, Principal, require
from luutru.api.deps import get_services
from luutru.api.views import search_query
from luutru.search.query import SearchQuery
from luutru.services import Services

router = APIRouter(tags=["search"])


@router.get("/api/search")
def api_search(query: SearchQuery = Depends(search_query), facets: bool = False,
               svc: Services = Depends(get_services),
               who: Principal = Depends(require(Perm.SEARCH))) -> dict[str, Any]:
    """Full-text search with or without diacritics, with facets (fonds, agency, year, doc_type,
    retention, access).  What is searched follows the caller's rights: anonymous callers and
    researchers without a grant see public records only; a submitter sees their agency only.
    Facets only with ``facets=true`` (their aggregation pass costs about as much as the page)."""
    return svc.index.search(query.with_facets(facets), who.rights).to_dict()
