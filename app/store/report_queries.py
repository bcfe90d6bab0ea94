"""The reads behind Excel and CSV exports: streaming cursors and small cross tables.

Exports can cover millions of events, so event and audit reads are cursors
iterated in place (never ``fetchall``), and a whole export reads one snapshot:
``snapshot`` holds a read transaction so the counts on the Summary sheet, the
rows on the data sheets and the audit-chain head all describe the same moment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from app.domain.filters import Filter
from app.store.database import Database
from app.store.events import PUBLIC_COLUMNS
from app.store.filter_sql import event_where

EVENT_EXPORT_COLUMNS: tuple[str, ...] = (*PUBLIC_COLUMNS, "flags")
AUDIT_COLUMNS: tuple[str, ...] = (
    "id", "ts", "actor", "action", "entity", "entity_id", "old", "new", "prev_hash", "hash",
)
_FETCH = 2000


@contextlib.contextmanager
def snapshot(db: Database) -> Iterator[Database]:
    """A read transaction: every read inside sees the same committed state (WAL)."""
    db.execute("BEGIN DEFERRED")
    try:
        db.scalar("SELECT count(*) FROM audit_log WHERE id = 0")  # takes the read mark now
        yield db
    finally:
        db.conn.execute("COMMIT")


def checkpoint(db: Database) -> tuple[int, int, int]:
    """Copy the WAL into the main file so its hash covers committed data; (busy, wal frames, copied).

    PASSIVE never waits on other connections: when a reader holds frames back
    the caller says so instead of hanging the export.
    """
    row = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def iter_events(
    db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None,
    columns: Sequence[str] = EVENT_EXPORT_COLUMNS,
) -> Iterator[tuple[Any, ...]]:
    """Matching events oldest first as tuples in ``columns`` order, streamed from the cursor."""
    w = event_where(f, zone, now)
    cols = ", ".join("e." + c for c in columns)
    cur = db.execute(f"SELECT {cols} FROM event_rows e WHERE {w.sql()} ORDER BY e.ts, e.id", w.params)
    cur.arraysize = _FETCH
    while True:
        batch = cur.fetchmany()
        if not batch:
            return
        yield from batch


def event_span(
    db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None
) -> tuple[str | None, str | None]:
    """First and last matching event time (stored form), for the report's period line."""
    w = event_where(f, zone, now)
    row = db.execute(f"SELECT min(e.ts), max(e.ts) FROM event_rows e WHERE {w.sql()}", w.params).fetchone()
    return row[0], row[1]


def event_cross_table(
    db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None
) -> list[tuple[str, int, int]]:
    """(log_type, severity, count) for every combination that occurs."""
    w = event_where(f, zone, now)
    sql = f"SELECT e.log_type, e.severity, count(*) FROM event_rows e WHERE {w.sql()} GROUP BY 1, 2"
    return [(r[0], int(r[1]), int(r[2])) for r in db.execute(sql, w.params)]


def event_hourly_counts(
    db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None, width: int = 13
) -> list[tuple[str, int, int]]:
    """(UTC hour 'YYYY-MM-DDTHH' — or minute with ``width=16`` — severity, count).

    The caller folds the buckets into local days; minutes are for zones whose
    offset is not a whole number of hours.
    """
    if width not in (13, 16):
        raise ValueError("width: 13 (hours) or 16 (minutes)")
    w = event_where(f, zone, now)
    sql = (f"SELECT substr(e.ts, 1, {width}), e.severity, count(*) FROM event_rows e WHERE {w.sql()}"
           " GROUP BY 1, 2 ORDER BY 1")
    return [(r[0], int(r[1]), int(r[2])) for r in db.execute(sql, w.params)]


def linked_event_counts(db: Database, incident_ids: Sequence[int]) -> dict[int, int]:
    """How many events each incident links to."""
    out: dict[int, int] = {}
    for start in range(0, len(incident_ids), 500):
        chunk = list(incident_ids[start:start + 500])
        sql = (f"SELECT incident_id, count(*) FROM incident_events WHERE incident_id IN"
               f" ({','.join('?' * len(chunk))}) GROUP BY incident_id")
        out.update({int(a): int(b) for a, b in db.execute(sql, chunk)})
    return out


def count_audit(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM audit_log"))


def iter_audit(db: Database) -> Iterator[dict[str, Any]]:
    """The audit trail in chain order, as dicts, streamed."""
    cur = db.execute(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log ORDER BY id")
    cur.arraysize = _FETCH
    while True:
        batch = cur.fetchmany()
        if not batch:
            return
        for values in batch:
            yield dict(zip(AUDIT_COLUMNS, values))


def recent_exports(db: Database, limit: int = 20) -> list[dict[str, Any]]:
    """The latest export entries of the audit trail, newest first (the Reports page lists them)."""
    return db.rows(
        "SELECT id, ts, actor, entity_id, new FROM audit_log WHERE action = 'export' AND entity = 'report'"
        " ORDER BY id DESC LIMIT ?", (limit,),
    )


def incident_titles(db: Database, numbers: Sequence[str]) -> dict[str, str]:
    """number -> title of the incidents named (the Patterns sheet lists a pattern's incidents with their titles)."""
    wanted = list(dict.fromkeys(numbers))
    out: dict[str, str] = {}
    for at in range(0, len(wanted), 500):
        part = wanted[at:at + 500]
        out.update((str(n), str(t)) for n, t in db.execute(
            f"SELECT number, title FROM incidents WHERE number IN ({', '.join('?' * len(part))})", part))
    return out
