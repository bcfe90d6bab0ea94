"""The one-row-per-update form (ServiceNow's incident event log): rows → one incident each.

The latest row (by update count, then update time, then line) gives the incident's
state; the first move out of ``new`` gives its acknowledged time; every stretch in
an on-hold state becomes a hold that pauses the SLA clock; each row is kept as a
history entry for the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.domain.vocab import Status


@dataclass
class Row:
    """One converted row: its line, the fields read, the raw state text, unmapped cells."""

    line: int
    values: dict[str, Any]
    raw_status: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _order(row: Row) -> tuple[Any, ...]:
    seq = row.values.get("update_seq")
    return (seq if isinstance(seq, int) else -1, row.values.get("updated_at") or "", row.line)


def fold(rows: list[Row]) -> tuple[Row, str | None, list[tuple[str, str | None, str | None]], list[dict[str, Any]]]:
    """(latest row, acknowledged time, holds as (start, end, reason), history entries) for one incident."""
    ordered = sorted(rows, key=_order)
    ack: str | None = None
    holds: list[tuple[str, str | None, str | None]] = []
    open_hold: tuple[str, str | None] | None = None
    history = []
    for r in ordered:
        status, at = r.values.get("status"), r.values.get("updated_at")
        if ack is None and status not in (None, Status.NEW) and at:
            ack = at
        if status == Status.ON_HOLD and open_hold is None and at:
            open_hold = (at, r.raw_status)
        elif status != Status.ON_HOLD and open_hold is not None and at:
            holds.append((open_hold[0], at, open_hold[1]))
            open_hold = None
        history.append({
            "line": r.line, "at": at, "by": r.values.get("updated_by"), "status": status, "state": r.raw_status,
            "assignee": r.values.get("assignee"), "assignment_group": r.values.get("assignment_group"),
            "update_seq": r.values.get("update_seq"),
        })
    if open_hold is not None:
        holds.append((open_hold[0], None, open_hold[1]))
    return ordered[-1], ack, holds, history
