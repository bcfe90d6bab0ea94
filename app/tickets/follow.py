"""Following a ticket's status back onto its incident: resolved or closed in the tool, resolved or closed here.

Off unless the connection's mapping has a ``follow_status`` table (``connections add
--follow-status`` fills the tool's usual one): remote status name (any case) → ``resolved``,
``closed`` or ``cancelled``. A pull that finds the ticket in such a status moves an open
incident there through the incidents service (the lifecycle's rules, one audited
transition each, actor "<connection> (ticket sync)"), resolving first when closing an open
one. It never reopens: a ticket reopened in the tool is shown on its link, and a person
decides. When nothing else was waiting to be sent, the moves are marked as already pushed, so
the next sync does not send the tool its own change back (ServiceNow would take "Resolved"
onto a closed ticket).
"""

from __future__ import annotations

from typing import Any

from app.domain.incidents import IncidentError
from app.domain.vocab import OPEN_STATUSES, Status
from app.incidents import service as incidents
from app.store import incidents as incident_rows, tickets as store
from app.store.database import Database
from app.tickets import changes
from app.tickets.base import Remote

# What --follow-status fills in, per tool: the names their default workflows give finished tickets.
DEFAULT_TABLES: dict[str, dict[str, str]] = {
    "jira": {"done": "resolved", "resolved": "resolved", "closed": "closed"},
    "servicenow": {"resolved": "resolved", "closed": "closed", "canceled": "cancelled", "cancelled": "cancelled"},
    "zendesk": {"solved": "resolved", "closed": "closed"},
}
TARGETS = (Status.RESOLVED, Status.CLOSED, Status.CANCELLED)
RESOLUTION_CODE = "resolved-in-ticket"


def target_of(table: dict[str, Any], remote_status: str | None) -> str | None:
    """Our status for the remote one, by the table (names compared without case); None when not followed."""
    if not remote_status or not table:
        return None
    wanted = {str(k).casefold(): str(v) for k, v in table.items()}
    return wanted.get(remote_status.casefold())


def follow(db: Database, link: dict[str, Any], remote: Remote, table: dict[str, Any], kind: str) -> str | None:
    """Move the incident as the remote status says (in the caller's transaction); its new status, if it moved."""
    target = target_of(table, remote.status)
    if target is None:
        return None
    row = incident_rows.get_by_number(db, link["incident"])
    if row is None or row["status"] not in (*OPEN_STATUSES, Status.RESOLVED) or row["status"] == target:
        return None
    actor = f"{link['connection']} (ticket sync)"
    notes = f"{target.capitalize()} in {kind} as {remote.key or remote.remote_id} (status {remote.status})"
    steps = [target]
    if target == Status.CLOSED and row["status"] in OPEN_STATUSES:
        steps = [Status.RESOLVED, Status.CLOSED]  # the lifecycle closes only what was resolved
    if row["status"] == Status.RESOLVED and target != Status.CLOSED:
        return None  # already finished here; only a close follows
    synced = int(link.get("pushed_audit_id") or 0) >= store.last_incident_audit_id(db, row["number"])
    try:
        for step in steps:
            code = RESOLUTION_CODE if step == Status.RESOLVED and not row.get("resolution_code") else None
            row = incidents.transition(db, row["number"], step, resolution_code=code,
                                       notes=notes if step == steps[0] else None, actor=actor)
    except IncidentError:
        return None  # the lifecycle refuses it (a final incident): the link still shows the remote status
    if synced:  # nothing else was waiting to be sent: the tool already has what these moves say
        store.save_link(db, link["incident"], link["connection"],
                        {"pushed_audit_id": store.last_incident_audit_id(db, row["number"]),
                         "pushed_hash": changes.state_hash(row)}, str(row.get("updated_at")))
    return str(row["status"])
