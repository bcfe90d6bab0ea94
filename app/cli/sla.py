"""``issue-ledger sla`` (SLA figures over a filter) and ``issue-ledger verify`` (audit chain)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.filters import build_filter, incident_filter_options
from app.cli.output import OUTPUT_OPTION, emit_json, emit_rows
from app.store import driver

SLA_COLUMNS = ("count", "resolved", "mtta_minutes", "mttr_minutes", "sla_clock_mean_minutes", "breached",
               "breach_rate")


@click.command()
@incident_filter_options
@OUTPUT_OPTION
@click.option("--by", type=click.Choice(["priority", "client"]), default="priority", show_default=True)
@click.option("--policies", "show_policies", is_flag=True, help="Print the SLA policies (JSON) instead.")
@click.option("--set-policies", "policy_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Replace the SLA policies with this JSON file (same shape as --policies prints).")
@pass_ctx
def sla(obj: CliContext, output: str, by: str, show_policies: bool, policy_file: Path | None,
        **kwargs: Any) -> None:
    """MTTA, MTTR, SLA clock and breach rate per priority or client, plus a total row."""
    from app.analysis import sla as analysis
    from app.domain.sla import PolicyError, SlaPolicies
    from app.incidents.service import save_policies
    from app.store.filter_sql import FilterError

    db = obj.db()
    if policy_file:
        try:
            policies = SlaPolicies.from_dict(json.loads(policy_file.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError, PolicyError, AttributeError) as exc:
            raise click.ClickException(f"{policy_file}: {exc}") from None
        save_policies(db, policies)
        click.echo(f"SLA policies replaced from {policy_file}")
        return
    if show_policies:
        emit_json(analysis.load_policies(db).to_dict())
        return
    f = build_filter(kwargs)
    try:
        rows = analysis.summarize(db, f, obj.zone, by=by)
        total = analysis.totals(db, f, obj.zone)
    except FilterError as exc:
        raise click.UsageError(str(exc)) from None
    if output == "table":
        for r in rows:
            r[by] = f"P{r[by]}" if by == "priority" else (r[by] or "(none)")
            r["breach_rate"] = _percent(r["breach_rate"])
        rows.append({by: "all", **total, "breach_rate": _percent(total["breach_rate"])})
    emit_rows(rows, output, [by, *SLA_COLUMNS])


@click.command()
@click.option("--output", "-o", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--head", "head", metavar="HASH",
              help="A chain head recorded elsewhere (e.g. printed in a report); it must still be in the trail.")
@click.option("--heads", "heads_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Heads file to compare the chain with (default: <db>.heads beside the database, if any).")
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path),
              help="The audit key, for a keyed trail (else $ISSUE_LEDGER_AUDIT_KEY or $ISSUE_LEDGER_AUDIT_KEY_FILE).")
@pass_ctx
def verify(obj: CliContext, output: str, head: str | None, heads_file: Path | None, key_file: Path | None) -> None:
    """Check the file, the audit chain and its triggers, the incidents against the trail, and recorded heads.

    Exits 1 with a line per finding naming the row, incident and field, or heads-file line.
    """
    from app.analysis import integrity
    from app.store.database import DamagedDatabaseError, is_damaged

    if heads_file is not None and not heads_file.is_file():
        raise click.BadParameter(f"{heads_file}: no such heads file", param_hint="--heads")
    try:
        report = integrity.check(obj.db(), head=head, heads_file=heads_file, key_file=key_file)
    except (DamagedDatabaseError, *driver.DatabaseError) as exc:  # type: ignore[misc]
        if isinstance(exc, driver.DatabaseError) and not is_damaged(exc):
            raise
        _report_damage(obj, exc, output)
        raise SystemExit(1) from None
    if output == "json":
        emit_json(report.to_dict())
    else:
        for line in report.lines():
            click.echo(line)
    if not report.ok:
        raise SystemExit(1)


def _report_damage(obj: CliContext, exc: Exception, output: str) -> None:
    """A file SQLite cannot even read through is the worst finding: say so, and that the chain went unchecked."""
    reason = f"damaged: {exc}" if isinstance(exc, driver.DatabaseError) else str(exc).removeprefix(f"{obj.db_path}: ")
    if output == "json":
        emit_json({"ok": False, "database": [reason], "rows": None, "head": None, "broken_id": None,
                   "reason": "audit trail not checked: the database file is damaged"})
    else:
        click.echo(f"database: {reason}")
        click.echo("audit trail not checked: the database file is damaged")


def _percent(rate: float | None) -> str:
    """A breach rate for the table; "—" when no incident in the group has an SLA target."""
    return "—" if rate is None else f"{rate:.1%}"
