"""``issue-ledger incident add|update|show`` and the ``incidents`` listing.

Both go through ``app.incidents.service``, the path the window uses, so a
refused transition is refused the same way here and there.
"""

from __future__ import annotations

from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.filters import build_filter, incident_filter_options, tell_search_note
from app.cli.output import OUTPUT_OPTION, emit_json, emit_rows, table
from app.domain.text import visible
from app.domain.vocab import LOG_TYPES, STATUSES

LIST_COLUMNS = ("number", "opened_at", "priority", "status", "client", "site", "assignee", "sla_state", "title")

_FIELD_OPTIONS = [
    click.option("--description", help="What happened, for whom, what was tried."),
    click.option("--client", help="The BPO account."),
    click.option("--site", help="Site or floor."),
    click.option("--category"), click.option("--subcategory"),
    click.option("--assignee", help="Who works on it."),
    click.option("--group", "assignment_group", help="Assignment group."),
    click.option("--reported-by", "reported_by"),
    click.option("--seats", "affected_seats", type=click.IntRange(0, None), help="Affected seats or agents."),
    click.option("--downtime", "downtime_minutes", type=click.FloatRange(0, None), help="Downtime in minutes."),
    click.option("--root-cause", "root_cause"),
    click.option("--external-key", "external_key", help="Ticket key in Jira, ServiceNow or Zendesk."),
    click.option("--external-url", "external_url", help="Link to that ticket."),
    click.option("--tags", help="Comma-separated tags."),
]


def _field_options(func: Any) -> Any:
    for option in reversed(_FIELD_OPTIONS):
        func = option(func)
    return func


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def _time(obj: CliContext, text: str | None, hint: str) -> str | None:
    from app.domain import timeutil

    if not text:
        return None
    try:
        return timeutil.to_iso(timeutil.parse_user_time(text, obj.zone))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None


def _show(row: dict[str, Any], output: str, obj: CliContext) -> None:
    from app.domain import timeutil

    if output == "json":
        emit_json(row)
        return
    shown = {k: (timeutil.display(v, obj.zone) if k.endswith("_at") and isinstance(v, str) else v)
             for k, v in row.items() if v not in (None, "", [])}
    if output == "csv":
        emit_rows([shown], "csv")
    else:
        click.echo(table([{"field": k, "value": v} for k, v in shown.items()], ["field", "value"], max_width=100))


@click.group("incident")
def incident() -> None:
    """Add, change and show one incident."""


@incident.command("add")
@click.option("--title", required=True, help="One line saying what broke.")
@click.option("--type", "log_type", required=True, type=click.Choice(LOG_TYPES), help="Log type.")
@click.option("--impact", required=True, type=click.IntRange(1, 3), help="1 high, 2 medium, 3 low.")
@click.option("--urgency", required=True, type=click.IntRange(1, 3), help="1 high, 2 medium, 3 low.")
@click.option("--opened", "--opened-at", "opened", metavar="TIME",
              help="When it was opened (default now); ISO in --tz or 2h/1d ago.")
@click.option("--event", "event_ids", multiple=True, type=int,
              help="Link an event id as evidence (repeatable); the earliest is kept as first seen.")
@click.option("--backdate", is_flag=True, help="Open it at the first linked event's time instead of now.")
@_field_options
@OUTPUT_OPTION
@pass_ctx
def add(obj: CliContext, output: str, opened: str | None, event_ids: tuple[int, ...], backdate: bool,
        **fields: Any) -> None:
    """Log a new incident; prints it (number, priority, status, …)."""
    from app.domain.incidents import IncidentError
    from app.incidents import service as svc

    if backdate and not event_ids:
        raise click.UsageError("--backdate opens the incident at its first event: give --event")
    if backdate and opened:
        raise click.UsageError("give --opened or --backdate, not both")
    values = {k: v for k, v in fields.items() if v is not None}
    if opened:
        values["opened_at"] = _time(obj, opened, "--opened")
    db = obj.db(create=True)
    if event_ids:
        _check_events(db, event_ids)
    try:
        row = svc.create(db, values, event_ids=event_ids, backdate=backdate)
    except IncidentError as exc:
        raise _fail(exc) from None
    _show(row, output, obj)


def _check_events(db: Any, event_ids: tuple[int, ...]) -> None:
    from app.store import incidents as store

    missing = sorted(set(event_ids) - store.existing_event_ids(db, event_ids))
    if missing:
        raise click.BadParameter(f"no event with id {', '.join(map(str, missing))}", param_hint="--event")


@incident.command("link")
@click.argument("number")
@click.option("--event", "event_ids", multiple=True, type=int, required=True,
              help="An event id to add as evidence (repeatable).")
