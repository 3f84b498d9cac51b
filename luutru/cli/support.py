"""Shared pieces of the command-line areas: the exit codes, JSON output, progress bars
and running one refusable step.

A step either returns a result (printed as JSON or rendered for people), is refused
with findings (printed with their codes; exit 1), or fails with a known error (its
message; exit 1) — never a traceback.
"""

from __future__ import annotations

import enum
import functools
import json
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from luutru.config import Settings
from luutru.records.labels import label
from luutru.services import Services

err = Console(stderr=True)


class ExitCode(enum.IntEnum):
    """The exit codes of every ``luutru`` command (the one definition; scripts rely on them).

    ``REJECTED`` and ``FAILED`` are other names of ``REFUSED`` (1): the command did what
    it was asked and the answer is no — a transfer rejected, a step refused, a check that
    found damage, a job that failed; the report or the findings say why and how to fix it.
    """

    OK = 0
    REFUSED = 1
    REJECTED = 1
    FAILED = 1
    USAGE = 2  # bad arguments, a missing path


def usage_error(message_vi: str, message_en: str) -> NoReturn:
    """A bad option value: one bilingual line on stderr, exit 2 (never a traceback)."""
    err.print(f"[red]{escape(message_vi)}[/] / {escape(message_en)}", highlight=False, soft_wrap=True)
    raise typer.Exit(ExitCode.USAGE)


def choice(value: str | None, allowed: type[enum.Enum], option: str) -> str | None:
    """``value`` checked against the enum's values (``None`` passes): an unknown one is a usage error."""
    if value is None:
        return None
    values = [str(m.value) for m in allowed]
    if value not in values:
        usage_error(f"Giá trị '{value}' của {option} không hợp lệ; dùng: {', '.join(values)}.",
                    f"Unknown value '{value}' for {option}; use one of: {', '.join(values)}.")
    return value


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def run_step(fn: Callable[[Services], Any], as_json: bool, render: Callable[[Any], None], *,
             refusals: tuple[type[Exception], ...], errors: tuple[type[Exception], ...]) -> None:
    """Run ``fn`` on fresh services.  ``refusals`` carry ``.findings`` and ``.to_dict()``."""
    svc = Services(Settings())
    try:
        result = fn(svc)
    except refusals as e:
        if as_json:
            print_json(e.to_dict())  # type: ignore[attr-defined]
        else:
            for f in e.findings:  # type: ignore[attr-defined]
                where = f" [{f.dossier}]" if f.dossier and f.dossier not in f.message_vi else ""
                err.print(f"[red]{f.code}[/]{where} {f.message_vi}\n    {f.message_en}", highlight=False)
        raise typer.Exit(ExitCode.REFUSED)
    except errors as e:
        if as_json:
            print_json({"error": type(e).__name__, "message": str(e)})
        else:
            err.print(f"[red]Lỗi / error:[/] {e}", highlight=False)
        raise typer.Exit(ExitCode.REFUSED)
    finally:
        svc.close()
    if as_json:
        print_json(result.to_dict() if hasattr(result, "to_dict") else result)
    else:
        render(result)


STAGE_LABEL = {"copy": "Sao chép + băm / copy + hash", "checks": "Kiểm tra tệp / file checks",
               "store": "Lưu AIP / storing AIPs", "reindex": "Lập lại chỉ mục / reindex"}


def services() -> Services:
    return Services(Settings())


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Any]:
    """A progress callback ``(stage, done, total)`` drawing one bar per stage on stderr."""
    if not enabled or not err.is_terminal:
        yield lambda stage, done, total: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as p:
        tasks: dict[str, Any] = {}

        def cb(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = p.add_task(STAGE_LABEL.get(stage, stage), total=total or None)
            p.update(tasks[stage], completed=done, total=total or None)

        yield cb


@functools.lru_cache(maxsize=1)
def _lang() -> str:
    return Settings().lang


def shown(kind: str, value: Any) -> str:
    """A stored value as people read it, in LUUTRU_LANG (Vietnamese by default), with the
    stored code after it so scripts and searches in the log still find it:
    ``Đang chờ (queued)``.  Labels come from :mod:`luutru.records.labels`."""
    raw = "" if value is None else str(getattr(value, "value", value))
    text = label(kind, value, _lang())
    return text if not raw or text == raw else f"{text} ({raw})"
