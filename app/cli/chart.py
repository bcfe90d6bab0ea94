"""``issue-ledger chart``: render a dashboard chart to PNG, SVG or PDF without a display."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.filters import build_filter, incident_filter_options

KINDS = ("trend", "incidents", "mttr", "top", "heatmap", "clients")


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@incident_filter_options
@click.option("--by", type=click.Choice(["severity", "type", "client"]), default="severity", show_default=True,
              help="How the trend chart splits its bars.")
@click.option("--width", type=click.IntRange(300, 6000), metavar="PX", help="Width in pixels (default per chart).")
@click.option("--height", type=click.IntRange(200, 6000), metavar="PX", help="Height in pixels (default per chart).")
@click.option("--theme", type=click.Choice(["light", "dark"]), default="light", show_default=True,
              help="Light or dark background.")
@click.option("--exact", is_flag=True,
              help="top, while events have no patterns yet: count every message, not a sample (slower).")
@click.option("--all-time", is_flag=True,
              help="trend: every event, not the last 30 days with events (when no --since/--until is given).")
@pass_ctx
def chart(obj: CliContext, kind: str, out: Path, by: str, width: int | None, height: int | None, theme: str,
          exact: bool, all_time: bool, **kwargs: Any) -> None:
    """Draw chart KIND over the filtered events/incidents into OUT (.png, .svg or .pdf).

    KIND: trend (events over time by severity, --by type or client), incidents
    (opened vs resolved with the backlog), mttr (per week by priority with SLA
    targets), top (top patterns: the most frequent log templates), heatmap (error and critical
    by hour × weekday), clients (incidents by client and log type). Times are
    bucketed and labelled in --tz. Without --since/--until the trend shows the
    30 days ending at the newest matching event, as the dashboard does;
    --all-time shows every event, with long empty stretches marked.
    """
    from app.charts import render
    from app.store.filter_sql import FilterError

    f = build_filter(kwargs)
    if out.suffix.lower().lstrip(".") not in render.FORMATS:
        raise click.BadParameter(f"{out}: use a .png, .svg or .pdf file name", param_hint="OUT")
    if out.parent and not out.parent.exists():
        raise click.BadParameter(f"{out.parent}: no such folder", param_hint="OUT")
    try:
        render.render(kind, out, obj.db(), f, obj.zone, by=by, width=width, height=height, theme=theme,
                      exact=exact, all_time=all_time)
    except FilterError as exc:
        raise click.UsageError(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{out}: cannot write: {exc.strerror or exc}") from None
    click.echo(f"{out}: {kind} chart written")
