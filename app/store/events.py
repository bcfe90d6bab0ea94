"""Reading and writing events.

Bulk writes go through ``executemany`` inside one transaction; reads page with
keyset conditions on ``(ts, id)`` so the millionth row costs what the first does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from app.domain.filters import Filter
from app.domain.vocab import Severity
from app.store.database import Database
from app.store.filter_sql import check_search, event_where

EVENT_COLUMNS: tuple[str, ...] = (
    "ts", "severity", "log_type", "raw_level", "host", "component", "pid", "event_code",
    "message", "raw", "client", "site", "import_id", "line_no", "flags",
)
_INSERT = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"


def insert_many(db: Database, rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows ordered as ``EVENT_COLUMNS``; the caller owns the transaction."""
    cur = db.executemany(_INSERT, rows)
    return cur.rowcount


def as_public(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row with its severity as a word, as the CLI and reports show it."""
    out = dict(row)
    if "severity" in out and out["severity"] is not None:
        out["severity"] = Severity(out["severity"]).label
    return out


def count(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None) -> int:
    if f.search:
        check_search(db.conn, "events_fts", f.search)
    w = event_where(f, zone, now)
    return int(db.scalar(f"SELECT count(*) FROM events e WHERE {w.sql()}", w.params))


PUBLIC_COLUMNS = (
    "id", "ts", "log_type", "severity", "raw_level", "host", "component", "pid",
    "event_code", "message", "client", "site", "import_id", "line_no",
)


def page(
    db: Database,
    f: Filter,
    zone: dt.tzinfo,
    *,
    limit: int = 100,
    after: tuple[str, int] | None = None,
    newest_first: bool = True,
    columns: Sequence[str] = PUBLIC_COLUMNS,
    now: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """One page of matching events, continuing after the ``(ts, id)`` key given."""
    if f.search:
        check_search(db.conn, "events_fts", f.search)
    w = event_where(f, zone, now)
    op, order = ("<", "DESC") if newest_first else (">", "ASC")
    if after is not None:
        w.add(f"(e.ts, e.id) {op} (?, ?)", after[0], after[1])
    cols = ", ".join("e." + c for c in columns)
    sql = f"SELECT {cols} FROM events e WHERE {w.sql()} ORDER BY e.ts {order}, e.id {order} LIMIT ?"
    return db.rows(sql, [*w.params, limit])


def get(db: Database, event_id: int) -> dict[str, Any] | None:
    rows = db.rows("SELECT * FROM events WHERE id = ?", (event_id,))
    return rows[0] if rows else None
