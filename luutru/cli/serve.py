"""``luutru serve``: the API server and the web UI (uvicorn)."""

from __future__ import annotations

import typer

from luutru.api.app import create_app
from luutru.config import Settings

app = typer.Typer(add_completion=False)


def run_server(settings: Settings, host: str, port: int, log_level: str = "info") -> None:
    """Serve the app until interrupted.

    uvicorn is imported here, not at the top: every other command starts without it."""
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)


@app.command()
def serve(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000)) -> None:
    """Chạy máy chủ API và giao diện web / run the API server."""
    run_server(Settings(), host, port)
