"""``issue-ledger audit``: who did what, when, read from the hash-chained audit trail (the Audit trail page's list).

An auditor on a terminal, or a script, asks the same questions the page asks: by
entity (``incident``, ``article``, ``import``…), by the thing's id, by action, by actor,
by words in the change, over a time span. The table shows times in ``--tz`` and each
change as "field: old → new"; JSON and CSV keep the stored rows (UTC, the JSON of the
change, the row's hash) for tools that check them. ``verify`` checks the chain itself.
"""

from __future__ import annotations

from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.output import OUTPUT_OPTION, emit_rows

PUBLIC = ("id", "ts", "actor", "action", "entity", "entity_id", "old", "new", "hash")
SHOWN = ("id", "ts", "actor", "action", "entity", "entity_id", "change")


@click.command("audit")
@click.option("--entity", metavar="KIND", help="Only rows about this kind of thing: incident, article, import, "
              "connection, rule, settings…")
@click.option("--id", "entity_id", metavar="ID", help="Only rows about this one (INC-000123, an article or import id).")
@click.option("--action", metavar="ACTION", help="Only this action: create, update, transition, export, import…")
@click.option("--actor", metavar="USER", help="Only what this user (or sync, e.g. 'desk (ticket sync)') did.")
@click.option("--text", metavar="WORDS", help="Only rows whose id or change holds this text (as typed).")
@click.option("--since", metavar="TIME", help="From TIME: ISO date/time in --tz, or 15m, 24h, 7d ago.")
@click.option("--until", metavar="TIME", help="Before TIME (same forms as --since).")
@click.option("--limit", type=click.IntRange(1, None), default=200, show_default=True,
              help="At most N rows, newest first.")
@OUTPUT_OPTION
@pass_ctx
def audit(obj: CliContext, entity: str | None, entity_id: str | None, action: str | None, actor: str | None,
          text: str | None, since: str | None, until: str | None, limit: int, output: str) -> None:
    """Rows of the audit trail, newest first: who did what to which incident, article, import or setting."""
    from app.domain import changes, timeutil
    from app.store import audit as trail

    bounds: dict[str, str | None] = {}
    for name, value in (("since", since), ("until", until)):
        try:
            bounds[name] = timeutil.to_iso(timeutil.parse_user_time(value, obj.zone)) if value else None
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint=f"--{name}") from None
    if entity_id and entity == "incident":
        entity_id = entity_id.strip().upper()
    rows = trail.search(obj.db(), entity=entity, entity_id=entity_id, action=action, actor=actor, text=text,
                        since=bounds["since"], until=bounds["until"], limit=limit)
    if output != "table":
        emit_rows(rows, output, PUBLIC)
        return
    shown: list[dict[str, Any]] = [{**r, "ts": timeutil.display(r["ts"], obj.zone, "%Y-%m-%d %H:%M:%S"),
                                    "change": changes.describe(r.get("old"), r.get("new"), obj.zone)} for r in rows]
    emit_rows(shown, "table", SHOWN)
    if len(rows) == limit:
        click.echo(f"(the newest {limit:,}; --limit N for more)", err=True)
