"""``luutru reindex``: rebuild the catalog and the index from the AIPs in storage.

``--pending`` only retries the dossiers whose indexing failed (the index queue).  Exit
1 when an AIP could not be read or indexed, or dossiers are still queued.
"""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

import luutru.preservation.reindex as rebuild
from luutru.cli.support import ExitCode, print_json, progress_bar, services
from luutru.preservation.commit import retry_index_queue

app = typer.Typer(add_completion=False)
out = Console()


def _retry_pending(as_json: bool) -> NoReturn:
    svc = services()
    try:
        done, left = retry_index_queue(svc, limit=1_000_000)
    finally:
        svc.close()
    if as_json:
        print_json({"indexed": done, "still_queued": left})
    else:
        out.print(f"Đã lập chỉ mục / indexed: {done}  còn chờ / still queued: {left}")
    raise typer.Exit(ExitCode.OK if left == 0 else ExitCode.FAILED)


@app.command()
def reindex(no_index: bool = typer.Option(False, "--catalog-only"),
            pending: bool = typer.Option(False, "--pending", help="Chỉ lập chỉ mục các hồ sơ đang chờ / only retry "
                                         "dossiers whose indexing failed"),
            as_json: bool = typer.Option(False, "--json")) -> None:
    """Dựng lại CSDL danh mục và chỉ mục từ kho AIP / rebuild catalog and index from storage."""
    if pending:
        _retry_pending(as_json)
    svc = services()
    try:
        with progress_bar(not as_json) as cb:
            rep = rebuild.reindex(svc, progress=cb, index=not no_index)
    finally:
        svc.close()
    if as_json:
        print_json(rep.__dict__)
    else:
        out.print(f"AIP: {rep.aips}  văn bản / documents: {rep.documents}  lỗi / failed: {len(rep.failed)}")
        for aip, why in rep.xml_mismatch:
            out.print(f"  [yellow]{aip}[/]: METS/EAD/PREMIS ≠ JSON: {why}", highlight=False)
        for aip, why in rep.failed + rep.index_failed:
            out.print(f"  [red]{aip}[/]: {why}", highlight=False)
    raise typer.Exit(ExitCode.OK if not rep.failed and not rep.index_failed and not rep.xml_mismatch else ExitCode.FAILED)
