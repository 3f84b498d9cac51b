"""``luutru retention …`` and ``luutru disposal …``: retention due lists and the destruction procedure.

Every step that changes a list or a hold names who acts with ``--as USER`` and signs that
account in first (its password, or an API token in ``LUUTRU_TOKEN``; the account needs
the permission of the same API route): see :mod:`luutru.cli.signin`.
Exit codes: 0 done, 1 refused (the findings say why and how to fix), 2 usage error.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import typer
from rich.console import Console

import luutru.disposal.execution as execution
import luutru.disposal.hold as hold
import luutru.disposal.listing as listing
import luutru.disposal.proposal as proposal
import luutru.disposal.tombstone as tombstone
import luutru.disposal.transfers as transfers
from luutru.api.roles import Perm
from luutru.cli.signin import AS_ACCOUNT, SignInRefused, sign_in
from luutru.cli.support import ExitCode, choice, print_json, run_step, shown
from luutru.config import Settings
from luutru.disposal.common import DisposalError
from luutru.disposal.schedule import due_for_destruction, parse_year
from luutru.policies.retention import label_vi
from luutru.policies.retention_schedule import ScheduleError, load_schedule
from luutru.preservation.storage.base import StorageError
from luutru.records.status import DisposalListStatus
from luutru.services import Services

app = typer.Typer(add_completion=False)
retention_app = typer.Typer(add_completion=False, no_args_is_help=True,
                            help="Thời hạn bảo quản / retention periods and schedules.")
disposal_app = typer.Typer(add_completion=False, no_args_is_help=True,
                           help="Hủy tài liệu hết giá trị / destruction of expired records.")
hold_app = typer.Typer(add_completion=False, no_args_is_help=True,
                       help="Lệnh giữ lại hồ sơ / holds that block destruction.")
app.add_typer(retention_app, name="retention")
app.add_typer(disposal_app, name="disposal")
disposal_app.add_typer(hold_app, name="hold")

out = Console()
err = Console(stderr=True)

JSON = typer.Option(False, "--json", help="In JSON / print JSON")


def _services() -> Services:
    return Services(Settings())


_print_json = print_json


def _run(fn: Callable[[Services], Any], as_json: bool, render: Callable[[Any], None]) -> None:
    """Run one step; refusals print their findings and exit 1, never a traceback."""

    run_step(fn, as_json, render, refusals=(DisposalError, SignInRefused),
             errors=(StorageError, ScheduleError, ValueError))


def _as(perm: Perm, actor: str, step: Callable[[Services, str], Any]) -> Callable[[Services], Any]:
    """``step`` run for the account ``actor`` once it is signed in and holds ``perm``."""
    return lambda svc: step(svc, sign_in(svc, actor, perm))


# -- retention ----------------------------------------------------------------------------


@retention_app.command("due")
def retention_due(year: int = typer.Option(..., "--year", help="Hết thời hạn đến hết năm này / due by 31/12 of"),
                  agency: Optional[str] = typer.Option(None, "--agency", help="Mã cơ quan / agency code"),
                  as_json: bool = JSON) -> None:
    """Hồ sơ hết thời hạn bảo quản đến hết năm Y (trừ hồ sơ đang bị giữ) / dossiers due by the end of year Y."""

    try:
        y = parse_year(year)
    except ValueError as e:
        err.print(f"[red]{e}[/]")
        raise typer.Exit(ExitCode.USAGE)

    def run(svc: Services) -> Any:
        with svc.catalog.session() as s:
            return [d.to_dict() for d in due_for_destruction(s, y, agency=agency)]

    def render(rows: list[dict[str, Any]]) -> None:
        out.print(f"{len(rows)} hồ sơ hết thời hạn bảo quản đến 31/12/{y} / dossiers due by 31/12/{y}", highlight=False)
        for r in rows:
            flags = []
            if r["open_list"]:
                flags.append(f"trong danh mục / on list {r['open_list']}")
            if r["transfer_required"] and not r["transfer_confirmed"]:
                flags.append("chờ xác nhận nộp lưu / transfer receipt pending")
            out.print(f"  {r['code']}  {label_vi(r['retention_years'])} → {r['retention_end']}  {r['title'][:70]}"
                      + (f"  [{'; '.join(flags)}]" if flags else ""), highlight=False, markup=False)

    _run(run, as_json, render)


@retention_app.command("schedule")
def retention_schedule(as_json: bool = JSON) -> None:
    """Bảng thời hạn bảo quản đang dùng / the retention schedule in use (common + agency)."""

    def run(svc: Services) -> Any:
        sch = load_schedule(svc.settings)
        return {"sources": list(sch.sources), "verified": sch.verified,
                "items": [i.to_dict() for i in sch.items.values()]}

    def render(doc: dict[str, Any]) -> None:
        if not doc["verified"]:
            out.print("Lưu ý: bảng chưa được đối chiếu với văn bản chính thức / not yet checked against the official "
                      "text", highlight=False)
        for i in doc["items"]:
            out.print(f"  {i['code']:>6}  {i['period']:>10}  {i['title_vi']}", highlight=False, markup=False)

    _run(run, as_json, render)


# -- disposal -----------------------------------------------------------------------------


def _render_list(doc: dict[str, Any]) -> None:
    a = doc["approvals"]
    out.print(f"{doc['id']}  [{shown('disposal_status', doc['status'])}]  {doc['title']}", highlight=False, markup=False)
    out.print(f"  lập / drafted: {a['drafted']['by']} {a['drafted']['at']}", highlight=False, markup=False)
    for o in a["opinions"]:
        out.print(f"  ý kiến / opinion: {o['member']} {o['opinion']} {o['at']} {o['comment']}", highlight=False,
                  markup=False)
    if a["decided"]["by"]:
        out.print(f"  quyết định / decided: {a['decided']['by']} {a['decided']['at']} {a['decided']['decision_ref'] or ''}",
                  highlight=False, markup=False)
    for it in doc["items"]:
        out.print(f"  - {it['dossier_code']}  [{it['state']}]  {it.get('title', '')[:60]} — {it['reason']}"
                  + (f"  ({it['note']})" if it.get("note") else ""), highlight=False, markup=False)
    if doc.get("minutes_aip_id"):
        out.print(f"  biên bản / minutes: {doc['minutes_aip_id']}", highlight=False, markup=False)
    if doc.get("last_error"):
        out.print(f"  LỖI / error: {doc['last_error']} — chạy / run: luutru disposal resume {doc['id']} --as …",
                  highlight=False, markup=False)


def _parse_dossiers(codes: list[str], reason: Optional[str]) -> dict[str, str]:
    """``CODE`` (with --reason) or ``CODE=lý do``."""
    out_: dict[str, str] = {}
    for c in codes:
        code, _, why = c.partition("=")
        out_[code.strip()] = (why or reason or "").strip()
    return out_


@disposal_app.command("draft")
def disposal_draft(dossiers: list[str] = typer.Argument(..., help="Mã hồ sơ, hoặc MÃ=lý do / CODE or CODE=reason"),
                   note: str = typer.Option(..., "--note", help="Bản thuyết minh / explanatory note"),
                   reason: Optional[str] = typer.Option(None, "--reason", help="Lý do chung / reason for all"),
                   title: Optional[str] = typer.Option(None, "--title"),
                   actor: str = AS_ACCOUNT, as_json: bool = JSON) -> None:
    """Lập danh mục tài liệu hết giá trị / draft a list of expired records."""

    _run(_as(Perm.DISPOSAL_PROPOSE, actor, lambda svc, who: proposal.draft(
        svc, actor=who, dossiers=_parse_dossiers(dossiers, reason), explanatory_note=note, title=title)),
        as_json, _render_list)


@disposal_app.command("opinion")
def disposal_opinion(list_id: str, agree: bool = typer.Option(..., "--agree/--disagree"),
                     comment: str = typer.Option("", "--comment"), role: str = typer.Option("", "--role"),
                     actor: str = AS_ACCOUNT, as_json: bool = JSON) -> None:
    """Ý kiến thành viên Hội đồng xác định giá trị tài liệu / a council member's opinion."""

    _run(_as(Perm.DISPOSAL_REVIEW, actor, lambda svc, who: proposal.add_opinion(
        svc, list_id, actor=who, opinion="agree" if agree else "disagree", comment=comment, role=role)),
        as_json, _render_list)


