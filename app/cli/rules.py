"""``issue-ledger rules``: alert rules (add, list, show, remove, enable, disable, test, tick) and their firings.

``rules add`` takes the event filter options of ``events``, except that ``--severity``,
``--client`` and ``--site`` belong to the rule (its severity; the incident's client
and site); the events' own are ``--event-severity``, ``--event-client`` and ``--event-site``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.filters import build_filter, filter_options
from app.cli.output import emit_json, emit_rows
from app.domain.vocab import SEVERITIES

# The filter's options whose names the rule's own options take, and what they are called here instead.
RENAMED = {"severities": "--event-severity", "clients": "--event-client", "sites": "--event-site"}
CONDITION_WORDS = {"count": "count", "spike": "spike", "new-pattern": "new_pattern", "heartbeat": "heartbeat"}
RULE_FIELDS = ("name", "enabled", "condition", "threshold", "window", "cooldown", "severity", "actions", "filter")
FIRING_FIELDS = ("id", "rule_name", "trigger_at", "fired_at", "host", "count", "score", "severity", "action",
                 "incident_number", "window_start", "window_end", "pattern_id", "notify")


class Duration(click.ParamType):
    """``30s``, ``5m``, ``2h``, ``1d`` -> seconds; a bad value names the option."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from app.domain.alerts import parse_duration

        if isinstance(value, int):
            return value
        try:
            return parse_duration(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _rule_filter_options(func: Any) -> Any:
    """The shared filter options without the time span, three of them renamed so the rule's own
    ``--severity/--client/--site`` fit (click reads ``opts`` when it parses, so renaming our copies is enough)."""
    func = filter_options(func)
    params = func.__click_params__
    params[:] = [p for p in params if p.name not in ("since", "until")]  # a rule watches what arrives
    for param in params:
        if param.name in RENAMED:
            param.opts = [RENAMED[param.name]]
    return func


@click.group()
def rules() -> None:
    """Alert rules: fire on bursts, spikes, new patterns or silence, and open incidents."""


@rules.command("add")
@click.argument("name")
@_rule_filter_options
@click.option("--condition", type=click.Choice(list(CONDITION_WORDS)), default="count", show_default=True,
              help="count: THRESHOLD events in WINDOW; spike: a window far above the rule's own baseline; "
                   "new-pattern: a pattern seen for the first time; heartbeat: no matching event for WINDOW.")
@click.option("--threshold", type=click.IntRange(1, None), metavar="N",
              help="Events to reach (count, required); least events of a spiking window or a new pattern (default 1).")
@click.option("--window", "window_s", type=Duration(), required=True, metavar="DURATION",
              help="Sliding window (count), bucket (spike), first window (new-pattern) or silence (heartbeat): 5m.")
@click.option("--cooldown", "cooldown_s", type=Duration(), default="30m", show_default=True, metavar="DURATION",
              help="Quiet time per host after a firing.")
@click.option("--baseline", type=click.IntRange(3, 1000), default=12, show_default=True, metavar="N",
              help="Spike: earlier windows that make the baseline.")
@click.option("--score", "min_score", type=click.FloatRange(0, None, min_open=True), default=3.5, show_default=True,
              help="Spike: robust z-score (median/MAD) to reach.")
@click.option("--severity", "rule_severity", type=click.Choice(SEVERITIES), default="warning", show_default=True,
              help="How serious a firing is (the window's notifications show it).")
@click.option("--notify/--no-notify", default=True, show_default=True, help="Show firings as desktop notifications.")
@click.option("--incident", is_flag=True, help="Open an incident (or update this rule's open one for the host).")
@click.option("--impact", type=click.IntRange(1, 3), help="The incident's impact, 1 (high) to 3 (low).")
@click.option("--urgency", type=click.IntRange(1, 3), help="The incident's urgency, 1 (high) to 3 (low).")
@click.option("--client", "incident_client", metavar="C", help="The incident's client.")
@click.option("--site", "incident_site", metavar="S", help="The incident's site.")
@click.option("--push-to", "push_to", metavar="NAME",
              help="Push the incident to this ticket connection (see 'connections'); with --incident.")
@click.option("--disabled", is_flag=True, help="Save the rule switched off.")
@pass_ctx
def add(obj: CliContext, name: str, condition: str, threshold: int | None, window_s: int, cooldown_s: int,
        baseline: int, min_score: float, rule_severity: str, notify: bool, incident: bool, impact: int | None,
        urgency: int | None, incident_client: str | None, incident_site: str | None, push_to: str | None,
        disabled: bool, **kwargs: Any) -> None:
    """Save a rule NAME over the events the filter options match."""
    from app.alerts import rules as service
    from app.domain.alerts import Rule

    f = build_filter(kwargs)
    kind = CONDITION_WORDS[condition]
    if threshold is None and kind == "count":
        raise click.BadParameter("a count rule needs the number of events to reach", param_hint="--threshold")
    if incident and (impact is None or urgency is None):
        raise click.BadParameter("--incident needs --impact and --urgency (1-3 each)",
                                 param_hint="--impact" if impact is None else "--urgency")
    if not incident and (impact or urgency or incident_client or incident_site):
        raise click.BadParameter("only with --incident", param_hint="--impact/--urgency/--client/--site")
    try:
        rule = Rule(name=name, condition=kind, window_s=window_s, filter=f, threshold=threshold or 1,
                    cooldown_s=cooldown_s, severity=rule_severity, baseline=baseline, min_score=min_score,
                    notify=notify, incident=incident, impact=impact, urgency=urgency, client=incident_client,
                    site=incident_site, enabled=not disabled, tz=obj.tz_name or "local", push_to=push_to)
        rule = service.add(obj.db(create=True), rule)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"added rule {rule.name!r}: {rule.describe()}{_actions(rule)}")


