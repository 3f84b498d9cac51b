"""Deadlines of the Law on Archives 2024 for deposit and transfer, one function each.

* Deposit into the agency archive (nộp lưu vào lưu trữ cơ quan): at most **1 year**,
  counted from the year the work ended (Law 33/2024/QH15 Art. 17, V-S); Decree 30/2020
  Art. 30.2 (V-P) says the same as "within 1 year from the day the work ended" and gives
  **construction records 3 months from the final settlement** (quyết toán) of the works.
  Whether that construction rule survives the 2024 law's year-based counting is not
  settled (U); the service keeps it, as a warning.
* Transfer of permanent records to the historical archive: at most **5 years counted
  from the year of deposit** in the agency archive (Law 2024 Art. 17, V-S).
* A submission is registered with the historical archive first (Circular 06/2025 Art. 3,
  V-S); one reading gives 12 months ahead (I), so registration is asked for, the lead
  time is not enforced.

Late deposit is a warning, never a refusal: the records still have to be kept.
"""

from __future__ import annotations

from datetime import date

from luutru.records.findings import Finding, warning

DEPOSIT_YEARS = 1
CONSTRUCTION_MONTHS = 3
HISTORICAL_YEARS = 5
LEGAL_BASIS_DEPOSIT = "Luật Lưu trữ 2024 Điều 17; Nghị định 30/2020/NĐ-CP Điều 30.2"
LEGAL_BASIS_HISTORICAL = "Luật Lưu trữ 2024 (33/2024/QH15) Điều 17"


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise ValueError(d)


def deposit_deadline(end: date, *, settlement: date | None = None) -> date:
    """Last day for depositing a dossier in the agency archive.

    Construction records (``settlement`` given): 3 months after the final settlement.
    Others: 31/12 of the year after the year the work ended.
    """
    if settlement is not None:
        return _add_months(settlement, CONSTRUCTION_MONTHS)
    return date(end.year + DEPOSIT_YEARS, 12, 31)


def late_deposit(dossier: str, end: date, received: date, *, settlement: date | None = None) -> list[Finding]:
    """DEPOSIT_LATE warning naming the dossier when it reached the agency archive after the deadline."""
    due = deposit_deadline(end, settlement=settlement)
    if received <= due:
        return []
    if settlement is not None:
        vi_rule = f"hồ sơ xây dựng cơ bản: 3 tháng từ ngày quyết toán {settlement:%d/%m/%Y}"
        en_rule = f"construction records: 3 months from the final settlement on {settlement:%d/%m/%Y}"
    else:
        vi_rule = f"1 năm tính từ năm kết thúc công việc ({end.year})"
        en_rule = f"1 year counted from the year the work ended ({end.year})"
    return [warning(
        "DEPOSIT_LATE",
        f"Hồ sơ {dossier} nộp lưu ngày {received:%d/%m/%Y}, quá hạn nộp lưu vào lưu trữ cơ quan ({vi_rule}; "
        f"hạn {due:%d/%m/%Y}; {LEGAL_BASIS_DEPOSIT}). Hồ sơ vẫn được tiếp nhận. Sửa: ghi lý do nộp chậm vào biên bản "
        "giao nhận và nộp đúng hạn các năm sau.",
        f"Dossier {dossier} deposited on {received:%d/%m/%Y}, after the deadline for the agency archive ({en_rule}; "
        f"due {due:%d/%m/%Y}; Law on Archives 2024 Art. 17). It is accepted. Fix: record the reason in the handover "
        "record and deposit on time in future.",
        dossier=dossier, details={"due": due.isoformat(), "received": received.isoformat(),
                                  "construction": settlement is not None})]


def historical_due_year(deposit_year: int) -> int:
    """Year by which a permanent dossier must be in the historical archive (deposit year + 5)."""
    return deposit_year + HISTORICAL_YEARS


def historical_is_due(deposit_year: int, as_of_year: int) -> bool:
    """Due for transfer-out in ``as_of_year``: the 5-year deadline falls in or before it."""
    return historical_due_year(deposit_year) <= as_of_year
