"""The ``luutru`` command: the typer app and the registration of the area modules.

Each area module under :mod:`luutru.cli` holds a typer app named ``app`` whose commands
and groups join the top level here.  Exit codes (:class:`luutru.cli.support.ExitCode`):
0 success / transfer accepted, 1 transfer rejected, step refused or a check failed,
2 usage error (bad arguments, missing path).
"""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError

import luutru.cli.accounts as cli_accounts
import luutru.cli.demo as cli_demo
import luutru.cli.disposal as cli_disposal
import luutru.cli.findings as cli_findings
import luutru.cli.ingest as cli_ingest
import luutru.cli.jobs as cli_jobs
import luutru.cli.records as cli_records
import luutru.cli.reindex as cli_reindex
import luutru.cli.revisions as cli_revisions
import luutru.cli.serve as cli_serve
import luutru.cli.status as cli_status
import luutru.cli.storage as cli_storage
import luutru.cli.transfer_out as cli_transfer_out
from luutru.cli.support import ExitCode
from luutru.config import Settings
from luutru.logs import configure_logging

# Plain help (rich_markup_mode=None): typer's rich help panel prints every flag as
# ``--json <bool>``; the plain formatter shows flags as flags.
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Lưu trữ — lưu trữ và bảo quản tài liệu điện tử / records archive and preservation.")

# The area modules, in the order their commands are listed by ``luutru --help``.
AREAS = (
    cli_ingest,  # ingest, template
    cli_records,  # search, show
    cli_reindex,  # reindex
    cli_revisions,  # revisions, correct
    cli_serve,  # serve
    cli_demo,  # demo
    cli_findings,  # findings
    cli_status,  # status
    cli_storage,  # audit
    cli_disposal,  # retention …, disposal …
    cli_transfer_out,  # transfer-out …
    cli_accounts,  # user …, audit-log …
    cli_jobs,  # worker …, jobs …
)


def _register_areas() -> None:
    for mod in AREAS:
        app.registered_commands.extend(mod.app.registered_commands)
        app.registered_groups.extend(mod.app.registered_groups)


_register_areas()


def main() -> None:
    """Runs the command (logging configured first: :mod:`luutru.logs`); a setting that does not validate (LUUTRU_*) is a usage error naming
    the setting and what it accepts, never a traceback."""
    try:
        # Library log records and warnings go to <LUUTRU_HOME>/logs, never to the terminal.
        configure_logging(Settings().home.expanduser())
        app()
    except ValidationError as e:
        if not e.title.endswith("Settings"):
            raise
        for err in e.errors():
            where = "_".join(str(p) for p in err["loc"]).upper()
            sys.stderr.write(f"Cấu hình sai / invalid setting LUUTRU_{where}: {err['msg']} "
                             f"(giá trị / value {err.get('input')!r})\n")
        sys.exit(ExitCode.USAGE)


if __name__ == "__main__":
    main()