def _actions(rule: Any) -> str:
    parts = []
    if rule.incident:
        parts.append(f"incident impact {rule.impact} urgency {rule.urgency}")
    if rule.push_to:
        parts.append(f"push to {rule.push_to}")
    if rule.notify:
        parts.append("notify")
    return f" -> {', '.join(parts)}" if parts else " -> record"


def _rule_row(rule: Any) -> dict[str, Any]:
    import json

    from app.domain.alerts import format_duration

    return {"name": rule.name, "enabled": "yes" if rule.enabled else "no", "condition": rule.describe(),
            "threshold": rule.threshold, "window": format_duration(rule.window_s),
            "cooldown": format_duration(rule.cooldown_s), "severity": rule.severity,
            "actions": _actions(rule)[4:], "filter": json.dumps(rule.filter.to_dict(), ensure_ascii=False)}


@rules.command("list")
@click.option("--output", "-o", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def list_(obj: CliContext, output: str) -> None:
    """Every rule, by name."""
    from app.store import alerts as store

    found = store.list_rules(obj.db())
    if output == "json":
        emit_json([r.to_dict() for r in found])
    else:
        emit_rows([_rule_row(r) for r in found], "table", list(RULE_FIELDS))


def _get(obj: CliContext, name: str) -> Any:
    from app.alerts import rules as service

    try:
        return service.get(obj.db(), name)
    except service.RuleError as exc:
        raise click.ClickException(str(exc)) from None


@rules.command("show")
@click.argument("name")
@pass_ctx
def show(obj: CliContext, name: str) -> None:
    """One rule as JSON."""
    emit_json(_get(obj, name).to_dict())


@rules.command("remove")
@click.argument("name")
@pass_ctx
def remove(obj: CliContext, name: str) -> None:
    """Delete a rule (its firings stay on record)."""
    from app.alerts import rules as service

    try:
        rule = service.remove(obj.db(), name)
    except service.RuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"removed rule {rule.name!r}")


def _switch(obj: CliContext, name: str, on: bool) -> None:
    from app.alerts import rules as service

    try:
        rule = service.set_enabled(obj.db(), name, on)
    except service.RuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"rule {rule.name!r} {'enabled' if on else 'disabled'}")


