"""The calls the CLI and the window share: push one incident, sync everything, read an incident's tickets."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from app.store import tickets as store
from app.store.database import Database
from app.tickets import deliver, outbox

SHOWN: tuple[str, ...] = ("id", "incident", "connection", "operation", "state", "attempts", "next_attempt_at",
                          "last_status", "last_error")


def push(db: Database, number: str, connection: str, transport: httpx.BaseTransport | None = None,
         sleep: Callable[[float], None] = time.sleep) -> dict[str, Any]:
    """Queue what the ticket lacks and send it now; the link and the rows as they ended up.

    Whatever does not go through stays in the outbox (``pending`` to try again, ``failed`` with the reason).
    """
    ids = outbox.queue_push(db, number, connection)
    rows = deliver.deliver(db, only=tuple(ids), transport=transport, sleep=sleep) if ids else []
    number = number.strip().upper()
    link = store.link(db, number, connection) or {}
    return {"incident": number, "connection": connection, "external_key": link.get("external_key"),
            "external_url": link.get("external_url"), "outbox": [{k: r[k] for k in SHOWN} for r in rows]}


def sync(db: Database, transport: httpx.BaseTransport | None = None) -> dict[str, Any]:
    """What the window runs every few minutes: queue changed incidents' updates, send what is due, pull."""
    queued = outbox.queue_changes(db)
    sent = deliver.deliver(db, transport=transport)
    pulled = deliver.pull(db, transport=transport)
    return {"queued": len(queued), "sent": sum(r["state"] == "done" for r in sent),
            "waiting": sum(r["state"] == "pending" for r in sent), "failed": sum(r["state"] == "failed" for r in sent),
            "pulled": len(pulled), "changed": sum(bool(p["changed"]) for p in pulled)}


def tickets_of(db: Database, number: str) -> dict[str, Any]:
    """An incident's links and the outbox rows not yet done: what "Send to…" shows."""
    number = number.strip().upper()
    return {"links": [lk for lk in store.links(db, number) if lk["remote_id"]],
            "queued": [{k: r[k] for k in SHOWN} for r in store.outbox_rows(db, ("pending", "sending", "failed"),
                                                                           number)]}
