"""Schema 1: events and their imports, incidents, links, the audit trail, settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 1

SCHEMA = """
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,                 -- file name as the user knows it
    path TEXT,                          -- full path at import time (member path for archives)
    size INTEGER,
    sha256 TEXT,
    format TEXT,
    tz TEXT,
    log_type TEXT,
    client TEXT,
    site TEXT,
    options TEXT,                       -- JSON of the import options
    status TEXT NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'complete', 'cancelled', 'failed', 'incomplete')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    read_count INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    continuation INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    message TEXT,
    actor TEXT
);
CREATE INDEX imports_sha256 ON imports(sha256);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,                   -- UTC, ISO-8601 with ms and Z
    severity INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 5),
    log_type TEXT NOT NULL CHECK (log_type IN
        ('application', 'system', 'network', 'security', 'error', 'audit', 'event')),
    raw_level TEXT,
    host TEXT,
    component TEXT,
    pid INTEGER,
    event_code TEXT,
    message TEXT NOT NULL,
    raw TEXT,
    client TEXT,
    site TEXT,
    import_id INTEGER REFERENCES imports(id) ON DELETE CASCADE,
    line_no INTEGER,
    flags INTEGER NOT NULL DEFAULT 0    -- bit 0: undecodable bytes replaced
);
CREATE INDEX events_ts ON events(ts, id);
CREATE INDEX events_type_sev_ts ON events(log_type, severity, ts);
CREATE INDEX events_sev_ts ON events(severity, ts);
CREATE INDEX events_host ON events(host, ts);
CREATE INDEX events_component ON events(component, ts);
CREATE INDEX events_client ON events(client, ts);
CREATE INDEX events_import ON events(import_id, line_no);

CREATE VIRTUAL TABLE events_fts USING fts5(
    message, content='events', content_rowid='id', tokenize='unicode61'
);
CREATE TRIGGER events_fts_ai AFTER INSERT ON events BEGIN
    INSERT INTO events_fts(rowid, message) VALUES (new.id, new.message);
END;
CREATE TRIGGER events_fts_ad AFTER DELETE ON events BEGIN
    INSERT INTO events_fts(events_fts, rowid, message) VALUES ('delete', old.id, old.message);
END;
CREATE TRIGGER events_fts_au AFTER UPDATE OF message ON events BEGIN
    INSERT INTO events_fts(events_fts, rowid, message) VALUES ('delete', old.id, old.message);
    INSERT INTO events_fts(rowid, message) VALUES (new.id, new.message);
END;

CREATE TABLE import_rejects (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    line_no INTEGER,
    reason TEXT NOT NULL,
    raw TEXT
);
CREATE INDEX import_rejects_import ON import_rejects(import_id, line_no);

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,        -- INC-000123
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    log_type TEXT NOT NULL CHECK (log_type IN
        ('application', 'system', 'network', 'security', 'error', 'audit', 'event')),
    category TEXT,
    subcategory TEXT,
    impact INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 3),
    urgency INTEGER NOT NULL CHECK (urgency BETWEEN 1 AND 3),
    priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN
        ('new', 'in-progress', 'on-hold', 'resolved', 'closed', 'cancelled')),
    hold_reason TEXT,
    client TEXT,
    site TEXT,
    affected_seats INTEGER,
    reported_by TEXT,
    assignee TEXT,
    assignment_group TEXT,
    opened_at TEXT NOT NULL,
    acknowledged_at TEXT,
    resolved_at TEXT,
    closed_at TEXT,
    downtime_minutes REAL,
    root_cause TEXT,
    resolution_code TEXT,
    resolution_notes TEXT,
    external_key TEXT,
    external_url TEXT,
    tags TEXT NOT NULL DEFAULT '',      -- comma-separated
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX incidents_opened ON incidents(opened_at, id);
CREATE INDEX incidents_status ON incidents(status, priority);
CREATE INDEX incidents_client ON incidents(client, opened_at);

CREATE TABLE incident_holds (          -- on-hold spans pause the SLA clock
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    start_at TEXT NOT NULL,
    end_at TEXT,
    reason TEXT
);
CREATE INDEX incident_holds_incident ON incident_holds(incident_id);

CREATE VIRTUAL TABLE incidents_fts USING fts5(
    title, description, content='incidents', content_rowid='id', tokenize='unicode61'
);
CREATE TRIGGER incidents_fts_ai AFTER INSERT ON incidents BEGIN
    INSERT INTO incidents_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER incidents_fts_ad AFTER DELETE ON incidents BEGIN
    INSERT INTO incidents_fts(incidents_fts, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
END;
CREATE TRIGGER incidents_fts_au AFTER UPDATE OF title, description ON incidents BEGIN
    INSERT INTO incidents_fts(incidents_fts, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
    INSERT INTO incidents_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;

CREATE TABLE incident_events (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, event_id)
) WITHOUT ROWID;
CREATE INDEX incident_events_event ON incident_events(event_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,               -- create, update, transition, import, export, delete, ...
    entity TEXT NOT NULL,               -- incident, import, report, settings, ...
    entity_id TEXT,
    old TEXT,                           -- JSON
    new TEXT,                           -- JSON
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL                 -- JSON
);
"""


def upgrade(db: Database) -> None:
    for statement in _split(SCHEMA):
        db.execute(statement)


def _split(script: str) -> list[str]:
    """Split a DDL script into statements (``executescript`` would commit our transaction)."""
    import sqlite3

    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
