"""Commands about the database as a whole: demo data, statistics, the window."""

from __future__ import annotations

import datetime as dt

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.output import emit_json, table


@click.command()
@click.option("--events", "n_events", type=click.IntRange(0, 50_000_000), default=50_000, show_default=True,
              help="How many events to generate.")
@click.option("--incidents", "n_incidents", type=click.IntRange(0, 100_000), default=200, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed and end, same data.")
@click.option("--end", "end_text", metavar="ISO", help="Last moment of the 60 days (default: this hour).")
@pass_ctx
def demo(obj: CliContext, n_events: int, n_incidents: int, seed: int, end_text: str | None) -> None:
    """Fill the database with 60 days of realistic demo data."""
    from app.demo.generator import generate
    from app.domain import timeutil

    end = None
    if end_text:
        try:
            end = timeutil.parse_user_time(end_text, timeutil.UTC)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--end") from None
    db = obj.db(create=True)
    summary = generate(db, events=n_events, seed=seed, end=end, incidents=n_incidents)
    click.echo(
        f"{db.path}: added {summary.events:,} events and {summary.incidents} incidents "
        f"({timeutil.display(summary.start, obj.zone, '%Y-%m-%d')} to "
        f"{timeutil.display(summary.end, obj.zone, '%Y-%m-%d')})"
    )


@click.command()
@click.option("--output", "-o", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def stats(obj: CliContext, output: str) -> None:
    """Counts of events by log type and severity, and of incidents by status."""
    from app.store.stats import summary

    data = summary(obj.db())
    if output == "json":
        emit_json(data)
        return
    click.echo(f"{data['events']:,} events, {data['incidents']:,} incidents, {data['imports']:,} imports\n")
    for key, title in (("events_by_log_type", "log type"), ("events_by_severity", "severity"),
                       ("incidents_by_status", "status")):
        rows = [{title: k, "count": f"{v:,}"} for k, v in data[key].items()]
        click.echo(table(rows, [title, "count"]) + "\n")


@click.command()
@pass_ctx
def gui(obj: CliContext) -> None:
    """Open the window (the same as giving no command)."""
    raise SystemExit(run_gui(obj))


def run_gui(obj: CliContext) -> int:
    from app.ui.application import run

    # Only what was given (--db/$ISSUE_LEDGER_DB, --tz) overrides the Settings dialog's defaults.
    given_db = click.get_current_context().find_root().params.get("db_path")
    zone: dt.tzinfo | None = obj.zone if obj.tz_name else None
    passphrase = obj.given_passphrase()
    if passphrase and given_db:  # the window then opens (or creates) it without asking
        from app.store import cipher

        cipher.remember(obj.db_path, passphrase)
    return run(obj.db_path if given_db else None, zone)
