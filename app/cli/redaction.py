"""``issue-ledger redaction``: the PII rules applied at import, switched for the database or per client.

Every change is audited (``app.store.redaction``); it applies to imports started after it,
never to what is stored already.
"""

from __future__ import annotations

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.output import OUTPUT_OPTION, emit_json, emit_rows

CLIENT_OPTION = click.option("--client", metavar="C", help="Only for events and incidents of this client.")


@click.group()
def redaction() -> None:
    """PII redaction rules: list, add, enable, disable, region, keyed-hash, test."""


@redaction.command("list")
@OUTPUT_OPTION
@pass_ctx
def list_(obj: CliContext, output: str) -> None:
    """Every rule, whether it is on, and the clients that switch it another way."""
    from app.store import redaction as store
    from app.store.settings import REDACTION_KEYED_HASH

    db = obj.db()
    rows = store.listing(db)
    if output == "json":
        emit_json({"keyed_hash": REDACTION_KEYED_HASH.read(db), "rules": rows})
        return
    for r in rows:
        r["on"] = "yes" if r["enabled"] else "no"
        r["clients"] = ", ".join(f"{c}: {'on' if on else 'off'}" for c, on in r["clients"].items())
        r["pattern"] = r["pattern"] or "(built in)"
    emit_rows(rows, output, ["name", "kind", "on", "replacement", "region", "clients", "pattern"])
    if output == "table":
        click.echo(f"keyed hash: {'on' if REDACTION_KEYED_HASH.read(db) else 'off'}")
        if store.off_since_upgrade(db):
            click.echo(store.UPGRADE_NOTICE)


@redaction.command("add")
@click.argument("name")
@click.option("--pattern", required=True, metavar="RE", help="A Python regular expression.")
@click.option("--replacement", required=True, metavar="TEXT", help="What replaces a match, e.g. [account].")
@click.option("--kind", metavar="K", help="The kind counted per import (default: the name).")
@CLIENT_OPTION
@pass_ctx
def add(obj: CliContext, name: str, pattern: str, replacement: str, kind: str | None, client: str | None) -> None:
    """Add a rule of your own (on for the database, or with --client for that client only)."""
    from app.store import redaction as store

    try:
        store.add(obj.db(), name, pattern, replacement, kind, client)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"added redaction rule {name!r}" + (f" for client {client!r}" if client else ""))


def _switch(obj: CliContext, name: str, on: bool, client: str | None) -> None:
    from app.store import redaction as store

    try:
        changed = store.set_enabled(obj.db(), name, on, client)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    where = f" for client {client!r}" if client else ""
    state = "on" if on else "off"
    click.echo(f"redaction rule {name!r} is {state}{where}" + ("" if changed else " (it was already)"))


@redaction.command("enable")
@click.argument("name")
@CLIENT_OPTION
@pass_ctx
def enable(obj: CliContext, name: str, client: str | None) -> None:
    """Switch a rule on."""
    _switch(obj, name, True, client)


@redaction.command("disable")
@click.argument("name")
@CLIENT_OPTION
@pass_ctx
def disable(obj: CliContext, name: str, client: str | None) -> None:
    """Switch a rule off."""
    _switch(obj, name, False, client)


@redaction.command("region")
@click.argument("name")
@click.argument("region", required=False)
@pass_ctx
def region(obj: CliContext, name: str, region: str | None) -> None:
    """Read national numbers (no +country code) as REGION's (US, PH…); no REGION: international only."""
    from app.store import redaction as store

    try:
        store.set_region(obj.db(), name, region)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"{name}: national numbers read as {region.upper()}'s" if region else f"{name}: international only")


@redaction.command("keyed-hash")
@click.argument("state", type=click.Choice(["on", "off"]))
@pass_ctx
def keyed_hash(obj: CliContext, state: str) -> None:
    """Markers carry a keyed hash of the value ([card:3f9a1c2b]) so repeats can be counted, or not."""
    from app.store import redaction as store

    store.set_keyed_hash(obj.db(), state == "on")
    click.echo(f"keyed hash {state}")


@redaction.command("test")
@click.argument("text")
@CLIENT_OPTION
@pass_ctx
def test(obj: CliContext, text: str, client: str | None) -> None:
    """Print TEXT as an import would store it (nothing is written)."""
    from app.store import redaction as store

    click.echo(store.redactor(obj.db()).redact(text, client))
