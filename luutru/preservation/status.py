"""``luutru status``: one screen on the archive's health — copies, last audit, queue, engines.

Why: Circular 05/2025 Art. 27 asks for at least two backup sets on independent media; an
embedded install that keeps one copy must say so where the operator looks.  The summary
reads only the catalog and the settings (no storage scan), so it is quick.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select

from luutru.catalog import models as m
from luutru.catalog.jobs_models import Job
from luutru.policies.backup_policy import backup_findings, keystore_findings

INDEX_KIND = "index"  # jobs that index a stored dossier again after an index failure


def _scheme(url: str) -> str:
    s = urlsplit(url).scheme or "file"
    return s.split("+")[0]


def _safe(url: str) -> str:
    """A URL without credentials, for showing."""
    p = urlsplit(url)
    host = p.hostname or ""
    port = f":{p.port}" if p.port else ""
    return f"{p.scheme}://{host}{port}{p.path}"


@dataclass
class Status:
    copies: int
    locations: list[str]
    dossiers: int
    last_audit: str | None
    audit_failures_since: int
    jobs: dict[str, int]
    index_backlog: int
    engines: dict[str, str]
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        """The one-screen text (Vietnamese / English)."""
        out = [
            f"Bản sao / copies:        {self.copies} ({', '.join(self.locations)})",
            f"Hồ sơ / dossiers:        {self.dossiers}",
            f"Kiểm tra gần nhất / last audit: {self.last_audit or 'chưa chạy / never'}"
            + (f"; lỗi / failures: {self.audit_failures_since}" if self.audit_failures_since else ""),
            "Hàng đợi / queue:        " + (", ".join(f"{k} {v}" for k, v in sorted(self.jobs.items())) or "trống / empty")
            + (f"; chờ lập chỉ mục / index backlog {self.index_backlog}" if self.index_backlog else ""),
            "Máy / engines:           " + ", ".join(f"{k}={v}" for k, v in self.engines.items()),
        ]
        for w in self.warnings:
            out.append(f"CẢNH BÁO / WARNING {w['code']}: {w['message_vi']}")
        return out


def status(services: Any) -> Status:
    settings = services.settings
    locations = [_safe(settings.storage_location)] + [_safe(u) for u in settings.storage.replica_urls]
    with services.catalog.session() as s:
        dossiers = s.scalar(select(func.count()).select_from(m.Dossier)) or 0
        last = s.scalar(select(func.max(m.Event.event_datetime)).where(m.Event.event_type == "fixity check"))
        failures = 0
        if last:
            failures = s.scalar(select(func.count()).select_from(m.Event).where(
                m.Event.event_type == "fixity check", m.Event.outcome != "success",
                m.Event.event_datetime >= last[:10])) or 0
        jobs = {st: n for st, n in s.execute(select(Job.status, func.count()).group_by(Job.status))
                if st in ("queued", "running", "failed")}
        backlog = s.scalar(select(func.count()).select_from(Job).where(
            Job.kind == INDEX_KIND, Job.status.in_(("queued", "running")))) or 0
    engines = {
        "catalog": _scheme(settings.db_url), "storage": _scheme(settings.storage_location),
        "search": _scheme(settings.search),
        "verapdf": "yes" if (settings.verapdf or shutil.which("verapdf")) else "no",
        "siegfried": "yes" if (settings.siegfried or shutil.which("sf")) else "no",
    }
    warnings = [f.to_dict() for f in backup_findings(len(locations), locations=tuple(locations))
                + keystore_findings(settings.keystore_in_home, str(settings.keystore_path))]
    return Status(len(locations), locations, dossiers, last, failures, jobs, backlog, engines, warnings)