@rules.command("enable")
@click.argument("name")
@pass_ctx
def enable(obj: CliContext, name: str) -> None:
    """Switch a rule on."""
    _switch(obj, name, True)


@rules.command("disable")
@click.argument("name")
@pass_ctx
def disable(obj: CliContext, name: str) -> None:
    """Switch a rule off."""
    _switch(obj, name, False)


def _time(obj: CliContext, value: str | None, option: str) -> dt.datetime | None:
    from app.domain import timeutil

    if not value:
        return None
    try:
        return timeutil.parse_user_time(value, obj.zone)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


@rules.command("test")
@click.argument("name")
@click.option("--since", metavar="TIME", help="From TIME (ISO in --tz, or 15m/24h/7d ago); default the oldest event.")
@click.option("--until", metavar="TIME", help="Up to TIME; default the newest event (a heartbeat: now).")
@click.option("--output", "-o", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def test(obj: CliContext, name: str, since: str | None, until: str | None, output: str) -> None:
    """Replay a rule over stored events: when it would have fired (nothing is written)."""
    from app.alerts.engine import replay
    from app.domain import timeutil

    rule = _get(obj, name)
    found = replay(obj.db(), rule, _time(obj, since, "--since"), _time(obj, until, "--until"))
    rows = [{"trigger_at": _stored(t.trigger_at), "host": t.host, "count": t.count, "score": t.score,
             "window_start": _stored(t.window_start), "window_end": _stored(t.window_end),
             "pattern_id": t.pattern_id, "events": len(t.event_ids)} for t in found]
    if output == "json":
        emit_json(rows)
        return
    for r in rows:
        for key in ("trigger_at", "window_start", "window_end"):
            r[key] = timeutil.display(str(r[key]), obj.zone, "%Y-%m-%d %H:%M:%S")
    emit_rows(rows, "table", ["trigger_at", "host", "count", "score", "window_start", "window_end"])
    click.echo(f"{len(rows)} firing(s) of {rule.name!r} ({rule.describe()}); nothing was written", err=True)


def _stored(t: float) -> str:
    from app.domain import timeutil

    return timeutil.to_iso(dt.datetime.fromtimestamp(t, dt.UTC))


@rules.command("tick")
@click.option("--now", "now_text", metavar="TIME", help="Evaluate as at TIME (default now).")
@pass_ctx
def tick(obj: CliContext, now_text: str | None) -> None:
    """Check heartbeat rules once (for cron; 'watch' does it on its own clock)."""
    from app.alerts.actions import send_pushes
    from app.alerts.engine import tick as run

    fired = run(obj.db(), _time(obj, now_text, "--now"))
    send_pushes(obj.db(), fired)  # what does not go through stays in the outbox
    for f in fired:
        click.echo(f"{f['rule_name']}: fired on {f['host'] or 'any host'} ({f['action']}"
                   f"{' ' + f['incident_number'] if f['incident_number'] else ''})")
    click.echo(f"{len(fired)} heartbeat firing(s)", err=True)


@rules.command("firings")
@click.option("--rule", "rule_name", metavar="NAME", help="Only this rule's firings.")
@click.option("--limit", type=click.IntRange(1, None), default=200, show_default=True)
@click.option("--output", "-o", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def firings(obj: CliContext, rule_name: str | None, limit: int, output: str) -> None:
    """What fired, newest first, with the incident each made or updated."""
    from app.domain import timeutil
    from app.store import alerts as store

    rows = store.firings(obj.db(), rule_name, limit)
    if output == "json":
        emit_json([{k: r[k] for k in FIRING_FIELDS} for r in rows])
        return
    for r in rows:
        for key in ("trigger_at", "fired_at"):
            r[key] = timeutil.display(r[key], obj.zone, "%Y-%m-%d %H:%M:%S")
        r["incident"] = r["incident_number"] or ""
    emit_rows(rows, "table", ["id", "rule_name", "trigger_at", "host", "count", "score", "action", "incident"])
