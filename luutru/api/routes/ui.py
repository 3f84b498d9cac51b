"""The web UI: server-rendered pages (Jinja2) over the same functions as the JSON API.

Vietnamese by default, English with ``?lang=en`` (remembered in a cookie).  No build
step: a little vanilla JS polls the transfer job for the progress bar.  Every page
declares its permission like the API routes; an anonymous visitor asked to log in is
redirected to ``/dang-nhap``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

import luutru.api.accounts as accounts
import luutru.audit.trail as audit_log
import luutru.catalog.action_queue as action_queue
from luutru.preservation.audit_anchor import verify_with_anchors
import luutru.catalog.models as m
from luutru.api.access import may_see, may_see_transfer, transfer_ids_of, visible_dossier, visible_tombstone
from luutru.api.auth import SESSION_COOKIE, Perm, Principal, get_principal, require
from luutru.api.deps import get_services
from luutru.api.i18n import COOKIE, LANGS, lang_of, translator
from luutru.api.routes.accounts import fixity_status, password_login
from luutru.api.views import Cursor, audit_restricted_view, search_query
from luutru.audit.trail import record_action
from luutru.catalog.queries import document_with_dossier
from luutru.policies.access import is_restricted
from luutru.preservation.revisions import history
from luutru.records.errors import StorageError
from luutru.records.status import Outcome
from luutru.records.labels import label, labels_of
from luutru.records.timeutil import display_date, display_time
from luutru.search.base import QueryError
from luutru.search.query import FACETS, ClauseKind, SearchQuery, SearchResult
from luutru.services import Services

router = APIRouter(include_in_schema=False)
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
# people read dates as dd/mm/yyyy and times as dd/mm/yyyy HH:MM in Vietnam time (+07:00)
TEMPLATES.env.filters["ngay"] = display_date
TEMPLATES.env.filters["thoigian"] = display_time

# facet name in SearchResult → query parameter of the search page / API
FACET_PARAM = {"kind": "kind", "fonds": "fonds", "agency": "issuer", "year": "year", "doc_type": "doc_type",
               "retention": "retention", "access": "access"}


def _nav(request: Request, who: Principal) -> list[tuple[str, str]]:
    items = [("/", "search")]
    if who.can(Perm.TRANSFERS_SUBMIT) or who.can(Perm.TRANSFERS_READ):
        items.append(("/nop-luu", "upload"))
    if who.can(Perm.DISPOSAL_READ):
        items.append(("/tieu-huy", "disposal"))
    if who.can(Perm.STORAGE_READ):
        items.append(("/bao-quan", "fixity"))
    if who.can(Perm.AUDIT_READ):
        items.append(("/nhat-ky", "audit"))
    if who.can(Perm.ACCOUNTS_MANAGE):
        items.append(("/tai-khoan", "accounts"))
    return items


def _people(request: Request) -> Callable[[str | None], str]:
    """username → the person's full name (as the account gives it), looked up once per page."""
    names: dict[str, str] = {}

    def person(username: str | None) -> str:
        if not username:
            return ""
        if not names:
            names.update({u["username"]: u.get("display_name") or u["username"]
                          for u in accounts.list_users(request.app.state.services)})
            names.setdefault("", "")
        return names.get(username, username)

    return person


def _agency_names(request: Request) -> Callable[[str | None], str]:
    """agency (fonds) code → its name from the catalog, looked up once per page; the code if unknown."""
    names: dict[str, str] = {}

    def agency_name(code: str | None) -> str:
        if not code:
            return ""
        if not names:
            with request.app.state.services.catalog.session() as s:
                names.update({f.code: f.name for f in s.query(m.Fonds)})
            names.setdefault("", "")
        return names.get(code, code)

    return agency_name


