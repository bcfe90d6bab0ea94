"""Schema 18: connections to Jira, ServiceNow and Zendesk, the outbox of pushes, and incident ↔ ticket links.

A push is written to the outbox first (with its audit row) and sent after, so an
outage or a 5xx loses nothing and a restart resumes it. A connection stores the
*name* of an environment variable at most, never a secret (those live in the OS
keyring). Links and outbox rows keep the incident's number, not its id: a deleted
incident's ticket stays findable, and numbers are never reused. An alert rule
may name a connection its incidents are pushed to (``alert_rules.push_to``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 18

SCHEMA = """
CREATE TABLE IF NOT EXISTS connections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('jira', 'servicenow', 'zendesk')),
    base_url TEXT NOT NULL,
    project TEXT,                       -- Jira project key, ServiceNow assignment group, Zendesk brand id
    user TEXT,                          -- e-mail or user name for basic authentication
    auth TEXT NOT NULL DEFAULT 'basic' CHECK (auth IN ('basic', 'bearer')),
    secret_env TEXT,                    -- the NAME of an environment variable holding the secret
    mapping TEXT NOT NULL DEFAULT '{}', -- field-mapping overrides (JSON)
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    connection TEXT NOT NULL REFERENCES connections(name) ON DELETE CASCADE,
    incident TEXT NOT NULL,             -- INC-000123
    operation TEXT NOT NULL CHECK (operation IN ('create', 'update', 'comment', 'pull')),
    payload TEXT NOT NULL DEFAULT '{}',
    idempotency_key TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_status INTEGER,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox(state, next_attempt_at);
CREATE INDEX IF NOT EXISTS outbox_incident ON outbox(incident, connection);
CREATE TABLE IF NOT EXISTS ticket_links (
    incident TEXT NOT NULL,
    connection TEXT NOT NULL REFERENCES connections(name) ON DELETE CASCADE,
    remote_id TEXT,                     -- what the API addresses: Jira key, ServiceNow sys_id, Zendesk id
    external_key TEXT,                  -- what people read: OPS-12, INC0010001, 4711
    external_url TEXT,
    remote_status TEXT,
    remote_assignee TEXT,
    pushed_audit_id INTEGER,            -- the incident's last audit row sent
    pushed_hash TEXT,                   -- hash of the state last sent, so an unchanged incident sends nothing
    pulled_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (incident, connection)
) WITHOUT ROWID;
"""


def upgrade(db: Database) -> None:
    from app.store.migrations.m0001_initial import _split

    for statement in _split(SCHEMA):
        db.execute(statement)
    columns = {r[1] for r in db.execute("PRAGMA table_info(alert_rules)")}
    if columns and "push_to" not in columns:
        db.execute("ALTER TABLE alert_rules ADD COLUMN push_to TEXT")
