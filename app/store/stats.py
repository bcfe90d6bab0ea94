"""Whole-database counts for the status bar and ``issue-ledger stats``."""

from __future__ import annotations

from typing import Any

from app.domain.vocab import LOG_TYPES, SEVERITIES, STATUSES
from app.store.database import Database
from app.store.event_sql import name_sql
from app.store.visibility import HIDDEN_FROM, visible


def summary(db: Database) -> dict[str, Any]:
    """Counts by log type, by severity and by incident status (every key present, zero or not)."""
    by_type = dict.fromkeys(LOG_TYPES, 0)
    sql = f"SELECT {name_sql('type_id')}, count(*) FROM event_data WHERE {visible()} GROUP BY type_id"
    for name, n in db.execute(sql):
        by_type[name] = n
    by_sev = dict.fromkeys(SEVERITIES, 0)
    for sev, n in db.execute(f"SELECT severity, count(*) FROM event_data WHERE {visible()} GROUP BY severity"):
        by_sev[SEVERITIES[sev]] = n
    by_status = dict.fromkeys(STATUSES, 0)
    for name, n in db.execute("SELECT status, count(*) FROM incidents GROUP BY status"):
        by_status[name] = n
    return {
        "events": sum(by_type.values()),
        "incidents": sum(by_status.values()),
        "imports": int(db.scalar("SELECT count(*) FROM imports")),
        "events_by_log_type": by_type,
        "events_by_severity": by_sev,
        "incidents_by_status": by_status,
    }


def quick_counts(db: Database) -> tuple[int, int]:
    """Event and incident totals for the status bar (a full count: run it off the GUI thread)."""
    events = db.scalar(f"SELECT count(*) FROM event_data WHERE {visible()}")
    incidents = db.scalar("SELECT count(*) FROM incidents")
    return int(events or 0), int(incidents or 0)


def is_empty(db: Database) -> bool:
    """No events and no incidents: answered from the first index entry, so fine on the GUI thread."""
    return not db.scalar(f"SELECT EXISTS (SELECT 1 FROM event_data WHERE {visible()}) "
                         "OR EXISTS (SELECT 1 FROM incidents)")


def data_version(db: Database) -> int:
    """SQLite's counter of commits made by *other* connections since ``db`` opened.

    It changes only on a connection that stays open, and costs no table read:
    the window polls it to notice what the CLI or another window wrote.
    """
    return int(db.scalar("PRAGMA data_version"))


def change_marks(db: Database) -> tuple[int, ...]:
    """The newest event, incident, import and audit row ids: what moves when the data a page shows changes.

    Every change to incidents, imports and saved views is in the audit trail, and
    new events take new ids, so these four index look-ups tell a real change from
    a commit that only touched the planner's statistics (``PRAGMA optimize``).
    """
    # The newest *visible* event: a running import's steps (ids from its start up) move nothing until it completes.
    row = db.execute(f"SELECT min((SELECT max(id) FROM event_data), {HIDDEN_FROM} - 1),"
                     " (SELECT max(id) FROM incidents), "
                     "(SELECT max(id) FROM imports), (SELECT max(id) FROM audit_log)").fetchone()
    return tuple(int(v or 0) for v in row)
