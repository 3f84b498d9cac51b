"""Login throttle tables: failed logins and locks, shared by every server process.

Why in the catalog: the API can run as several processes (uvicorn workers, API and
workers on PostgreSQL); counts kept in each process's memory would give a password
guesser as many attempts as there are processes.  Rows are small and bounded
(:mod:`luutru.api.throttle` prunes them on every failure).  Not derived from the AIPs:
``luutru reindex`` leaves them alone.  Times are Unix seconds (``time.time()``), the one
clock all processes share.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from luutru.catalog.models import Base


class LoginFailure(Base):
    """One failed login (or wrong current password) for a key: ``user:<name>`` or ``addr:<ip>``."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(120), index=True)
    at: Mapped[float] = mapped_column(Float, index=True)


class LoginLock(Base):
    """A key locked until ``until`` after too many failures in the window."""

    __tablename__ = "login_locks"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    until: Mapped[float] = mapped_column(Float, index=True)
