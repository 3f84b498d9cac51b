"""When an agency's own retention schedule may differ from the common one (Circular 10/2022).

The rule (documented in docs/regulations.md, "Agency schedules"):

1. An agency schedule may **add** items and **lengthen** any period: keeping records
   longer is always lawful.
2. It may set a **shorter** period than the common file only where the common item is
   not a verified reading of the circular (``status`` other than ``V-P``) **and** the
   agency entry names its ``basis`` — the text that sets the period: the circular's own
   item (when the common file is wrong), or a sectoral schedule issued by a ministry for
   its specialised records (e.g. 74/2025/TT-BTC for finance).  Without a basis, or
   against a verified item, a shorter period is refused: an agency cannot shorten a
   period the circular sets (Circular 10/2022: agencies build their schedules on it and
   may not set periods below it — V-S reading, the article number is not verified).
3. A shorter period accepted this way is listed as an override (``Schedule.overrides``)
   so reports and the disposal list show it with its basis.
"""

from __future__ import annotations

from dataclasses import dataclass

VERIFIED = "V-P"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    override: bool  # a shorter period accepted on its basis
    reason_en: str
    reason_vi: str


def agency_entry(*, shorter: bool, common_status: str | None, basis: str | None) -> Decision:
    """Whether an agency entry with the same code as a common item may stand."""
    if not shorter:
        return Decision(True, False, "same or longer period", "thời hạn bằng hoặc dài hơn")
    if not basis or not basis.strip():
        return Decision(False, False,
                        "shorter than the common schedule and no 'basis' (the text that sets the period) is given",
                        "ngắn hơn bảng thời hạn chung mà không ghi 'basis' (văn bản quy định thời hạn đó)")
    if (common_status or "U") == VERIFIED:
        return Decision(False, False,
                        "shorter than a common item verified against the circular's text",
                        "ngắn hơn mục đã được đối chiếu với văn bản gốc của Thông tư 10/2022")
    return Decision(True, True, f"shorter period accepted on its basis: {basis}",
                    f"thời hạn ngắn hơn được chấp nhận theo căn cứ: {basis}")
