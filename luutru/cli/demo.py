"""``luutru demo``: sample transfers with signed PDFs, ingested, one account per role, served.

The demo PKI is trusted unless the deployment names its own trust roots.  Accounts get
random passwords, printed once; a second run leaves existing accounts as they are.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import typer
from rich.console import Console

import luutru.api.accounts as accounts
import luutru.ingest.pipeline as pipeline
from luutru.cli.serve import run_server
from luutru.cli.support import progress_bar
from luutru.config import Settings
from luutru.demo.generate import DemoTransfers, generate_demo
from luutru.ingest.report import render_text
from luutru.services import Services

app = typer.Typer(add_completion=False)
out = Console()
err = Console(stderr=True)

DEMO_ACCOUNTS = (
    ("quantri", "administrator", {"restricted_access": True}),
    ("luutruvien", "archivist", {}),
    ("hoidong", "council", {}),
    ("pheduyet", "approver", {}),
    ("nghiencuu", "researcher", {}),
    ("nopluu", "submitter", {"agency_code": "000.00.31.H57"}),
)


def demo_accounts(settings: Settings) -> list[tuple[str, str, str]]:
    """One account per role for trying the web UI; passwords are random and printed once.

    Accounts that already exist (a second demo run) are left as they are.
    """
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


def _ingest_samples(settings: Settings, demo_set: DemoTransfers) -> None:
    svc = Services(settings)
    try:
        for label, path in (("good", demo_set.good), ("with errors", demo_set.bad)):
            with progress_bar() as cb:
                report = pipeline.ingest(path, svc, progress=cb)
            sys.stdout.write(render_text(report, "vi" if label == "good" else "both") + "\n\n")
    finally:
        svc.close()


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
    _ingest_samples(settings, demo_set)
    users = demo_accounts(settings)
    out.print(f"LUUTRU_HOME: {settings.home_dir}")
    out.print(f"Gói mẫu / sample transfers: {demo_set.good}  {demo_set.bad}")
    if users:
        out.print("Tài khoản mẫu / demo accounts (tên / mật khẩu — username / password):", highlight=False)
        for username, password, role in users:
            out.print(f"  {username:<14} {password:<22} {role}", highlight=False)
    if serve_after:
        out.print(f"Mở / open http://127.0.0.1:{port}/  (API: http://127.0.0.1:{port}/docs)")
        run_server(settings, "127.0.0.1", port, log_level="warning")
