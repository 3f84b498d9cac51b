"""``luutru findings``: every finding code the program can emit, its meaning and its fix."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from luutru.cli.support import print_json
from luutru.records.finding_codes import REGISTRY

app = typer.Typer(add_completion=False)
out = Console()


def markdown_table() -> str:
    """The registry as the Markdown table of docs/transfer-format.md (kept equal by a test)."""
    rows = ["| code | severity | area | meaning |", "|---|---|---|---|"]
    for c in sorted(REGISTRY):
        fc = REGISTRY[c]
        meaning = fc.meaning_en.replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{c}` | {fc.severity.value} | {fc.area} | {meaning} |")
    return "\n".join(rows) + "\n"


@app.command()
def findings(as_json: bool = typer.Option(False, "--json"),
             markdown: bool = typer.Option(False, "--markdown", help="Bảng Markdown / a Markdown table")) -> None:
    """Liệt kê mã phát hiện, ý nghĩa và cách sửa / every finding code, its meaning and its fix."""
    codes = [REGISTRY[c] for c in sorted(REGISTRY)]
    if markdown:
        typer.echo(markdown_table(), nl=False)
        return
    if as_json:
        print_json({c: fc.to_dict() for c, fc in zip(sorted(REGISTRY), codes)})
        return
    for fc in codes:
        out.print(f"[bold]{fc}[/] ({fc.severity.value}, {fc.area})", highlight=False)
        out.print(f"  {escape(fc.meaning_vi)} / {escape(fc.meaning_en)}", highlight=False)
        if fc.fix_vi or fc.fix_en:
            out.print(f"  Sửa / fix: {escape(fc.fix_vi)} / {escape(fc.fix_en)}", highlight=False)
