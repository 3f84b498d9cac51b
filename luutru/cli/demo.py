"""``luutru demo``: sample transfers with signed PDFs, ingested, one account per role, served.

The demo PKI is trusted unless the deployment names its own trust roots.  Accounts get
random passwords, printed each run.  A second run reuses what the first loaded (the
``demo.json`` marker, :mod:`luutru.demo.state`) and gives the demo accounts new passwords;
``--reset`` starts again from an empty home when the demo made that home.
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
from luutru.demo.generate import SUBMITTER_AGENCY, SUBMITTER_DIR, DemoTransfers, generate_demo
from luutru.demo.state import DemoState, home_is_empty, read_state, reset_home, reusable, write_state
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
    ("nopluu", "submitter", {"agency_code": SUBMITTER_AGENCY.code}),
)


def demo_accounts(settings: Settings, *, renew: bool = False) -> list[tuple[str, str, str]]:
    """One account per role for trying the web UI; passwords are random and printed.

    Accounts that already exist get a new password when ``renew`` (a home the demo made:
    the first run's passwords were printed once and are not stored); otherwise they are
    left as they are and not printed.
    """
    svc = Services(settings)
    made = []
    try:
        for username, role, extra in DEMO_ACCOUNTS:
            password = f"demo-{secrets.token_urlsafe(9)}"
            try:
                accounts.create_user(svc, username, roles=[role], password=password, display_name=username, **extra)
            except accounts.AccountError:
                if not renew or accounts.get_user(svc, username) is None:
                    continue
                accounts.set_password(svc, username, password, actor="demo")
            made.append((username, password, role))
    finally:
        svc.close()
    return made


def _ingest_samples(settings: Settings, demo_set: DemoTransfers) -> int:
    """Ingests both samples, printing their reports; the number of dossiers accepted."""
    svc = Services(settings)
    accepted = 0
    try:
        for label, path in (("good", demo_set.good), ("with errors", demo_set.bad)):
            with progress_bar() as cb:
                report = pipeline.ingest(path, svc, progress=cb)
            if label == "good":
                accepted = sum(d.aip is not None for d in report.dossiers)
            sys.stdout.write(render_text(report, "vi" if label == "good" else "both") + "\n\n")
    finally:
        svc.close()
    return accepted


def _load(settings: Settings, out_dir: Path, dossiers: int, home_was_empty: bool) -> tuple[Settings, DemoState]:
    """Generates and ingests the samples; the settings to serve them with and the marker."""
    err.print(f"Tạo dữ liệu mẫu, ký số các PDF / generating sample transfers with signed PDFs in {out_dir} …")
    with progress_bar() as cb:
        demo_set = generate_demo(out_dir, dossiers=dossiers, overwrite=True, sign=True,
                                 progress=lambda d, t: cb("generate", d, t))
    if settings.trust_roots is None:  # trust the demo PKI unless the deployment names its own roots
        settings = Settings(trust_roots=demo_set.trust_roots)
    accepted = _ingest_samples(settings, demo_set)
    state = DemoState(out_dir=str(out_dir.resolve()), dossiers=dossiers, trust_roots=str(demo_set.trust_roots),
                      accepted=accepted, home_was_empty=home_was_empty)
    write_state(settings.home_dir, state)
    return settings, state


@app.command()
def demo(out_dir: Path = typer.Option(Path("luutru-demo"), help="Where the sample transfers are written"),
         dossiers: int = typer.Option(36, min=1, max=500), serve_after: bool = typer.Option(True, "--serve/--no-serve"),
         port: int = typer.Option(8000),
         reset: bool = typer.Option(False, "--reset", help="Xoá dữ liệu mẫu cũ và làm lại / wipe the demo data first")) -> None:
    """Tạo dữ liệu mẫu, tiếp nhận và chạy máy chủ / generate sample transfers, ingest them, serve."""

    settings = Settings()
    home = settings.home_dir
    state = read_state(home)
    if reset:
        refused = reset_home(home, state)
        if refused:
            err.print(f"Không xoá / not reset: {refused}")
            raise typer.Exit(2)
        state = None
    if reusable(state, out_dir, dossiers):
        assert state is not None
        out.print(f"Dữ liệu mẫu đã có, dùng lại / demo data already loaded, reused: {state.accepted} hồ sơ / dossiers "
                  f"(--reset để làm lại / to start again)", highlight=False)
        if settings.trust_roots is None:
            settings = Settings(trust_roots=Path(state.trust_roots))
    else:
        settings, state = _load(settings, out_dir, dossiers, home_was_empty=state is None and home_is_empty(home))
    users = demo_accounts(settings, renew=state.home_was_empty)
    out.print(f"LUUTRU_HOME: {settings.home_dir}")
    out.print(f"Gói mẫu / sample transfers: {out_dir / 'good'}  {out_dir / 'bad'}")
    out.print(f"Gói để tài khoản nopluu tự nộp lưu qua trình duyệt / for the submitter account to upload: "
              f"{out_dir / (SUBMITTER_DIR + '.zip')}", highlight=False)
    if users:
        out.print("Tài khoản mẫu / demo accounts (tên / mật khẩu — username / password):", highlight=False)
        for username, password, role in users:
            out.print(f"  {username:<14} {password:<22} {role}", highlight=False)
    if serve_after:
        out.print(f"Mở / open http://127.0.0.1:{port}/  (API: http://127.0.0.1:{port}/docs)")
        run_server(settings, "127.0.0.1", port, log_level="warning")
