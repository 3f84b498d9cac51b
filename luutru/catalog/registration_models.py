"""Catalog table of submission registrations with a historical archive (Circular 06/2025 Art. 3).

A registration is a record of its own (what the agency announced it would submit, to
whom, when, with the archive's reference number once it answers): ``luutru reindex``
never touches it.  A transfer package may only be built for dossiers covered by a
registration (see :mod:`luutru.preservation.registration`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from luutru.catalog.models import Base

REGISTERED, ACCEPTED, WITHDRAWN = "registered", "accepted", "withdrawn"


class SubmissionRegistration(Base):
    """One registration of a submission (đăng ký nộp lưu) with a historical archive."""

    __tablename__ = "submission_registrations"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(13), index=True)
    archive_code: Mapped[str] = mapped_column(String(40), default="")
    archive_name: Mapped[str] = mapped_column(String(200))
    planned_year: Mapped[int] = mapped_column(Integer)
    registered_at: Mapped[str] = mapped_column(String(40))
    registered_by: Mapped[str] = mapped_column(String(100))
    reference: Mapped[str] = mapped_column(String(100), default="")  # the archive's answer / document number
    note: Mapped[str] = mapped_column(Text, default="")
    dossier_codes: Mapped[Any] = mapped_column(JSON)  # list of dossier codes registered
    status: Mapped[str] = mapped_column(String(20), default=REGISTERED, index=True)
