"""Schema 9: ``incidents.first_seen_at``, the earliest linked event's time.

An incident made from events used to take that time as its opened time, so it
was born with its SLA already spent. Opened is now when the incident was made
(unless backdated on purpose) and the first event's time is kept here instead.
Incidents already linked to events get it from their earliest one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 9


def upgrade(db: Database) -> None:
    columns = {r[1] for r in db.execute("PRAGMA table_info(incidents)")}
    if "first_seen_at" not in columns:
        db.execute("ALTER TABLE incidents ADD COLUMN first_seen_at TEXT")
    db.execute(
        "UPDATE incidents SET first_seen_at = (SELECT min(e.ts) FROM incident_events ie "
        "JOIN events e ON e.id = ie.event_id WHERE ie.incident_id = incidents.id) "
        "WHERE first_seen_at IS NULL AND id IN (SELECT incident_id FROM incident_events)"
    )
