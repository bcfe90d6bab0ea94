"""Incident rows shaped for ServiceNow's, Jira's and Zendesk's importers.

ServiceNow: headings are the incident table's own field names, so an import
set's transform map ("Auto map matching fields") maps them as they are; choice
fields carry ServiceNow's numeric values (state 1 New, 2 In Progress, 3 On Hold,
6 Resolved, 7 Closed, 8 Canceled; impact/urgency 1-3; priority 1-4).

Jira: headings are the names Jira's CSV import wizard offers for its fields
(Summary, Issue Type, Priority, …); Labels repeat one column per label, which is
how Jira takes several values, and spaces in labels become ``_`` (Jira labels
cannot hold spaces).

Zendesk: headings are the ticket fields of Zendesk's Ticket Import API
(``POST /api/v2/imports/tickets``), which CSV import tools map column by column:
priority low/normal/high/urgent, status new/open/pending/solved/closed, type
``incident``, tags separated by spaces, times ISO-8601 UTC as the API takes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain.vocab import Status

ITSM_FLAVOURS: tuple[str, ...] = ("servicenow", "jira", "zendesk")

SERVICENOW_COLUMNS: tuple[str, ...] = (
    "number", "short_description", "description", "category", "subcategory", "impact", "urgency", "priority",
    "state", "hold_reason", "company", "location", "caller_id", "assigned_to", "assignment_group",
    "opened_at", "resolved_at", "closed_at", "close_code", "close_notes", "made_sla", "correlation_id",
    "correlation_display", "u_log_type", "u_affected_seats", "u_root_cause", "u_external_url",
)
SERVICENOW_STATE = {Status.NEW: 1, Status.IN_PROGRESS: 2, Status.ON_HOLD: 3, Status.RESOLVED: 6, Status.CLOSED: 7,
                    Status.CANCELLED: 8}

JIRA_COLUMNS: tuple[str, ...] = (
    "Issue Type", "Summary", "Description", "Priority", "Status", "Resolution", "Reporter", "Assignee",
    "Component/s", "Created", "Resolved", "Environment", "External ID", "External URL",
)
JIRA_PRIORITY = {1: "Highest", 2: "High", 3: "Medium", 4: "Low"}
JIRA_STATUS = {Status.NEW: "To Do", Status.IN_PROGRESS: "In Progress", Status.ON_HOLD: "On Hold",
               Status.RESOLVED: "Resolved", Status.CLOSED: "Done", Status.CANCELLED: "Cancelled"}
JIRA_RESOLUTION = {Status.RESOLVED: "Done", Status.CLOSED: "Done", Status.CANCELLED: "Won't Do"}


ZENDESK_COLUMNS: tuple[str, ...] = (
    "external_id", "subject", "description", "type", "priority", "status", "requester", "assignee", "group",
    "organization", "tags", "created_at", "updated_at", "solved_at",
)
ZENDESK_PRIORITY = {1: "urgent", 2: "high", 3: "normal", 4: "low"}
ZENDESK_STATUS = {Status.NEW: "new", Status.IN_PROGRESS: "open", Status.ON_HOLD: "pending", Status.RESOLVED: "solved",
                  Status.CLOSED: "closed", Status.CANCELLED: "closed"}


def itsm_columns(flavour: str, labels: int = 1) -> list[str]:
    if flavour == "servicenow":
        return list(SERVICENOW_COLUMNS)
    if flavour == "zendesk":
        return list(ZENDESK_COLUMNS)
    return [*JIRA_COLUMNS, *(["Labels"] * labels)]


def _made_sla(row: dict[str, Any]) -> str:
    state = row.get("sla_state")
    if state in (None, "n/a"):
        return ""
    return "false" if state == "breached" else "true"


def itsm_row(flavour: str, r: dict[str, Any], local: Callable[[str | None], str], labels: int = 1) -> list[Any]:
    """One incident in the flavour's columns; ``local`` turns stored times into local text."""
    if flavour == "servicenow":
        return [
            r["number"], r["title"], r.get("description") or "", r.get("category"), r.get("subcategory"),
            r["impact"], r["urgency"], r["priority"], SERVICENOW_STATE[r["status"]], r.get("hold_reason"),
            r.get("client"), r.get("site"), r.get("reported_by"), r.get("assignee"), r.get("assignment_group"),
            local(r["opened_at"]), local(r.get("resolved_at")), local(r.get("closed_at")),
            r.get("resolution_code"), r.get("resolution_notes"), _made_sla(r), r["number"],
            r.get("external_key"), r["log_type"], r.get("affected_seats"), r.get("root_cause"), r.get("external_url"),
        ]
    tags = [t.strip().replace(" ", "_") for t in (r.get("tags") or "").split(",") if t.strip()]
    if flavour == "zendesk":
        return _zendesk_row(r, tags)
    environment = " / ".join(x for x in (r.get("client"), r.get("site")) if x)
    return [
        "Incident", r["title"], r.get("description") or "", JIRA_PRIORITY[int(r["priority"])],
        JIRA_STATUS[r["status"]], JIRA_RESOLUTION.get(r["status"], ""), r.get("reported_by"), r.get("assignee"),
        r.get("category"), local(r["opened_at"]), local(r.get("resolved_at")), environment, r["number"],
        r.get("external_url"), *tags, *([""] * (labels - len(tags))),
    ]


def _zendesk_row(r: dict[str, Any], tags: list[str]) -> list[Any]:
    """One incident as Zendesk ticket fields; the client and category join the tags (Zendesk has no such fields)."""
    extra = ["_".join(str(v).split()).lower() for v in (r.get("client"), r.get("category")) if v]
    return [
        r["number"], r["title"], r.get("description") or r["title"], "incident", ZENDESK_PRIORITY[int(r["priority"])],
        ZENDESK_STATUS[r["status"]], r.get("reported_by"), r.get("assignee"), r.get("assignment_group"),
        r.get("client"), " ".join(dict.fromkeys([*tags, *extra])), r["opened_at"], r.get("updated_at"),
        r.get("resolved_at"),
    ]
