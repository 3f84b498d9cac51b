"""Where log records go when a person runs ``luutru``: configured once, at the entry.

Why: libraries log freely.  pyHanko logs a full traceback for every signature whose
certificate does not chain to a trust root (an ordinary case an archive meets every day,
already reported as a finding), fontTools and pikepdf warn about fonts, urllib3 and the
search clients about connections, and Python's ``warnings`` print to stderr.  Left to
Python's defaults (``logging.lastResort``, ``warnings.showwarning``) all of it lands on
the user's terminal between the lines of the report.  So:

- every record at WARNING and above, from any logger, with its traceback, goes to the
  file ``<LUUTRU_HOME>/logs/luutru.log`` (a new file each day, :data:`KEEP_DAYS` kept,
  created 0600 in a 0700 folder), where an operator looks when something is wrong;
  Python warnings are routed there too;
- the terminal (stderr) gets only this program's own records (logger ``luutru.*``), one
  line each, without traceback, from ``level`` up (WARNING; INFO for a worker);
- when the folder cannot be written, library records are dropped, never printed;
- child processes (the isolated PDF checks) are configured the same way
  (:func:`inherited_logging`), else their libraries would print to the same terminal.

Calling it again replaces what an earlier call installed (nothing is doubled).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

LOG_NAME = "luutru.log"
#: Days of log files kept.  Library messages can name a file or a signer; records are
#: destroyed years after their ingest, so the log holds nothing of them by then.
KEEP_DAYS = 7
_MARK = "_luutru_handler"


class _OneLine(logging.Formatter):
    """A record's message on one line: no traceback, no stack (those are in the file)."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"{record.levelname.lower()}: {record.getMessage()}"
        return " ".join(text.splitlines())


def log_path(home: Path) -> Path:
    return Path(home) / "logs" / LOG_NAME


class _PrivateFile(logging.handlers.TimedRotatingFileHandler):
    """Opened at the first record only (``luutru --help`` creates nothing), 0600 in a 0700 folder."""

    def _open(self):  # type: ignore[no-untyped-def]
        path = Path(self.baseFilename)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600))
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:
        """A log folder that cannot be written drops the record: never a traceback on stderr."""


_installed: tuple[Path | None, int] | None = None


def configure_logging(home: Path | None, level: int = logging.WARNING) -> None:
    """Send every WARNING+ record to the log file under ``home`` and only this program's
    own records, one line each, to stderr (see the module docstring)."""
    configure_logging_to(log_path(home) if home is not None else None, level)


def inherited_logging() -> tuple[Path | None, int] | None:
    """What the entry configured, for a child process to do the same (:func:`configure_logging_to`);
    None when nothing was configured (a library use, a test)."""
    return _installed


def unconfigure_logging() -> None:
    """Remove what :func:`configure_logging` installed (Python's defaults again)."""
    global _installed
    for logger in (logging.getLogger(), logging.getLogger("luutru")):
        for h in [h for h in logger.handlers if getattr(h, _MARK, False)]:
            logger.removeHandler(h)
            h.close()
    logging.captureWarnings(False)
    _installed = None


def configure_logging_to(path: Path | None, level: int = logging.WARNING) -> None:
    """:func:`configure_logging` with the log file named (None: library records dropped)."""
    global _installed
    unconfigure_logging()
    root = logging.getLogger()
    ours = logging.getLogger("luutru")
    to_file: logging.Handler = logging.NullHandler()
    if path is not None:
        to_file = _PrivateFile(path, when="midnight", backupCount=KEEP_DAYS, encoding="utf-8", delay=True)
        to_file.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    to_file.setLevel(logging.WARNING)
    setattr(to_file, _MARK, True)
    root.addHandler(to_file)
    root.setLevel(logging.WARNING)
    to_terminal = logging.StreamHandler(sys.stderr)
    to_terminal.setFormatter(_OneLine())
    to_terminal.setLevel(level)
    setattr(to_terminal, _MARK, True)
    ours.addHandler(to_terminal)
    ours.setLevel(min(level, logging.WARNING))
    logging.captureWarnings(True)  # warnings.warn(...) → logger "py.warnings" → the file
    _installed = (path, level)
