"""Roles, permissions, and what each role may see in search (``Rights``).

Kept free of FastAPI so the CLI, the web UI and tests share one table.  Every API route
declares one permission (see :func:`luutru.api.auth.require`); a role grants a set of
permissions.  What a caller may *see* (restricted records, which agencies) is a second,
data-level rule: :func:`rights_for`.
"""

from __future__ import annotations

import enum
from typing import Iterable

from luutru.records.labels import LABELS
from luutru.search.query import Rights


class Role(str, enum.Enum):
    SUBMITTER = "submitter"          # lưu trữ cơ quan nộp lưu, bound to one agency
    ARCHIVIST = "archivist"          # lưu trữ viên
    COUNCIL = "council"              # thành viên Hội đồng xác định giá trị tài liệu
    APPROVER = "approver"            # người có thẩm quyền phê duyệt
    RESEARCHER = "researcher"        # người khai thác
    ADMINISTRATOR = "administrator"  # quản trị hệ thống


ROLE_LABELS = {r: LABELS["role"][r.value] for r in Role}  # (vi, en), from the one catalogue of labels


class Perm(str, enum.Enum):
    """One permission per kind of action; routes declare exactly one."""

    PUBLIC = "public"                      # anyone, also anonymous (login page, health, API docs)
    SEARCH = "search"                      # search public records (anonymous too)
    SELF = "self"                          # one's own account: /api/me, own tokens, own password
    RECORDS_READ = "records:read"          # read dossiers, documents, files (within rights_for)
    TRANSFERS_SUBMIT = "transfers:submit"  # upload a transfer
    TRANSFERS_READ = "transfers:read"      # follow transfers and reports (submitters: their own)
    DISPOSAL_READ = "disposal:read"        # see disposal lists and their state
    DISPOSAL_PROPOSE = "disposal:propose"  # draft a list of expired records, minutes
    DISPOSAL_REVIEW = "disposal:review"    # give a council opinion
    DISPOSAL_APPROVE = "disposal:approve"  # approve or reject a list
    DISPOSAL_EXECUTE = "disposal:execute"  # carry out an approved destruction
    EXPORT_READ = "export:read"            # see transfers to the historical archive
    EXPORT_MANAGE = "export:manage"        # build packages, record receipts
    STORAGE_READ = "storage:read"          # fixity and replica status
    STORAGE_MANAGE = "storage:manage"      # run audits, repair
    AUDIT_READ = "audit:read"              # read and verify the audit trail
    ACCOUNTS_MANAGE = "accounts:manage"    # create and change accounts, roles, grants


_READER = {Perm.PUBLIC, Perm.SEARCH, Perm.SELF, Perm.RECORDS_READ}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.RESEARCHER: frozenset(_READER),
    Role.SUBMITTER: frozenset(_READER | {Perm.TRANSFERS_SUBMIT, Perm.TRANSFERS_READ}),
    Role.ARCHIVIST: frozenset(_READER | {
        Perm.TRANSFERS_SUBMIT, Perm.TRANSFERS_READ, Perm.DISPOSAL_READ, Perm.DISPOSAL_PROPOSE,
        Perm.DISPOSAL_EXECUTE, Perm.EXPORT_READ, Perm.EXPORT_MANAGE, Perm.STORAGE_READ, Perm.STORAGE_MANAGE}),
    Role.COUNCIL: frozenset(_READER | {Perm.DISPOSAL_READ, Perm.DISPOSAL_REVIEW}),
    Role.APPROVER: frozenset(_READER | {Perm.DISPOSAL_READ, Perm.DISPOSAL_APPROVE, Perm.EXPORT_READ}),
    Role.ADMINISTRATOR: frozenset(_READER | {
        Perm.TRANSFERS_READ, Perm.STORAGE_READ, Perm.STORAGE_MANAGE, Perm.AUDIT_READ, Perm.ACCOUNTS_MANAGE}),
}

ANONYMOUS_PERMISSIONS: frozenset[Perm] = frozenset({Perm.PUBLIC, Perm.SEARCH})

# Roles that see every record, restricted ones included: they work on the records.
_SEE_ALL = {Role.ARCHIVIST, Role.COUNCIL, Role.APPROVER}


def parse_roles(values: Iterable[str]) -> list[Role]:
    """Role names (English values or Vietnamese-free aliases) → roles; unknown names raise ValueError."""
    out: list[Role] = []
    for v in values:
        for part in str(v).replace(";", ",").split(","):
            part = part.strip().lower()
            if part:
                out.append(Role(part))
    return list(dict.fromkeys(out))


def permissions_for(roles: Iterable[Role | str], *, anonymous: bool = False) -> frozenset[Perm]:
    if anonymous:
        return ANONYMOUS_PERMISSIONS
    perms: set[Perm] = {Perm.PUBLIC, Perm.SEARCH, Perm.SELF}
    for r in roles:
        perms |= ROLE_PERMISSIONS[Role(r)]
    return frozenset(perms)


def rights_for(roles: Iterable[Role | str], *, agency_code: str | None = None, restricted_access: bool = False,
               anonymous: bool = False) -> Rights:
    """Search/read rights of a caller.

    archivist, council member, approver: every record.  Submitter: every record of their
    own agency (restricted ones too: they are the agency's own), public ones of others.
    Researcher, administrator: public records, plus restricted ones when granted
    (``restricted_access``).  Anonymous: public records.  A login never shows less than
    an anonymous visitor sees.
    """
    if anonymous:
        return Rights.public()
    rs = {Role(r) for r in roles}
    if rs & _SEE_ALL:
        return Rights.everything()
    if Role.SUBMITTER in rs:
        return Rights(see_restricted=True, agencies=None,
                      restricted_agencies=frozenset({agency_code}) if agency_code else frozenset())
    return Rights(see_restricted=bool(restricted_access), agencies=None)
