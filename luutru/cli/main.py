"""The ``luutru`` command.

Exit codes: 0 success / transfer accepted, 1 transfer rejected or a check failed,
2 usage error (bad arguments, missing path).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

import luutru.api.accounts as accounts
import luutru.cli.accounts as cli_accounts
import luutru.cli.disposal as cli_disposal
import luutru.cli.jobs as cli_jobs
import luutru.cli.storage as cli_storage
import luutru.cli.transfer_out as cli_transfer_out
import luutru.ingest.pipeline as pipeline
import luutru.preservation.reindex as rebuild
from luutru.api.app import create_app
from luutru.catalog.queries import dossier_view
from luutru.cli.support import print_json, progress_bar, services
from luutru.config import Settings
from luutru.demo.generate import generate_demo
from luutru.records.finding_codes import REGISTRY
from luutru.ingest.pipeline import retry_index_queue
from luutru.ingest.report import render_text
from luutru.packaging.catalogue_writer import write_csv_catalogue, write_xlsx_template
from luutru.search.query import Rights, SearchQuery
from luutru.services import Services

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Lưu trữ — lưu trữ và bảo quản tài liệu điện tử / records archive and preservation.")
err = Console(stderr=True)
out = Console()

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2



def _snippet_markup(snippet: str) -> str:
    """The index's HTML snippet (escaped text, matches in <b>) as one line of console markup."""
    import html
    import re

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


_print_json = print_json


@app.command()
def ingest(path: Path = typer.Argument(..., help="Thư mục, tệp .zip hoặc túi BagIt / folder, .zip or BagIt bag"),
           as_json: bool = typer.Option(False, "--json", help="In báo cáo dạng JSON / print the report as JSON"),
           lang: str = typer.Option("both", help="vi | en | both")) -> None:
    """Tiếp nhận một gói nộp lưu / ingest a transfer."""

    if not path.exists():
        err.print(f"[red]Không tìm thấy / not found:[/] {path}")
        raise typer.Exit(EXIT_USAGE)
    svc = services()
    try:
        with progress_bar(not as_json) as cb:
            report = pipeline.ingest(path, svc, progress=cb)
    finally:
        svc.close()
    if as_json:
        sys.stdout.write(report.to_json() + "\n")
    else:
        sys.stdout.write(render_text(report, lang) + "\n")
    raise typer.Exit(EXIT_OK if report.accepted else EXIT_REJECTED)


@app.command()
def template(path: Path = typer.Argument(Path("muc_luc_ho_so.xlsx"), help=".xlsx, or a folder for the CSV pair"),
             csv: bool = typer.Option(False, "--csv", help="Viết ho_so.csv + van_ban.csv / write the CSV pair")) -> None:
    """Tạo mẫu mục lục hồ sơ trống / write a blank catalogue template."""

    if csv or path.suffix.lower() != ".xlsx":
        path.mkdir(parents=True, exist_ok=True)
        write_csv_catalogue(path, [], [])
        out.print(f"Đã tạo / written: {path / 'ho_so.csv'}, {path / 'van_ban.csv'}")
    else:
        write_xlsx_template(path)
        out.print(f"Đã tạo / written: {path}")


