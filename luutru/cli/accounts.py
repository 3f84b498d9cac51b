"""``luutru user …`` and ``luutru audit-log …``: accounts and the audit trail from the shell.

Exit codes: 0 ok, 1 a check failed (audit chain broken) or the operation was refused,
2 usage.  Changes made here are audited with the actor ``cli:<system user>``.
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table

import luutru.api.accounts as accounts
import luutru.api.grants as grants
from luutru.api.accounts import AccountError
from luutru.audit.trail import list_events
from luutru.preservation.audit_anchor import verify_with_anchors, write_anchor
from luutru.cli.support import ExitCode, print_json
from luutru.config import Settings
from luutru.services import Services

app = typer.Typer(add_completion=False)
user_app = typer.Typer(add_completion=False, no_args_is_help=True,
                       help="Tài khoản người dùng / user accounts.")
audit_app = typer.Typer(add_completion=False, no_args_is_help=True,
                        help="Nhật ký kiểm tra (chuỗi băm) / the hash-chained audit trail.")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit-log")
out, err = Console(), Console(stderr=True)


def _services() -> Services:
    return Services(Settings())


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "cli"


def _password(stdin: bool, confirm: bool = True) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("Mật khẩu / password", hide_input=True, confirmation_prompt=confirm)


def _fail(e: Exception) -> None:

    if isinstance(e, AccountError):
        err.print(f"[red]{e.message_vi}[/]\n{e.message_en}")
        raise typer.Exit(ExitCode.REFUSED)
    raise e


@user_app.command("add")
def user_add(username: str,
             role: list[str] = typer.Option(..., "--role", "-r", help="submitter | archivist | council | approver | "
                                            "researcher | administrator (repeatable)"),
             agency: Optional[str] = typer.Option(None, help="Mã cơ quan của tài khoản nộp lưu / submitter's agency code"),
             restricted: bool = typer.Option(False, "--restricted", help="Được đọc tài liệu hạn chế / may read restricted records"),
             name: str = typer.Option("", help="Họ tên / display name"),
             email: Optional[str] = None,
             password_stdin: bool = typer.Option(False, "--password-stdin", help="Đọc mật khẩu từ stdin / read the password from stdin"),
             no_password: bool = typer.Option(False, "--no-password", help="Chỉ đăng nhập bằng OIDC hoặc mã truy cập / token or OIDC only")) -> None:
    """Tạo tài khoản / create an account."""

    svc = _services()
    try:
        pw = None if no_password else _password(password_stdin)
        u = accounts.create_user(svc, username, roles=role, password=pw, agency_code=agency, restricted_access=restricted,
                                 display_name=name, email=email, actor=_actor())
    except Exception as e:  # noqa: BLE001
        _fail(e)
    finally:
        svc.close()
    out.print(f"Đã tạo / created: {u['username']} ({', '.join(u['roles'])})")


@user_app.command("set")
def user_set(username: str,
             role: Optional[list[str]] = typer.Option(None, "--role", "-r", help="Thay toàn bộ vai trò / replace the roles"),
             agency: Optional[str] = None,
             restricted: Optional[bool] = typer.Option(None, "--restricted/--no-restricted"),
             active: Optional[bool] = typer.Option(None, "--active/--inactive")) -> None:
    """Đổi vai trò, quyền đọc hạn chế, trạng thái / change roles, grants, active flag."""

    svc = _services()
    try:
        u = accounts.update_user(svc, username, actor=_actor(), roles=role or None, agency_code=agency,
                                 restricted_access=restricted, active=active)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    finally:
        svc.close()
    out.print(json.dumps(u, ensure_ascii=False))


@user_app.command("list")
def user_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """Liệt kê tài khoản / list accounts."""

    svc = _services()
    try:
        users = accounts.list_users(svc)
    finally:
        svc.close()
    if as_json:
        print_json(users)
        return
    t = Table("username", "roles", "agency", "restricted", "active", "created_at")
    for u in users:
        t.add_row(u["username"], ", ".join(u["roles"]), u["agency_code"] or "", "✓" if u["restricted_access"] else "",
                  "✓" if u["active"] else "✗", u["created_at"])
    out.print(t)


@user_app.command("changes")
def user_changes(all_: bool = typer.Option(False, "--all", help="Cả thay đổi đã quyết / decided ones too"),
                 as_json: bool = typer.Option(False, "--json")) -> None:
    """Thay đổi tài khoản chờ quản trị viên thứ hai xác nhận / account changes waiting for a
    second administrator (asked for in the web UI or the API)."""

    svc = _services()
    try:
        rows = grants.list_changes(svc, None if all_ else "pending")
    finally:
        svc.close()
    if as_json:
        print_json(rows)
        return
    t = Table("id", "user", "kind", "changes", "requested_by", "requested_at", "status")
    for r in rows:
        t.add_row(str(r["id"]), r["username"], r["kind"], json.dumps(r.get("changes") or {}, ensure_ascii=False),
                  r["requested_by"], r["requested_at"], r["status"])
    out.print(t)


@user_app.command("confirm")
def user_confirm(change_id: str) -> None:
    """Xác nhận một thay đổi đang chờ (không phải của chính mình) / confirm a pending change
    (not one you asked for, not one about your own account)."""

    svc = _services()
    try:
        u = grants.confirm(svc, _actor(), change_id)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    finally:
        svc.close()
    out.print(f"Đã áp dụng / applied: {json.dumps(u, ensure_ascii=False)}", soft_wrap=True)


@user_app.command("reject")
def user_reject(change_id: str) -> None:
    """Từ chối một thay đổi đang chờ / refuse a pending change."""

    svc = _services()
    try:
        grants.reject(svc, _actor(), change_id)
    except Exception as e:  # noqa: BLE001
        _fail(e)
    finally:
        svc.close()
    out.print(f"Đã từ chối / rejected: {change_id}")


@user_app.command("passwd")
def user_passwd(username: str, password_stdin: bool = typer.Option(False, "--password-stdin")) -> None:
    """Đặt mật khẩu mới (đăng xuất mọi phiên) / set a new password (ends open sessions)."""

    svc = _services()
    try:
        accounts.set_password(svc, username, _password(password_stdin), actor=_actor())
    except Exception as e:  # noqa: BLE001
        _fail(e)
    finally:
        svc.close()
    out.print("Đã đổi mật khẩu / password changed")


@user_app.command("token")
def user_token(username: str, label: str = typer.Option("", help="Ghi chú / what the token is for"),
               days: Optional[int] = typer.Option(None, help="Hết hạn sau N ngày / expires after N days"),
               revoke: Optional[str] = typer.Option(None, help="Thu hồi mã có id này / revoke the token with this id")) -> None:
    """Tạo (hoặc thu hồi) mã truy cập API; mã chỉ hiện một lần / create (or revoke) an API token, shown once."""

    svc = _services()
    try:
        if revoke:
            accounts.revoke_token(svc, revoke, actor=_actor(), owner=username)
            out.print(f"Đã thu hồi / revoked: {revoke}")
            return
        token, info = accounts.create_token(svc, username, label=label, days=days, actor=_actor())
    except Exception as e:  # noqa: BLE001
        _fail(e)
    finally:
        svc.close()
    err.print(f"Mã truy cập cho / token for {username} (id {info['id']}); lưu lại ngay, sẽ không hiện lại / "
              "store it now, it is not shown again:")
    sys.stdout.write(token + "\n")


@audit_app.command("verify")
def audit_verify(as_json: bool = typer.Option(False, "--json")) -> None:
    """Kiểm tra chuỗi băm của nhật ký và các mốc neo trong kho; mã thoát 1 và tên mục hỏng đầu tiên
    nếu bị sửa/xóa / verify the hash chain and the anchors kept in storage; exit 1 naming the
    first broken entry if anything was edited, deleted or rewritten."""

    svc = _services()
    try:
        res = verify_with_anchors(svc)
    finally:
        svc.close()
    if as_json:
        print_json(res.to_dict())
    elif res.ok:
        out.print(f"Nhật ký toàn vẹn / audit trail intact: {res.events} mục/entries, "
                  f"đầu chuỗi/head #{res.head_seq} {res.head_hash}", soft_wrap=True)
    else:
        err.print(f"[red]NHẬT KÝ BỊ SỬA / AUDIT TRAIL BROKEN at entry {res.broken_seq}[/]\n"
                  f"{res.problem_vi}\n{res.problem_en}")
    raise typer.Exit(ExitCode.OK if res.ok else ExitCode.FAILED)


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Neo đầu chuỗi nhật ký vào kho lưu trữ (chạy định kỳ) / anchor the audit trail's head in
    storage (run it periodically, e.g. hourly from cron)."""

    svc = _services()
    try:
        a = write_anchor(svc)
    finally:
        svc.close()
    if a is None:
        out.print("Không có gì mới để neo / nothing new to anchor")
    else:
        out.print(f"Đã neo / anchored: #{a.seq} {a.hash} → {a.name}", soft_wrap=True)


@audit_app.command("show")
def audit_show(limit: int = typer.Option(50), actor: Optional[str] = None, action: Optional[str] = None,
               as_json: bool = typer.Option(False, "--json")) -> None:
    """Các sự kiện gần nhất / the latest events."""

    svc = _services()
    try:
        events: list[dict[str, Any]] = list_events(svc, limit=limit, actor=actor, action=action)
    finally:
        svc.close()
    if as_json:
        print_json(events)
        return
    t = Table("#", "at", "actor", "action", "object", "outcome")
    for e in events:
        t.add_row(str(e["seq"]), e["at"], e["actor"], e["action"], e["object"], e["outcome"])
    out.print(t)