@disposal_app.command("approve")
def disposal_approve(list_id: str, decision: str = typer.Option(..., "--decision", help="Số quyết định / decision no."),
                     note: str = typer.Option("", "--note"), actor: str = AS_ACCOUNT, as_json: bool = JSON) -> None:
    """Phê duyệt danh mục (không phải người lập) / approve (never by the drafter)."""

    _run(_as(Perm.DISPOSAL_APPROVE, actor, lambda svc, who: proposal.approve(
        svc, list_id, actor=who, decision_ref=decision, note=note)), as_json, _render_list)


@disposal_app.command("reject")
def disposal_reject(list_id: str, reason: str = typer.Option(..., "--reason"), actor: str = AS_ACCOUNT,
                    as_json: bool = JSON) -> None:
    """Không phê duyệt danh mục / reject a list."""

    _run(_as(Perm.DISPOSAL_APPROVE, actor, lambda svc, who: proposal.reject(svc, list_id, actor=who, reason=reason)),
         as_json, _render_list)


def _exec(list_id: str, actor: str, as_json: bool) -> None:

    result: dict[str, Any] = {}

    def run(svc: Services) -> Any:
        rep = execution.execute(svc, list_id, actor=sign_in(svc, actor, Perm.DISPOSAL_EXECUTE))
        result["ok"] = rep.ok
        return rep

    def render(rep: Any) -> None:
        out.print(f"{rep.list_id}: {shown('disposal_status', rep.status)}; đã hủy / destroyed {len(rep.destroyed)}; giữ lại / withheld "
                  f"{len(rep.withheld)}; biên bản / minutes {rep.minutes_aip_id or '-'}", highlight=False, markup=False)
        for code, why in rep.withheld.items():
            out.print(f"  giữ lại / withheld {code}: {why}", highlight=False, markup=False)
        if rep.error:
            err.print(f"[red]Chưa xong / not finished:[/] {rep.error}\n  luutru disposal resume {rep.list_id} --as …",
                      highlight=False)

    _run(run, as_json, render)
    if not result.get("ok"):
        raise typer.Exit(ExitCode.REFUSED)


