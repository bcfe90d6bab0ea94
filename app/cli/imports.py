"""``issue-ledger import``, ``imports``, ``rejects`` and ``import-rules``: logs in, and what became of them."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.formats import FormatSpec
from app.cli.output import OUTPUT_OPTION, emit_json, emit_listing, emit_rows
from app.domain.text import visible

FORMAT_NAMES = ("syslog", "rfc5424", "journal", "json", "csv", "access", "errorlog", "applog", "evtx", "eventxml",
                "generic", "text")
LOG_TYPE_NAMES = ("application", "system", "network", "security", "error", "audit", "event")


def _parse_map(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    fields = ("time", "level", "message", "component", "host", "pid", "code")
    for v in values:
        key, sep, col = v.partition("=")
        if not sep or not col or key.strip() not in fields:
            raise click.BadParameter(f"{v!r}: use FIELD=COLUMN with FIELD one of {', '.join(fields)}",
                                     param_hint="--map")
        out[key.strip()] = col
    return out


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=FormatSpec(), metavar="FORMAT",
              help="Force the format (default: detected): a built-in or saved format's name, or an lnav format "
                   "file (.json); see 'issue-ledger formats'.")
@click.option("--log-type", type=click.Choice(LOG_TYPE_NAMES), help="Log type for every event of the import.")
@click.option("--year", type=click.IntRange(1970, 2100), help="Year for stamps without one (default: from mtime).")
@click.option("--client", help="Client (BPO account) for every event.")
@click.option("--site", help="Site (floor) for every event.")
@click.option("--force", is_flag=True, help="Import even a file already imported (same SHA-256).")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
              help="CSV/JSON: take FIELD (time, level, message, component, host, pid, code) from COLUMN.")
@click.option("--glob", default="*", show_default=True, help="Folders: import only files matching this pattern.")
@click.option("--time-from", "time_from", metavar="mtime|ISO",
              help="Take every line of a file with no time stamp at this time: its modification time, or an ISO "
                   "time in --tz. The choice is kept on the import and its events are marked.")
@click.option("--dry-run", is_flag=True, help="Write nothing: show the detected format, its share of the sample "
                                              "lines, the runner-up, and how every line would be read.")
@click.option("--output", "-o", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def import_(obj: CliContext, paths: tuple[Path, ...], fmt: str | None, log_type: str | None, year: int | None,
            client: str | None, site: str | None, force: bool, maps: tuple[str, ...], glob: str,
            time_from: str | None, dry_run: bool, output: str) -> None:
    """Import log files, folders, .gz and .zip files; one summary line per file.

    Exit status: 0 when every file imported (rejected lines are counted, not fatal; a folder's
    README, pictures and the like are listed as skipped, not failed),
    1 when a file failed or was refused, 2 on a usage error.
    """
    from app.ingest.service import FileResult, ImportOptions, import_paths

    mapping = _parse_map(maps)
    if time_from is not None and time_from != "mtime":
        from app.domain import timeutil

        try:
            timeutil.parse_user_time(time_from, obj.zone)
        except (ValueError, OverflowError) as exc:
            raise click.BadParameter(str(exc), param_hint="--time-from") from None
    options = ImportOptions(format=fmt, zone=obj.zone, zone_name=obj.tz_name or "local", log_type=log_type,
                            year=year, client=client, site=site, force=force, mapping=mapping, glob=glob,
                            time_from=time_from)
    if dry_run:
        _dry_run(list(paths), options, output)
        return
    db = obj.db(create=True)

    def summary(r: FileResult) -> str:
        lines_read = (f"{r.read:,} new lines ({r.already:,} already imported by import #{r.continues})"
                      if r.continues else f"{r.read:,} lines read")
        redacted = "".join(f", {n:,} {kind} redacted" for kind, n in sorted(r.redacted.items()))
        return (f"{r.file}: {r.format}, {lines_read}, {r.accepted:,} events, {r.continuation:,} "
                f"continuation, {r.rejected:,} rejected{redacted} (import #{r.import_id}, {r.seconds:.1f} s)")

    from app.store.database import UserFacingStoreError

    try:
        results = import_paths(db, list(paths), options, on_file=_shower(output, "complete", summary))
    except UserFacingStoreError as exc:  # locked, full, read-only: the database, not a file, is the problem
        raise click.ClickException(str(exc)) from None
    if output == "json":
        emit_json([r.as_dict() for r in results])
    sys.exit(0 if any(r.ok for r in results) and all(r.fine for r in results) else 1)


def _shower(output: str, done: str, summary: Callable[[Any], str]) -> Callable[[Any], None]:
    """Prints each file's line as it finishes: ``summary`` for status ``done``, else its message."""
    def show(r: Any) -> None:
        if output != "table":
            return
        if r.status == done:
            click.echo(visible(summary(r)))
        else:
            click.echo(visible(r.message), err=r.status != "skipped")

    return show


def _dry_run(paths: list[Path], options: Any, output: str) -> None:
    from app.ingest.service import FileResult, describe_detection, dry_run

    def summary(r: FileResult) -> str:
        return (f"{r.file}: would import as {describe_detection(r.detected, r.format)}: {r.read:,} lines read, "
                f"{r.accepted:,} events, {r.continuation:,} continuation, {r.rejected:,} rejected")

    results = dry_run(paths, options, on_file=_shower(output, "dry-run", summary))
    if output == "json":
        emit_json([r.as_dict() for r in results])
    sys.exit(0 if any(r.status == "dry-run" for r in results) and all(
        r.status in ("dry-run", "skipped") for r in results) else 1)


