"""The incident record and its lifecycle rules (ITIL style), without storage or Qt.

The same rules guard the form, the CLI and the importer: a field error names the
field, a refused transition says which moves are allowed from where it stands.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from typing import Any

from app.domain import timeutil
from app.domain.vocab import LOG_TYPES, STATUSES, Status

# Where each status may go next. Closed and cancelled are final.
TRANSITIONS: dict[str, tuple[Status, ...]] = {
    Status.NEW: (Status.IN_PROGRESS, Status.ON_HOLD, Status.RESOLVED, Status.CANCELLED),
    Status.IN_PROGRESS: (Status.ON_HOLD, Status.RESOLVED, Status.CANCELLED),
    Status.ON_HOLD: (Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED),
    Status.RESOLVED: (Status.CLOSED, Status.IN_PROGRESS),
    Status.CLOSED: (),
    Status.CANCELLED: (),
}
FINAL_STATUSES: tuple[Status, ...] = (Status.CLOSED, Status.CANCELLED)

# Fields a person may set directly; status and its times move only through transitions.
EDITABLE_FIELDS: tuple[str, ...] = (
    "title", "description", "log_type", "category", "subcategory", "impact", "urgency", "client", "site",
    "affected_seats", "reported_by", "assignee", "assignment_group", "opened_at", "downtime_minutes",
    "root_cause", "resolution_code", "resolution_notes", "external_key", "external_url", "tags",
)
INT_FIELDS = ("impact", "urgency", "affected_seats")
TIME_FIELDS = ("opened_at", "acknowledged_at", "resolved_at", "closed_at")


class IncidentError(ValueError):
    """Input that cannot be saved; ``field`` names the culprit when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.detail = message


class TransitionError(IncidentError):
    """A status change the lifecycle does not allow (or one missing what it needs)."""


@dataclasses.dataclass
class IncidentRecord:
    """One incident as the form and the importer build it before it gets a number."""

    title: str
    log_type: str
    impact: int
    urgency: int
    description: str = ""
    category: str | None = None
    subcategory: str | None = None
    client: str | None = None
    site: str | None = None
    affected_seats: int | None = None
    reported_by: str | None = None
    assignee: str | None = None
    assignment_group: str | None = None
    opened_at: str | None = None
    downtime_minutes: float | None = None
    root_cause: str | None = None
    resolution_code: str | None = None
    resolution_notes: str | None = None
    external_key: str | None = None
    external_url: str | None = None
    tags: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# C0 and C1 controls, DEL, lone surrogates and the non-characters U+FFFE/U+FFFF: none belongs in a link, and
# XLSX cannot hold most of them (a workbook with one in a hyperlink target is corrupt).
_LINK_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def link_problem(url: str) -> str | None:
    """Why ``url`` cannot be an incident's ticket link, or ``None``: http(s) with a host, no control characters."""
    bad = _LINK_CONTROLS.search(url)
    if bad is not None:
        return f"a link cannot hold control characters (U+{ord(bad.group()):04X} at position {bad.start() + 1})"
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest.split("/", 1)[0].strip():
        return "a link must start with http:// or https:// and name a host"
    return None


def validate_field(name: str, value: Any) -> str | None:
    """The problem with one field's value, or ``None``; the form calls this as the user types."""
    if name == "title":
        if not value or not str(value).strip():
            return "a title is required"
        if len(str(value)) > 200:
            return "keep the title under 200 characters"
    elif name == "log_type":
        if value not in LOG_TYPES:
            return f"{value!r} is not one of {', '.join(LOG_TYPES)}"
    elif name in ("impact", "urgency"):
        if not isinstance(value, int) or isinstance(value, bool) or value not in (1, 2, 3):
            return f"{value!r} is not 1 (high), 2 (medium) or 3 (low)"
    elif name == "affected_seats":
        if value is not None and (not isinstance(value, int) or value < 0):
            return f"{value!r} is not a whole number of seats"
    elif name == "downtime_minutes":
        if value is not None and (not isinstance(value, (int, float)) or value < 0):
            return f"{value!r} is not a number of minutes"
    elif name == "external_url":
        if value:
            return link_problem(str(value))
    elif name in TIME_FIELDS:
        if value:
            try:
                timeutil.from_iso(str(value))
            except ValueError:
                return f"{value!r} is not a stored time"
    elif name == "status" and value not in STATUSES:
        return f"unknown status {value!r}; expected one of {', '.join(STATUSES)}"
    return None


def validate(values: dict[str, Any]) -> None:
    """Raise ``IncidentError`` for the first bad field, then for times out of order."""
    for name, value in values.items():
        problem = validate_field(name, value)
        if problem:
            raise IncidentError(problem, name)
    order = [(n, values.get(n)) for n in TIME_FIELDS if values.get(n)]
    for (a, va), (b, vb) in itertools.pairwise(order):
        if str(vb) < str(va):
            raise IncidentError(f"{vb} is before {a} {va}", b)


def allowed_transitions(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def check_transition(current: str, target: str, reason: str | None = None,
                     resolution_code: str | None = None) -> None:
    """Raise ``TransitionError`` unless ``current`` → ``target`` is allowed with what was given."""
    if target not in STATUSES:
        raise TransitionError(f"unknown status {target!r}; expected one of {', '.join(STATUSES)}", "status")
    if target == current:
        raise TransitionError(f"the incident is already {current}", "status")
    allowed = allowed_transitions(current)
    if target not in allowed:
        where = f"allowed from {current}: {', '.join(allowed)}" if allowed else f"{current} is final"
        raise TransitionError(f"cannot move from {current} to {target} ({where})", "status")
    if target == Status.ON_HOLD and not (reason and reason.strip()):
        raise TransitionError("putting an incident on hold needs a reason", "reason")
    if target == Status.RESOLVED and not (resolution_code and resolution_code.strip()):
        raise TransitionError("resolving an incident needs a resolution code", "resolution_code")


def transition_changes(record: dict[str, Any], target: str, now: str, reason: str | None = None,
                       resolution_code: str | None = None, notes: str | None = None) -> dict[str, Any]:
    """The column changes a permitted transition makes (after ``check_transition``).

    Acknowledged is stamped on the first move out of ``new``; a reopened incident
    loses its resolved time; closing stamps the closed time.
    """
    current = record["status"]
    changes: dict[str, Any] = {"status": target}
    if current == Status.NEW and not record.get("acknowledged_at"):
        changes["acknowledged_at"] = now
    if target == Status.ON_HOLD:
        changes["hold_reason"] = reason.strip() if reason else None
    elif current == Status.ON_HOLD:
        changes["hold_reason"] = None
    if target == Status.RESOLVED:
        changes["resolved_at"] = now
        changes["resolution_code"] = (resolution_code or "").strip()
        if notes:
            changes["resolution_notes"] = notes
    elif target == Status.CLOSED:
        changes["closed_at"] = now
        if notes:
            changes["resolution_notes"] = notes
    elif target == Status.IN_PROGRESS and current == Status.RESOLVED:
        changes["resolved_at"] = None
    elif target == Status.CANCELLED:
        changes["closed_at"] = now
    return changes
