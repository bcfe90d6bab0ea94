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
from app.store import rollup
from app.store.database import Database
from app.store.event_sql import INSERT_SQL, LEGACY_INSERT, NameIds, encode_rows, resolve_rows, stored_table, ts_sql
from app.store.filter_sql import event_where

MIN_TS, MAX_TS = ts_sql("min(e.t)"), ts_sql("max(e.t)")


def insert_many(db: Database, rows: Iterable[Sequence[Any]], with_pattern: bool = False) -> int:
    """Insert rows ordered as ``EVENT_COLUMNS`` (then ``pattern_id`` if ``with_pattern``); the caller owns the
    transaction. Dimensions become dictionary ids and time epoch ms here (``app.store.event_sql``)."""
    if stored_table(db) == "events":
        return db.executemany(LEGACY_INSERT if with_pattern else LEGACY_INSERT.replace(", pattern_id", "").replace(
            ", ?)", ")"), list(rows)).rowcount
    encoded = list(encode_rows(db, rows, with_pattern))
    cur = db.executemany(INSERT_SQL, encoded)
    n = cur.rowcount
    if rollup.has_rollup(db):
        rollup.add_rows(db, encoded)
    return n


def insert_packed(db: Database, rows: Sequence[Sequence[Any]], ids: NameIds,
                  patterns: Sequence[int] | None = None) -> None:
    """Insert rows from ``event_sql.pack_rows`` (with their pattern ids), names swapped for ids from ``ids``;
    the caller owns the transaction (a new name is added in it)."""
    resolved = list(resolve_rows(rows, ids, patterns))  # a list: no per-row text check
    db.executemany(INSERT_SQL, resolved)
    if rollup.has_rollup(db):  # the hourly counts grow with every write path (app.store.rollup)
        rollup.add_rows(db, resolved)


