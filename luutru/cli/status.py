"""``luutru status``: one screen on the archive's health — copies, last audit, queue, engines.

A one-copy install says so here (Circular 05/2025 Art. 27 asks for two backup sets on
independent media), as it does on every ingest report.
"""

from __future__ import annotations

import typer
from rich.console import Console

from luutru.cli.support import print_json, services
from luutru.preservation.status import status as archive_status

app = typer.Typer(add_completion=False)
out = Console()


@app.command()
def status(as_json: bool = typer.Option(False, "--json")) -> None:
    """Tình trạng hệ thống trên một màn hình / one-screen health: copies, last audit, queue, engines."""
    svc = services()
    try:
        st = archive_status(svc)
    finally:
        svc.close()
    if as_json:
        print_json(st.to_dict())
        return
    for line in st.lines():
        out.print(line, highlight=False, markup=False)