@disposal_app.command("execute")
def disposal_execute(list_id: str, actor: str = AS_ACCOUNT, as_json: bool = JSON) -> None:
    """Thực hiện hủy theo danh mục đã duyệt (không thể hoàn tác) / destroy (irreversible)."""
    _exec(list_id, actor, as_json)


@disposal_app.command("resume")
def disposal_resume(list_id: str, actor: str = AS_ACCOUNT, as_json: bool = JSON) -> None:
    """Tiếp tục lần hủy bị gián đoạn / finish an interrupted destruction."""
    _exec(list_id, actor, as_json)


@disposal_app.command("show")
def disposal_show(list_id: str, as_json: bool = JSON) -> None:
    """Xem danh mục, phê duyệt, các bước / show a list, its approvals and steps."""

    _run(lambda svc: listing.show(svc, list_id), as_json, _render_list)


@disposal_app.command("list")
def disposal_list(status: Optional[str] = typer.Option(None, "--status"), as_json: bool = JSON) -> None:
    """Các danh mục tài liệu hết giá trị / all disposal lists."""

    def render(rows: list[dict[str, Any]]) -> None:
        for r in rows:
            out.print(f"{r['id']}  [{shown('disposal_status', r['status'])}]  {r['dossiers']} hồ sơ  {r['drafted_by']} {r['drafted_at']}"
                      + (f"  → {r['minutes_aip_id']}" if r["minutes_aip_id"] else ""), highlight=False, markup=False)

    status = choice(status, DisposalListStatus, "--status")
    _run(lambda svc: listing.list_lists(svc, status), as_json, render)


@disposal_app.command("tombstones")
def disposal_tombstones(code: Optional[str] = typer.Argument(None), as_json: bool = JSON) -> None:
    """Bia hồ sơ đã hủy / what remains of destroyed dossiers."""

    def render(rows: list[dict[str, Any]]) -> None:
        for t in rows:
            out.print(f"{t['dossier_code']}  hủy / destroyed {t['destroyed_at']} by {t['destroyed_by']}  "
                      f"{t['list_id']}  sha256 {t['manifest_sha256']}  {t['title'][:60]}", highlight=False,
                      markup=False)

    _run(lambda svc: tombstone.tombstones(svc, code), as_json, render)


@disposal_app.command("flag-transfer")
def disposal_flag_transfer(code: str, archive: Optional[str] = typer.Option(None, "--archive"),
                           actor: str = AS_ACCOUNT) -> None:
    """Đánh dấu hồ sơ phải nộp lưu lịch sử trước khi hủy / must be transferred before destruction."""

    _run(_as(Perm.DISPOSAL_PROPOSE, actor,
             lambda svc, who: transfers.flag_transfer(svc, code, actor=who, archive=archive)), False,
         lambda _r: out.print(f"{code}: cần nộp lưu / transfer required", highlight=False, markup=False))


@hold_app.command("place")
def hold_place(code: str, reason: str = typer.Option(..., "--reason"), actor: str = AS_ACCOUNT,
               as_json: bool = JSON) -> None:
    """Giữ lại hồ sơ (không được hủy) / put a dossier on hold."""

    _run(_as(Perm.DISPOSAL_PROPOSE, actor, lambda svc, who: hold.place_hold(svc, code, actor=who, reason=reason)),
         as_json,
         lambda r: out.print(f"#{r['hold_id']} {r['dossier_code']}: {r['reason']}", highlight=False, markup=False))


@hold_app.command("lift")
def hold_lift(hold_id: int, reason: str = typer.Option(..., "--reason"), actor: str = AS_ACCOUNT,
              as_json: bool = JSON) -> None:
    """Gỡ lệnh giữ / lift a hold."""

    _run(_as(Perm.DISPOSAL_APPROVE, actor, lambda svc, who: hold.lift_hold(svc, hold_id, actor=who, reason=reason)),
         as_json,
         lambda r: out.print(f"#{r['hold_id']} {r['dossier_code']}: gỡ / lifted", highlight=False, markup=False))


@hold_app.command("list")
def hold_list(all_: bool = typer.Option(False, "--all", help="Cả lệnh đã gỡ / include lifted"),
              as_json: bool = JSON) -> None:
    """Các lệnh giữ / holds."""

    def render(rows: list[dict[str, Any]]) -> None:
        for h in rows:
            out.print(f"#{h['hold_id']} {h['dossier_code']} {h['placed_by']} {h['placed_at']}: {h['reason']}"
                      + (f" (gỡ / lifted {h['lifted_at']})" if h["lifted_at"] else ""), highlight=False, markup=False)

    _run(lambda svc: hold.list_holds(svc, active_only=not all_), as_json, render)
