"""Retention's SQL: policies, the events a policy reaches, their purge and restore, runs, and compaction.

Every DELETE and INSERT of events that retention makes is here (restore goes
through ``app.store.events.insert_many``), so a change to how events are stored
is adapted in one place. Deciding what is due is ``app.retention``'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from app.domain import timeutil
from app.domain.event_row import EVENT_COLUMNS
from app.store import audit, driver, rollup, settings
from app.store.database import Database
from app.store.db_errors import translate
from app.store.status_sql import FINAL_IN

# What an archive line holds: the fields of ``events --output json``, then what a faithful restore needs.
ARCHIVE_COLUMNS = (
    "id", "ts", "log_type", "severity", "raw_level", "host", "component", "pid", "event_code", "message",
    "client", "site", "import_id", "line_no", "pattern_id", "raw", "flags",
)
_ARCHIVE_SELECT = ", ".join(f"e.{c}" for c in ARCHIVE_COLUMNS) + ", i.sha256 AS import_sha256, i.file AS import_file"


# -- policies ----------------------------------------------------------------------
def policies(db: Database) -> list[dict[str, Any]]:
    """Every policy, events first, the broadest first."""
    return db.rows("SELECT id, scope, log_type, client, max_severity, days, updated_at FROM retention_policies"
                   " ORDER BY scope DESC, log_type = '*' DESC, log_type, client IS NOT NULL, client,"
                   " ifnull(max_severity, -1)")


def set_policy(db: Database, scope: str, log_type: str, client: str | None, max_severity: int | None,
               days: int) -> int | None:
    """Create or change one policy, audited in the same transaction; returns the days it had (None: new)."""
    key = (scope, log_type, client or "", -1 if max_severity is None else max_severity)
    where = "scope = ? AND log_type = ? AND ifnull(client, '') = ? AND ifnull(max_severity, -1) = ?"
    with db.transaction():
        old = db.scalar(f"SELECT days FROM retention_policies WHERE {where}", key)
        now = timeutil.now_iso()
        if old is None:
            db.execute("INSERT INTO retention_policies (scope, log_type, client, max_severity, days, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)", (scope, log_type, client, max_severity, days, now))
        else:
            db.execute(f"UPDATE retention_policies SET days = ?, updated_at = ? WHERE {where}", (days, now, *key))
        name = f"{scope}:{log_type}" + (f"@{client}" if client else "") + (
            f"<={max_severity}" if max_severity is not None else "")
        audit.append(db, "retention-policy", "settings", name, old=None if old is None else {"days": old},
                     new={"scope": scope, "log_type": log_type, "client": client, "max_severity": max_severity,
                          "days": days})
    return None if old is None else int(old)


# -- what is due -------------------------------------------------------------------
def event_groups(db: Database) -> list[tuple[str, str | None, int, int, str]]:
    """(log type, client, severity, count, oldest ts) of the stored events: what policies are matched against."""
    if rollup.has_rollup(db):  # counted per hour already: no pass over every event
        return rollup.type_client_groups(db)
    rows = db.execute("SELECT log_type, client, severity, count(*), min(ts) FROM events"
                      " GROUP BY log_type, client, severity").fetchall()
    return [(r[0], r[1], int(r[2]), int(r[3]), r[4]) for r in rows]


def protected_ids(db: Database, closed_before: str) -> set[int]:
    """Evidence that stays: events linked to an incident still open, or closed on or after ``closed_before``."""
    rows = db.execute(
        "SELECT DISTINCT ie.event_id FROM incident_events ie JOIN incidents i ON i.id = ie.incident_id"
        f" WHERE i.status NOT IN {FINAL_IN} OR coalesce(i.closed_at, i.updated_at) >= ?", (closed_before,))
    return {int(r[0]) for r in rows}


def due_ids(db: Database, log_type: str, client: str | None, severity: int, before: str) -> list[int]:
    """Ids of one group's events older than ``before``, in id order (the events_type_sev_ts index finds them)."""
    rows = db.execute("SELECT id FROM events WHERE log_type = ? AND severity = ? AND client IS ? AND ts < ?"
                      " ORDER BY id", (log_type, severity, client, before))
    return [int(r[0]) for r in rows]


