"""``issue-ledger connections|push|pull|outbox``: tickets in Jira, ServiceNow and Zendesk.

The same services as the window's "Send to…" and Settings ▸ Connections: a push is
queued in the outbox first, then sent; what could not go through stays there, and
``outbox retry`` sends it again. Secrets go to the OS keyring (or stay in the named
environment variable) and are never printed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.output import emit_json, emit_rows

TABLE_OR_JSON = click.option("--output", "-o", "output", type=click.Choice(["table", "json"]), default="table",
                             show_default=True, help="Output format.")
OUTBOX_SHOWN = ("id", "incident", "connection", "operation", "state", "attempts", "next_attempt_at", "last_status",
                "last_error")  # as app.tickets.service.SHOWN, without importing it for --help


@contextmanager
def _one_line(what: str = "") -> Iterator[None]:
    """A refusal of a ticket service or of an incident look-up as one line, exit 1."""
    from app.domain.incidents import IncidentError
    from app.tickets.base import TicketError

    try:
        yield
    except (TicketError, IncidentError) as exc:
        raise click.ClickException(f"{what}{exc}") from None


@click.group("connections", invoke_without_command=True)
@TABLE_OR_JSON
@click.pass_context
def connections(ctx: click.Context, output: str) -> None:
    """Connections to Jira, ServiceNow and Zendesk (list when no command is given)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_connections, output=output)


@connections.command("add")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(["jira", "servicenow", "zendesk"]))
@click.option("--url", required=True, help="Base address, e.g. https://acme.atlassian.net.")
@click.option("--project", help="Jira project key; ServiceNow assignment group; Zendesk brand id.")
@click.option("--user", help="E-mail or user name for basic authentication (none: a bearer token).")
@click.option("--auth", type=click.Choice(["basic", "bearer"]), help="Default: basic with --user, else bearer.")
@click.option("--secret-env", "secret_env", metavar="VAR",
              help="Read the secret from this environment variable at each call instead of the keyring.")
@click.option("--mapping", "mapping_json", metavar="JSON", help='Field-mapping overrides, e.g. \'{"priority": {"1": '
              '"Blocker"}}\'.')
@click.option("--follow-status", "follow_status", is_flag=True,
              help="When a pull finds the ticket resolved or closed in the tool, resolve or close the incident here "
                   "(the tool's usual status names; a 'follow_status' table in --mapping names others).")
@pass_ctx
def add_connection(obj: CliContext, name: str, kind: str, url: str, project: str | None, user: str | None,
                   auth: str | None, secret_env: str | None, mapping_json: str | None, follow_status: bool) -> None:
    """Save a connection; without --secret-env, asks for the API token (hidden) and keeps it in the keyring."""
    from app.tickets import connections as svc
    from app.tickets.follow import DEFAULT_TABLES

    try:
        overrides = json.loads(mapping_json) if mapping_json else {}
    except ValueError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--mapping") from None
    if follow_status and isinstance(overrides, dict) and not overrides.get("follow_status"):
        overrides["follow_status"] = dict(DEFAULT_TABLES[kind])
    secret = None
    if secret_env is None:
        secret = click.prompt(f"Secret (API token or password) for {name}", hide_input=True, err=True)
    with _one_line("nothing was saved: "):
        svc.add(obj.db(create=True), name, kind, url, project=project, user=user, auth=auth, secret_env=secret_env,
                overrides=overrides, secret=secret)
    where = f"${secret_env}" if secret_env else "the keyring"
    click.echo(f"saved connection {name} ({kind}, {url}); secret read from {where}")


@connections.command("list")
@TABLE_OR_JSON
@pass_ctx
def list_connections(obj: CliContext, output: str = "table") -> None:
    """The connections (never their secrets)."""
    from app.tickets import connections as svc

    rows = svc.listing(obj.db())
    if output == "json":
        emit_json(rows)
    else:
        emit_rows(rows, "table", ("name", "kind", "base_url", "project", "user", "auth", "secret"))


@connections.command("test")
@click.argument("name")
@pass_ctx
def test_connection(obj: CliContext, name: str) -> None:
    """Sign in through a harmless read endpoint and say as whom."""
    from app.tickets import connections as svc

    with _one_line(f"{name}: "):
        click.echo(svc.test(obj.db(), name))


@connections.command("remove")
@click.argument("name")
@pass_ctx
def remove_connection(obj: CliContext, name: str) -> None:
    """Delete a connection, its queued pushes and its secret in the keyring (the tickets stay in the tool)."""
    from app.tickets import connections as svc

    with _one_line():
        svc.remove(obj.db(), name)
    click.echo(f"removed connection {name}")