def render(request: Request, template: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    lang = lang_of(request)
    who = getattr(request.state, "principal", None) or get_principal(request)
    t = translator(lang)
    role_names = [label("role", r, lang) for r in who.roles]
    other = "en" if lang == "vi" else "vi"
    params = dict(request.query_params)
    params["lang"] = other
    resp = TEMPLATES.TemplateResponse(request, template, {
        "t": t, "lang": lang, "who": who, "nav": _nav(request, who), "role_names": role_names,
        "lab": lambda kind, value: label(kind, value, lang), "labels": lambda kind: labels_of(kind, lang),
        "person": _people(request), "agency_name": _agency_names(request),
        "lang_url": f"{request.url.path}?{urlencode(params)}", **ctx}, status_code=status)
    if request.query_params.get("lang") in LANGS:
        resp.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return resp


def error_page(request: Request, status: int, detail: Any) -> HTMLResponse:
    lang = lang_of(request)
    if isinstance(detail, dict):
        msg = detail.get("message_en" if lang == "en" else "message_vi") or str(detail)
    else:
        msg = str(detail or "")
    key = {403: "forbidden", 404: "not_found"}.get(status, "error")
    return render(request, "error.html", {"status": status, "headline": translator(lang)(key), "message": msg},
                  status=status)


# ---------------------------------------------------------------- login / logout


@router.get("/dang-nhap", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", _p: Principal = Depends(require(Perm.PUBLIC))) -> Any:  # noqa: A002
    return render(request, "login.html", {"next": _safe_next(next), "failed": False,
                                          "oidc": request.app.state.auth.oidc_enabled,
                                          "oidc_label": request.app.state.auth.oidc_label})


def _safe_next(url: str) -> str:
    return url if url.startswith("/") and not url.startswith("//") else "/"


@router.post("/dang-nhap", response_class=HTMLResponse)
async def login_submit(request: Request, username: str = Form(""), password: str = Form(""),
                       next: str = Form("/"), _p: Principal = Depends(require(Perm.PUBLIC))) -> Any:  # noqa: A002
    """The login form; a locked account or a busy server keeps its 429/503 and Retry-After."""
    resp = RedirectResponse(_safe_next(next), status_code=303)
    try:
        await password_login(request, resp, username, password)
    except HTTPException as e:
        page = render(request, "login.html", {"next": _safe_next(next), "failed": True, "username": username,
                                              "oidc": request.app.state.auth.oidc_enabled,
                                              "oidc_label": request.app.state.auth.oidc_label},
                      status=200 if e.status_code == 401 else e.status_code)
        page.headers.update(e.headers or {})
        return page
    return resp


@router.post("/dang-xuat")
def logout_submit(request: Request, _p: Principal = Depends(require(Perm.PUBLIC))) -> Any:

    cookie = request.cookies.get(SESSION_COOKIE)
    who = accounts.end_session(request.app.state.services, cookie) if cookie else None
    if who:
        record_action(request.app.state.services, who, "auth.logout", f"user:{who}", Outcome.SUCCESS)
    resp = RedirectResponse("/", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


# ---------------------------------------------------------------- search and reading


def _facet_links(request: Request, facets: dict[str, list[tuple[str, int]]]) -> list[dict[str, Any]]:
    current = list(request.query_params.multi_items())
    out = []
    for name in FACETS:
        param = FACET_PARAM[name]
        values = []
        for value, count in facets.get(name, [])[:12]:
            active = (param, str(value)) in current
            if active:
                items = [(k, v) for k, v in current if (k, v) != (param, str(value)) and k != "page"]
            else:
                items = [(k, v) for k, v in current if k != "page" and not (param in ("year", "kind") and k == param)]
                items.append((param, str(value)))
            values.append({"value": str(value), "count": count, "active": active, "url": "/?" + urlencode(items)})
        if values:
            out.append({"name": name, "values": values})
    return out


def _page_url(request: Request, page: int) -> str:
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "page"] + [("page", str(page))]
    return "/?" + urlencode(items)


def _quote_hint(query: SearchQuery, res: SearchResult) -> dict[str, Any] | None:
    """When fewer entries hold the unquoted words as one phrase than hold them all: the quoted
    query and its count, so the page can suggest it."""
    words = query.phrase_words()
    if not words or res.phrase_total is None or res.phrase_total >= res.total:
        return None
    others = [f'"{c.text}"' if c.kind is ClauseKind.PHRASE else c.text for c in query.clauses()
              if c.kind is not ClauseKind.WORD]
    quoted = " ".join(['"' + " ".join(words) + '"', *others])
    return {"q": quoted, "count": res.phrase_total, "url": "/?" + urlencode({"q": quoted})}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, svc: Services = Depends(get_services), who: Principal = Depends(require(Perm.SEARCH))) -> Any:
    """Search with facets; browsing everything visible when no text is given."""

    qp = request.query_params
    res, error, hint = None, None, None
    searched = any(k in qp for k in ("q", *FACET_PARAM.values()))
    if searched:
        try:
            query = search_query(q=qp.get("q", ""), fonds=qp.getlist("fonds"), issuer=qp.getlist("issuer"),
                                 year=int(qp["year"]) if qp.get("year", "").isdigit() else None,
                                 doc_type=qp.getlist("doc_type"), retention=qp.getlist("retention"),
                                 access=qp.getlist("access"), kind=qp.get("kind") or None,
                                 sort=qp.get("sort", "relevance"), page=int(qp.get("page", "1") or 1)
                                 if qp.get("page", "1").isdigit() else 1, size=20)
            res = svc.index.search(query.with_facets(), who.rights)  # the page shows them
            hint = _quote_hint(query, res)
        except QueryError as e:
            error = e.message_en if lang_of(request) == "en" else e.message_vi
    facets = _facet_links(request, res.facets) if res else []
    active = [(k, v) for k, v in qp.multi_items() if k in FACET_PARAM.values()]
    pages = {}
    if res:
        if res.page > 1:
            pages["prev"] = _page_url(request, res.page - 1)
        if res.page < res.pages:
            pages["next"] = _page_url(request, res.page + 1)
    return render(request, "home.html", {"q": qp.get("q", ""), "res": res, "facets": facets, "error": error,
                                         "active": active, "pages": pages, "searched": searched,
                                         "hint": hint})


@router.get("/ho-so/{code}", response_class=HTMLResponse)
def dossier_page(code: str, request: Request, svc: Services = Depends(get_services),
                 who: Principal = Depends(require(Perm.RECORDS_READ))) -> Any:

    view = visible_dossier(svc, who.rights, code)
    if view is None:
        gone = visible_tombstone(svc, who.rights, code)
        if gone is not None:
            return render(request, "tombstone.html", {"ts": gone, "decided": gone["decision"],
                                                      "can_read_list": who.can(Perm.DISPOSAL_READ)}, status=410)
        raise HTTPException(404, {"message_vi": "Không có hồ sơ này.", "message_en": "No such dossier."})
    audit_restricted_view(svc, who, view)
    with svc.catalog.session() as s:
        actions = action_queue.for_dossier(s, code)
    try:
        revisions = history(svc.storage, code)
    except StorageError:
        revisions = []
    return render(request, "dossier.html", {"v": view, "revisions": revisions, "actions": actions,
                                            "may_correct": who.can(Perm.STORAGE_MANAGE)})


@router.get("/van-ban/{identifier}", response_class=HTMLResponse)
def document_page(identifier: str, request: Request, svc: Services = Depends(get_services),
                  who: Principal = Depends(require(Perm.RECORDS_READ))) -> Any:
    found = document_with_dossier(svc.catalog, identifier)
    if found is None or not may_see(who.rights, found[1]["agency_code"], found[0]["access"], found[1]["access"]):
        raise HTTPException(404, {"message_vi": "Không có văn bản này.", "message_en": "No such document."})
    doc, dossier = found
    if is_restricted(doc["access"]) or is_restricted(dossier["access"]):
        record_action(svc, who, "record.view_restricted", f"document:{identifier}", Outcome.SUCCESS)
    files = [f for f in doc["files"] if f["role"] != "text"]
    pdfs = [f for f in files if (f["mime"] or "").endswith("pdf")]
    shown = next((f for f in pdfs if f["role"] == "original"), pdfs[0] if pdfs else None)
    return render(request, "document.html", {"d": doc, "dossier": dossier, "files": files, "shown": shown})


# ---------------------------------------------------------------- transfers


@router.get("/nop-luu", response_class=HTMLResponse)
def upload_page(request: Request, svc: Services = Depends(get_services),
                who: Principal = Depends(require(Perm.TRANSFERS_READ))) -> Any:
    with svc.catalog.session() as s:
        q = s.query(m.Transfer)
        if who.is_submitter:
            q = q.filter(m.Transfer.id.in_(transfer_ids_of(svc, who.username) or [""]))
        rows = [{"id": r.id, "source": r.source_name, "status": r.status, "received_at": r.received_at,
                 "dossiers": r.dossier_count, "documents": r.document_count}
                for r in q.order_by(m.Transfer.received_at.desc()).limit(50)]
    return render(request, "upload.html", {"transfers": rows, "can_submit": who.can(Perm.TRANSFERS_SUBMIT)})


@router.get("/nop-luu/{transfer_id}", response_class=HTMLResponse)
def transfer_page(transfer_id: str, request: Request, svc: Services = Depends(get_services),
                  who: Principal = Depends(require(Perm.TRANSFERS_READ))) -> Any:
    if not may_see_transfer(svc, who, transfer_id):
        raise HTTPException(404, {"message_vi": "Không có gói nộp lưu này.", "message_en": "No such transfer."})
    with svc.catalog.session() as s:
        row = s.get(m.Transfer, transfer_id)
        known = row is not None or request.app.state.jobs.get(transfer_id) is not None
    if not known:
        raise HTTPException(404, {"message_vi": "Không có gói nộp lưu này.", "message_en": "No such transfer."})
    return render(request, "transfer.html", {"transfer_id": transfer_id})


# ---------------------------------------------------------------- audit and fixity


@router.get("/nhat-ky", response_class=HTMLResponse)
def audit_page(request: Request, before: Cursor = None, actor: str | None = None, action: str | None = None,
               svc: Services = Depends(get_services), who: Principal = Depends(require(Perm.AUDIT_READ))) -> Any:
    events = audit_log.list_events(svc, limit=100, before=before, actor=actor or None, action=action or None)
    check = verify_with_anchors(svc)
    older = None
    if events and events[-1]["seq"] > 1:
        older = "/nhat-ky?" + urlencode({k: v for k, v in {"before": events[-1]["seq"], "actor": actor or "",
                                                            "action": action or ""}.items() if v})
    return render(request, "audit.html", {"events": events, "check": check, "older": older,
                                          "actor": actor or "", "action": action or ""})


@router.get("/bao-quan", response_class=HTMLResponse)
def fixity_page(request: Request, svc: Services = Depends(get_services),
                who: Principal = Depends(require(Perm.STORAGE_READ))) -> Any:

    return render(request, "fixity.html", {"f": fixity_status(svc, 200)})
