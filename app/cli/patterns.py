"""``issue-ledger patterns``: the log templates of the events a filter matches, with new and spiking ones marked.

Events imported before patterns existed get theirs first, with a progress line on
stderr (``--rebuild`` does only that), so the listing never leaves events out.
"""

from __future__ import annotations

from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.filters import build_filter, filter_options, tell_search_note
from app.cli.output import emit_json, emit_rows

JSON_FIELDS = ("id", "template", "count", "first_seen", "last_seen", "new", "spiking", "incidents")


@click.command()
@filter_options
@click.option("--sort", type=click.Choice(["count", "growth", "new"]), default="count", show_default=True,
              help="Most events, fastest growing (robust z-score of the last bucket), or newest first.")
@click.option("--output", "-o", "output", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")
@click.option("--limit", type=click.IntRange(1, None), default=50, show_default=True, help="At most N patterns.")
@click.option("--rebuild", is_flag=True, help="Only give patterns to events that have none yet (older imports).")
@pass_ctx
def patterns(obj: CliContext, sort: str, output: str, limit: int, rebuild: bool, **kwargs: Any) -> None:
    """Recurring message shapes (templates) of the matching events."""
    from app.domain import timeutil
    from app.patterns import backfill
    from app.patterns.listing import listing
    from app.store.filter_sql import FilterError

    f = build_filter(kwargs)
    db = obj.db()
    labelled = _backfill(db, backfill)
    if rebuild:
        click.echo(f"{labelled:,} events given patterns")
        return
    tell_search_note(f, "events")
    try:
        rows = listing(db, f, obj.zone, sort)[:limit]
    except FilterError as exc:
        raise click.UsageError(str(exc)) from None
    if output == "json":
        emit_json([{k: r[k] for k in JSON_FIELDS} for r in rows])
        return
    for r in rows:
        r["first_seen"] = r["first_seen"] and timeutil.display(r["first_seen"], obj.zone, "%Y-%m-%d %H:%M")
        r["last_seen"] = r["last_seen"] and timeutil.display(r["last_seen"], obj.zone, "%Y-%m-%d %H:%M")
        r["flags"] = " ".join(w for w, on in (("new", r["new"]), ("spiking", r["spiking"])) if on)
        r["incidents"] = ", ".join(r["incidents"])
    emit_rows(rows, "table", ["id", "count", "flags", "first_seen", "last_seen", "incidents", "template"])


def _backfill(db: Any, backfill: Any) -> int:
    """Patterns for older events, with a progress line on stderr; how many were labelled."""
    from app.domain.jobs import Progress, ProgressUpdate

    if not backfill.pending(db):
        return 0

    class Line(Progress):
        def update(self, update: ProgressUpdate) -> None:
            click.echo(f"\rpatterns: {update.text}", err=True, nl=False)

    done = int(backfill.fill(db, Line()))
    click.echo("", err=True)
    return done
