"""Create, edit and move incidents, and save the policies they follow: the one path the CLI, the form and the
importer share.

Every change runs in one transaction with its audit row (who, old → new), so an
edit and its record in the audit trail are never separated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from app.domain import incidents as rules, timeutil
from app.domain.priority import DEFAULT_MATRIX, priority_for
from app.domain.redaction import INCIDENT_TEXT_FIELDS, redact_values
from app.domain.sla import SlaPolicies
from app.domain.vocab import Status
from app.store import audit, incidents as store, redaction as redaction_store
from app.store.database import Database
from app.store.settings import INCIDENT_NUMBER_FLOOR, PRIORITY_MATRIX, SLA_POLICIES


def priority_matrix(db: Database) -> dict[int, dict[int, int]]:
    """The saved impact × urgency matrix, else the ServiceNow-style default."""
    saved = PRIORITY_MATRIX.read(db)
    if not saved:
        return DEFAULT_MATRIX
    return {int(i): {int(u): int(p) for u, p in row.items()} for i, row in saved.items()}


def save_priority_matrix(db: Database, matrix: dict[int, dict[int, int]]) -> None:
    for i in (1, 2, 3):
        for u in (1, 2, 3):
            if int(matrix[i][u]) not in (1, 2, 3, 4):
                raise rules.IncidentError(f"impact {i} × urgency {u}: {matrix[i][u]!r} is not P1-P4", "priority")
    with db.transaction():
        old = PRIORITY_MATRIX.stored(db)
        new = {str(i): {str(u): int(p) for u, p in row.items()} for i, row in matrix.items()}
        PRIORITY_MATRIX.write(db, new)
        audit.append(db, "update", "settings", PRIORITY_MATRIX.key, old=old, new=new)


def save_policies(db: Database, policies: SlaPolicies) -> None:
    """Store the SLA policies, with an audit row holding old and new."""
    with db.transaction():
        old = SLA_POLICIES.stored(db)
        new = policies.to_dict()
        SLA_POLICIES.write(db, new)
        audit.append(db, "update", "settings", SLA_POLICIES.key, old=old, new=new)


def get(db: Database, number: str) -> dict[str, Any]:
    """The incident, or an ``IncidentError`` naming the number."""
    row = store.get_by_number(db, number.strip().upper())
    if row is None:
        raise rules.IncidentError(f"no incident {number!r}", "number")
    return row


def _now(now: dt.datetime | str | None) -> str:
    if now is None:
        return timeutil.now_iso()
    return now if isinstance(now, str) else timeutil.to_iso(now)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(rules.EDITABLE_FIELDS)
    if unknown:
        raise rules.IncidentError(f"not a field that can be set: {', '.join(sorted(unknown))}")
    out = {}
    for k, v in values.items():
        if isinstance(v, str):
            v = v.strip()
            if v == "" and k not in ("description", "tags"):
                v = None
        out[k] = v
    return out


def _redacted(db: Database, values: dict[str, Any], client: str | None,
              fields: tuple[str, ...] | None = INCIDENT_TEXT_FIELDS) -> dict[str, Any]:
    """The free-text fields with PII replaced by the client's rules, before anything (the audit row too) keeps them."""
    return redact_values(values, redaction_store.redactor(db).for_client(client), fields)


