"""``luutru transfer-out …``: transfer of permanent records to a historical archive.

    luutru transfer-out due --agency CODE [--as-of YEAR]
    luutru transfer-out register --agency CODE --archive NAME --year YEAR [--dossier CODE ...] --as USER
    luutru transfer-out build --agency CODE [--as-of YEAR] [--dossier CODE ...] --out DIR --as USER
    luutru transfer-out confirm RECEIPT.json --as USER
    luutru transfer-out list

``--as USER`` is signed in first (its password, or ``LUUTRU_TOKEN``: :mod:`luutru.cli.signin`)
and needs ``export:manage``, as the API routes of the same steps do.

The receiving archive ingests the package with ``luutru ingest`` and its receipt is
written under its ``LUUTRU_HOME/receipts/``.  Exit codes: 0 done, 1 refused (the
findings say why and how to fix), 2 usage error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.console import Console

from luutru.api.roles import Perm
from luutru.cli.signin import AS_ACCOUNT, SignInRefused, sign_in
from luutru.cli.support import ExitCode, print_json, run_step
from luutru.policies.transfer import TransferPolicyError
from luutru.preservation.storage.base import StorageError
from luutru.records.findings import error
from luutru.records.status import ExportStatus
from luutru.records.timeutil import now_vn
from luutru.services import Services
from luutru.transfer_out.confirm import confirm_receipt
from luutru.transfer_out.errors import ExportError
from luutru.transfer_out.package import build_package
from luutru.transfer_out.register import list_packages
from luutru.transfer_out.registration import register
from luutru.transfer_out.select import due_for_transfer
from luutru.transfer_out.sip import build_sip_submission

app = typer.Typer(add_completion=False)
transfer_app = typer.Typer(add_completion=False, no_args_is_help=True,
                           help="Nộp lưu vào Lưu trữ lịch sử / transfer permanent records to a historical archive.")
app.add_typer(transfer_app, name="transfer-out")

out = Console()
err = Console(stderr=True)

JSON = typer.Option(False, "--json", help="In JSON / print JSON")


_print_json = print_json


def _run(fn: Callable[[Services], Any], as_json: bool, render: Callable[[Any], None]) -> None:
    """Run one step; refusals print their findings and exit 1, never a traceback."""

    run_step(fn, as_json, render, refusals=(ExportError, SignInRefused),
             errors=(StorageError, TransferPolicyError, OSError))


@transfer_app.command("due")
def due(agency: str = typer.Option(..., "--agency", help="Mã định danh cơ quan / agency code"),
        as_of: Optional[int] = typer.Option(None, "--as-of", min=1900, max=9999, help="Năm xét / year (default: this year)"),
        as_json: bool = JSON) -> None:
    """Hồ sơ vĩnh viễn đến hạn nộp lưu / permanent dossiers due for transfer."""

    year = as_of or now_vn().year

    def render(rows: list[dict[str, Any]]) -> None:
        if not rows:
            out.print(f"Không có hồ sơ đến hạn / nothing due ({agency}, {year}).")
        for c in rows:
            out.print(f"{c['code']}  hạn/due {c['due_year']}  {c['title'][:70]}", highlight=False)

    _run(lambda svc: [c.to_dict() for c in due_for_transfer(svc, agency, year)], as_json, render)


@transfer_app.command("register")
def register_cmd(agency: str = typer.Option(..., "--agency", help="Mã định danh cơ quan / agency code"),
                 archive: str = typer.Option(..., "--archive", help="Tên Lưu trữ lịch sử / historical archive"),
                 archive_code: str = typer.Option("", "--archive-code", help="Mã Lưu trữ lịch sử / archive code"),
                 year: int = typer.Option(..., "--year", min=1900, max=9999, help="Năm dự kiến nộp / planned year"),
                 dossier: Optional[list[str]] = typer.Option(
                     None, "--dossier", help="Mã hồ sơ (lặp lại); bỏ trống: các hồ sơ đến hạn năm --year"),
                 reference: str = typer.Option("", "--reference", help="Số văn bản trả lời của Lưu trữ lịch sử"),
                 actor: str = AS_ACCOUNT, as_json: bool = JSON) -> None:
    """Đăng ký nộp lưu với Lưu trữ lịch sử (Thông tư 06/2025 Điều 3) / register the submission."""

    def step(svc: Services) -> dict[str, Any]:
        who = sign_in(svc, actor, Perm.EXPORT_MANAGE)
        codes = list(dossier or []) or [c.code for c in due_for_transfer(svc, agency, year)]
        if not codes:
            raise ExportError([error(
                "REGISTRATION_NOTHING_DUE",
                f"Không có hồ sơ nào để đăng ký (cơ quan {agency}, năm {year}). Sửa: chỉ định hồ sơ bằng --dossier.",
                f"Nothing to register (agency {agency}, year {year}). Fix: name dossiers with --dossier.")])
        return register(svc, agency=agency, archive_code=archive_code, archive_name=archive, planned_year=year,
                        dossiers=codes, actor=who, reference=reference).to_dict()

    def render(r: dict[str, Any]) -> None:
        out.print(f"Đã đăng ký / registered {r['id']}: {len(r['dossier_codes'])} hồ sơ, năm {r['planned_year']}, "
                  f"{r['archive_name']}", highlight=False)

    _run(step, as_json, render)


@transfer_app.command("build")
def build(agency: str = typer.Option(..., "--agency", help="Mã định danh cơ quan / agency code"),
          out_dir: Path = typer.Option(..., "--out", help="Thư mục ghi gói / folder to write the package to"),
          as_of: Optional[int] = typer.Option(None, "--as-of", min=1900, max=9999,
                                              help="Năm xét hạn nộp lưu / year the deadline is checked for"),
          dossier: Optional[list[str]] = typer.Option(None, "--dossier", help="Mã hồ sơ (lặp lại) / dossier code (repeat)"),
          include_fixed_term: bool = typer.Option(False, "--include-fixed-term",
                                                  help="Cho phép hồ sơ có thời hạn trong danh sách --dossier"),
          archive: Optional[str] = typer.Option(None, "--archive", help="Tên Lưu trữ lịch sử nhận / receiving archive"),
          make_zip: bool = typer.Option(False, "--zip", help="Ghi thêm tệp .zip của gói BagIt / also write a .zip (bag)"),
          fmt: str = typer.Option("sip", "--format",
                                  help="sip: gói SIP 05/2025 (E-ARK CSIP) cho mỗi hồ sơ / one 05/2025 SIP per dossier; "
                                       "bag: BagIt + mục lục XLSX (giữa hai hệ thống luutru) / BagIt + XLSX catalogue"),
          actor: str = AS_ACCOUNT, as_json: bool = JSON) -> None:
    """Lập gói nộp lưu (SIP 05/2025 hoặc BagIt) / build the transfer package (05/2025 SIPs or BagIt)."""
    if fmt not in ("sip", "bag"):
        err.print("--format: sip | bag")
        raise typer.Exit(ExitCode.USAGE)

    if include_fixed_term and not dossier:
        err.print("--include-fixed-term chỉ dùng cùng --dossier / only with an explicit --dossier list")
        raise typer.Exit(ExitCode.USAGE)

    def render(r: Any) -> None:
        out.print(f"Gói nộp lưu / package: {r.package_id}", highlight=False)
        out.print(f"  {r.path}", highlight=False)
        if r.zip_path:
            out.print(f"  {r.zip_path}", highlight=False)
        out.print(f"  {len(r.dossiers)} hồ sơ / dossiers, {r.documents} văn bản / documents, {r.bytes} byte, "
                  f"{r.seconds} s", highlight=False)
        for x in r.dossiers:
            out.print(f"  - {x.code}  {x.documents} VB  {x.title[:60]}", highlight=False)
        out.print("Gửi gói cho Lưu trữ lịch sử; khi nhận giấy xác nhận: `luutru transfer-out confirm <tệp .json> --as <tài khoản>`.\n"
                  "Send the package; when the receipt comes back: `luutru transfer-out confirm <file .json> --as <account>`.")

    def step(svc: Services) -> Any:
        who = sign_in(svc, actor, Perm.EXPORT_MANAGE)
        if fmt == "bag":
            return build_package(svc, agency=agency, out_dir=out_dir, as_of=as_of, dossiers=dossier or None,
                                 include_fixed_term=include_fixed_term, archive_name=archive, actor=who,
                                 make_zip=make_zip)
        return build_sip_submission(svc, agency=agency, out_dir=out_dir, as_of=as_of, dossiers=dossier or None,
                                    include_fixed_term=include_fixed_term, archive_name=archive, actor=who)

    _run(step, as_json, render)


@transfer_app.command("confirm")
def confirm(receipt: Path = typer.Argument(..., help="Giấy xác nhận .json của Lưu trữ lịch sử / the receipt .json"),
            actor: str = AS_ACCOUNT, as_json: bool = JSON) -> None:
    """Nhập giấy xác nhận đã nhận tài liệu / record the receiving archive's receipt.

    The receipt lets the agency release its copies of the transferred dossiers, so the
    actor signs in like a disposal step (:mod:`luutru.cli.signin`)."""

    if not receipt.is_file():
        err.print(f"[red]Không tìm thấy / not found:[/] {receipt}")
        raise typer.Exit(ExitCode.USAGE)

    def render(r: Any) -> None:
        if r.already:
            out.print(f"Gói {r.package_id} đã được xác nhận trước đó bằng {r.receipt_id} / already confirmed.",
                      highlight=False)
            return
        out.print(f"Đã xác nhận gói / confirmed package {r.package_id} (giấy / receipt {r.receipt_id}):", highlight=False)
        for code in r.dossiers:
            out.print(f"  - {code}: đã nộp lưu / transferred", highlight=False)

    _run(lambda svc: confirm_receipt(svc, receipt, actor=sign_in(svc, actor, Perm.EXPORT_MANAGE)), as_json, render)


@transfer_app.command("list")
def list_(agency: Optional[str] = typer.Option(None, "--agency"), as_json: bool = JSON) -> None:
    """Các gói đã lập và trạng thái / packages built and their state."""

    def render(rows: list[dict[str, Any]]) -> None:
        if not rows:
            out.print("Chưa có gói nào / no package yet.")
        for p in rows:
            state = f"xác nhận / confirmed {p['confirmed_at']}" if p["status"] == ExportStatus.CONFIRMED else "chờ xác nhận / awaiting receipt"
            out.print(f"{p['package_id']}  {p['dossiers']} hồ sơ  {p['built_at']}  {state}", highlight=False)

    _run(lambda svc: list_packages(svc, agency), as_json, render)
