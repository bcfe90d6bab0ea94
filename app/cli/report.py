"""``issue-ledger report`` (the Excel audit workbook) and ``issue-ledger export`` (CSV files).

Both take the shared filter options, write to a temporary name renamed at the
end, and record the export (with the file's SHA-256) in the audit trail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.filters import build_filter, incident_filter_options

_OUT = click.Path(dir_okay=False, writable=True, path_type=Path)


def _progress() -> Any:
    """A Progress that keeps one status line on a terminal's stderr (silent when piped)."""
    import sys

    from app.domain.jobs import Progress

    class TerminalProgress(Progress):
        def report(self, done: int, total: int, text: str = "") -> None:
            if sys.stderr.isatty():
                click.echo(f"\r{text[:70]:<70}", nl=False, err=True)

    return TerminalProgress()


def _run(fn: Any) -> Any:
    """Turn the errors a user can fix into one-line messages."""
    from app.store.database import UserFacingStoreError
    from app.store.filter_sql import FilterError

    try:
        return fn()
    except FilterError as exc:
        raise click.UsageError(str(exc)) from None
    except (UserFacingStoreError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None


@click.command()
@click.argument("out", type=_OUT)
@incident_filter_options
@click.option("--no-events", is_flag=True, help="Leave out the Events sheets (summary, incidents, audit, charts only).")
@pass_ctx
def report(obj: CliContext, out: Path, no_events: bool, **kwargs: Any) -> None:
    """Write the Excel audit report OUT.xlsx for the events and incidents matching the filter.

    Sheets: Summary, Incidents, Events (more sheets past Excel's row limit), Audit trail, Charts.
    Times are local to --tz; the Summary names the zone.
    """
    import sys

    from app.reports import files
    from app.reports.workbook import export_workbook

    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{out}: the report is an Excel workbook; name it *.xlsx", param_hint="OUT")
    f = build_filter(kwargs)
    db = obj.db()
    result = _run(lambda: export_workbook(db, out, f, obj.zone, include_events=not no_events, progress=_progress()))
    if sys.stderr.isatty():
        click.echo(err=True)
    click.echo(f"{result.path}: {result.events:,} events, {result.incidents:,} incidents, "
               f"{result.audit_rows:,} audit rows; sheets: {', '.join(result.sheets)}")
    click.echo(f"SHA-256 {result.sha256} ({files.recorded_where(db)})")
    if not result.chain_ok:
        click.echo("warning: the audit trail's hash chain is broken; see the Summary sheet", err=True)


@click.command()
@click.argument("kind", type=click.Choice(["events", "incidents", "itsm"]))
@click.argument("out", type=_OUT)
@incident_filter_options
@click.option("--flavour", type=click.Choice(["servicenow", "jira", "zendesk"]), default="servicenow",
              show_default=True,
              help="For itsm: which importer the columns are shaped for.")
@pass_ctx
def export(obj: CliContext, kind: str, out: Path, flavour: str, **kwargs: Any) -> None:
    """Write a CSV of events, of incidents, or of incidents for ServiceNow/Jira/Zendesk import (KIND).

    Text that a spreadsheet would run as a formula is neutralised with a leading apostrophe.
    """
    from app.reports import csv_export, files

    if out.suffix.lower() != ".csv":  # as the window refuses it: a .xlsx holding CSV text opens as garbage
        raise click.BadParameter(f"{out}: this export is a CSV file; name it *.csv", param_hint="OUT")
    f = build_filter(kwargs)
    db = obj.db()
    if kind == "events":
        result = _run(lambda: csv_export.export_events_csv(db, out, f, obj.zone, progress=_progress()))
        what = f"{result.events:,} events"
    elif kind == "incidents":
        result = _run(lambda: csv_export.export_incidents_csv(db, out, f, obj.zone))
        what = f"{result.incidents:,} incidents"
    else:
        result = _run(lambda: csv_export.export_itsm_csv(db, out, f, obj.zone, flavour=flavour))
        what = f"{result.incidents:,} incidents for {flavour}"
    click.echo(f"{result.path}: {what}; SHA-256 {result.sha256} ({files.recorded_where(db)})")