def create(db: Database, values: dict[str, Any] | rules.IncidentRecord, event_ids: Iterable[int] | None = None,
           actor: str | None = None, now: dt.datetime | str | None = None, backdate: bool = False) -> dict[str, Any]:
    """Save a new incident (status ``new``) and link its events; returns the stored row.

    Opened is the given time, else now: an incident made from old events is not born
    breached. Their earliest time is kept as ``first_seen_at``; ``backdate`` opens the
    incident at it instead, on purpose.
    """
    stamp = _now(now)
    if isinstance(values, rules.IncidentRecord):
        values = {k: v for k, v in values.to_dict().items() if v is not None}
    record = _clean(values)
    record = _redacted(db, record, record.get("client"))
    for required in ("title", "log_type", "impact", "urgency"):
        if record.get(required) in (None, ""):
            raise rules.IncidentError("is required", required)
    record.setdefault("description", "")
    record.setdefault("tags", "")
    ids = sorted(set(event_ids or ()))
    if backdate and record.get("opened_at"):
        raise rules.IncidentError("give an opened time or backdate to the first event, not both", "opened_at")
    record["opened_at"] = record.get("opened_at") or stamp
    rules.validate(record)
    with db.transaction():
        first_seen = store.earliest_event_time(db, ids) if ids else None
        if first_seen:
            record["first_seen_at"] = first_seen
        if backdate:
            if not first_seen:
                raise rules.IncidentError("backdating needs linked events", "opened_at")
            record["opened_at"] = first_seen
        record["priority"] = int(priority_for(record["impact"], record["urgency"], priority_matrix(db)))
        record.update(number=store.next_number(db), status=Status.NEW, created_at=stamp, updated_at=stamp)
        incident_id = store.insert(db, record)
        if ids:
            store.link_events(db, incident_id, ids)
        new = {k: v for k, v in record.items() if v not in (None, "")}
        if ids:
            new["linked_events"] = len(ids)
        audit.append(db, "create", "incident", record["number"], new=new, actor=actor)
    return store.get(db, incident_id) or {}


def update(db: Database, number: str, changes: dict[str, Any], actor: str | None = None,
           now: dt.datetime | str | None = None) -> dict[str, Any]:
    """Change fields (not status); impact or urgency recompute the priority. No-op edits write nothing."""
    with db.transaction():
        row = get(db, number)
        if row["status"] in rules.FINAL_STATUSES:
            raise rules.IncidentError(f"{row['number']} is {row['status']} and can no longer be edited", "status")
        wanted = _clean(changes)
        wanted = _redacted(db, wanted, wanted.get("client", row.get("client")))
        merged = {**{k: row[k] for k in rules.EDITABLE_FIELDS}, **wanted}
        rules.validate({**merged, **{k: row[k] for k in rules.TIME_FIELDS if k != "opened_at"}})
        merged["priority"] = int(priority_for(merged["impact"], merged["urgency"], priority_matrix(db)))
        diff = {k: v for k, v in merged.items() if row.get(k) != v}
        if not diff:
            return row
        diff["updated_at"] = _now(now)
        store.update(db, row["id"], diff)
        old = {k: row.get(k) for k in diff if k != "updated_at"}
        audit.append(db, "update", "incident", row["number"], old=old,
                     new={k: v for k, v in diff.items() if k != "updated_at"}, actor=actor)
        return store.get(db, row["id"]) or {}


def transition(db: Database, number: str, status: str, reason: str | None = None,
               resolution_code: str | None = None, notes: str | None = None, actor: str | None = None,
               now: dt.datetime | str | None = None) -> dict[str, Any]:
    """Move the incident to ``status`` if the lifecycle allows it; holds start and stop the SLA clock."""
    stamp = _now(now)
    with db.transaction():
        row = get(db, number)
        texts = _redacted(db, {"reason": reason, "notes": notes}, row.get("client"), None)
        reason, notes = texts["reason"], texts["notes"]
        status = status.strip().lower()
        rules.check_transition(row["status"], status, reason, resolution_code or row.get("resolution_code"))
        if stamp < row["opened_at"]:
            raise rules.IncidentError(f"{stamp} is before the incident was opened ({row['opened_at']})", "at")
        changes = rules.transition_changes(row, status, stamp, reason, resolution_code or row.get("resolution_code"),
                                           notes)
        rules.validate({k: changes.get(k, row.get(k)) for k in rules.TIME_FIELDS})
        changes["updated_at"] = stamp
        store.update(db, row["id"], changes)
        if row["status"] == Status.ON_HOLD:
            store.close_holds(db, row["id"], stamp)
        if status == Status.ON_HOLD:
            store.open_hold(db, row["id"], stamp, reason)
        old = {k: row.get(k) for k in changes if k != "updated_at"}
        new = {k: v for k, v in changes.items() if k != "updated_at"}
        if reason:
            new["reason"] = reason
        audit.append(db, "transition", "incident", row["number"], old=old, new=new, actor=actor)
        return store.get(db, row["id"]) or {}


