"""Which incident field each column holds, guessed from its header.

Synonyms are tried field by field, best first, so ``caller_id`` wins "reported by"
over ``opened_by`` and Jira's ``Issue key`` wins the external key over ``Issue id``.
The guess is shown for correction, and a saved profile overrides it.
"""

from __future__ import annotations

import re

# Fields an import can fill; the last three only serve the one-row-per-update form.
IMPORT_FIELDS: tuple[str, ...] = (
    "external_key", "title", "description", "log_type", "category", "subcategory", "impact", "urgency",
    "priority", "status", "hold_reason", "client", "site", "affected_seats", "reported_by", "assignee",
    "assignment_group", "opened_at", "acknowledged_at", "resolved_at", "closed_at", "downtime_minutes",
    "root_cause", "resolution_code", "resolution_notes", "external_url", "tags",
    "updated_at", "updated_by", "update_seq",
)
DATE_FIELDS = ("opened_at", "acknowledged_at", "resolved_at", "closed_at", "updated_at")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_key": ("number", "incident number", "issue key", "ticket", "ticket id", "ticket number", "ticket no",
                     "incident id", "incident", "key", "ref", "reference", "id"),
    "title": ("short description", "title", "summary", "subject", "issue", "problem", "issue title"),
    "description": ("description", "details", "issue description", "problem description"),
    "log_type": ("log type", "logtype", "source type", "log source"),
    "category": ("category",),
    "subcategory": ("subcategory", "sub category"),
    "impact": ("impact",),
    "urgency": ("urgency",),
    "priority": ("priority", "severity", "sev", "prio"),
    "status": ("incident state", "state", "status", "ticket status"),
    "hold_reason": ("hold reason", "on hold reason", "pending reason"),
    "client": ("client", "account", "customer", "company", "campaign", "program", "lob", "project name"),
    "site": ("site", "location", "floor", "centre", "center", "office"),
    "affected_seats": ("affected seats", "seats affected", "affected agents", "agents affected", "affected users",
                       "users affected", "seats", "agents impacted"),
    "reported_by": ("reported by", "caller id", "caller", "reporter", "raised by", "opened by"),
    "assignee": ("assigned to", "assignee", "owner", "resolver", "engineer"),
    "assignment_group": ("assignment group", "resolver group", "group", "team"),
    "opened_at": ("opened at", "opened", "created", "created at", "date opened", "reported at", "date reported",
                  "start time", "start", "logged at", "logged", "date"),
    "acknowledged_at": ("acknowledged at", "acknowledged", "ack time", "responded at", "response time"),
    "resolved_at": ("resolved at", "resolved", "resolution date", "resolved date", "restored at", "end time",
                    "fixed at"),
    "closed_at": ("closed at", "closed", "closed date", "date closed"),
    "downtime_minutes": ("downtime minutes", "downtime min", "downtime", "outage minutes", "duration min"),
    "root_cause": ("root cause", "rca", "cause"),
    "resolution_code": ("resolution code", "close code", "closed code", "resolution"),
    "resolution_notes": ("resolution notes", "close notes", "resolution details", "action taken", "fix"),
    "external_url": ("url", "link", "ticket url", "ticket link"),
    "tags": ("tags", "labels", "label"),
    "updated_at": ("sys updated at", "updated at", "updated", "last updated"),
    "updated_by": ("sys updated by", "updated by"),
    "update_seq": ("sys mod count", "mod count", "update count"),
}


def normalise(header: str) -> str:
    """``Sys_Updated-At (UTC)`` → ``sys updated at utc``; ServiceNow's ``u_`` custom prefix dropped."""
    words = re.sub(r"[^a-z0-9]+", " ", header.lower()).split()
    if len(words) > 1 and words[0] == "u":
        words = words[1:]
    return " ".join(words)


def auto_map(headers: list[str]) -> dict[int, str]:
    """Column index → field for the headers we recognise (tags may take several columns)."""
    norm = [normalise(h) for h in headers]
    taken: dict[int, str] = {}
    for field in IMPORT_FIELDS:
        for synonym in SYNONYMS[field]:
            hits = [i for i, n in enumerate(norm) if i not in taken and n in (synonym, synonym + " utc")]
            if hits:
                for i in hits if field == "tags" else hits[:1]:
                    taken[i] = field
                break
    return dict(sorted(taken.items()))


def apply_profile(headers: list[str], guessed: dict[int, str], columns: dict[str, str | None]) -> dict[int, str]:
    """The guess corrected by ``{header: field or None}`` (``None`` or ``""`` leaves a column out)."""
    out = dict(guessed)
    for header, field in columns.items():
        indexes = [i for i, h in enumerate(headers) if h == header or normalise(h) == normalise(header)]
        if not indexes:
            continue
        if field and field not in IMPORT_FIELDS:
            raise ValueError(f"column {header!r}: {field!r} is not an incident field "
                             f"(expected one of {', '.join(IMPORT_FIELDS)})")
        for i in indexes:
            if field:
                for j in [j for j, f in out.items() if f == field and field != "tags"]:
                    del out[j]
                out[i] = field
            else:
                out.pop(i, None)
    return dict(sorted(out.items()))
