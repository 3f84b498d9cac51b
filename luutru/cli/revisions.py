"""``luutru revisions``, ``luutru correct`` and ``luutru actions``: the revisions of an AIP,
a metadata correction by an archivist (a new revision, with its reason, on the audit
trail), and the preservation actions (PDF/A, OCR jobs) of a dossier."""

from __future__ import annotations

import json
from typing import Any, Optional

import typer
from rich.console import Console

import luutru.catalog.action_queue as action_queue
from luutru.api.roles import Perm
from luutru.catalog.records import load_aip_metadata
from luutru.cli.signin import AS_ACCOUNT, sign_in
from luutru.cli.support import run_step, usage_error
from luutru.packaging.ocfl import RevisionError
from luutru.preservation.corrections import Correction, correct_metadata
from luutru.preservation.revisions import history
from luutru.records.errors import StorageError
from luutru.records.findings import Refused
from luutru.services import Services

app = typer.Typer(add_completion=False)
out = Console()
JSON = typer.Option(False, "--json", help="In JSON / print JSON")


@app.command()
def revisions(code: str = typer.Argument(..., help="Mã hồ sơ / dossier code"),
              version: Optional[int] = typer.Option(None, "--revision", help="In siêu dữ liệu của phiên bản này / "
                                                    "print the metadata of this revision"),
              as_json: bool = JSON) -> None:
    """Các phiên bản của AIP / the revisions of an AIP (revision 1: as ingested)."""

    def run(svc: Services) -> Any:
        if version is None:
            return {"code": code, "revisions": history(svc.storage, code)}
        meta = load_aip_metadata(svc.storage, code, with_text=False, version=version)
        return {"code": code, "revision": meta.revision, "revisions": meta.revisions, "dossier": meta.dossier,
                "documents": meta.documents, "events": meta.events}

    def render(doc: dict[str, Any]) -> None:
        if "revision" in doc:
            out.print(json.dumps(doc, ensure_ascii=False, indent=2, default=str), highlight=False)
            return
        for r in doc["revisions"]:
            who = (r.get("user") or {}).get("name", "")
            out.print(f"v{r['version']}  {r.get('created', '')}  {who}  {r.get('message', '')}", highlight=False)

    run_step(run, as_json, render, refusals=(Refused,), errors=(StorageError, RevisionError))


@app.command()
def correct(code: str = typer.Argument(..., help="Mã hồ sơ / dossier code"),
            set_: list[str] = typer.Option(..., "--set", help="TRƯỜNG=giá trị mới / FIELD=new value (repeatable)"),
            reason: str = typer.Option(..., "--reason", help="Lý do hiệu đính / reason of the correction"),
            document: Optional[str] = typer.Option(None, "--document", help="Mã văn bản / document identifier"),
            actor: str = AS_ACCOUNT,
            as_json: bool = JSON) -> None:
    """Hiệu đính siêu dữ liệu (tạo phiên bản mới của AIP) / correct metadata (a new AIP revision)."""
    fields: dict[str, str] = {}
    for item in set_:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            usage_error(f"--set '{item}': dùng TRƯỜNG=giá trị.", f"--set '{item}': use FIELD=value.")
        fields[name.strip()] = value

    def run(svc: Services) -> Correction:
        who = sign_in(svc, actor, Perm.STORAGE_MANAGE)  # the permission of POST /api/dossiers/{code}/corrections
        return correct_metadata(svc, code, fields=fields, reason=reason, actor=who, document=document)

    def render(c: Correction) -> None:
        out.print(f"Hồ sơ {c.code}: phiên bản {c.revision} / revision {c.revision}", highlight=False)
        for name, change in c.changed.items():
            out.print(f"  {name}: {change['old']!r} → {change['new']!r}", highlight=False)

    run_step(run, as_json, render, refusals=(Refused,), errors=(StorageError, RevisionError))


@app.command()
def actions(code: str = typer.Argument(..., help="Mã hồ sơ / dossier code"), as_json: bool = JSON) -> None:
    """Xử lý bảo quản của hồ sơ (PDF/A, OCR) / preservation actions of a dossier and their state."""

    def run(svc: Services) -> Any:
        with svc.catalog.session() as s:
            return {"code": code, "actions": action_queue.for_dossier(s, code)}

    def render(doc: dict[str, Any]) -> None:
        if not doc["actions"]:
            out.print(f"Hồ sơ {code}: không có xử lý bảo quản / no preservation actions", highlight=False)
        for a in doc["actions"]:
            out.print(f"{a['kind']:6} {a['status']:9} {a['attempts']}/{a['max_attempts']}  {a['error'][:120]}",
                      highlight=False)

    run_step(run, as_json, render, refusals=(Refused,), errors=(StorageError,))