@pass_ctx
def link(obj: CliContext, number: str, event_ids: tuple[int, ...]) -> None:
    """Add events to NUMBER's linked events; an earlier event moves its first seen back (audited)."""
    from app.domain import timeutil
    from app.domain.incidents import IncidentError
    from app.incidents import service as svc
    from app.store import incidents as store

    db = obj.db()
    _check_events(db, event_ids)
    try:
        added = svc.link_events(db, number, event_ids)
        row = svc.get(db, number)
    except IncidentError as exc:
        raise click.ClickException(f"{number}: {exc}; nothing was linked") from None
    total = len(store.linked_event_ids(db, row["id"]))
    click.echo(f"{row['number']}: {added} event(s) linked, {total} in all; first seen "
               f"{timeutil.display(row.get('first_seen_at'), obj.zone) or '—'}")


@incident.command("update")
@click.argument("number")
@click.option("--status", type=click.Choice(STATUSES), help="Move to this status (if the lifecycle allows it).")
@click.option("--reason", help="Why it goes on hold (needed for on-hold).")
@click.option("--resolution-code", "resolution_code", help="How it was resolved (needed for resolved).")
@click.option("--notes", help="Resolution notes.")
@click.option("--at", "at", metavar="TIME", help="When the status change happened (default now).")
@click.option("--impact", type=click.IntRange(1, 3))
@click.option("--urgency", type=click.IntRange(1, 3))
@click.option("--type", "log_type", type=click.Choice(LOG_TYPES))
@click.option("--opened", metavar="TIME", help="Correct the opened time.")
@click.option("--title", help="One line saying what broke.")
@click.option("--set", "pairs", multiple=True, metavar="FIELD=VALUE", help="Set any editable field (repeatable).")
@_field_options
@OUTPUT_OPTION
@pass_ctx
def update(obj: CliContext, number: str, status: str | None, reason: str | None, resolution_code: str | None,
           notes: str | None, at: str | None, opened: str | None, pairs: tuple[str, ...], output: str,
           **fields: Any) -> None:
    """Change fields and/or the status of NUMBER; all or nothing."""
    from app.domain.incidents import INT_FIELDS, IncidentError
    from app.incidents import service as svc

    changes = {k: v for k, v in fields.items() if v is not None}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r} is not FIELD=VALUE", param_hint="--set")
        key, value = pair.split("=", 1)
        key = key.strip().replace("-", "_")
        if key in INT_FIELDS or key == "downtime_minutes":
            try:
                changes[key] = (int if key in INT_FIELDS else float)(value) if value.strip() else None
            except ValueError:
                raise click.BadParameter(f"{key}: {value!r} is not a number", param_hint="--set") from None
        else:
            changes[key] = value
    if opened:
        changes["opened_at"] = _time(obj, opened, "--opened")
    if resolution_code and not status:
        changes["resolution_code"] = resolution_code
    if notes and not status:
        changes["resolution_notes"] = notes
    if not changes and not status:
        raise click.UsageError("nothing to change: give --status or a field option")
    db = obj.db()
    try:
        with db.transaction():
            row = svc.get(db, number)
            if changes:
                row = svc.update(db, number, changes)
            if status:
                row = svc.transition(db, number, status, reason=reason, resolution_code=resolution_code,
                                     notes=notes, now=_time(obj, at, "--at"))
    except IncidentError as exc:
        raise click.ClickException(f"{number}: {exc}; nothing was changed") from None
    _show(row, output, obj)


@incident.command("show")
@click.argument("number")
@OUTPUT_OPTION
@pass_ctx
def show(obj: CliContext, number: str, output: str) -> None:
    """One incident with its SLA figures, holds, allowed next statuses and linked events."""
    from app.analysis import sla
    from app.domain.incidents import IncidentError, allowed_transitions
    from app.incidents import service as svc
    from app.store import incidents as store

    db = obj.db()
    try:
        row = svc.get(db, number)
    except IncidentError as exc:
        raise _fail(exc) from None
    holds = store.holds(db, [row["id"]]).get(row["id"], [])
    import datetime as dt

    from app.domain import timeutil

    row.update(sla.compute(row, holds, sla.load_policies(db), dt.datetime.now(timeutil.UTC)))
    row["allowed_transitions"] = list(allowed_transitions(row["status"]))
    row["holds"] = [{"start_at": s, "end_at": e} for s, e in holds]
    row["linked_events"] = store.linked_event_ids(db, row["id"])
    _show(row, output, obj)


@incident.command("changes")
@click.argument("number")
@click.option("--hours", type=click.IntRange(1, 24), default=4, show_default=True,
              help="How many hours before the incident opened to compare with the same hours of earlier days.")
