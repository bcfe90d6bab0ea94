"""``issue-ledger retention show|set|run`` and ``archive verify|restore``: ageing events out into archives."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.output import OUTPUT_OPTION, emit_json, emit_rows


def _faults(fn: Any) -> Any:
    """An archive or store fault ends the command in one line naming the file."""
    from app.retention.archive import ArchiveError
    from app.store.database import UserFacingStoreError

    try:
        return fn()
    except (ArchiveError, UserFacingStoreError) as exc:
        raise click.ClickException(str(exc)) from None


class _Shown:
    """Progress on stderr, when it is a terminal."""

    @staticmethod
    def make(output: str) -> Any:
        from app.domain.jobs import Progress

        class Printed(Progress):
            def report(self, done: int, total: int, text: str = "") -> None:
                click.echo(f"\r{text} ({done:,}/{total:,})", err=True, nl=done >= total)

        return Printed() if output != "json" and sys.stderr.isatty() else Progress()


@click.group()
def retention() -> None:
    """Retention policies: how long events stay, by log type, client or severity, before they are archived and
    purged. Evidence of an open incident is never purged."""


@retention.command("show")
@OUTPUT_OPTION
@pass_ctx
def show(obj: CliContext, output: str) -> None:
    """The policies in force (and the last run)."""
    from app.retention.run import load_policies
    from app.store import retention as store, settings

    db = obj.db()
    rows = [p.to_dict() for p in load_policies(db)]
    if output == "json":
        emit_json({"policies": rows, "last_run": store.last_run(db), "space": store.space(db),
                   "auto": settings.RETENTION_AUTO.read(db)})
        return
    emit_rows(rows, output, ["label", "scope", "log_type", "client", "max_severity", "days"])
    if output == "table":
        click.echo(f"scheduled runs: {'on' if settings.RETENTION_AUTO.read(db) else 'off'} "
                   "(issue-ledger retention auto on|off)")


@retention.command("set")
@click.argument("log_type")
@click.argument("days", type=click.IntRange(1, 36500))
@click.option("--client", metavar="C", help="Only this client's events.")
@pass_ctx
def set_(obj: CliContext, log_type: str, days: int, client: str | None) -> None:
    """Keep LOG_TYPE events DAYS days. LOG_TYPE is a log type, '*' (every type), a severity word such as
    'debug' (events at or below it), or 'incidents' (days after closing that their evidence stays)."""
    from app.retention.policy import parse_target
    from app.store import retention as store

    try:
        scope, kind, max_severity = parse_target(log_type)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="LOG_TYPE") from None
    old = _faults(lambda: store.set_policy(obj.db(), scope, kind, client, max_severity, days))
    was = "new policy" if old is None else f"was {old} days"
    click.echo(f"{log_type}{' for ' + client if client else ''}: {days} days ({was})")


@retention.command("auto")
@click.argument("state", type=click.Choice(["on", "off"]))
@pass_ctx
def auto(obj: CliContext, state: str) -> None:
    """Turn scheduled runs on or off: watch's daily run and the window's offer. On for new databases; off on
    files made before retention, until turned on here."""
    from app.store import retention as store

    old = _faults(lambda: store.set_auto(obj.db(), state == "on"))
    click.echo(f"scheduled retention runs {state} (were {'on' if old else 'off'})")


@retention.command("run")
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to archive the due events to before they are purged (new or empty).")
@click.option("--dry-run", is_flag=True, help="Only count what is due; write nothing.")
@click.option("--now", "now_text", metavar="ISO", help="Count ages from this time instead of now.")
@click.option("--vacuum", is_flag=True, help="Rewrite an older file once (VACUUM) so later purges return space.")
@OUTPUT_OPTION
@pass_ctx
def run(obj: CliContext, archive_dir: Path | None, dry_run: bool, now_text: str | None, vacuum: bool,
        output: str) -> None:
    """Archive the events past their policy, then purge them in batches and compact the file."""
    from app.domain import timeutil
    from app.retention import run as runs
    from app.store import retention as store

    try:
        now = timeutil.parse_user_time(now_text, obj.zone) if now_text else dt.datetime.now(dt.UTC)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None
    if not dry_run and archive_dir is None:
        raise click.UsageError("give --archive DIR (the events are archived there before they are purged), "
                               "or --dry-run")
    db = obj.db()
    result = _faults(lambda: runs.run(db, archive_dir, now, dry_run=dry_run, progress=_Shown.make(output)))
    if vacuum and not dry_run:
        _faults(lambda: store.vacuum_to_incremental(db))
        result.vacuum_needed = False
    if output == "json":
        emit_json(result.to_dict())
        return
    for label, n in sorted(result.by_policy.items()):
        click.echo(f"{label}: {n:,} events due")
    verb = "would purge" if dry_run else "purged"
    click.echo(f"{verb} {result.due if dry_run else result.purged:,} events; {result.kept_as_evidence:,} kept as "
               f"incident evidence ({result.state})")
    if result.manifest_sha256:
        click.echo(f"archive {result.archive_dir}: manifest sha256 {result.manifest_sha256}")
    if result.vacuum_needed:
        click.echo("note: this file was made before incremental vacuum; the space is reused but not returned. "
                   "Run 'retention run --vacuum' once (a full VACUUM, which rewrites the file).", err=True)


@click.group("archive")
def archive_() -> None:
    """Check and restore retention archives."""


@archive_.command("verify")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@OUTPUT_OPTION
@pass_ctx
def verify(obj: CliContext, folder: Path, output: str) -> None:
    """Check every archive file's SHA-256 and event count against manifest.json (exit 1 on a mismatch).

    A sealed archive (from an encrypted database) is read with $ISSUE_LEDGER_PASSPHRASE or --passphrase-env.
    """
    from app.retention import archive

    passphrase = obj.given_passphrase()
    manifest, problems = _faults(lambda: archive.verify(folder, passphrase))
    if output == "json":
        emit_json({"ok": not problems, "events": manifest.get("events"), "files": len(manifest["files"]),
                   "problems": problems})
    else:
        for p in problems:
            click.echo(p, err=True)
        if not problems:
            click.echo(f"{folder}: {len(manifest['files'])} files, {manifest.get('events'):,} events: all match "
                       "the manifest")
    if problems:
        sys.exit(1)


@archive_.command("restore")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@OUTPUT_OPTION
@pass_ctx
def restore(obj: CliContext, folder: Path, output: str) -> None:
    """Bring an archive's events back (into --db, created if new), skipping those already stored."""
    from app.retention import restore as restores

    db = obj.db(create=True)
    given = obj.given_passphrase()  # a sealed archive going into another database than its own
    result = _faults(lambda: restores.restore(db, folder, _Shown.make(output), passphrase=given))
    if output == "json":
        emit_json(result.to_dict())
    else:
        click.echo(f"restored {result.restored:,} of {result.archived:,} archived events "
                   f"({result.already_present:,} were already stored)")
