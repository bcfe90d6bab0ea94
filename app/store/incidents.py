"""Writing and reading incident rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from app.store.database import Database
from app.store.settings import INCIDENT_NUMBER_FLOOR
from app.store.status_sql import OPEN_IN

if TYPE_CHECKING:
    from app.domain.filters import Filter

INCIDENT_COLUMNS: tuple[str, ...] = (
    "number", "title", "description", "log_type", "category", "subcategory", "impact", "urgency",
    "priority", "status", "hold_reason", "client", "site", "affected_seats", "reported_by", "assignee",
    "assignment_group", "opened_at", "first_seen_at", "acknowledged_at", "resolved_at", "closed_at", "downtime_minutes",
    "root_cause", "resolution_code", "resolution_notes", "external_key", "external_url", "tags",
    "created_at", "updated_at",
)


def format_number(n: int) -> str:
    return f"INC-{n:06d}"


def next_number(db: Database) -> str:
    """The next free ``INC-nnnnnn`` (numbers are never reused, even after a delete)."""
    last = db.scalar("SELECT max(CAST(substr(number, 5) AS INTEGER)) FROM incidents WHERE number LIKE 'INC-%'")
    floor = INCIDENT_NUMBER_FLOOR.read(db)
    return format_number(max(int(last or 0), int(floor or 0)) + 1)


def next_numbers(db: Database, count: int) -> list[str]:
    """``count`` consecutive free numbers (one query, for imports); call inside the writing transaction."""
    first = int(next_number(db)[4:])
    return [format_number(first + i) for i in range(count)]


def insert(db: Database, record: dict[str, Any]) -> int:
    """Insert one incident (missing columns take their defaults); returns its id."""
    cols = [c for c in INCIDENT_COLUMNS if c in record]
    sql = f"INSERT INTO incidents ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    return int(db.execute(sql, [record[c] for c in cols]).lastrowid or 0)


def add_holds(db: Database, rows: Iterable[tuple[int, str, str | None, str | None]]) -> None:
    """(incident_id, start_at, end_at, reason) spans during which the SLA clock stops."""
    db.executemany("INSERT INTO incident_holds (incident_id, start_at, end_at, reason) VALUES (?, ?, ?, ?)", rows)


def link_events(db: Database, incident_id: int, event_ids: Iterable[int]) -> None:
    db.executemany(
        "INSERT OR IGNORE INTO incident_events (incident_id, event_id) VALUES (?, ?)",
        ((incident_id, e) for e in event_ids),
    )


def get_by_number(db: Database, number: str) -> dict[str, Any] | None:
    rows = db.rows("SELECT * FROM incidents WHERE number = ?", (number,))
    return rows[0] if rows else None


def get(db: Database, incident_id: int) -> dict[str, Any] | None:
    rows = db.rows("SELECT * FROM incidents WHERE id = ?", (incident_id,))
    return rows[0] if rows else None


def update(db: Database, incident_id: int, changes: dict[str, Any]) -> None:
    """Set the given columns (names checked against the schema's list)."""
    cols = [c for c in changes if c in INCIDENT_COLUMNS and c != "number"]
    if not cols:
        return
    sql = f"UPDATE incidents SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?"
    db.execute(sql, [changes[c] for c in cols] + [incident_id])


def open_hold(db: Database, incident_id: int, start_at: str, reason: str | None) -> None:
    add_holds(db, [(incident_id, start_at, None, reason)])


def close_holds(db: Database, incident_id: int, end_at: str) -> None:
    db.execute("UPDATE incident_holds SET end_at = ? WHERE incident_id = ? AND end_at IS NULL", (end_at, incident_id))


def holds(db: Database, incident_ids: Iterable[int] | None = None) -> dict[int, list[tuple[str, str | None]]]:
    """On-hold spans per incident id; ``None`` ids means every incident."""
    out: dict[int, list[tuple[str, str | None]]] = {}
    if incident_ids is None:
        cur = db.execute("SELECT incident_id, start_at, end_at FROM incident_holds ORDER BY start_at")
        rows = list(cur)
    else:
        ids = list(incident_ids)
        rows = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows += list(db.execute(
                f"SELECT incident_id, start_at, end_at FROM incident_holds WHERE incident_id IN "
                f"({','.join('?' * len(chunk))}) ORDER BY start_at", chunk))
    for incident_id, start, end in rows:
        out.setdefault(incident_id, []).append((start, end))
    return out


def earliest_event_time(db: Database, event_ids: Iterable[int]) -> str | None:
    """The stored time of the earliest of ``event_ids`` (None when none exists)."""
    ids = list(event_ids)
    times = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        times.append(db.scalar(f"SELECT min(ts) FROM events WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return min((t for t in times if t), default=None)


def earliest_linked_time(db: Database, incident_id: int) -> str | None:
    """The incident's first seen: its earliest linked event's time."""
    return db.scalar("SELECT min(e.ts) FROM incident_events ie JOIN event_rows e ON e.id = ie.event_id "
                     "WHERE ie.incident_id = ?", (incident_id,))


def open_incidents(db: Database, limit: int = 2000) -> list[tuple[str, str]]:
    """(number, title) of incidents still being worked on, newest opened first (for pickers)."""
    return [(r[0], r[1]) for r in db.execute(
        f"SELECT number, title FROM incidents WHERE status IN {OPEN_IN} "
        "ORDER BY opened_at DESC, id DESC LIMIT ?", (limit,))]


def existing_event_ids(db: Database, event_ids: Iterable[int]) -> set[int]:
    """Which of ``event_ids`` are stored events."""
    ids = list(event_ids)
    found: set[int] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        found |= {r[0] for r in db.execute(f"SELECT id FROM events WHERE id IN ({','.join('?' * len(chunk))})", chunk)}
    return found


def linked_event_ids(db: Database, incident_id: int) -> list[int]:
    return [r[0] for r in db.execute("SELECT event_id FROM incident_events WHERE incident_id = ? ORDER BY event_id",
                                     (incident_id,))]


def linked_events(db: Database, incident_id: int, limit: int = 1000) -> list[dict[str, Any]]:
    """The evidence: events linked to the incident, oldest first."""
    return db.rows(
        "SELECT e.id, e.ts, e.severity, e.log_type, e.host, e.component, e.message, e.client, e.site"
        " FROM incident_events ie JOIN event_rows e ON e.id = ie.event_id WHERE ie.incident_id = ?"
        " ORDER BY e.ts, e.id LIMIT ?", (incident_id, limit))


def events_by_ids(db: Database, event_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Events for pre-filling an incident, oldest first."""
    ids = list(event_ids)
    out: list[dict[str, Any]] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out += db.rows(f"SELECT id, ts, severity, log_type, host, component, message, client, site FROM events"
                       f" WHERE id IN ({','.join('?' * len(chunk))})", chunk)
    return sorted(out, key=lambda r: (r["ts"], r["id"]))


def select(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None,
           limit: int | None = None) -> list[dict[str, Any]]:
    """Incidents matching the shared filter, newest opened first."""
    from app.store.filter_sql import incident_where

    w = incident_where(f, zone, now)
    sql = f"SELECT i.* FROM incidents i WHERE {w.sql()} ORDER BY i.opened_at DESC, i.id DESC"
    params = list(w.params)
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return db.rows(sql, params)


def existing_external_keys(db: Database, keys: Iterable[str]) -> dict[str, str]:
    """external_key -> number for incidents already in the database (re-import guard)."""
    ks = [k for k in set(keys) if k]
    out: dict[str, str] = {}
    for i in range(0, len(ks), 500):
        chunk = ks[i:i + 500]
        for key, number in db.execute(
                f"SELECT external_key, number FROM incidents WHERE external_key IN ({','.join('?' * len(chunk))})",
                chunk):
            out[key] = number
    return out


def delete(db: Database, incident_id: int) -> None:
    """Holds and event links go with the incident (foreign keys cascade)."""
    db.execute("DELETE FROM incidents WHERE id = ?", (incident_id,))


def all_by_number(db: Database) -> dict[str, dict[str, Any]]:
    """Every incident's columns by number (to compare with the audit trail's replay)."""
    return {r["number"]: r for r in db.rows(f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incidents")}


def first_seen_from_events(db: Database) -> dict[str, str]:
    """number -> earliest linked event time: how schema 9 filled ``first_seen_at`` without an audit row."""
    return {n: t for n, t in db.execute(
        "SELECT i.number, min(e.ts) FROM incidents i JOIN incident_events ie ON ie.incident_id = i.id"
        " JOIN event_rows e ON e.id = ie.event_id GROUP BY i.id")}


KNOWN_FIELDS: tuple[str, ...] = ("client", "site", "assignee", "assignment_group")


def known_values(db: Database) -> dict[str, list[str]]:
    """The names already in use per free-text field, for the incident form's completers.

    Clients come from incidents and events (a skip-scan of the events' client
    index); sites, assignees and groups from incidents.
    """
    out: dict[str, list[str]] = {}
    for name in KNOWN_FIELDS:
        sql = f"SELECT DISTINCT {name} FROM incidents WHERE {name} IS NOT NULL AND {name} != ''"
        if name == "client":
            sql += " UNION SELECT DISTINCT client FROM events WHERE client IS NOT NULL AND client != ''"
        out[name] = sorted({str(v) for (v,) in db.execute(sql)}, key=str.casefold)
    return out
