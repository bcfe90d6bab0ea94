"""``issue-ledger sources`` (add, list, remove, enable, disable) and ``issue-ledger watch``: live collection."""

from __future__ import annotations

import signal
import sys
from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.formats import FormatSpec
from app.cli.imports import LOG_TYPE_NAMES
from app.cli.output import emit_rows
from app.domain.text import visible

LISTED = ("id", "kind", "target", "enabled", "format", "lines", "lines_s", "last_line", "lag", "error")
JSON_COLUMNS = ("id", "kind", "target", "path", "host", "port", "glob", "format", "detected_format", "zone",
                "log_type", "client", "site", "enabled", "import_id", "lines", "lines_s", "last_line_at", "lag_bytes",
                "last_error", "last_error_at", "created_at")


@click.group("sources")
def sources() -> None:
    """Files, folders and syslog listeners that ``watch`` follows."""


@sources.command("add")
@click.argument("target")
@click.option("--glob", help="Folders: follow only files matching this pattern (default: every file).")
@click.option("--format", "fmt", type=FormatSpec(), metavar="FORMAT", help="Format of the lines (default: detected "
              "once on the first lines).")
@click.option("--log-type", type=click.Choice(LOG_TYPE_NAMES), help="Log type for every event of the source.")
@click.option("--client", help="Client (BPO account) for every event.")
@click.option("--site", help="Site (floor) for every event.")
@click.option("--zone", metavar="ZONE", help="Zone of stamps without one (IANA name; default: this computer's).")
@pass_ctx
def add(obj: CliContext, target: str, glob: str | None, fmt: str | None, log_type: str | None, client: str | None,
        site: str | None, zone: str | None) -> None:
    """Add a source: PATH (a file, or a folder with --glob), udp://HOST:PORT or tcp://HOST:PORT."""
    from app.collect import service

    db = obj.db(create=True)
    try:
        source_id = service.add(db, target, glob=glob, fmt=fmt, zone=zone, log_type=log_type, client=client,
                                site=site)
    except service.SourceSpecError as exc:
        raise click.ClickException(str(exc)) from None
    row = next(r for r in service.listing(db) if r["id"] == source_id)
    click.echo(visible(f"source #{source_id}: {row['kind']} {row['target']}"
                       + (f" (glob {row['glob']})" if row["kind"] == "folder" else "")
                       + f", events go to import #{row['import_id']}; run 'issue-ledger watch' to collect"))


@sources.command("list")
@click.option("--output", "-o", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def list_(obj: CliContext, output: str) -> None:
    """Every source with its status: lines stored, lines/s, last line, lag (bytes not yet read), last error."""
    from app.collect import service
    from app.domain import timeutil
    from app.store import imports as import_store

    db = obj.db()
    rows = service.listing(db)
    for r in rows:
        imp = import_store.get(db, int(r["import_id"])) if r["import_id"] else None
        r["detected_format"] = imp["format"] if imp else None
        if output == "table":
            r["format"] = r["format"] or (f"{r['detected_format']} (detected)" if r["detected_format"] else "auto")
            r["last_line"] = timeutil.display(r["last_line_at"], obj.zone, "%Y-%m-%d %H:%M:%S") \
                if r["last_line_at"] else ""
            r["lag"] = _bytes(int(r["lag_bytes"] or 0)) if r["kind"] in ("file", "folder") else ""
            r["error"] = r["last_error"] or ""
            r["enabled"] = "yes" if r["enabled"] else "no"
    if output == "table" and not rows:
        click.echo("no sources; add one with 'issue-ledger sources add PATH|udp://HOST:PORT|tcp://HOST:PORT'")
        return
    emit_rows(rows, output, LISTED if output == "table" else JSON_COLUMNS)


def _bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if n < 1024:
            return f"{n} {unit}"
        n //= 1024
    return f"{n} GiB"


@sources.command("remove")
@click.argument("source_id", type=int)
@pass_ctx
def remove(obj: CliContext, source_id: int) -> None:
    """Stop following a source; its events stay (under its import)."""
    from app.collect import service

    try:
        row = service.remove(obj.db(), source_id)
    except service.SourceSpecError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(visible(f"removed source #{source_id} ({row['kind']}); its events stay in import #{row['import_id']}"))


def _toggle(obj: CliContext, source_id: int, on: bool) -> None:
    from app.collect import service

    try:
        service.set_enabled(obj.db(), source_id, on)
    except service.SourceSpecError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"source #{source_id} {'enabled' if on else 'disabled'}")


@sources.command("enable")
@click.argument("source_id", type=int)
@pass_ctx
def enable(obj: CliContext, source_id: int) -> None:
    """Follow a disabled source again (from where it stopped)."""
    _toggle(obj, source_id, True)


@sources.command("disable")
@click.argument("source_id", type=int)
@pass_ctx
def disable(obj: CliContext, source_id: int) -> None:
    """Stop following a source for now; its offsets are kept."""
    _toggle(obj, source_id, False)


@click.command("watch")
@click.option("--once", is_flag=True, help="Read what the sources hold now, then exit (for cron).")
@pass_ctx
def watch(obj: CliContext, once: bool) -> None:
    """Collect from every enabled source in the foreground until Ctrl+C or SIGTERM.

    Only one collector may run per database. A stop lets the batch in hand commit first.
    """
    from app.collect.lock import CollectorBusy
    from app.collect.runner import Runner
    from app.store import sources as store

    db = obj.db()
    runner = Runner(db, once=once, say=lambda text: click.echo(visible(text), err=True))

    def stop(_signum: int, _frame: Any) -> None:
        runner.stop()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        if not once:
            enabled = store.enabled(db)
            click.echo(f"watching {len(enabled)} source(s); Ctrl+C stops", err=True)
        stored = runner.run()
    except CollectorBusy as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    click.echo(f"{stored:,} lines stored", err=not once)
    sys.exit(0)