def as_public(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row with its severity as a word, as the CLI and reports show it."""
    out = dict(row)
    if "severity" in out and out["severity"] is not None:
        out["severity"] = Severity(out["severity"]).label
    return out


def count(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None) -> int:
    """Matching events, counted as the browser counts them (full-text terms on the index)."""
    from app.store.browse import Browse

    return Browse("events", f, zone, now=now).count(db)


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
    """One page of matching events, continuing after the ``(ts, id)`` key given.

    Runs through ``Browse`` so a selective filter uses its own index and a broad
    one walks the time index (see ``app.store.browse``).
    """
    from app.store.browse import Browse

    b = Browse("events", f, zone, "time", newest_first, now)
    rows = b.page(db, after, limit, columns=tuple(columns))
    for r in rows:
        r.pop("_key", None)
    return rows


def get(db: Database, event_id: int) -> dict[str, Any] | None:
    rows = db.rows("SELECT * FROM events WHERE id = ?", (event_id,))
    return rows[0] if rows else None


def linked_incidents(db: Database, event_id: int) -> list[dict[str, Any]]:
    return db.rows(
        "SELECT i.number, i.title, i.status, i.priority FROM incident_events ie "
        "JOIN incidents i ON i.id = ie.incident_id WHERE ie.event_id = ? ORDER BY i.opened_at",
        (event_id,),
    )


def context(db: Database, event: dict[str, Any], lines: int = 5) -> list[dict[str, Any]]:
    """Up to ``lines`` events either side of ``event`` from the same import, by line (like ``grep -C``)."""
    if event.get("import_id") is None or event.get("line_no") is None:
        return []
    sql_before = ("SELECT id, line_no, ts, severity, raw, message FROM event_rows WHERE import_id = ? AND line_no < ? "
                  "ORDER BY line_no DESC LIMIT ?")
    sql_after = ("SELECT id, line_no, ts, severity, raw, message FROM event_rows WHERE import_id = ? AND line_no >= ? "
                 "ORDER BY line_no, id LIMIT ?")
    before = db.rows(sql_before, (event["import_id"], event["line_no"], lines))
    after = db.rows(sql_after, (event["import_id"], event["line_no"], lines * 2 + 1))
    here = [r for r in after if r["line_no"] == event["line_no"]]
    rest = [r for r in after if r["line_no"] != event["line_no"]][:lines]
    return list(reversed(before)) + here + rest


def details(db: Database, event_id: int, context_lines: int = 5) -> dict[str, Any] | None:
    """Everything the details pane shows: the row, its import, linked incidents and context."""
    event = get(db, event_id)
    if event is None:
        return None
    imp = db.rows("SELECT id, file, path, format, started_at FROM imports WHERE id = ?", (event["import_id"],))
    return {
        "event": event,
        "import": imp[0] if imp else None,
        "incidents": linked_incidents(db, event_id),
        "context": context(db, event, context_lines),
    }


def histogram(
    db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None,
    cancelled: Any = None, all_time: bool = False,
) -> dict[str, Any]:
    """Events per time bucket and severity, for the timeline strip: the trend chart's bars.

    Buckets are local minutes, hours, days or weeks in ``zone``, sized from the range
    by the charts' chooser (``time_buckets.choose``, from the time that has events when
    long empty stretches are folded) and counted by ``time_counts.bucket_counts`` as the
    trend chart counts them, so a bar starts where the chart's does, in half-hour zones
    and across DST too.
    ``counts`` maps each bucket's start (stored-form UTC) -> six counts, debug to
    critical; ``size`` names the bucket and ``width`` is its length in seconds
    (a local day can be 23 or 25 hours). Without a time range in the filter it covers
    the 30 days ending at the newest matching event unless ``all_time``; ``earliest``
    then names the first event the window leaves out (None when nothing is left out).
    """
    from app.domain import chart_window, time_buckets, timeutil
    from app.store.browse import CHECK_EVERY, REGEX_CHECK_EVERY, _guard

    every = REGEX_CHECK_EVERY if f.regex else CHECK_EVERY
    earliest = None
    if not all_time and not chart_window.has_time_range(f):
        with _guard(db.conn, None, cancelled, every=every):
            first, last = _first_last(db, f, zone, now)
        narrowed = chart_window.windowed(f, last)
        if first is not None and narrowed.since is not None and first < narrowed.since:
            f, earliest = narrowed, first
    since, until = f.time_bounds(zone, now)
    with _guard(db.conn, None, cancelled, every=every):
        lo, hi = _first_last(db, f, zone, now, since, until)
    if not lo or not hi:
        return {"start": None, "end": None, "size": "hour", "width": 3600, "counts": {}, "earliest": None}
    start = timeutil.from_iso(lo)
    end = timeutil.from_iso(until) if until else timeutil.from_iso(hi) + dt.timedelta(milliseconds=1)
    size = time_buckets.choose(start, end)
    with _guard(db.conn, None, cancelled, every=every):
        counts = _severity_buckets(db, f, zone, size, start, end, now)
        finer = chart_window.finer_size(size, start, end, zone, {timeutil.from_iso(k): sum(c)
                                                                  for k, c in counts.items()})
        if finer is not None:
            size, counts = finer, _severity_buckets(db, f, zone, finer, start, end, now)
    return {"start": lo, "end": hi, "size": size, "width": time_buckets.SECONDS[size], "counts": counts,
            "earliest": earliest}


def _first_last(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None,
                first: str | None = None, last: str | None = None) -> tuple[str | None, str | None]:
    """The first and last matching stored times, looking up only the ends not given.

    Without a regex each end is an index look-up; with one, a single pass finds both.
    """
    if first and last:
        return first, last
    w = event_where(f, zone, now)
    if f.regex:
        lo, hi = db.execute(f"SELECT {MIN_TS}, {MAX_TS} FROM event_rows e WHERE {w.sql()}", w.params).fetchone()
        return first or lo, last or hi
    return (first or db.scalar(f"SELECT {MIN_TS} FROM event_rows e WHERE {w.sql()}", w.params),
            last or db.scalar(f"SELECT {MAX_TS} FROM event_rows e WHERE {w.sql()}", w.params))


def _severity_buckets(db: Database, f: Filter, zone: dt.tzinfo, size: str, start: dt.datetime,
                      end: dt.datetime, now: dt.datetime | None) -> dict[str, list[int]]:
    """Bucket start (stored-form UTC) -> six severity counts, counted as the trend chart counts them."""
    from app.domain import timeutil
    from app.store.time_counts import bucket_counts, grouped_counts, listable

    counts: dict[str, list[int]] = {}
    if not listable(size, start, end):  # a stamp from year 1 beside today's: count the buckets that have events
        for when, sev, n in grouped_counts(db, f, zone, size, start, end, "severity", now):
            counts.setdefault(timeutil.to_iso(when), [0] * 6)[int(sev)] += n
        return counts
    starts, _ends, by_severity = bucket_counts(db, f, zone, size, start, end, "severity", now)
    for sev, row in by_severity.items():
        for i, n in enumerate(row):
            if n:
                counts.setdefault(timeutil.to_iso(starts[i]), [0] * 6)[int(sev)] += n
    return counts


def local_day_start(stored: str, zone: dt.tzinfo) -> str:
    """The stored-form UTC start of the local day (in ``zone``) holding ``stored``: the charts' day bucket."""
    from app.domain import time_buckets, timeutil

    return timeutil.to_iso(time_buckets.floor(timeutil.from_iso(stored), "day", zone))
