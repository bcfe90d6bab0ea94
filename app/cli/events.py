"""``issue-ledger events``: list or count events matching the shared filter."""

from __future__ import annotations

from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.filters import build_filter, filter_options, tell_search_note
from app.cli.output import OUTPUT_OPTION, emit_rows


@click.command()
@filter_options
@OUTPUT_OPTION
@click.option("--limit", type=click.IntRange(1, None), default=100, show_default=True, help="At most N events.")
@click.option("--oldest-first", is_flag=True, help="Oldest first (default newest first).")
@click.option("--count", "count_only", is_flag=True, help="Print only the number of matching events.")
@click.option("--saved", "saved_view", metavar="NAME", help="Start from a view saved in the database.")
@pass_ctx
def events(obj: CliContext, output: str, limit: int, oldest_first: bool, count_only: bool,
           saved_view: str | None, **kwargs: Any) -> None:
    """Events matching the filter, newest first."""
    from app.domain import timeutil
    from app.store import events as store
    from app.store.filter_sql import FilterError

    db = obj.db()
    f = build_filter(kwargs)
    if saved_view:
        from app.store import views

        view = views.get(db, saved_view)
        if view is None:
            raise click.BadParameter(f"no saved view named {saved_view!r}", param_hint="--saved")
        f = merge(view.filter, f)
    tell_search_note(f, "events")
    try:
        if count_only:
            click.echo(store.count(db, f, obj.zone))
            return
        columns = store.PUBLIC_COLUMNS if output == "table" else (*store.PUBLIC_COLUMNS, "pattern_id")
        rows = [store.as_public(r) for r in store.page(db, f, obj.zone, limit=limit, newest_first=not oldest_first,
                                                       columns=columns)]
    except FilterError as exc:
        raise click.UsageError(str(exc)) from None
    if output == "table":
        for r in rows:
            r["ts"] = timeutil.display(r["ts"], obj.zone)
        emit_rows(rows, output, ["ts", "severity", "log_type", "host", "component", "message"])
    else:
        emit_rows(rows, output, list(columns))


def merge(base: Any, extra: Any) -> Any:
    """``base`` with every restriction of ``extra`` added (lists joined, single values replaced)."""
    changes = {}
    for name, value in extra.to_dict().items():
        current = getattr(base, name)
        changes[name] = tuple(current) + tuple(value) if isinstance(current, tuple) else value
    return base.replace(**changes)
