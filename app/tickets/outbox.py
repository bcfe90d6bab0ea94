"""The outbox: every push is a row written (with its audit row) before anything is sent.

Nothing is lost offline or on a 5xx: a row stays ``pending`` with its next attempt
time until it goes through. A create carries an idempotency key; once an attempt
has failed in a way that may have reached the server, the next one first searches
the tool for that key, so one incident never makes two tickets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from app.domain import timeutil
from app.incidents import service as incidents
from app.store import audit, tickets as store
from app.store.database import Database
from app.tickets import changes, connections
from app.tickets.base import TicketError

OPEN_STATES = ("pending", "sending", "failed")


def idempotency_key(number: str, connection: str) -> str:
    """The key a create carries: the incident and the connection, usable as a Jira label (no spaces)."""
    return f"issue-ledger-{number}-{hashlib.sha256(connection.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def _now(now: dt.datetime | None) -> str:
    return timeutil.to_iso(now) if now else timeutil.now_iso()


def _queue(db: Database, number: str, connection: str, operation: str, payload: dict[str, Any], key: str,
           stamp: str, actor: str | None) -> int:
    outbox_id = store.add_outbox(db, {
        "connection": connection, "incident": number, "operation": operation,
        "payload": json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str), "idempotency_key": key,
        "state": "pending", "attempts": 0, "created_at": stamp, "updated_at": stamp})
    audit.append(db, "queue", "ticket", number, new={"connection": connection, "operation": operation,
                                                     "outbox": outbox_id}, actor=actor, ts=stamp)
    return outbox_id


def queue_push(db: Database, number: str, connection: str, actor: str | None = None,
               now: dt.datetime | None = None) -> list[int]:
    """Queue what the ticket lacks: a create the first time, else an update of what changed since (or nothing).

    A create already queued or failed is armed again rather than queued twice.
    """
    stamp = _now(now)
    with db.transaction():
        incident = incidents.get(db, number)
        number = incident["number"]
        connections.get(db, connection)
        link = store.link(db, number, connection)
        if link is None or not link["remote_id"]:
            waiting = [r for r in store.outbox_rows(db, OPEN_STATES, number)
                       if r["connection"] == connection and r["operation"] == "create"]
            if waiting:
                for r in waiting:
                    if r["state"] == "failed":
                        store.set_outbox(db, r["id"], {"state": "pending", "next_attempt_at": None,
                                                       "updated_at": stamp})
                return [r["id"] for r in waiting]
            payload = {"incident": changes.snapshot(incident), "evidence": changes.evidence(db, incident),
                       "audit_id": store.last_incident_audit_id(db, number)}
            key = idempotency_key(number, connection)
            ids = [_queue(db, number, connection, "create", payload, key, stamp, actor)]
            store.save_link(db, number, connection, {"pushed_audit_id": payload["audit_id"]}, stamp)
            if incident["status"] != "new":  # a ticket opens new: the status follows, as the tool allows it
                fields = {k: incident.get(k) for k in ("status", "resolution_code", "resolution_notes", "hold_reason")}
                ids.append(_queue(db, number, connection, "update",
                                  {"fields": fields, "notes": [], "audit_id": payload["audit_id"]},
                                  f"{key}-{payload['audit_id']}", stamp, actor))
            return ids
        queued = _queue_update(db, incident, link, stamp, actor)
        return [queued] if queued else []


def _queue_update(db: Database, incident: dict[str, Any], link: dict[str, Any], stamp: str,
                  actor: str | None) -> int | None:
    fields, notes, last = changes.since(db, incident, int(link["pushed_audit_id"] or 0))
    if last == (link["pushed_audit_id"] or 0):
        return None
    store.save_link(db, incident["number"], link["connection"], {"pushed_audit_id": last}, stamp)
    if not fields and not notes:
        return None
    payload = {"fields": fields, "notes": notes, "audit_id": last}
    key = f"{idempotency_key(incident['number'], link['connection'])}-{last}"
    return _queue(db, incident["number"], link["connection"], "update", payload, key, stamp, actor)


def queue_changes(db: Database, actor: str | None = None, now: dt.datetime | None = None) -> list[int]:
    """Queue an update for every linked incident changed since its last push (what the window's timer runs)."""
    stamp = _now(now)
    queued: list[int] = []
    with db.transaction():
        for link in store.links(db):
            if not link["remote_id"]:
                continue
            incident = db.rows("SELECT * FROM incidents WHERE number = ?", (link["incident"],))
            if incident and store.last_incident_audit_id(db, link["incident"]) > (link["pushed_audit_id"] or 0):
                outbox_id = _queue_update(db, incident[0], link, stamp, actor)
                if outbox_id:
                    queued.append(outbox_id)
    return queued


def listing(db: Database, states: tuple[str, ...] = (), incident: str | None = None) -> list[dict[str, Any]]:
    """Outbox rows, oldest first, without their payloads (which can be long)."""
    return [{k: v for k, v in r.items() if k != "payload"} for r in store.outbox_rows(db, states, incident)]


def rearm(db: Database, outbox_id: int | None = None, now: dt.datetime | None = None) -> list[int]:
    """Make failed (or waiting) rows due now: the one given, else all not done; their ids."""
    stamp = _now(now)
    with db.transaction():
        if outbox_id is not None:
            row = store.outbox_row(db, outbox_id)
            if row is None:
                raise TicketError(f"no outbox row {outbox_id}")
            if row["state"] == "done":
                raise TicketError(f"outbox row {outbox_id} went through already")
            rows = [row]
        else:
            rows = store.outbox_rows(db, ("pending", "failed"))
        for r in rows:
            store.set_outbox(db, r["id"], {"state": "pending", "next_attempt_at": None, "updated_at": stamp})
        return [r["id"] for r in rows]


def drop(db: Database, outbox_id: int, actor: str | None = None) -> dict[str, Any]:
    """Remove a row that should not be sent (audited with what it held)."""
    with db.transaction():
        row = store.outbox_row(db, outbox_id)
        if row is None:
            raise TicketError(f"no outbox row {outbox_id}")
        if row["state"] == "sending":
            raise TicketError(f"outbox row {outbox_id} is being sent; drop it after it ends")
        store.delete_outbox(db, outbox_id)
        audit.append(db, "drop", "ticket", row["incident"], old={k: row[k] for k in (
            "id", "connection", "operation", "state", "attempts", "last_error")}, actor=actor)
        return row
