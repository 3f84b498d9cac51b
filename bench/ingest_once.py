"""Run one ingest (or one fixity audit) in this process and print timings as JSON.

Used by ``bench/run`` as a child process, so that start-up is excluded from the timed
part and peak memory (this process and the checker process it spawns) is measured
on its own.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _stop_forkserver() -> None:
    """Stop the check workers' fork server, and so wait for it: the workers are its
    children, and only once it is waited for do their CPU time and peak memory count in
    this process's RUSAGE_CHILDREN (each worker already exited with its pool)."""
    import multiprocessing.forkserver as forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)  # private; present since Python 3.8
    if stop is None:
        raise SystemExit("cannot stop the fork server: the check workers' CPU and memory would not be counted")
    stop()


def main() -> None:
    what, arg = sys.argv[1], sys.argv[2]
    from luutru.config import Settings
    from luutru.services import Services

    svc = Services(Settings())
    out: dict = {}
    try:
        if what == "ingest":
            from luutru.ingest.pipeline import ingest

            svc.catalog  # migrate before the clock starts
            t0 = time.perf_counter()
            rep = ingest(Path(arg), svc)
            out.update(seconds=time.perf_counter() - t0, status=rep.status, files=rep.files, bytes=rep.bytes,
                       errors=[f"{f.code}: {f.message_en}" for f in rep.findings if f.is_error][:5],
                       warnings=sorted({f.code for f in rep.findings if f.severity.value == "warning"}),
                       missing=sorted({f.code for f in rep.findings if f.code.endswith("_NOT_INSTALLED")}))
        elif what == "audit":
            from luutru.preservation.fixity import audit

            t0 = time.perf_counter()
            rep = audit(svc.storage, repair=False)
            out.update(seconds=time.perf_counter() - t0, ok=rep.ok, aips=len(rep.aips), bytes=rep.bytes_read)
        else:
            raise SystemExit(f"unknown action {what}")
    finally:
        svc.close()
    _stop_forkserver()
    kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    out["max_rss_mib"] = round(kib / 1024, 1)
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    out["cpu_s"] = {"main": round(me.ru_utime + me.ru_stime, 2), "children": round(kids.ru_utime + kids.ru_stime, 2),
                    "main_sys": round(me.ru_stime, 2), "children_sys": round(kids.ru_stime, 2)}
    print(json.dumps(out))


if __name__ == "__main__":  # the PDF checker spawns a process: keep the guard
    main()