@click.command("push")
@click.argument("number")
@click.option("--to", "to", required=True, metavar="NAME", help="The connection to push to.")
@TABLE_OR_JSON
@pass_ctx
def push(obj: CliContext, number: str, to: str, output: str) -> None:
    """Create the incident's ticket, or send what changed since the last push; exit 1 when not sent."""
    from app.tickets import service

    with _one_line():
        result = service.push(obj.db(), number, to)
    if output == "json":
        emit_json(result)
    else:
        _say_pushed(result)
    if any(r["state"] != "done" for r in result["outbox"]):
        raise SystemExit(1)


def _say_pushed(result: dict[str, Any]) -> None:
    if not result["outbox"]:
        click.echo(f"{result['incident']}: nothing new to send to {result['connection']} "
                   f"({result['external_key'] or 'no ticket yet'})")
    for r in result["outbox"]:
        if r["state"] == "done":
            click.echo(f"{result['incident']} → {result['connection']}: {r['operation']} sent; "
                       f"{result['external_key']} {result['external_url']}")
        elif r["state"] == "failed":
            click.echo(f"{result['incident']} → {result['connection']}: {r['operation']} failed: {r['last_error']}",
                       err=True)
        else:
            click.echo(f"{result['incident']} → {result['connection']}: {r['operation']} not sent yet "
                       f"({r['last_error']}); kept in the outbox (row {r['id']}), next try at {r['next_attempt_at']}",
                       err=True)


@click.command("pull")
@click.argument("number", required=False)
@TABLE_OR_JSON
@pass_ctx
def pull(obj: CliContext, number: str | None, output: str) -> None:
    """Bring each ticket's remote status and assignee back (one incident's, or all); exit 1 if one failed."""
    from app.tickets import deliver

    with _one_line():
        rows = deliver.pull(obj.db(), number)
    if output == "json":
        emit_json(rows)
    else:
        emit_rows(rows, "table", ("incident", "connection", "external_key", "remote_status", "remote_assignee",
                                  "changed", "incident_status", "error"))
    if any(r["error"] for r in rows):
        raise SystemExit(1)


STATE_OPTION = click.option("--state", "states", multiple=True,
                            type=click.Choice(["pending", "sending", "done", "failed"]),
                            help="Only rows in this state (repeatable).")


@click.group("outbox", invoke_without_command=True)
@STATE_OPTION
@TABLE_OR_JSON
@click.pass_context
def outbox(ctx: click.Context, states: tuple[str, ...], output: str) -> None:
    """Pushes waiting to be sent, sent, or failed (list when no command is given)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_outbox, states=states, output=output)


@outbox.command("list")
@STATE_OPTION
@TABLE_OR_JSON
@pass_ctx
def list_outbox(obj: CliContext, states: tuple[str, ...] = (), output: str = "table") -> None:
    """The outbox, oldest first."""
    from app.tickets import outbox as svc

    rows = svc.listing(obj.db(), tuple(states))
    if output == "json":
        emit_json(rows)
    else:
        emit_rows(rows, "table", OUTBOX_SHOWN)


@outbox.command("retry")
@click.argument("outbox_id", required=False, type=int)
@TABLE_OR_JSON
@pass_ctx
def retry_outbox(obj: CliContext, outbox_id: int | None, output: str) -> None:
    """Send again now: one row, or every row not done; exit 1 if one still did not go through."""
    from app.tickets import deliver, outbox as svc

    db = obj.db()
    with _one_line():
        ids = svc.rearm(db, outbox_id)
        rows = deliver.deliver(db, only=tuple(ids)) if ids else []
    if output == "json":
        emit_json([{k: r[k] for k in OUTBOX_SHOWN} for r in rows])
    else:
        emit_rows(rows, "table", OUTBOX_SHOWN)
    if any(r["state"] != "done" for r in rows):
        raise SystemExit(1)


@outbox.command("drop")
@click.argument("outbox_id", type=int)
@pass_ctx
def drop_outbox(obj: CliContext, outbox_id: int) -> None:
    """Remove a row that should not be sent."""
    from app.tickets import outbox as svc

    with _one_line():
        row = svc.drop(obj.db(), outbox_id)
    click.echo(f"dropped outbox row {outbox_id} ({row['operation']} of {row['incident']} to {row['connection']})")
