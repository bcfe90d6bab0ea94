"""Schema 19: retention policies for events and incidents, and the record of each retention run.

An events policy names a log type (or ``*``), optionally a client, and optionally a
highest severity it covers (``max_severity`` 0 = debug only), so "debug 14 days" sits
beside "security 365 days". Which one applies to an event is ``app.retention.policy``'s
rule (the most specific wins). The incidents policy counts days after closing: until
then a closed incident's evidence stays; an open incident's evidence never goes. New
databases are created with ``auto_vacuum = INCREMENTAL`` (``Database.open``) so a purge
can hand the space back; older files need one VACUUM (``retention run --vacuum``).
On an upgraded file, scheduled runs (``watch``, the window's offer) stay off until
``retention auto on``: an upgrade must never start purging a ledger's history unasked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 19

SCHEMA = """
CREATE TABLE IF NOT EXISTS retention_policies (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL DEFAULT 'events' CHECK (scope IN ('events', 'incidents')),
    log_type TEXT NOT NULL DEFAULT '*',  -- a log type, or '*' for every type
    client TEXT,                         -- NULL: every client
    max_severity INTEGER CHECK (max_severity BETWEEN 0 AND 5),  -- NULL: every severity
    days INTEGER NOT NULL CHECK (days >= 1),
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS retention_policies_key
    ON retention_policies(scope, log_type, ifnull(client, ''), ifnull(max_severity, -1));
CREATE TABLE IF NOT EXISTS retention_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    now TEXT NOT NULL,                   -- the moment ages were counted from
    policy TEXT NOT NULL,                -- JSON snapshot of the policies applied
    state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'cancelled', 'dry-run')),
    archived INTEGER NOT NULL DEFAULT 0,
    purged INTEGER NOT NULL DEFAULT 0,
    kept_as_evidence INTEGER NOT NULL DEFAULT 0,
    archive_dir TEXT,
    manifest_sha256 TEXT
);
"""

DEFAULTS = (  # (scope, log_type, max_severity, days): the example, and 2 years for closed incidents
    ("events", "*", None, 90),
    ("events", "security", None, 365),
    ("events", "audit", None, 365),
    ("events", "*", 0, 14),
    ("incidents", "*", None, 730),
)


def upgrade(db: Database) -> None:
    from app.domain import timeutil
    from app.store.migrations.m0001_initial import _split

    for statement in _split(SCHEMA):
        db.execute(statement)
    now = timeutil.now_iso()
    for scope, log_type, max_severity, days in DEFAULTS:
        db.execute("INSERT OR IGNORE INTO retention_policies (scope, log_type, client, max_severity, days, updated_at)"
                   " VALUES (?, ?, NULL, ?, ?, ?)", (scope, log_type, max_severity, days, now))
    if not getattr(db, "created_now", False):  # an upgraded file: scheduled runs wait until someone turns them on
        db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('retention.auto', 'false')")
