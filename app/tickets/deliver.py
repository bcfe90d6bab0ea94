"""Sending the outbox, and pulling remote status and assignee back onto the links.

HTTP runs outside any transaction (a slow server never holds the write lock);
each row's outcome is then written in one transaction with its audit rows: the
link, the incident's external key and URL, the outbox state.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from app.domain import timeutil
from app.incidents import service as incidents
from app.store import audit, incidents as incident_rows, tickets as store
from app.store.database import Database
from app.tickets import changes, connections, follow, retry
from app.tickets.base import Change, Remote, TicketError, TicketTool, Transient

STALE_SENDING = dt.timedelta(minutes=10)  # a row left "sending" by a process that died


def _at(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(timeutil.UTC)


def deliver(db: Database, only: tuple[int, ...] = (), now: dt.datetime | None = None,
            transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] = time.sleep
            ) -> list[dict[str, Any]]:
    """Send the due rows (``only``: these, due or not), oldest first; each row as it ends up."""
    moment = _at(now)
    with db.transaction():
        stale = timeutil.to_iso(moment - STALE_SENDING)
        for r in store.outbox_rows(db, ("sending",)):
            if r["updated_at"] < stale:  # uncertain: the create's next attempt searches first
                store.set_outbox(db, r["id"], {"state": "pending", "updated_at": timeutil.to_iso(moment)})
    out = []
    for row in store.due_outbox(db, timeutil.to_iso(moment), only):
        with db.transaction():
            claimed = store.claim_outbox(db, row["id"], timeutil.now_iso())
        if claimed:  # else the window's sync and a "Send to…" met on the same row: the other one sends it
            _send(db, row, transport, sleep)
        out.append(store.outbox_row(db, row["id"]) or row)
    return out


def _send(db: Database, row: dict[str, Any], transport: httpx.BaseTransport | None,
          sleep: Callable[[float], None]) -> None:
    payload = json.loads(row["payload"] or "{}")
    http = None
    try:
        conn = connections.get(db, row["connection"])
        tool, http = connections.open_tool(conn, transport)
        if row["operation"] == "create":
            remote = _create(db, tool, row, payload, sleep)
            _created(db, row, payload, remote)
        elif row["operation"] in ("update", "comment"):
            link = store.link(db, row["incident"], row["connection"])
            if link is None or not link["remote_id"]:
                if any(r["operation"] == "create" and r["connection"] == row["connection"]
                       for r in store.outbox_rows(db, ("pending", "sending"), row["incident"])):
                    raise Transient(f"waiting for the ticket of {row['incident']} to be created")
                raise TicketError(f"{row['incident']} has no ticket in {row['connection']} yet: push it first")
            change = Change(payload.get("fields") or {}, list(payload.get("notes") or []))
            retry.run(lambda: tool.update(link["remote_id"], change), sleep)
            _updated(db, row)
        else:
            raise TicketError(f"outbox row {row['id']}: {row['operation']!r} is not sent through the outbox")
    except Transient as exc:
        when = retry.next_attempt(dt.datetime.now(timeutil.UTC), row["attempts"] + 1, exc.retry_after)
        _finish(db, row, "pending", exc, timeutil.to_iso(when))
    except TicketError as exc:
        _finish(db, row, "failed", exc, None)
    finally:
        if http is not None:
            http.close()


def _create(db: Database, tool: TicketTool, row: dict[str, Any], payload: dict[str, Any],
            sleep: Callable[[float], None]) -> Remote:
    link = store.link(db, row["incident"], row["connection"])
    if link and link["remote_id"]:
        return Remote(link["remote_id"], link["external_key"] or link["remote_id"], link["external_url"] or "")
    uncertain = row["attempts"] > 0  # an earlier attempt may have made the ticket before failing

    def once() -> Remote:
        nonlocal uncertain
        if uncertain:
            found = tool.find(row["idempotency_key"])
            if found is not None:
                return found
        try:
            return tool.create(payload["incident"], payload.get("evidence") or "", row["idempotency_key"])
        except Transient:
            uncertain = True
            raise

    return retry.run(once, sleep)


def _finish(db: Database, row: dict[str, Any], state: str, exc: TicketError | None, next_at: str | None) -> None:
    with db.transaction():
        store.set_outbox(db, row["id"], {
            "state": state, "next_attempt_at": next_at, "last_status": exc.status if exc else None,
            "last_error": str(exc) if exc else None, "updated_at": timeutil.now_iso()})
        if state != "pending":
            new: dict[str, Any] = {"connection": row["connection"], "operation": row["operation"],
                                   "outbox": row["id"], "state": state}
            if exc:
                new["error"] = str(exc)
            audit.append(db, "push", "ticket", row["incident"], new=new)


def _created(db: Database, row: dict[str, Any], payload: dict[str, Any], remote: Remote) -> None:
    """Link, external key on the incident (audited like any edit), outbox done: all or nothing."""
    stamp = timeutil.now_iso()
    with db.transaction():
        store.save_link(db, row["incident"], row["connection"], {
            "remote_id": remote.remote_id, "external_key": remote.key, "external_url": remote.url,
            "remote_status": remote.status, "pushed_hash": changes.state_hash(payload["incident"])}, stamp)
        incident = incident_rows.get_by_number(db, row["incident"])
        if incident is not None and not incident.get("external_key"):
            new = {"external_key": remote.key, "external_url": remote.url}
            incident_rows.update(db, incident["id"], {**new, "updated_at": stamp})
            audit.append(db, "update", "incident", row["incident"],
                         old={k: incident.get(k) for k in new}, new=new)
            store.save_link(db, row["incident"], row["connection"],
                            {"pushed_audit_id": store.last_incident_audit_id(db, row["incident"])}, stamp)
        _finish(db, row, "done", None, None)


def _updated(db: Database, row: dict[str, Any]) -> None:
    """The update went through: the link remembers the state sent (its hash), the row is done."""
    with db.transaction():
        incident = incident_rows.get_by_number(db, row["incident"])
        if incident is not None:
            store.save_link(db, row["incident"], row["connection"], {"pushed_hash": changes.state_hash(incident)},
                            timeutil.now_iso())
        _finish(db, row, "done", None, None)


def pull(db: Database, number: str | None = None, transport: httpx.BaseTransport | None = None,
         sleep: Callable[[float], None] = time.sleep) -> list[dict[str, Any]]:
    """Remote status and assignee onto each link (of ``number``, else all); a change is audited.

    One link's failure (server down, ticket deleted) is reported in its row and does not stop the others.
    """
    if number is not None:
        number = incidents.get(db, number)["number"]
    results = []
    tools: dict[str, Any] = {}
    try:
        for link in store.links(db, number):
            if not link["remote_id"]:
                continue
            result = {"incident": link["incident"], "connection": link["connection"],
                      "external_key": link["external_key"], "remote_status": link["remote_status"],
                      "remote_assignee": link["remote_assignee"], "changed": False, "incident_status": None,
                      "error": None}
            try:
                if link["connection"] not in tools:
                    tools[link["connection"]] = connections.open_tool(connections.get(db, link["connection"]),
                                                                      transport)
                tool: TicketTool = tools[link["connection"]][0]
                remote_id = str(link["remote_id"])
                remote = retry.run(lambda: tool.fetch(remote_id), sleep)  # noqa: B023 - called at once
                result["changed"], result["incident_status"] = _pulled(db, link, remote, tool)
                result.update(remote_status=remote.status, remote_assignee=remote.assignee)
            except TicketError as exc:
                result["error"] = str(exc)
            results.append(result)
    finally:
        for _tool, http in tools.values():
            http.close()
    return results


def _pulled(db: Database, link: dict[str, Any], remote: Remote, tool: TicketTool) -> tuple[bool, str | None]:
    """Save what the tool says on the link (audited when it changed); then follow its status when the
    connection asks to. Whether the link changed, and the incident's new status if it moved."""
    stamp = timeutil.now_iso()
    with db.transaction():
        old = {"remote_status": link["remote_status"], "remote_assignee": link["remote_assignee"]}
        new = {"remote_status": remote.status, "remote_assignee": remote.assignee}
        store.save_link(db, link["incident"], link["connection"], {**new, "pulled_at": stamp}, stamp)
        if old == new:
            return False, None
        audit.append(db, "pull", "ticket", link["incident"], old={"connection": link["connection"], **old},
                     new={"connection": link["connection"], **new})
        table = getattr(tool, "map", {}).get("follow_status") or {}
        return True, follow.follow(db, link, remote, table, tool.kind) if table else None
