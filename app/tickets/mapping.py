"""Default field mappings per tool, after each one's documented standard fields, and per-connection overrides.

Jira: the issue's ``priority`` by name (Highest … Lowest), ``issuetype``, ``labels``,
``components``; statuses are workflow names reached through transitions.
ServiceNow: the incident table's ``impact``/``urgency`` (1-3; ``priority`` is derived
from them by the instance), ``state`` (1 New, 2 In Progress, 3 On Hold, 6 Resolved,
7 Closed, 8 Canceled), ``close_code``/``close_notes``, ``category``, ``company``.
Zendesk: ``priority`` low/normal/high/urgent, ``status`` new/open/pending/hold/solved
(closed is reached by the tool itself), ``tags``.

An override (JSON stored on the connection) replaces single keys of these tables:
``{"priority": {"1": "Blocker"}, "custom": {"customfield_10010": "client"}}``; a
``custom`` value names an incident field, or is a literal after ``=``.
"""

from __future__ import annotations

import copy
from typing import Any

DEFAULTS: dict[str, dict[str, Any]] = {
    "jira": {
        "issue_type": "Task",
        # None: Cloud's /rest/api/2/search/jql, else (Data Center answers 404) /rest/api/2/search. A path set here
        # is used alone.
        "search_path": None,
        "priority": {"1": "Highest", "2": "High", "3": "Medium", "4": "Low"},
        "status": {"new": "To Do", "in-progress": "In Progress", "on-hold": "On Hold", "resolved": "Done",
                   "closed": "Done", "cancelled": "Done"},
        "category": "labels",  # "components" makes it a component (which must exist in the project)
        "client": "labels",  # the client joins the labels
        "custom": {},
        "follow_status": {},  # remote status -> resolved|closed|cancelled here (app.tickets.follow); {}: off
    },
    "servicenow": {
        "impact": {"1": 1, "2": 2, "3": 3},
        "urgency": {"1": 1, "2": 2, "3": 3},
        "status": {"new": 1, "in-progress": 2, "on-hold": 3, "resolved": 6, "closed": 7, "cancelled": 8},
        "hold_reason": 1,  # Awaiting Caller: On Hold needs a reason
        "close_code": {"": "Solved (Permanently)"},  # resolution code -> close_code ("" for any other)
        "category": "category",
        "client": "company",
        "custom": {},
        "follow_status": {},  # remote status -> resolved|closed|cancelled here (app.tickets.follow); {}: off
    },
    "zendesk": {
        "priority": {"1": "urgent", "2": "high", "3": "normal", "4": "low"},
        "status": {"new": "open", "in-progress": "open", "on-hold": "pending", "resolved": "solved",
                   "closed": "solved", "cancelled": "solved"},
        "category": "tags",
        "client": "tags",
        "custom": {},
        "follow_status": {},  # remote status -> resolved|closed|cancelled here (app.tickets.follow); {}: off
    },
}
OVERRIDABLE: frozenset[str] = frozenset(k for table in DEFAULTS.values() for k in table)


def merged(kind: str, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """The tool's defaults with the connection's overrides laid over them (tables merge key by key)."""
    out = copy.deepcopy(DEFAULTS[kind])
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key].update(value)
        else:
            out[key] = value
    return out


def check(kind: str, overrides: Any) -> str:
    """Why an override cannot be used ("" when it can), naming the key."""
    if not isinstance(overrides, dict):
        return "the field mapping must be a JSON object"
    for key, value in overrides.items():
        if key not in DEFAULTS[kind]:
            return f"{key!r} is not a field mapping of {kind} (known: {', '.join(sorted(DEFAULTS[kind]))})"
        if isinstance(DEFAULTS[kind][key], dict) and not isinstance(value, dict):
            return f"{key!r} must be a JSON object"
        if key == "follow_status":
            bad = [f"{k!r}: {v!r}" for k, v in value.items() if v not in ("resolved", "closed", "cancelled")]
            if bad:
                return f"'follow_status' maps remote statuses to resolved, closed or cancelled, not {bad[0]}"
    return ""


def pick(table: dict[str, Any], value: Any) -> Any:
    """The mapped value of ``value`` (keys are text), else the table's "" entry, else None."""
    return table.get(str(value), table.get(""))


def custom_fields(mapping: dict[str, Any], incident: dict[str, Any]) -> dict[str, Any]:
    """The connection's custom fields: an incident field's value, or a literal after ``=``."""
    out = {}
    for remote, source in (mapping.get("custom") or {}).items():
        text = str(source)
        value = text[1:] if text.startswith("=") else incident.get(text)
        if value not in (None, ""):
            out[str(remote)] = value
    return out


def tag(text: str) -> str:
    """A label or tag: no spaces (Jira refuses them; Zendesk splits on them)."""
    return "_".join(str(text).split())
