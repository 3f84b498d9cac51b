"""Backups per Circular 05/2025/TT-BNV Art. 27: at least two backup sets, each on an
independent storage medium (V-P).

An embedded install that keeps one copy is allowed to run (a single-machine office may
have nothing else yet) but says so on every ingest report and in ``luutru status``.
"""

from __future__ import annotations

from luutru.records.findings import Finding, warning

MIN_COPIES = 2
LEGAL_BASIS = "Thông tư 05/2025/TT-BNV Điều 27"


def backup_findings(copies: int, *, locations: tuple[str, ...] = ()) -> list[Finding]:
    """BACKUP_SINGLE_COPY when fewer than two independent copies are kept."""
    if copies >= MIN_COPIES:
        return []
    where = ", ".join(locations) or "một thư mục / one directory"
    return [warning(
        "BACKUP_SINGLE_COPY",
        f"Hệ thống chỉ giữ {copies} bản ({where}); {LEGAL_BASIS} yêu cầu ít nhất {MIN_COPIES} bộ dự phòng trên các "
        "phương tiện lưu trữ độc lập. Sửa: cấu hình thêm vị trí lưu bản sao (LUUTRU_REPLICA_URLS) trên ổ đĩa hoặc "
        "máy chủ khác.",
        f"Only {copies} copy is kept ({where}); Circular 05/2025 Art. 27 requires at least {MIN_COPIES} backup sets "
        "on independent media. Fix: configure a replica location (LUUTRU_REPLICA_URLS) on another disk or server.",
        details={"copies": copies, "required": MIN_COPIES, "locations": list(locations)})]
