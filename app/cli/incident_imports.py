"""``issue-ledger incidents imports`` and ``incidents rejects ID``: what became of each incident import."""

from __future__ import annotations

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.output import OUTPUT_OPTION, emit_listing, emit_rows


@click.command("imports")
@OUTPUT_OPTION
@click.option("--limit", type=click.IntRange(1, None), default=1000, show_default=True)
@pass_ctx
def incident_imports(obj: CliContext, output: str, limit: int) -> None:
    """Past incident imports: rows read, incidents created, updated and skipped, rows rejected."""
    from app.store import incident_imports as store

    emit_listing(store.listing(obj.db(), limit), output, obj.zone, ["id", "kind", "read", "created", "updated",
                                                                     "skipped", "rejected", "started_at", "file"],
                 store.PUBLIC)


@click.command("rejects")
@click.argument("import_id", type=int)
@OUTPUT_OPTION
@click.option("--limit", type=click.IntRange(1, None), default=1000, show_default=True)
@pass_ctx
def incident_rejects(obj: CliContext, import_id: int, output: str, limit: int) -> None:
    """The rows incident import ID left out, with their line numbers, fields and reasons."""
    from app.store import incident_imports as store

    db = obj.db()
    if store.get(db, import_id) is None:
        raise click.ClickException(f"no incident import #{import_id} (see 'issue-ledger incidents imports')")
    emit_rows(store.rejects(db, import_id, limit), output, ["line_no", "key", "field", "reason", "raw"])
