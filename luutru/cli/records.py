"""``luutru search`` and ``luutru show``: find records and look at one dossier.

``show`` exits 1 when there is no such dossier.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape

from luutru.catalog.queries import dossier_view
from luutru.cli.support import ExitCode, print_json, services, shown, usage_error
from luutru.ingest.report import cut_words
from luutru.records.timeutil import VN_TZ
from luutru.search.errors import QueryError
from luutru.search.query import MAX_SIZE, Rights, SearchQuery

app = typer.Typer(add_completion=False)
out = Console()
err = Console(stderr=True)


def snippet_markup(snippet: str) -> str:
    """The index's HTML snippet (escaped text, matches in <b>) as one line of console markup."""
    parts = re.split(r"(</?b>)", " ".join(snippet.split()))
    out_parts = []
    for part in parts:
        if part == "<b>":
            out_parts.append("[bold yellow]")
        elif part == "</b>":
            out_parts.append("[/bold yellow]")
        else:
            out_parts.append(escape(html.unescape(part)))
    return "".join(out_parts)


@app.command()
def search(query: str = typer.Argument(""),
           agency: Optional[str] = typer.Option(None, help="Mã cơ quan / agency code"),
           year: Optional[int] = typer.Option(None),
           kind: Optional[str] = typer.Option(None, help="dossier | document"),
           restricted: bool = typer.Option(False, "--restricted", help="Caller may see restricted records"),
           size: int = typer.Option(20, help=f"Số kết quả mỗi trang, 1–{MAX_SIZE} / page size, 1–{MAX_SIZE}"),
           page: int = typer.Option(1, help="Trang, từ 1 / page number, from 1"),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Tìm kiếm hồ sơ và văn bản (có hoặc không dấu) / search, with or without diacritics."""

    try:
        q = SearchQuery(text=query, agencies=[agency] if agency else None, year_from=year, year_to=year, kind=kind,
                        page=page, size=size)
    except QueryError as e:
        usage_error(e.message_vi, e.message_en)
    svc = services()
    try:
        res = svc.index.search(q, Rights(see_restricted=restricted))
    except QueryError as e:
        usage_error(e.message_vi, e.message_en)
    finally:
        svc.close()
    if as_json:
        print_json(res.to_dict())
        return
    out.print(f"{res.total} kết quả / results", highlight=False)
    for h in res.hits:
        kind = getattr(h.kind, "value", h.kind)
        out.print(f"[bold]{escape(h.id)}[/]  ({kind}, {date_vn(h.date)})  {escape(h.title or '')}", highlight=False)
        if h.snippet:
            out.print("    " + snippet_markup(h.snippet), highlight=False)


def date_vn(value: Any) -> str:
    """An ISO date (or date-time) as people read it: dd/mm/yyyy; other text unchanged."""
    if not value:
        return ""
    try:
        return datetime.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def time_vn(value: Any) -> str:
    """An ISO date-time as dd/mm/yyyy HH:MM:SS in Vietnam time (+07:00)."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=VN_TZ)
    return dt.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S")


def _print_dossier(view: dict[str, Any]) -> None:
    d = view["dossier"]
    out.print(f"[bold]{escape(d['code'])}[/] — {escape(d['title'])}", highlight=False)
    for k in ("agency_name", "year", "retention", "access", "start_date", "end_date", "status", "stored_at"):
        value = d.get(k)
        if k in ("start_date", "end_date"):
            value = date_vn(value)
        elif k == "stored_at":
            value = time_vn(value)
        out.print(f"  {k}: {value}", highlight=False, markup=False)
    for doc in view["documents"]:
        out.print(f"  • {doc['identifier']}  {doc['doc_type']} {doc['number']}/{doc['notation']}  {date_vn(doc['issued'])}  "
                  f"{cut_words(doc['abstract'] or '', 70)}", highlight=False, markup=False)
        for f in doc["files"]:
            out.print(f"      {f['role']}: {f['path']} ({f['size']} B, {f.get('mime') or '?'}"
                      f"{', chữ ký: ' + f['signature_status'] if f.get('signature_status') else ''})",
                      highlight=False, markup=False)
    events = view.get("events") or []
    if events:
        out.print("  Sự kiện / events (giờ Việt Nam / Vietnam time, +07:00):", highlight=False)
    for e in events:
        agent = f"  ({e['agent']})" if e.get("agent") else ""
        obj = f" {e['object']}" if e.get("object") else ""
        out.print(f"    {time_vn(e['at'])}  {shown('event_type', e['type'])}: {shown('outcome', e['outcome'])}{obj}{agent}", highlight=False, markup=False)


@app.command()
def show(code: str = typer.Argument(..., help="Mã hồ sơ / dossier code"),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """Xem hồ sơ và các văn bản của nó / show a dossier and its documents."""

    svc = services()
    try:
        view = dossier_view(svc.catalog, code)
    finally:
        svc.close()
    if view is None:
        err.print(f"[red]Không có hồ sơ / no such dossier:[/] {code}")
        raise typer.Exit(ExitCode.REFUSED)
    if as_json:
        print_json(view)  # times stay ISO 8601 with +07:00
        return
    _print_dossier(view)
