"""Replaying the audit trail's incident rows and comparing the result with the incidents table.

The chain proves the trail was not edited; it says nothing about the incidents
table itself, which anyone with the file can change with one UPDATE. Every change
the app makes goes through ``app.incidents.service`` with an audit row carrying the
new values, so the replay of those rows must equal each incident's current state.
A difference is an edit, delete or insert made behind the app's back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.store.incidents import INCIDENT_COLUMNS

# updated_at is bookkeeping the audit rows carry in their own time stamp, not as a value.
CHECKED: tuple[str, ...] = tuple(c for c in INCIDENT_COLUMNS if c != "updated_at")
CREATING = ("create", "import")
CHANGING = ("update", "transition", "link")


def _same(a: Any, b: Any) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return str(a) == str(b)


def _shown(value: Any) -> str:
    return "empty" if value in (None, "") else repr(value)


def replay(changes: Iterable[tuple[int, str, str | None, Any, Any]]
           ) -> tuple[dict[str, dict[str, Any]], dict[str, int], list[str]]:
    """(state per number, audit row that deleted each deleted number, findings about the trail itself)."""
    state: dict[str, dict[str, Any]] = {}
    deleted: dict[str, int] = {}
    findings: list[str] = []
    for seq, action, number, _old, new in changes:
        if not number:
            continue
        values = new if isinstance(new, dict) else {}
        if action in CREATING:
            if number in state:
                findings.append(f"audit row {seq} creates {number} a second time")
            state[number] = {k: values[k] for k in CHECKED if k in values}
            deleted.pop(number, None)
        elif action in CHANGING:
            if number not in state:
                findings.append(f"audit row {seq} changes {number}, which no earlier audit row created")
                continue
            state[number].update({k: values[k] for k in CHECKED if k in values})
        elif action == "delete":
            if state.pop(number, None) is None:
                findings.append(f"audit row {seq} deletes {number}, which no earlier audit row created")
            deleted[number] = seq
    return state, deleted, findings


def compare(changes: Iterable[tuple[int, str, str | None, Any, Any]], current: dict[str, dict[str, Any]],
            first_seen_from_events: dict[str, str]) -> list[str]:
    """Findings naming the incident number and field wherever the table and the replayed trail differ."""
    state, deleted, findings = replay(changes)
    for number in sorted(set(current) | set(state)):
        row, replayed = current.get(number), state.get(number)
        if row is None:
            findings.append(f"{number} is missing from the database, but the audit trail never deleted it "
                            f"(deleted outside the app)")
            continue
        if replayed is None:
            if number in deleted:
                findings.append(f"{number} is in the database, but audit row {deleted[number]} deleted it "
                                f"(restored outside the app)")
            else:
                findings.append(f"{number} has no audit row creating it (inserted outside the app)")
            continue
        for field in CHECKED:
            want, have = replayed.get(field), row.get(field)
            if field == "first_seen_at" and want is None and have == first_seen_from_events.get(number):
                continue  # filled from its linked events when schema 9 added the column
            if not _same(want, have):
                findings.append(f"{number}: {field} is {_shown(have)} but the audit trail says {_shown(want)} "
                                f"(changed outside the app)")
    return findings