@click.command("imports")
@OUTPUT_OPTION
@click.option("--limit", type=click.IntRange(1, None), default=1000, show_default=True)
@click.option("--remove", "remove_id", type=int, metavar="ID", help="Remove import ID with its events and rejects.")
@pass_ctx
def imports(obj: CliContext, output: str, limit: int, remove_id: int | None) -> None:
    """Past imports with their counts; interrupted ones show as incomplete."""
    from app.store import audit, imports as store

    db = obj.db()
    stale = store.recover_interrupted(db)
    for i in stale:
        click.echo(f"import #{i} was interrupted; marked incomplete (nothing from it was kept)", err=True)
    if remove_id is not None:
        row = store.get(db, remove_id)
        if row is None:
            raise click.ClickException(f"no import #{remove_id}")
        with db.transaction():
            n = store.delete(db, remove_id)
            audit.append(db, "delete", "import", remove_id, old={"file": row["file"], "events": n})
        click.echo(visible(f"removed import #{remove_id} ({row['file']}) and its {n:,} events"))
        return
    rows = store.listing(db, limit)
    if output == "table":
        from app.store import redaction

        if redaction.off_since_upgrade(db):
            click.echo(redaction.UPGRADE_NOTICE, err=True)
        for r in rows:
            r["redacted"] = " ".join(f"{k}:{n}" for k, n in sorted(r["redacted"].items()))
    elif output == "csv":
        for r in rows:
            r["redacted"] = json.dumps(r["redacted"], sort_keys=True) if r["redacted"] else ""
    emit_listing(rows, output, obj.zone, ["id", "status", "format", "read", "accepted", "continuation", "rejected",
                                          "redacted", "started_at", "file"], store.PUBLIC)


@click.command("rejects")
@click.argument("import_id", type=int)
@OUTPUT_OPTION
@click.option("--limit", type=click.IntRange(1, None), default=1000, show_default=True)
@pass_ctx
def rejects(obj: CliContext, import_id: int, output: str, limit: int) -> None:
    """The rejected lines of one import, with their line numbers and reasons."""
    from app.store import imports as store

    db = obj.db()
    if store.get(db, import_id) is None:
        raise click.ClickException(f"no import #{import_id}")
    emit_rows(store.rejects(db, import_id, limit), output, ["line_no", "reason", "raw"])


@click.command("import-rules")
@click.option("--add-type", "add_type", nargs=2, metavar="COMPONENT_GLOB LOG_TYPE",
              help="Add a rule: events from matching components get LOG_TYPE.")
@click.option("--message", "message_rx", help="With --add-type: only when the message matches this regex.")
@click.option("--add-host", "add_host", metavar="HOST_GLOB", help="Add a host rule (with --client/--site).")
@click.option("--client", help="Client for --add-host.")
@click.option("--site", help="Site for --add-host.")
@click.option("--remove-type", type=int, metavar="N", help="Remove log-type rule number N (from 1).")
@click.option("--remove-host", type=int, metavar="N", help="Remove host rule number N (from 1).")
@click.option("--reset-types", is_flag=True, help="Go back to the built-in log-type rules.")
@click.option("--output", "-o", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def import_rules(obj: CliContext, add_type: tuple[str, str] | None, message_rx: str | None, add_host: str | None,
                 client: str | None, site: str | None, remove_type: int | None, remove_host: int | None,
                 reset_types: bool, output: str) -> None:
    """Show or edit the rules that set log type (by component) and client/site (by host name)."""
    from app.ingest.rules import DEFAULT_TYPE_RULES, check_host_rule, check_type_rule
    from app.store import audit, imports as store

    db = obj.db()
    saved = store.type_rules(db)
    types: list[dict[str, Any]] = list(DEFAULT_TYPE_RULES if saved is None else saved)
    hosts: list[dict[str, Any]] = list(store.host_rules(db))
    old = {"types": list(types), "hosts": list(hosts)}
    try:
        if reset_types:
            types = list(DEFAULT_TYPE_RULES)
        if add_type:
            types.insert(0, check_type_rule({"component": add_type[0], "log_type": add_type[1],
                                             "message": message_rx}))
        if add_host:
            hosts.append(check_host_rule({"host": add_host, "client": client, "site": site}))
        if remove_type is not None:
            types.pop(remove_type - 1)
        if remove_host is not None:
            hosts.pop(remove_host - 1)
    except (ValueError, IndexError) as exc:
        raise click.UsageError(str(exc) or "no such rule number") from None
    if {"types": types, "hosts": hosts} != old:
        with db.transaction():
            store.save_type_rules(db, types)
            store.save_host_rules(db, hosts)
            audit.append(db, "update", "settings", "import-rules", old=old, new={"types": types, "hosts": hosts})
    if output == "json":
        click.echo(json.dumps({"log_type_rules": types, "host_rules": hosts}, indent=1))
        return
    click.echo("Log-type rules (first match wins):")
    for i, r in enumerate(types, 1):
        extra = f" when message ~ /{r['message']}/" if r.get("message") else ""
        click.echo(f"  {i:>2}. component {r['component']}{extra} -> {r['log_type']}")
    click.echo("Host rules:")
    for i, r in enumerate(hosts, 1):
        click.echo(f"  {i:>2}. host {r['host']} -> client {r.get('client') or '-'}, site {r.get('site') or '-'}")
