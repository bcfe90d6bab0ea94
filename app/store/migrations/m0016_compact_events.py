"""Schema 16: the compact event store (``app.store.event_sql`` describes the layout).

The old ``events`` table is copied into ``event_data`` (time as epoch ms, text
dimensions as dictionary ids, ``raw`` only where the message does not rebuild
it), then dropped and replaced by the ``events`` view with the same columns.
Row ids do not change, so incident links stay as they are; the full-text
index (``events_fts``) is rebuilt over ``event_data`` without per-row sizes
(``event_sql.FTS_TABLE``: 10 bytes per event less).
``incident_events`` is rebuilt to point at ``event_data`` (a foreign key cannot
name a view). Everything runs in the migration's one transaction: a failure or
Cancel rolls back to the old file untouched.

Indexes, chosen with benchmarks/bench_plans.py and bench_store_size.py:
``events_browse`` (t, type, severity, client, site, host, component) serves the
time walk and the picker filters from the index alone; ``events_sev_ts`` the
severity sort and counts; ``events_host`` a host's rows; ``events_import`` the
context lines and removing an import; ``events_pattern``/``events_pattern_mix``
the Patterns page; ``events_unmined`` (partial, empty once mined) the backfill.
The old type/component/client indexes and ``events_ts`` are gone: the covering
``events_browse`` answers their filters by walking ~25 bytes per event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.event_sql import EVENTS_VIEW, FTS_TABLE, FTS_TRIGGERS, RAW_NONE, RAW_WHOLE, ROWS_VIEW, VIEW_TRIGGERS

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 16

TABLES = (
    "CREATE TABLE event_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    "CREATE TABLE event_data ("
    " id INTEGER PRIMARY KEY,"
    " t INTEGER NOT NULL,"  # UTC epoch milliseconds
    " severity INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 5),"
    " type_id INTEGER NOT NULL,"  # event_names ids from here
    " level_id INTEGER, host_id INTEGER, component_id INTEGER,"
    " pid INTEGER, event_code TEXT, message TEXT NOT NULL,"
    " raw_pre TEXT, raw_post TEXT,"  # raw = raw_pre || message || raw_post (see event_sql)
    " client_id INTEGER, site_id INTEGER,"
    " import_id INTEGER REFERENCES imports(id) ON DELETE CASCADE,"
    " line_no INTEGER,"
    " flags INTEGER NOT NULL DEFAULT 0,"
    " pattern_id INTEGER)",
)

INDEXES = (
    "CREATE INDEX events_browse ON event_data(t, type_id, severity, client_id, site_id, host_id, component_id)",
    "CREATE INDEX events_sev_ts ON event_data(severity, t)",
    "CREATE INDEX events_host ON event_data(host_id, t)",
    "CREATE INDEX events_import ON event_data(import_id, line_no)",
    "CREATE INDEX events_pattern ON event_data(pattern_id, t)",
    "CREATE INDEX events_pattern_mix ON event_data(pattern_id, severity, host_id, t)",
    "CREATE INDEX events_unmined ON event_data(id) WHERE pattern_id IS NULL",
)

_AT = "instr(raw, message)"
COPY = (
    "INSERT INTO event_data (id, t, severity, type_id, level_id, host_id, component_id, pid, event_code, message,"
    " raw_pre, raw_post, client_id, site_id, import_id, line_no, flags, pattern_id)"
    " SELECT id, iso_ms(ts), severity,"
    " (SELECT id FROM event_names WHERE name = log_type), (SELECT id FROM event_names WHERE name = raw_level),"
    " (SELECT id FROM event_names WHERE name = host), (SELECT id FROM event_names WHERE name = component),"
    " pid, event_code, message,"
    f" CASE WHEN raw IS NULL THEN NULL WHEN {_AT} = 0 THEN raw ELSE nullif(substr(raw, 1, {_AT} - 1), '') END,"
    f" CASE WHEN raw IS NULL OR {_AT} = 0 THEN NULL ELSE nullif(substr(raw, {_AT} + length(message)), '') END,"
    " (SELECT id FROM event_names WHERE name = client), (SELECT id FROM event_names WHERE name = site),"
    " import_id, line_no,"
    f" flags | CASE WHEN raw IS NULL THEN {RAW_NONE} WHEN {_AT} = 0 THEN {RAW_WHOLE} ELSE 0 END,"
    " pattern_id FROM events ORDER BY id"
)


def upgrade(db: Database) -> None:
    from app.store.event_sql import iso_to_ms

    db.conn.create_function("iso_ms", 1, iso_to_ms, deterministic=True)
    for sql in TABLES:
        db.execute(sql)
    db.execute("INSERT OR IGNORE INTO event_names(name) SELECT v FROM ("
               " SELECT DISTINCT log_type AS v FROM events UNION SELECT DISTINCT raw_level FROM events"
               " UNION SELECT DISTINCT host FROM events UNION SELECT DISTINCT component FROM events"
               " UNION SELECT DISTINCT client FROM events UNION SELECT DISTINCT site FROM events)"
               " WHERE v IS NOT NULL")
    db.execute(COPY)
    # Links move to a table whose key points at event_data, before the old table goes.
    db.execute("CREATE TABLE incident_events_new ("
               " incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
               " event_id INTEGER NOT NULL REFERENCES event_data(id) ON DELETE CASCADE,"
               " PRIMARY KEY (incident_id, event_id)) WITHOUT ROWID")
    db.execute("INSERT INTO incident_events_new SELECT incident_id, event_id FROM incident_events")
    db.execute("DROP TABLE incident_events")
    db.execute("ALTER TABLE incident_events_new RENAME TO incident_events")
    db.execute("CREATE INDEX incident_events_event ON incident_events(event_id)")
    for trigger in ("events_fts_ai", "events_fts_ad", "events_fts_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE events_fts")
    db.execute("DROP TABLE events")
    for sql in (ROWS_VIEW, EVENTS_VIEW, *VIEW_TRIGGERS, FTS_TABLE, *FTS_TRIGGERS, *INDEXES):
        db.execute(sql)
    db.execute("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")
    if db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"):
        db.execute("ANALYZE event_data")
