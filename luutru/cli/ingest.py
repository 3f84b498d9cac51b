"""``luutru ingest`` and ``luutru template``: take in a transfer; write a blank catalogue.

``ingest`` exits 0 when the transfer is accepted, 1 when it is rejected (the report
names every finding with its fix), 2 when the path does not exist.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

import luutru.ingest.pipeline as pipeline
from luutru.cli.support import ExitCode, progress_bar, services
from luutru.ingest.report import render_text
from luutru.packaging.catalogue_writer import write_csv_catalogue, write_xlsx_template

app = typer.Typer(add_completion=False)
out = Console()
err = Console(stderr=True)


@app.command()
def ingest(path: Path = typer.Argument(..., help="Thư mục, tệp .zip hoặc túi BagIt / folder, .zip or BagIt bag"),
           as_json: bool = typer.Option(False, "--json", help="In báo cáo dạng JSON / print the report as JSON"),
           lang: str = typer.Option("both", help="vi | en | both")) -> None:
    """Tiếp nhận một gói nộp lưu / ingest a transfer."""

    if not path.exists():
        err.print(f"[red]Không tìm thấy / not found:[/] {path}")
        raise typer.Exit(ExitCode.USAGE)
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
    raise typer.Exit(ExitCode.OK if report.accepted else ExitCode.REJECTED)


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
