"""``issue-ledger incidents import FILE``: incident logs from sheets, ServiceNow and Jira."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.output import emit_json, table
from app.domain.text import visible
from app.domain.vocab import LOG_TYPES


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--profile", help="Use a saved mapping profile.")
@click.option("--save-profile", "save_as", metavar="NAME", help="Save the mapping used under NAME for next time.")
@click.option("--dry-run", is_flag=True, help="Show what would be created, skipped and rejected; write nothing.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the good rows and keep the rejected ones, with line and reason, in the import's "
                   "record (see 'incidents rejects ID'). Without it, one rejected row stops the import.")
@click.option("--map", "maps", multiple=True, metavar="HEADER=FIELD",
              help="Correct the column guess (FIELD empty to leave a column out). Repeatable.")
@click.option("--value", "value_maps", multiple=True, metavar="FIELD:TEXT=VALUE",
              help='Map a value, e.g. "status:Awaiting Vendor=on-hold". Repeatable.')
@click.option("--date-order", type=click.Choice(["dmy", "mdy"]), help="Order for ambiguous date columns.")
@click.option("--type", "log_type", type=click.Choice(LOG_TYPES), help="Log type when the file has none.")
@click.option("--client", help="Client when the file has none.")
@click.option("--output", "-o", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def import_incidents(obj: CliContext, file: Path, profile: str | None, save_as: str | None, dry_run: bool,
                     skip_invalid: bool, maps: tuple[str, ...], value_maps: tuple[str, ...], date_order: str | None,
                     log_type: str | None, client: str | None, output: str) -> None:
    """Import incidents from FILE (CSV or XLSX); all rows or none, unless --skip-invalid.

    Times without a zone are read in --tz (or the profile's zone).
    """
    from app.ingest.incidents.apply import ImportRefused, apply_plan, load_profile, plan_file, save_profile
    from app.ingest.incidents.plan import ImportOptions
    from app.ingest.incidents.reader import SheetError

    db = obj.db(create=not dry_run)  # a dry run never creates the file it checks against
    try:
        options = load_profile(db, profile) if profile else ImportOptions()
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--profile") from None
    for m in maps:
        header, sep, field = m.partition("=")
        if not sep:
            raise click.BadParameter(f"{m!r} is not HEADER=FIELD", param_hint="--map")
        options.columns[header.strip()] = field.strip() or None
    for vm in value_maps:
        field, sep1, rest = vm.partition(":")
        text, sep2, value = rest.partition("=")
        if not (sep1 and sep2):
            raise click.BadParameter(f"{vm!r} is not FIELD:TEXT=VALUE", param_hint="--value")
        options.values.setdefault(field.strip(), {})[text.strip()] = value.strip()
    if date_order:
        options.date_order = date_order
    if log_type:
        options.default_log_type = log_type
    if client:
        options.default_client = client
    if obj.tz_name or not profile:
        options.zone = obj.tz_name or "UTC"
    try:
        plan = plan_file(db, file, options)
        refused = bool(plan.rejects) and not skip_invalid
        result = None if dry_run or refused else apply_plan(db, plan, skip_invalid=skip_invalid)
    except (SheetError, ImportRefused) as exc:
        raise click.ClickException(str(exc)) from None
    if save_as and not refused:
        columns = {**{h: f for h, f in options.columns.items() if not f}, **plan.columns()}
        save_profile(db, save_as, ImportOptions.from_dict({**options.to_dict(), "columns": columns}))
    summary = {"file": str(file), "kind": plan.kind, "dry_run": dry_run,
               "created" if result else "would_create": len(result.created) if result else len(plan.incidents),
               "skipped": len(plan.skipped), "rejected": len(plan.rejects), "columns": plan.columns(),
               "notes": plan.notes}
    if result:
        summary.update(first=result.first, last=result.last, import_id=result.import_id)
    if output == "json":
        emit_json({**summary, "rows": plan.report_rows()})
    else:
        for note in plan.notes:
            click.echo(f"note: {note}")
        click.echo(table(plan.report_rows(), ["line", "key", "verdict", "status", "priority", "title", "reason"],
                         max_width=120))
        for r in plan.rejects:
            click.echo(visible(f"rejected: {file.name}, line {r.line}, {r.field or 'row'}: {r.reason}"))
        verb = "would create" if result is None else "created"
        click.echo(f"{file.name}: {verb} {len(plan.incidents)}, skipped {len(plan.skipped)}, "
                   f"rejected {len(plan.rejects)} ({plan.kind})")
        if result and result.rejected:
            click.echo(f"import #{result.import_id} keeps the rejected rows: "
                       f"issue-ledger incidents rejects {result.import_id}")
    if refused:
        hint = "" if dry_run else "; nothing was imported (--skip-invalid imports the other rows)"
        raise click.ClickException(f"{len(plan.rejects)} row(s) rejected{hint}")
