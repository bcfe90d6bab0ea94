"""Schema 13: events by pattern, for a pattern's drill-down and the Patterns page.

``events_pattern(pattern_id, ts)`` (the row id comes last in every index) serves the
drill-down (``pattern_id = ?`` within the filter's times, newest first) and the page's
sparklines: one range count per pattern and local bucket, which sorts nothing.
``events_pattern_mix(pattern_id, severity, host, ts)`` gives the page's counts, severity
mix and hosts in one scan that SQLite streams in index order (a GROUP BY on any other
index sorts every row first: 1.7 s on a million events), and covers time filters.
The price is paid at import: about 20 % more CPU (README.md, "Recurring patterns").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 13


def upgrade(db: Database) -> None:
    db.execute("CREATE INDEX IF NOT EXISTS events_pattern ON events(pattern_id, ts)")
    db.execute("CREATE INDEX IF NOT EXISTS events_pattern_mix ON events(pattern_id, severity, host, ts)")
    # A file whose tables were analysed gets figures for the new indexes too (as in schema 8).
    if db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"):
        db.execute("ANALYZE events_pattern")
        db.execute("ANALYZE events_pattern_mix")
