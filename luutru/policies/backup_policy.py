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


def keystore_findings(in_home: bool, where: str) -> list[Finding]:
    """KEYSTORE_IN_HOME when the per-AIP keys live inside LUUTRU_HOME (crypto-shredding
    is undone by any backup of the home that predates a destruction)."""
    if not in_home:
        return []
    return [warning(
        "KEYSTORE_IN_HOME",
        f"Kho khoá mã hoá ({where}) nằm trong LUUTRU_HOME: một bản sao lưu của thư mục này giải mã được cả hồ sơ "
        "đã huỷ sau đó. Sửa: chuyển kho khoá ra ngoài (LUUTRU_KEYSTORE_DIR) và sao lưu nó riêng, ngắn hạn.",
        f"The encryption key store ({where}) is inside LUUTRU_HOME: a backup of that folder decrypts records destroyed "
        "after it was taken. Fix: move the key store out (LUUTRU_KEYSTORE_DIR) and back it up separately, short-lived.",
        details={"keystore": where})]
