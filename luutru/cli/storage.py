"""``luutru audit``: fixity audit of stored AIPs, with repair from healthy replicas."""

from __future__ import annotations

from typing import Optional

import typer

from luutru.cli.support import ExitCode, print_json, progress_bar, services
from luutru.preservation.fixity_run import report_dict, run_audit

app = typer.Typer()


@app.command("audit")
def audit_cmd(
    aip: Optional[list[str]] = typer.Option(None, "--aip", help="Chỉ AIP này (lặp lại được) / only this AIP"),
    sample: Optional[int] = typer.Option(None, help="Kiểm tra ngẫu nhiên N AIP / a random sample of N AIPs"),
    not_checked_since_days: Optional[int] = typer.Option(
        None, "--not-checked-since-days", help="Chỉ AIP chưa kiểm tra trong N ngày / only those not checked for N days"),
    no_repair: bool = typer.Option(False, "--no-repair", help="Chỉ báo cáo, không sửa / report only"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Kiểm tra tính toàn vẹn (fixity) các AIP và sửa bản hỏng / audit fixity and repair damaged copies.

    Resumable: an interrupted run continues where it stopped when started again with the
    same selection. Exit 1 when any AIP is left damaged.
    """

    svc = services()
    try:
        with progress_bar(not as_json) as cb:
            rep = run_audit(svc, aip_ids=aip, sample=sample, not_checked_since_days=not_checked_since_days,
                            repair=not no_repair, progress=lambda d, t, _a: cb("audit", d, t))
    finally:
        svc.close()
    if as_json:
        print_json(report_dict(rep))
    else:
        print(f"AIP: {len(rep.aips)}  đọc / read: {rep.bytes_read} B in {rep.seconds:.1f}s  "
              f"hỏng / damaged: {len(rep.damaged)}  đã sửa / repaired: {len(rep.repaired)}  "
              f"chưa sửa được / unrepaired: {len(rep.unrepaired)}"
              + (f"  (tiếp tục / resumed, {len(rep.skipped)} done earlier)" if rep.resumed else ""))
        for a in rep.damaged:
            for c in a.copies:
                if c.status.value != "ok":
                    print(f"  {a.aip_id} @ {c.location}: {c.status.value} {c.error}")
                    for p in c.problems:
                        print(f"      {p.kind.value}: {p.relpath}")
    raise typer.Exit(ExitCode.OK if rep.ok else ExitCode.FAILED)
