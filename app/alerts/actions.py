"""What a firing does: record it (always, audited), open or update the rule's incident, and queue its push.

"One outage makes one incident": while an incident this rule made for the same
host is open (new, in progress, on hold), a new firing links its events to it and
adds a note to its history instead of opening a second one. All of a firing's
writes share one transaction with their audit rows. A rule with ``push_to`` queues the
incident's ticket in the outbox in that transaction too; ``send_pushes`` sends it after
the commit, so no HTTP call ever runs while the firing holds the write lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.alerts.conditions import MAX_EVIDENCE, Hit, Trigger
from app.domain import timeutil
from app.domain.alerts import Rule, format_duration
from app.incidents import service as incidents
from app.store import alerts as store, audit
from app.store.database import Database


def _iso(t: float) -> str:
    return timeutil.to_iso(dt.datetime.fromtimestamp(t, dt.UTC))


def actor_for(rule: Rule) -> str:
    """Who the trail names: the account running the evaluation, on the rule's behalf."""
    return f"{audit.current_actor()} (alert rule {rule.name})"


def fire(db: Database, rule: Rule, trigger: Trigger, now: dt.datetime | None = None) -> dict[str, Any]:
    """Record one firing and carry out its incident action; returns the stored firing."""
    stamp = timeutil.to_iso(now) if now is not None else timeutil.now_iso()
    actor = actor_for(rule)
    firing: dict[str, Any] = {
        "rule_id": rule.id, "rule_name": rule.name, "condition": rule.condition, "severity": rule.severity,
        "fired_at": stamp, "trigger_at": _iso(trigger.trigger_at), "window_start": _iso(trigger.window_start),
        "window_end": _iso(trigger.window_end), "count": trigger.count, "score": trigger.score,
        "host": trigger.host, "pattern_id": trigger.pattern_id, "notify": int(rule.notify),
        "action": "recorded", "incident_number": None,
    }
    with db.transaction():
        if rule.incident:
            number = store.open_incident(db, int(rule.id or 0), trigger.host)
            if number:
                linked = incidents.link_events(db, number, trigger.event_ids, actor=actor, now=stamp)
                audit.append(db, "note", "incident", number, new={
                    "note": f"Alert rule {rule.name} fired again: {_summary(rule, firing)}; "
                            f"{linked} more event(s) linked.", "rule": rule.name}, actor=actor)
                firing.update(action="incident-updated", incident_number=number)
            else:
                made = incidents.create(db, _incident(db, rule, trigger, firing), trigger.event_ids, actor=actor,
                                        now=stamp)
                firing.update(action="incident-created", incident_number=made["number"])
        if rule.push_to and firing["incident_number"]:
            firing["push_outbox"] = _queue_push(db, rule, firing["incident_number"], actor)
        firing["id"] = store.insert_firing(db, firing, trigger.event_ids)
        audit.append(db, "fire", "alert_rule", rule.name, new={
            k: v for k, v in firing.items() if k not in ("rule_id", "rule_name") and v is not None}, actor=actor)
    return firing


def _queue_push(db: Database, rule: Rule, number: str, actor: str) -> list[int] | str:
    """The outbox rows queued for the rule's connection, or why none could be (the firing stands either way)."""
    from app.tickets import outbox
    from app.tickets.base import TicketError

    try:
        return outbox.queue_push(db, number, str(rule.push_to), actor=actor)
    except TicketError as exc:
        return f"not queued: {exc}"


def send_pushes(db: Database, fired: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send what the firings queued (after their commit); what fails stays in the outbox for later."""
    ids = tuple(i for f in fired if isinstance(f.get("push_outbox"), list) for i in f["push_outbox"])
    if not ids:
        return []
    from app.tickets import deliver

    return deliver.deliver(db, only=ids)


def absorb(db: Database, rule: Rule, hits: list[Hit], now: dt.datetime | None = None) -> int:
    """Link matching events that fired nothing (they came during the cooldown) to the rule's open
    incident for their host: the rest of the outage joins its evidence. Returns how many were linked."""
    by_host: dict[str, list[int]] = {}
    for h in hits:
        by_host.setdefault(h[2], []).append(h[0])
    stamp = timeutil.to_iso(now) if now is not None else timeutil.now_iso()
    linked = 0
    for host, ids in by_host.items():
        number = store.open_incident(db, int(rule.id or 0), host)
        if number:
            linked += incidents.link_events(db, number, ids[:MAX_EVIDENCE], actor=actor_for(rule), now=stamp)
    return linked


def _where(host: str) -> str:
    return f"on {host}" if host else "on any host"


def _summary(rule: Rule, firing: dict[str, Any]) -> str:
    """One line on what was seen, times in stored UTC."""
    host = _where(firing["host"])
    if rule.condition == "heartbeat":
        return f"no events {host} for {format_duration(rule.window_s)} (last one {firing['window_start']})"
    what = f"{firing['count']} event(s) {host} from {firing['window_start']} to {firing['window_end']}"
    if rule.condition == "spike":
        return f"spike of {what}, robust z {firing['score']:g}"
    if rule.condition == "new_pattern":
        return f"new pattern #{firing['pattern_id']}: {what}"
    return what


def _incident(db: Database, rule: Rule, trigger: Trigger, firing: dict[str, Any]) -> dict[str, Any]:
    """The new incident's fields: the rule's impact, urgency, client and site, and the evidence in its text."""
    lines = store.event_lines(db, trigger.event_ids)
    types = store.log_types_of(db, trigger.event_ids)
    log_type = types[0] if types else (rule.filter.log_types[0] if rule.filter.log_types else "system")
    clients = {e["client"] for e in lines if e["client"]}
    sites = {e["site"] for e in lines if e["site"]}
    heading = {"count": f"{trigger.count} events", "spike": f"spike of {trigger.count} events",
               "new_pattern": f"new pattern #{trigger.pattern_id}", "heartbeat": "no events"}[rule.condition]
    title = f"{rule.name}: {heading} {_where(trigger.host)}"
    text = [f"Opened by alert rule {rule.name} ({rule.describe()}): {_summary(rule, firing)}."]
    if lines:
        text.append("Sample lines:")
        text += [f"{e['ts']} {e['host'] or '-'} {e['message']}" for e in lines]
    return {
        "title": title[:200], "log_type": log_type, "impact": rule.impact, "urgency": rule.urgency,
        "client": rule.client or (next(iter(clients)) if len(clients) == 1 else None),
        "site": rule.site or (next(iter(sites)) if len(sites) == 1 else None),
        "description": "\n".join(text), "tags": "alert",
    }