@click.option("--limit", type=click.IntRange(1, None), default=50, show_default=True, help="At most N rows.")
@click.option("--output", "-o", "output", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")
@pass_ctx
def changes(obj: CliContext, number: str, hours: int, limit: int, output: str) -> None:
    """What changed before NUMBER opened: patterns, hosts, components and log files that rose most, and new patterns."""
    from app.domain import timeutil
    from app.domain.incidents import IncidentError
    from app.patterns.changes import changes as find

    try:
        found = find(obj.db(), number, hours, limit)
    except IncidentError as exc:
        raise _fail(exc) from None
    if output == "json":
        emit_json(found.as_json())
        return
    start, end = (timeutil.display(t, obj.zone, "%Y-%m-%d %H:%M") for t in found.window)
    click.echo(f"{found.number}: {start} to {end} against the same hours of {found.baseline_days} earlier day(s)")
    emit_rows([{"kind": r.kind, "before": r.before, "baseline": r.baseline, "score": round(r.score, 1),
                "new": "new" if r.new else "", "label": visible(r.label)} for r in found.rows], "table",
              ["kind", "before", "baseline", "score", "new", "label"])


@incident.command("delete")
@click.argument("number")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_ctx
def delete(obj: CliContext, number: str, yes: bool) -> None:
    """Delete NUMBER (the audit trail keeps the whole record; the number is not reused)."""
    from app.domain.incidents import IncidentError
    from app.incidents import service as svc

    if not yes:
        click.confirm(f"Delete {number}?", abort=True)
    try:
        row = svc.delete(obj.db(), number)
    except IncidentError as exc:
        raise _fail(exc) from None
    click.echo(visible(f"deleted {row['number']} ({row['title']})"))


@incident.command("matrix")
@click.option("--set", "cells", multiple=True, metavar="IMPACT:URGENCY=P",
              help="Change one cell, e.g. 2:1=1 makes impact 2 × urgency 1 a P1. Repeatable.")
@pass_ctx
def matrix(obj: CliContext, cells: tuple[str, ...]) -> None:
    """Show (or change) the impact × urgency → priority matrix."""
    from app.domain.incidents import IncidentError
    from app.incidents import service as svc

    db = obj.db()
    current = {i: dict(row) for i, row in svc.priority_matrix(db).items()}
    for cell in cells:
        try:
            left, p = cell.split("=")
            i, u = (int(x) for x in left.split(":"))
            current[i][u] = int(p.strip().upper().lstrip("P"))
        except (ValueError, KeyError):
            raise click.BadParameter(f"{cell!r} is not IMPACT:URGENCY=P with 1-3 and P1-P4",
                                     param_hint="--set") from None
    if cells:
        try:
            svc.save_priority_matrix(db, current)
        except IncidentError as exc:
            raise _fail(exc) from None
    rows = [{"impact": i, **{f"urgency {u}": f"P{current[i][u]}" for u in (1, 2, 3)}} for i in (1, 2, 3)]
    click.echo(table(rows, ["impact", "urgency 1", "urgency 2", "urgency 3"]))


@click.group("incidents", invoke_without_command=True)
@incident_filter_options
@OUTPUT_OPTION
@click.option("--limit", type=click.IntRange(1, None), default=100, show_default=True, help="At most N incidents.")
@click.pass_context
def incidents(ctx: click.Context, output: str, limit: int, **kwargs: Any) -> None:
    """Incidents matching the filter (newest opened first), with their SLA state; or a subcommand."""
    if ctx.invoked_subcommand is not None:
        return
    from app.analysis.sla import incident_sla_rows
    from app.domain import timeutil
    from app.store.filter_sql import FilterError

    obj = ctx.find_object(CliContext)
    assert obj is not None, "the main command makes the context before any subcommand runs"
    f = build_filter(kwargs)
    tell_search_note(f, "incidents")
    try:
        rows = incident_sla_rows(obj.db(), f, obj.zone, limit=limit)
    except FilterError as exc:
        raise click.UsageError(str(exc)) from None
    if output == "table":
        for r in rows:
            r["opened_at"] = timeutil.display(r["opened_at"], obj.zone, "%Y-%m-%d %H:%M")
            r["priority"] = f"P{r['priority']}"
        emit_rows(rows, output, LIST_COLUMNS)
    else:
        emit_rows(rows, output)


def _register() -> None:
    from app.cli.incident_import import import_incidents
    from app.cli.incident_imports import incident_imports, incident_rejects

    incidents.add_command(import_incidents, "import")
    incidents.add_command(incident_imports, "imports")
    incidents.add_command(incident_rejects, "rejects")


_register()
