"""Entry point: global options, lazy subcommands, and the GUI when no command is given.

Subcommands are imported only when named (or when help lists them), and no
command module imports Qt, matplotlib or openpyxl at import time, so
``issue-ledger --help`` stays fast.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from app import __version__

# name -> "module:attribute"; a new command adds one line here.
COMMANDS: dict[str, str] = {
    "demo": "app.cli.core:demo",
    "stats": "app.cli.core:stats",
    "gui": "app.cli.core:gui",
    "events": "app.cli.events:events",
    "patterns": "app.cli.patterns:patterns",
    "chart": "app.cli.chart:chart",
    "views": "app.cli.views:views",
    "rules": "app.cli.rules:rules",
    "import": "app.cli.imports:import_",
    "imports": "app.cli.imports:imports",
    "rejects": "app.cli.imports:rejects",
    "import-rules": "app.cli.imports:import_rules",
    "redaction": "app.cli.redaction:redaction",
    "formats": "app.cli.formats:formats_",
    "sources": "app.cli.sources:sources",
    "watch": "app.cli.sources:watch",
    "incident": "app.cli.incidents:incident",
    "incidents": "app.cli.incidents:incidents",
    "kb": "app.cli.kb:kb",
    "sla": "app.cli.sla:sla",
    "verify": "app.cli.sla:verify",
    "audit": "app.cli.audit:audit",
    "report": "app.cli.report:report",
    "export": "app.cli.report:export",
    "connections": "app.cli.tickets:connections",
    "push": "app.cli.tickets:push",
    "pull": "app.cli.tickets:pull",
    "outbox": "app.cli.tickets:outbox",
    "encrypt": "app.cli.secure:encrypt",
    "decrypt": "app.cli.secure:decrypt",
    "rekey": "app.cli.secure:rekey",
    "backup": "app.cli.secure:backup",
    "retention": "app.cli.retention:retention",
    "archive": "app.cli.retention:archive_",
}


class LazyGroup(click.Group):
    """A group whose commands live in modules imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["argv"] = list(args)  # to name a non-UTF-8 argument if one makes a command fail
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a fault of the disk, the database or the input ends in one line, not a traceback."""
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from app.cli import errors

            if not errors.is_fault(exc):
                raise
            db_path = getattr(ctx.obj, "db_path", None) or Path("(database)")
            raise errors.as_fault(exc, db_path, ctx.meta.get("argv", [])) from None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", type=click.Path(dir_okay=False), envvar="ISSUE_LEDGER_DB",
              help="Database file (default: $ISSUE_LEDGER_DB, else the user data folder).")
@click.option("--tz", "tz_name", metavar="ZONE", help="Time zone for display and zone-less input (IANA name).")
@click.option("--passphrase-env", "passphrase_env", metavar="VAR",
              help="Name of the environment variable holding the database's passphrase (an encrypted database; "
                   "a new one is created encrypted). Default: $ISSUE_LEDGER_PASSPHRASE, else a prompt.")
@click.option("--read-only", "read_only", is_flag=True,
              help="Open the database read-only (an auditor's view): reading, charts and exports work, every write "
                   "is refused. The file itself is not changed.")
@click.version_option(__version__, "--version", prog_name="issue-ledger")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, tz_name: str | None, passphrase_env: str | None,
        read_only: bool) -> None:
    """Issue Ledger: technical issues, logs and SLAs for BPO operations.

    With no command, opens the window.
    """
    from app.cli.context import CliContext

    ctx.obj = CliContext(db_path, tz_name, passphrase_env)
    if read_only:
        from app.store import db_connect

        db_connect.ask_read_only(ctx.obj.db_path)
    if ctx.invoked_subcommand is None:
        from app.cli.core import run_gui

        ctx.exit(run_gui(ctx.obj))


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry."""
    args = argv if argv is not None else sys.argv[1:]
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 prints as the bytes it is
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="surrogateescape")
    refused = non_utf8_text(args)
    if refused:
        click.echo(f"Error: {refused}", err=True)
        raise SystemExit(2)
    return cli.main(args=args, prog_name="issue-ledger")


def non_utf8_text(args: list[str]) -> str:
    """Why an argument whose bytes are not UTF-8 is refused ("" if none is).

    Python keeps such bytes as lone surrogates; stored, they would be lost or
    changed behind the user's back, so the option is named and nothing runs. An
    argument naming an existing file keeps its bytes: the file must still open.
    """
    import os

    from app.cli.errors import non_utf8_argument

    return non_utf8_argument([a if not os.path.lexists(a) else "" for a in args])
