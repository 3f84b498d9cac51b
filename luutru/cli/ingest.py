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
from luutru.records.fields import DOCUMENT_CSV, DOSSIER_CSV

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
def template(path: Path = typer.Argument(Path("muc_luc_ho_so.xlsx"),
                                         help="Tệp .xlsx, hoặc thư mục cho cặp CSV / an .xlsx file, or a folder for "
                                              "the CSV pair"),
             csv: bool = typer.Option(False, "--csv", help="Viết ho_so.csv + van_ban.csv vào thư mục PATH / write "
                                                           "the CSV pair into the folder PATH"),
             force: bool = typer.Option(False, "--force", help="Ghi đè tệp đã có / overwrite existing files")) -> None:
    """Tạo mẫu mục lục hồ sơ trống / write a blank catalogue template.

    PATH ending in .xlsx gets the workbook.  With --csv (or any PATH not ending in .xlsx),
    PATH is a folder that receives ho_so.csv and van_ban.csv; a PATH ending in .csv is
    refused (pass the folder instead).  Existing files are never overwritten without
    --force, so a filled catalogue is not lost.
    """

    if csv or path.suffix.lower() != ".xlsx":
        if path.suffix.lower() == ".csv" or (path.exists() and not path.is_dir()):
            err.print(f"[red]Cần một thư mục cho cặp CSV, không phải tệp / the CSV pair needs a folder, not a file:[/] "
                      f"{path} — ví dụ / e.g. `luutru template --csv {path.parent / 'muc_luc'}`", highlight=False, soft_wrap=True)
            raise typer.Exit(ExitCode.USAGE)
        targets = [path / DOSSIER_CSV, path / DOCUMENT_CSV]
    else:
        targets = [path]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        err.print(f"[red]Tệp đã có, không ghi đè (thêm --force để ghi đè) / file exists, not overwritten (add --force):[/]"
                  f" {', '.join(str(t) for t in existing)}", highlight=False, soft_wrap=True)
        raise typer.Exit(ExitCode.USAGE)
    if len(targets) == 2:
        path.mkdir(parents=True, exist_ok=True)
        write_csv_catalogue(path, [], [])
    else:
        write_xlsx_template(path)
    out.print(f"Đã tạo / written: {', '.join(str(t) for t in targets)}", highlight=False, soft_wrap=True)
