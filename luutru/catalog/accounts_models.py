"""Account tables: users, API tokens, web sessions and who submitted which transfer.

These rows are not derived from the AIPs, so ``luutru reindex`` leaves them alone (it
rebuilds only the record tables).  Secrets are never stored: passwords as argon2 hashes,
API tokens and session ids as SHA-256 of a high-entropy random value.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from luutru.catalog.models import Base


class User(Base):
    """One person (or service) that can log in.

    ``roles`` is a list of role names (see :class:`luutru.api.auth.Role`); a submitter
    account is bound to exactly one agency (``agency_code``) and holds no other role.
    ``restricted_access`` grants a researcher (or administrator) the right to read
    restricted-use records (chế độ sử dụng hạn chế).
    """

    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    agency_code: Mapped[str | None] = mapped_column(String(13), nullable=True)
    restricted_access: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    oidc_subject: Mapped[str | None] = mapped_column(String(255), nullable=True, unique=True)
    created_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))

    def to_dict(self) -> dict[str, Any]:
        return {"username": self.username, "display_name": self.display_name, "email": self.email,
                "roles": list(self.roles or []), "agency_code": self.agency_code,
                "restricted_access": self.restricted_access, "active": self.active,
                "has_password": bool(self.password_hash), "oidc": bool(self.oidc_subject),
                "created_at": self.created_at, "updated_at": self.updated_at}


class ApiToken(Base):
    """A bearer token ``lt_<id>_<secret>``; only SHA-256 of the whole token is kept."""

    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    last_used_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSession(Base):
    """A logged-in browser: the cookie holds a random value, the table its SHA-256."""

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username", ondelete="CASCADE"), index=True)
    created_at: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[str] = mapped_column(String(40))
    via: Mapped[str] = mapped_column(String(20), default="password")  # password | oidc


class TransferSubmission(Base):
    """Who uploaded a transfer, so a submitter sees the transfers they submitted."""

    __tablename__ = "transfer_submissions"
    transfer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    agency_code: Mapped[str | None] = mapped_column(String(13), nullable=True)
    submitted_at: Mapped[str] = mapped_column(String(40))


class AccountChange(Base):
    """An account change that waits for a second administrator (see :mod:`luutru.api.grants`).

    ``kind`` is ``create``, ``update`` or ``password``; ``changes`` the arguments of the
    change (a password only as its argon2 hash).  ``status``: pending, applied, rejected."""

    __tablename__ = "account_changes"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[str | None] = mapped_column(String(40), nullable=True)

    def to_dict(self) -> dict[str, Any]:
        shown = {k: v for k, v in (self.changes or {}).items() if k != "password_hash"}
        if "password_hash" in (self.changes or {}):
            shown["password"] = True
        return {"id": self.id, "username": self.username, "kind": self.kind, "changes": shown,
                "requested_by": self.requested_by, "requested_at": self.requested_at, "status": self.status,
                "decided_by": self.decided_by, "decided_at": self.decided_at}
