"""Writing and reading incident rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.store.database import Database

INCIDENT_COLUMNS: tuple[str, ...] = (
    "number", "title", "description", "log_type", "category", "subcategory", "impact", "urgency",
    "priority", "status", "hold_reason", "client", "site", "affected_seats", "reported_by", "assignee",
    "assignment_group", "opened_at", "acknowledged_at", "resolved_at", "closed_at", "downtime_minutes",
    "root_cause", "resolution_code", "resolution_notes", "external_key", "external_url", "tags",
    "created_at", "updated_at",
)


def format_number(n: int) -> str:
    return f"INC-{n:06d}"


def next_number(db: Database) -> str:
    """The next free ``INC-nnnnnn`` (numbers are never reused, even after a delete)."""
    last = db.scalar("SELECT max(CAST(substr(number, 5) AS INTEGER)) FROM incidents WHERE number LIKE 'INC-%'")
    floor = db.scalar("SELECT value FROM settings WHERE key = 'incident_number_floor'")
    return format_number(max(int(last or 0), int(floor or 0)) + 1)


def insert(db: Database, record: dict[str, Any]) -> int:
    """Insert one incident (missing columns take their defaults); returns its id."""
    cols = [c for c in INCIDENT_COLUMNS if c in record]
    sql = f"INSERT INTO incidents ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    return int(db.execute(sql, [record[c] for c in cols]).lastrowid or 0)


def add_holds(db: Database, rows: Iterable[tuple[int, str, str | None, str | None]]) -> None:
    """(incident_id, start_at, end_at, reason) spans during which the SLA clock stops."""
    db.executemany("INSERT INTO incident_holds (incident_id, start_at, end_at, reason) VALUES (?, ?, ?, ?)", rows)


def link_events(db: Database, incident_id: int, event_ids: Iterable[int]) -> None:
    db.executemany(
        "INSERT OR IGNORE INTO incident_events (incident_id, event_id) VALUES (?, ?)",
        ((incident_id, e) for e in event_ids),
    )


def get_by_number(db: Database, number: str) -> dict[str, Any] | None:
    rows = db.rows("SELECT * FROM incidents WHERE number = ?", (number,))
    return rows[0] if rows else None