def archive_rows(db: Database, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The events ``ids`` as archived (with their import's file name and SHA-256), in id order."""
    return db.rows(f"SELECT {_ARCHIVE_SELECT} FROM events e LEFT JOIN imports i ON i.id = e.import_id"
                   " WHERE e.id IN (SELECT value FROM json_each(?)) ORDER BY e.id", (json.dumps(list(ids)),))


# -- purge -------------------------------------------------------------------------
def delete_events_batch(db: Database, ids: Sequence[int]) -> int:
    """Delete these events (their full-text rows and closed incidents' links go by trigger and cascade);
    the caller owns the transaction. The rows go from ``event_data`` itself: a DELETE on the ``events`` view
    runs its trigger once a row and reports no changes."""
    cur = db.execute("DELETE FROM event_data WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))
    return int(cur.rowcount)


# -- restore -----------------------------------------------------------------------
def identity_rows_between(db: Database, first: str, last: str) -> Iterator[dict[str, Any]]:
    """The fields an event's identity is made of, for the events stored between two times (inclusive)."""
    cur = db.execute("SELECT e.ts, e.log_type, e.host, e.message, e.line_no, i.sha256 AS import_sha256"
                     " FROM events e LEFT JOIN imports i ON i.id = e.import_id WHERE e.ts BETWEEN ? AND ?",
                     (first, last))
    names = [d[0] for d in cur.description or ()]
    for r in cur:
        yield dict(zip(names, r))


def import_for_restore(db: Database, row: dict[str, Any], note: str) -> int | None:
    """The import a restored event belongs to here: the same one if it still exists, one with the same file
    SHA-256, else a new import row saying it came back from an archive (``None`` for an event of no file)."""
    if row.get("import_id") is None:
        return None
    sha, name = row.get("import_sha256"), row.get("import_file") or "(archive)"
    same = db.scalar("SELECT id FROM imports WHERE id = ? AND sha256 IS ?", (row["import_id"], sha))
    if same is not None:
        return int(same)
    if sha is not None:
        found = db.scalar("SELECT id FROM imports WHERE sha256 = ? ORDER BY id LIMIT 1", (sha,))
        if found is not None:
            return int(found)
    now = timeutil.now_iso()
    cur = db.execute("INSERT INTO imports (file, sha256, log_type, client, site, status, started_at, finished_at,"
                     " message) VALUES (?, ?, ?, ?, ?, 'complete', ?, ?, ?)",
                     (name, sha, row.get("log_type"), row.get("client"), row.get("site"), now, now, note))
    return int(cur.lastrowid or 0)


def insert_restored(db: Database, rows: Iterable[dict[str, Any]]) -> int:
    """Insert archived events (``import_id`` already mapped); the caller owns the transaction."""
    from app.store import events

    return events.insert_many(db, (tuple(r.get(c) for c in EVENT_COLUMNS) for r in rows))


# -- runs --------------------------------------------------------------------------
def start_run(db: Database, now: str, policy: Any, archive_dir: str | None, dry_run: bool) -> int:
    with db.transaction():
        cur = db.execute("INSERT INTO retention_runs (started_at, now, policy, state, archive_dir)"
                         " VALUES (?, ?, ?, ?, ?)", (timeutil.now_iso(), now, json.dumps(policy, sort_keys=True),
                                                     "dry-run" if dry_run else "running", archive_dir))
    return int(cur.lastrowid or 0)


def finish_run(db: Database, run_id: int, state: str, counts: dict[str, int], manifest_sha256: str | None) -> None:
    """Record how a run ended; inside the caller's transaction when it has one."""
    with db.transaction():
        db.execute("UPDATE retention_runs SET finished_at = ?, state = ?, archived = ?, purged = ?,"
                   " kept_as_evidence = ?, manifest_sha256 = ? WHERE id = ?",
                   (timeutil.now_iso(), state, counts.get("archived", 0), counts.get("purged", 0),
                    counts.get("kept_as_evidence", 0), manifest_sha256, run_id))


def last_run(db: Database) -> dict[str, Any] | None:
    """The latest run that was not a dry run (when retention last ran for real)."""
    rows = db.rows("SELECT * FROM retention_runs WHERE state != 'dry-run' ORDER BY id DESC LIMIT 1")
    return rows[0] if rows else None


# -- compaction --------------------------------------------------------------------
def space(db: Database) -> dict[str, int]:
    """The file's auto_vacuum mode (0 none, 1 full, 2 incremental), pages, free pages and page size."""
    return {name: int(db.scalar(f"PRAGMA {name}"))
            for name in ("auto_vacuum", "page_count", "freelist_count", "page_size")}


def incremental_vacuum(db: Database) -> int:
    """Hand the free pages back to the file system (incremental auto-vacuum files); returns pages freed."""
    before = int(db.scalar("PRAGMA freelist_count"))
    # Python's execute() steps a statement without result columns once, which frees one page; the script
    # interface steps it to the end.
    try:
        db.conn.executescript("PRAGMA incremental_vacuum;")
    except driver.Error as exc:
        raise translate(exc, db.path) from exc
    return before - int(db.scalar("PRAGMA freelist_count"))


def vacuum_to_incremental(db: Database) -> None:
    """Switch an older file to incremental auto-vacuum: one full VACUUM rewrites it (slow on a big file)."""
    db.execute("PRAGMA auto_vacuum=INCREMENTAL")
    db.execute("VACUUM")


def set_auto(db: Database, on: bool, actor: str | None = None) -> bool:
    """Turn scheduled runs on or off (audited); returns the old value."""
    with db.transaction():
        old = settings.RETENTION_AUTO.read(db)
        settings.RETENTION_AUTO.write(db, on)
        audit.append(db, "update", "settings", settings.RETENTION_AUTO.key, old=old, new=on, actor=actor)
    return old