@app.command()
def search(query: str = typer.Argument(""),
           agency: Optional[str] = typer.Option(None, help="Mã cơ quan / agency code"),
           year: Optional[int] = typer.Option(None),
           kind: Optional[str] = typer.Option(None, help="dossier | document"),
           restricted: bool = typer.Option(False, "--restricted", help="Caller may see restricted records"),
           size: int = typer.Option(20), page: int = typer.Option(1),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Tìm kiếm hồ sơ và văn bản (có hoặc không dấu) / search, with or without diacritics."""

    svc = services()
    try:
        q = SearchQuery(text=query, agencies=[agency] if agency else None, year_from=year, year_to=year, kind=kind,
                        page=page, size=size)
        res = svc.index.search(q, Rights(see_restricted=restricted))
    finally:
        svc.close()
    if as_json:
        _print_json(res.to_dict())
        return
    out.print(f"{res.total} kết quả / results", highlight=False)
    for h in res.hits:
        kind = getattr(h.kind, "value", h.kind)
        out.print(f"[bold]{escape(h.id)}[/]  ({kind}, {h.date or ''})  {escape(h.title or '')}", highlight=False)
        if h.snippet:
            out.print("    " + _snippet_markup(h.snippet), highlight=False)


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
        raise typer.Exit(EXIT_REJECTED)
    if as_json:
        _print_json(view)
        return
    d = view["dossier"]
    out.print(f"[bold]{d['code']}[/] — {d['title']}", highlight=False)
    for k in ("agency_name", "year", "retention", "access", "start_date", "end_date", "status", "stored_at"):
        out.print(f"  {k}: {d.get(k)}", highlight=False)
    for doc in view["documents"]:
        out.print(f"  • {doc['identifier']}  {doc['doc_type']} {doc['number']}/{doc['notation']}  {doc['issued']}  "
                  f"{doc['abstract'][:70]}", highlight=False, markup=False)
        for f in doc["files"]:
            out.print(f"      {f['role']}: {f['path']} ({f['size']} B, {f.get('mime') or '?'}"
                      f"{', chữ ký: ' + f['signature_status'] if f.get('signature_status') else ''})",
                      highlight=False, markup=False)


@app.command()
def reindex(no_index: bool = typer.Option(False, "--catalog-only"),
            pending: bool = typer.Option(False, "--pending", help="Chỉ lập chỉ mục các hồ sơ đang chờ / only retry "
                                         "dossiers whose indexing failed"),
            as_json: bool = typer.Option(False, "--json")) -> None:
    """Dựng lại CSDL danh mục và chỉ mục từ kho AIP / rebuild catalog and index from storage."""
    svc = services()
    if pending:

        try:
            done, left = retry_index_queue(svc, limit=1_000_000)
        finally:
            svc.close()
        if as_json:
            _print_json({"indexed": done, "still_queued": left})
        else:
            out.print(f"Đã lập chỉ mục / indexed: {done}  còn chờ / still queued: {left}")
        raise typer.Exit(EXIT_OK if left == 0 else EXIT_REJECTED)
    try:
        with progress_bar(not as_json) as cb:
            rep = rebuild.reindex(svc, progress=cb, index=not no_index)
    finally:
        svc.close()
    if as_json:
        _print_json(rep.__dict__)
    else:
        out.print(f"AIP: {rep.aips}  văn bản / documents: {rep.documents}  lỗi / failed: {len(rep.failed)}")
        for aip, why in rep.failed + rep.index_failed:
            out.print(f"  [red]{aip}[/]: {why}", highlight=False)
    raise typer.Exit(EXIT_OK if not rep.failed and not rep.index_failed else EXIT_REJECTED)


@app.command()
def serve(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000)) -> None:
    """Chạy máy chủ API và giao diện web / run the API server."""
    import uvicorn


    uvicorn.run(create_app(Settings()), host=host, port=port, log_level="info")


@app.command()
def demo(out_dir: Path = typer.Option(Path("luutru-demo"), help="Where the sample transfers are written"),
         dossiers: int = typer.Option(36), serve_after: bool = typer.Option(True, "--serve/--no-serve"),
         port: int = typer.Option(8000)) -> None:
    """Tạo dữ liệu mẫu, tiếp nhận và chạy máy chủ / generate sample transfers, ingest them, serve."""

    settings = Settings()
    err.print(f"Tạo dữ liệu mẫu, ký số các PDF / generating sample transfers with signed PDFs in {out_dir} …")
    with progress_bar() as cb:
        demo_set = generate_demo(out_dir, dossiers=dossiers, overwrite=True, sign=True,
                                 progress=lambda d, t: cb("generate", d, t))
    if settings.trust_roots is None:  # trust the demo PKI unless the deployment names its own roots
        settings = Settings(trust_roots=demo_set.trust_roots)
    svc = Services(settings)
    try:
        for label, path in (("good", demo_set.good), ("with errors", demo_set.bad)):
            with progress_bar() as cb:
                report = pipeline.ingest(path, svc, progress=cb)
            sys.stdout.write(render_text(report, "vi" if label == "good" else "both") + "\n\n")
    finally:
        svc.close()
    users = _demo_accounts(settings)
    out.print(f"LUUTRU_HOME: {settings.home_dir}")
    out.print(f"Gói mẫu / sample transfers: {demo_set.good}  {demo_set.bad}")
    if users:
        out.print("Tài khoản mẫu / demo accounts (tên / mật khẩu — username / password):", highlight=False)
        for username, password, role in users:
            out.print(f"  {username:<14} {password:<22} {role}", highlight=False)
    if serve_after:
        out.print(f"Mở / open http://127.0.0.1:{port}/  (API: http://127.0.0.1:{port}/docs)")
        import uvicorn


        uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning")


DEMO_ACCOUNTS = (
    ("quantri", "administrator", {"restricted_access": True}),
    ("luutruvien", "archivist", {}),
    ("hoidong", "council", {}),
    ("pheduyet", "approver", {}),
    ("nghiencuu", "researcher", {}),
    ("nopluu", "submitter", {"agency_code": "000.00.31.H57"}),
)


def _demo_accounts(settings: Settings) -> list[tuple[str, str, str]]:
    """One account per role for trying the web UI; passwords are random and printed once.

    Accounts that already exist (a second demo run) are left as they are.
    """
    import secrets

    svc = Services(settings)
    made = []
    try:
        for username, role, extra in DEMO_ACCOUNTS:
            password = f"demo-{secrets.token_urlsafe(9)}"
            try:
                accounts.create_user(svc, username, roles=[role], password=password, display_name=username, **extra)
            except accounts.AccountError:
                continue
            made.append((username, password, role))
    finally:
        svc.close()
    return made


@app.command()
def findings(as_json: bool = typer.Option(False, "--json")) -> None:
    """Liệt kê mã phát hiện, ý nghĩa và cách sửa / every finding code, its meaning and its fix."""
    codes = [REGISTRY[c] for c in sorted(REGISTRY)]
    if as_json:
        _print_json({c: fc.to_dict() for c, fc in zip(sorted(REGISTRY), codes)})
        return
    for fc in codes:
        out.print(f"[bold]{fc}[/] ({fc.severity.value}, {fc.area})", highlight=False)
        out.print(f"  {escape(fc.meaning_vi)} / {escape(fc.meaning_en)}", highlight=False)
        if fc.fix_vi or fc.fix_en:
            out.print(f"  Sửa / fix: {escape(fc.fix_vi)} / {escape(fc.fix_en)}", highlight=False)


# Sub-commands of the areas: each module holds a typer app named ``app`` whose commands
# and groups join the top level.
SUBCOMMANDS = (
    cli_storage,  # audit
    cli_disposal,  # retention …, disposal …
    cli_transfer_out,  # transfer-out …
    cli_accounts,  # user …, audit-log …
    cli_jobs,  # worker …, jobs …
)


def _register_subcommands() -> None:
    for mod in SUBCOMMANDS:
        app.registered_commands.extend(mod.app.registered_commands)
        app.registered_groups.extend(mod.app.registered_groups)


_register_subcommands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
