"""``luutru worker run`` and ``luutru jobs list|show|retry|add``."""

from __future__ import annotations

import json
import logging
import signal
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from luutru.cli.support import ExitCode, choice, print_json, shown, usage_error
from luutru.config import Settings
from luutru.jobs.queue import JobQueue
from luutru.jobs.registry import UnknownKind
from luutru.jobs.worker import Worker, in_process, submit
from luutru.logs import configure_logging
from luutru.records.status import JobStatus
from luutru.services import Services

app = typer.Typer(add_completion=False)
worker_app = typer.Typer(add_completion=False, no_args_is_help=True,
                         help="Tiến trình xử lý công việc / job worker processes.")
jobs_app = typer.Typer(add_completion=False, no_args_is_help=True,
                       help="Hàng đợi công việc / the job queue.")
app.add_typer(worker_app, name="worker")
app.add_typer(jobs_app, name="jobs")

out = Console()
err = Console(stderr=True)


def _services() -> Services:
    return Services(Settings())


_print_json = print_json


@worker_app.command("run")
def worker_run(
    kinds: Optional[str] = typer.Option(None, help="Chỉ các loại này, cách nhau dấu phẩy / only these kinds (comma-separated)"),
    once: bool = typer.Option(False, "--once", help="Chạy hết hàng đợi rồi dừng / drain the queue, then exit"),
    max_jobs: Optional[int] = typer.Option(None, help="Dừng sau N công việc / exit after N jobs"),
    name: Optional[str] = typer.Option(None, help="Tên worker (mặc định host:pid) / worker name"),
) -> None:
    """Chạy một worker / run one worker: take jobs until stopped (SIGTERM finishes the current job)."""

    svc = _services()
    configure_logging(svc.settings.home_dir, level=logging.INFO)  # progress lines; libraries to the log file
    try:
        w = Worker(svc, name=name, kinds=kinds.split(",") if kinds else None)
        for job_id in w.queue.expire_dead_local_leases():
            err.print(f"worker {w.name}: job {job_id} lost its process on this host; taking it again")

        def _stop(signum: int, _frame: Any) -> None:
            err.print(f"worker {w.name}: signal {signum}, finishing the current job then stopping")
            w.stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        n = w.run(until_empty=once, max_jobs=max_jobs)
        err.print(f"worker {w.name}: {n} job(s)")
    finally:
        svc.close()


@jobs_app.command("list")
def jobs_list(
    status: Optional[str] = typer.Option(None, help="queued | running | done | failed | cancelled"),
    kind: Optional[str] = typer.Option(None),
    limit: int = typer.Option(50),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Liệt kê công việc / list jobs, newest first."""

    choice(status, JobStatus, "--status")
    if limit < 1:
        usage_error("--limit phải từ 1 trở lên.", "--limit must be 1 or more.")
    svc = _services()
    try:
        jobs = JobQueue(svc.catalog).list(status=status, kind=kind, limit=limit)
    finally:
        svc.close()
    if as_json:
        _print_json([j.to_dict() for j in jobs])
        return
    t = Table("id", "kind", "status", "try", "stage", "progress", "worker", "created")
    for j in jobs:
        prog = f"{j.done}/{j.total}" if j.total else ""
        t.add_row(j.id, j.kind, shown("job_status", j.status), f"{j.attempts}/{j.max_attempts}", j.stage, prog, j.worker or "", j.created_at)
    out.print(t)


@jobs_app.command("show")
def jobs_show(job_id: str, as_json: bool = typer.Option(True, "--json/--text")) -> None:
    """Chi tiết một công việc / one job with its result, error and history."""

    svc = _services()
    try:
        v = JobQueue(svc.catalog).get(job_id)
    finally:
        svc.close()
    if v is None:
        err.print(f"Không có công việc / no such job: {job_id}")
        raise typer.Exit(ExitCode.USAGE)
    if as_json:
        _print_json(v.to_dict())
    else:
        for k, val in v.to_dict().items():
            out.print(f"{k}: {val}", markup=False, highlight=False)
    raise typer.Exit(ExitCode.FAILED if v.status == "failed" else ExitCode.OK)


@jobs_app.command("retry")
def jobs_retry(job_id: str) -> None:
    """Đưa lại công việc lỗi vào hàng đợi / put a failed job back in the queue."""

    svc = _services()
    try:
        try:
            v = JobQueue(svc.catalog).retry(job_id)
        except KeyError:
            err.print(f"Không có công việc / no such job: {job_id}")
            raise typer.Exit(ExitCode.USAGE)
        except ValueError as e:
            err.print(f"Không thể thử lại / cannot retry: {e}")
            raise typer.Exit(ExitCode.USAGE)
        if in_process(svc):  # embedded: nobody else will run it, so run it now
            submit(svc, v.kind, v.payload, job_id=v.id, wait=True)
            v = JobQueue(svc.catalog).get(job_id) or v
    finally:
        svc.close()
    out.print(f"{v.id}: {shown('job_status', v.status)}")
    raise typer.Exit(ExitCode.FAILED if v.status == "failed" else ExitCode.OK)


@jobs_app.command("add")
def jobs_add(
    kind: str = typer.Argument(..., help="ingest | reindex | …"),
    path: Optional[Path] = typer.Option(None, help="Gói nộp lưu (ingest) / transfer path for ingest"),
    payload: str = typer.Option("{}", help="Tham số JSON / JSON payload"),
    wait: bool = typer.Option(False, "--wait", help="Chờ xong / wait until finished"),
) -> None:
    """Thêm công việc vào hàng đợi / queue a job (in embedded mode it runs here)."""
    try:
        data = json.loads(payload)
        assert isinstance(data, dict)
    except (ValueError, AssertionError):
        err.print("--payload phải là một đối tượng JSON / must be a JSON object")
        raise typer.Exit(ExitCode.USAGE)
    if path is not None:
        if not path.exists():
            err.print(f"Không tìm thấy / not found: {path}")
            raise typer.Exit(ExitCode.USAGE)
        data["path"] = str(path.resolve())
    svc = _services()
    try:
        try:
            job_id = submit(svc, kind, data, wait=wait)
        except UnknownKind as e:
            err.print(str(e))
            raise typer.Exit(ExitCode.USAGE)

        v = JobQueue(svc.catalog).get(job_id)
    finally:
        svc.close()
    out.print(f"{job_id}: {shown('job_status', v.status) if v else '?'}")
    raise typer.Exit(ExitCode.FAILED if v is not None and v.status == "failed" else ExitCode.OK)