def link_events(db: Database, number: str, event_ids: Iterable[int], actor: str | None = None,
                now: dt.datetime | str | None = None) -> int:
    """Attach events as evidence; returns how many were new links.

    An event earlier than the incident's first seen moves first seen back (in the
    same audit row). Closed and cancelled incidents take no more evidence.
    """
    with db.transaction():
        row = get(db, number)
        if row["status"] in rules.FINAL_STATUSES:
            raise rules.IncidentError(f"{row['number']} is {row['status']} and can no longer be edited", "status")
        wanted = set(event_ids)
        missing = sorted(wanted - store.existing_event_ids(db, wanted))
        if missing:
            raise rules.IncidentError(f"no event with id {', '.join(map(str, missing))}", "event")
        ids = sorted(wanted - set(store.linked_event_ids(db, row["id"])))
        if not ids:
            return 0
        store.link_events(db, row["id"], ids)
        old: dict[str, Any] = {}
        new: dict[str, Any] = {"events": ids}
        first_seen = store.earliest_linked_time(db, row["id"])
        if first_seen != row.get("first_seen_at"):
            store.update(db, row["id"], {"first_seen_at": first_seen, "updated_at": _now(now)})
            old["first_seen_at"], new["first_seen_at"] = row.get("first_seen_at"), first_seen
        audit.append(db, "link", "incident", row["number"], old=old or None, new=new, actor=actor)
        return len(ids)


def prefill_from_events(db: Database, event_ids: Iterable[int], now: dt.datetime | str | None = None
                        ) -> dict[str, Any]:
    """Form values suggested by selected events: log type, impact from the worst severity, times, hosts, lines.

    Opened is now; the first event's time comes as ``first_seen_at``, to keep or to backdate to.
    """
    events = store.events_by_ids(db, event_ids)
    if not events:
        return {}
    worst = max(e["severity"] for e in events)
    types = [e["log_type"] for e in events]
    log_type = max(set(types), key=lambda t: (types.count(t), t))
    hosts = sorted({e["host"] for e in events if e["host"]})
    clients = sorted({e["client"] for e in events if e["client"]})
    sites = sorted({e["site"] for e in events if e["site"]})
    impact = 1 if worst >= 5 else 2 if worst >= 4 else 3
    first, last = events[0]["ts"], events[-1]["ts"]
    sample = [f"{e['ts']} {e['host'] or '-'} {e['message']}" for e in events[:5]]
    worst_event = next(e for e in events if e["severity"] == worst)
    description = "\n".join(
        [f"{len(events)} linked event(s) from {first} to {last}.", f"Hosts: {', '.join(hosts) or '-'}.",
         "Sample lines:"] + sample)
    return {
        "title": (worst_event["message"] or "")[:120], "log_type": log_type, "impact": impact,
        "client": clients[0] if len(clients) == 1 else None, "site": sites[0] if len(sites) == 1 else None,
        "opened_at": _now(now), "first_seen_at": first, "description": description, "first_seen": first,
        "last_seen": last,
        "hosts": hosts, "sample_lines": sample, "event_ids": [e["id"] for e in events],
    }


def delete(db: Database, number: str, actor: str | None = None) -> dict[str, Any]:
    """Remove an incident (its holds and links go with it); the audit row keeps the whole record.

    Its number is never handed out again.
    """
    with db.transaction():
        row = get(db, number)
        linked = store.linked_event_ids(db, row["id"])
        store.delete(db, row["id"])
        floor = int(INCIDENT_NUMBER_FLOOR.read(db) or 0)
        INCIDENT_NUMBER_FLOOR.write(db, max(floor, int(row["number"][4:])))
        audit.append(db, "delete", "incident", row["number"], old={**row, "linked_events": linked}, actor=actor)
        return row
