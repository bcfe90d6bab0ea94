"""Schema 11: log templates ("patterns"), each event's pattern, and the miner's saved state.

``events.pattern_id`` is filled at import (``app.ingest.steps``); the events of
files imported before this schema get theirs from ``issue-ledger patterns``, which
walks the partial index ``events_unmined`` (empty once done, so it costs imports nothing).
``pattern_days`` holds counts by UTC day and severity: the trend and the severity mix.
``pattern_state`` keeps drain3's clusters, so the next import continues the same ids;
``pattern_keys`` the pattern each message (digits blanked) got first, so it keeps it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 11


def upgrade(db: Database) -> None:
    db.execute("ALTER TABLE events ADD COLUMN pattern_id INTEGER")
    db.execute("CREATE INDEX IF NOT EXISTS events_unmined ON events(id) WHERE pattern_id IS NULL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS patterns ("
        " id INTEGER PRIMARY KEY,"  # drain3's cluster id: stable across imports
        " template TEXT NOT NULL,"
        " params TEXT NOT NULL DEFAULT '[]',"  # JSON: word positions of the parameters in the template
        " first_seen TEXT,"
        " last_seen TEXT,"
        " count INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS pattern_days ("
        " pattern_id INTEGER NOT NULL,"
        " day TEXT NOT NULL,"  # UTC, YYYY-MM-DD
        " severity INTEGER NOT NULL,"
        " count INTEGER NOT NULL,"
        " PRIMARY KEY (pattern_id, day, severity)) WITHOUT ROWID"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS pattern_state ("
        " id INTEGER PRIMARY KEY CHECK (id = 1),"
        " miner BLOB,"  # drain3's state, compressed
        " saved_at TEXT)"
    )
    db.execute("CREATE TABLE IF NOT EXISTS pattern_keys ("
               " key TEXT PRIMARY KEY,"  # a message with its digits blanked
               " pattern_id INTEGER NOT NULL) WITHOUT ROWID")
