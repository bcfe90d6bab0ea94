"""Schema 15: alert rules and their firings.

A rule is a saved filter (the same JSON saved views hold) with a condition and its
actions; a firing records when it fired, on which host, over which events and what it
did (the incident it made or updated). Firings outlive their rule: the rule's name is
kept on each, and removing the rule only clears ``rule_id``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 15


def upgrade(db: Database) -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS alert_rules ("
        " id INTEGER PRIMARY KEY,"
        " name TEXT NOT NULL UNIQUE,"
        " filter TEXT NOT NULL DEFAULT '{}',"  # JSON: app.domain.filters.Filter.to_dict()
        " pattern_id INTEGER,"  # the filter's pattern, when it names one
        " condition TEXT NOT NULL CHECK (condition IN ('count', 'spike', 'new_pattern', 'heartbeat')),"
        " threshold INTEGER NOT NULL DEFAULT 1,"
        " window_s INTEGER NOT NULL CHECK (window_s > 0),"
        " baseline INTEGER NOT NULL DEFAULT 12,"  # spike: earlier windows making the baseline
        " min_score REAL NOT NULL DEFAULT 3.5,"  # spike: robust z to reach
        " severity TEXT NOT NULL DEFAULT 'warning',"
        " cooldown_s INTEGER NOT NULL DEFAULT 1800,"
        " notify INTEGER NOT NULL DEFAULT 1,"
        " incident INTEGER NOT NULL DEFAULT 0,"
        " impact INTEGER CHECK (impact BETWEEN 1 AND 3),"
        " urgency INTEGER CHECK (urgency BETWEEN 1 AND 3),"
        " client TEXT,"
        " site TEXT,"
        " tz TEXT NOT NULL DEFAULT 'UTC',"
        " enabled INTEGER NOT NULL DEFAULT 1,"
        " created_at TEXT NOT NULL,"
        " updated_at TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS alert_firings ("
        " id INTEGER PRIMARY KEY,"
        " rule_id INTEGER REFERENCES alert_rules(id) ON DELETE SET NULL,"
        " rule_name TEXT NOT NULL,"
        " condition TEXT NOT NULL,"
        " severity TEXT NOT NULL,"
        " fired_at TEXT NOT NULL,"  # wall clock, when it was recorded
        " trigger_at TEXT NOT NULL,"  # event time the condition was met (the cooldown counts from it)
        " window_start TEXT,"
        " window_end TEXT,"
        " count INTEGER NOT NULL DEFAULT 0,"
        " score REAL,"
        " host TEXT NOT NULL DEFAULT '',"  # '' when the events carry no host
        " pattern_id INTEGER,"
        " notify INTEGER NOT NULL DEFAULT 0,"
        " action TEXT NOT NULL CHECK (action IN ('recorded', 'incident-created', 'incident-updated')),"
        " incident_number TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS alert_firings_rule ON alert_firings(rule_id, host, trigger_at)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS alert_firing_events ("
        " firing_id INTEGER NOT NULL REFERENCES alert_firings(id) ON DELETE CASCADE,"
        " event_id INTEGER NOT NULL,"
        " PRIMARY KEY (firing_id, event_id)) WITHOUT ROWID"
    )
