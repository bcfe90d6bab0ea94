"""Event counts per UTC hour and dimension (schema 21): counts and charts that do not read every event.

``event_rollup`` holds, per hour (``b`` = floor of epoch ms / 3,600,000), log type,
severity, host, client, site and import, how many events there are (absent ids
are 0: no dictionary id is). The import writer adds each batch's counts in one
upsert (``add_rows``); the ``events`` view's insert trigger adds its row; triggers
on ``event_data`` take deleted and re-keyed rows back out, so retention purges,
removing an import (its cascade) and updates keep it exact.

A count or chart whose filter restricts only those dimensions and time is read
here for the whole hours inside its range, and from ``event_data`` for the part
hours at its edges: the same numbers as counting the rows. While an import runs
its events are hidden from readers (``visibility``) but already counted here, so
then every answer comes from the rows, except "nothing matches", which stays true
of a superset. Chart buckets follow the zone's wall clock: an hour of UTC lies in
one local bucket when every offset in range is whole hours and changes on the
hour, so half-hour zones (Asia/Kolkata) and minute buckets count the rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from app.domain.filters import Filter
from app.domain.zone_spans import OffsetSpan
from app.store.event_sql import iso_to_ms, name_sql

HOUR_MS = 3_600_000
ROLLUP_SINCE = 21  # the schema that brought event_rollup
KEY = ("b", "type_id", "severity", "host_id", "client_id", "site_id", "import_id")
# Filter fields the rollup can answer (statuses and priorities concern incidents only).
DIMENSION_FIELDS = {"log_types", "severities", "min_severity", "hosts", "clients", "sites", "statuses", "priorities"}
ANSWERABLE = {*DIMENSION_FIELDS, "since", "until"}
GROUPS = {"severity": "r.severity", "type": "nullif(r.type_id, 0)", "client": "nullif(r.client_id, 0)"}

TABLE = ("CREATE TABLE event_rollup (b INTEGER NOT NULL, type_id INTEGER NOT NULL, severity INTEGER NOT NULL,"
         " host_id INTEGER NOT NULL, client_id INTEGER NOT NULL, site_id INTEGER NOT NULL,"
         " import_id INTEGER NOT NULL, n INTEGER NOT NULL,"
         f" PRIMARY KEY ({', '.join(KEY)})) WITHOUT ROWID")
UPSERT = (f"INSERT INTO event_rollup ({', '.join(KEY)}, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          f" ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET n = n + excluded.n")


def hour_sql(t: str) -> str:
    """SQL for the hour number (floor, any sign) of epoch-ms ``t``."""
    return f"((({t}) - ((({t}) % {HOUR_MS}) + {HOUR_MS}) % {HOUR_MS}) / {HOUR_MS})"


def key_values(row: str) -> list[str]:
    """The rollup key of ``row`` (``old``, ``new``, a table alias) as SQL values, in ``KEY`` order."""
    return [hour_sql(row + ".t"), f"{row}.type_id", f"{row}.severity", f"ifnull({row}.host_id, 0)",
            f"ifnull({row}.client_id, 0)", f"ifnull({row}.site_id, 0)", f"ifnull({row}.import_id, 0)"]


def key_sql(row: str) -> str:
    return ", ".join(key_values(row))


def _key_match(row: str) -> str:
    return " AND ".join(f"{k} = {v}" for k, v in zip(KEY, key_values(row)))


FILL = (f"INSERT INTO event_rollup ({', '.join(KEY)}, n) SELECT {key_sql('e')}, count(*) FROM event_data e"
        f" WHERE e.id BETWEEN ? AND ? GROUP BY 1, 2, 3, 4, 5, 6, 7"
        f" ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET n = n + excluded.n")
FILL_STEP = 1_000_000  # ids per GROUP BY when filling: its sorter stays tens of MB, not the whole table's


def fill(db: Any) -> None:
    """Count every stored event into the rollup, a range of ids at a time."""
    low, high = db.execute("SELECT min(id), max(id) FROM event_data").fetchone()
    if low is None:
        return
    for start in range(int(low), int(high) + 1, FILL_STEP):
        db.execute(FILL, (start, start + FILL_STEP - 1))
# The rows a writer adds by id (the events view's insert trigger: one row, just inserted).
ADD_BY_ID = (f"INSERT INTO event_rollup ({', '.join(KEY)}, n) SELECT {key_sql('e')}, 1 FROM event_data e"
             f" WHERE e.id = last_insert_rowid() ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET n = n + 1")
TRIGGERS = (
    "CREATE TRIGGER event_rollup_ad AFTER DELETE ON event_data BEGIN"
    f" UPDATE event_rollup SET n = n - 1 WHERE {_key_match('OLD')}; END",
    "CREATE TRIGGER event_rollup_au AFTER UPDATE OF t, type_id, severity, host_id, client_id, site_id, import_id"
    f" ON event_data BEGIN UPDATE event_rollup SET n = n - 1 WHERE {_key_match('OLD')};"
    f" INSERT INTO event_rollup ({', '.join(KEY)}, n) VALUES ({key_sql('NEW')}, 1)"
    f" ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET n = n + 1; END",
)

# Positions in ``event_sql.BASE_COLUMNS`` rows: t, severity, type_id, host_id, client_id, site_id, import_id.
_T, _SEV, _TYPE, _HOST, _CLIENT, _SITE, _IMPORT = 0, 1, 2, 4, 11, 12, 13


def has_rollup(db: Any) -> bool:
    return int(db.user_version) >= ROLLUP_SINCE


def add_rows(db: Any, rows: Sequence[Sequence[Any]]) -> None:
    """Count encoded ``event_data`` rows (``BASE_COLUMNS`` order) into the rollup: one upsert per key."""
    counts = Counter((r[_T] // HOUR_MS, r[_TYPE], r[_SEV], r[_HOST] or 0, r[_CLIENT] or 0, r[_SITE] or 0,
                      r[_IMPORT] or 0) for r in rows)
    if counts:
        db.executemany(UPSERT, [(*k, n) for k, n in counts.items()])


def answers(f: Filter) -> bool:
    """Whether ``f`` restricts only what the rollup keeps (dimensions and time)."""
    return set(f.to_dict()) <= ANSWERABLE


def _running(db: Any) -> bool:
    return bool(db.scalar("SELECT EXISTS (SELECT 1 FROM imports WHERE status = 'running')"))


def _dims(f: Filter, zone: dt.tzinfo, now: dt.datetime | None) -> tuple[list[str], list[Any]]:
    """The filter's dimension conditions on rollup rows ``r`` (ids tested as on ``event_data``)."""
    from app.store.filter_sql import event_where

    w = event_where(Filter(**{k: getattr(f, k) for k in DIMENSION_FIELDS}), zone, now, "r")
    return list(w.clauses), list(w.params)


def _bounds(f: Filter, zone: dt.tzinfo, now: dt.datetime | None) -> tuple[int | None, int | None]:
    from app.store.filter_sql import FilterError

    try:
        since, until = f.time_bounds(zone, now)
    except ValueError as exc:
        raise FilterError(str(exc)) from None
    return (iso_to_ms(since) if since else None), (iso_to_ms(until) if until else None)


class Split:
    """A time range cut into whole hours (read from the rollup) and the part hours at its ends (from the rows)."""

    def __init__(self, lo: int | None, hi: int | None) -> None:
        from app.store.event_sql import ms_to_iso

        self.first = None if lo is None else -(-lo // HOUR_MS)  # first whole hour
        self.stop = None if hi is None else hi // HOUR_MS  # hour after the last whole one
        # The part hours as (since, until) in stored form: bounds the rows' time index can seek on.
        self.edges: list[tuple[str, str]] = []
        if lo is not None and self.first is not None and lo < self.first * HOUR_MS:
            self.edges.append((ms_to_iso(lo), ms_to_iso(self.first * HOUR_MS if hi is None
                                                          else min(hi, self.first * HOUR_MS))))
        if hi is not None and self.stop is not None and self.stop * HOUR_MS < hi and not self.empty:
            self.edges.append((ms_to_iso(self.stop * HOUR_MS), ms_to_iso(hi)))

    @property
    def empty(self) -> bool:
        return self.first is not None and self.stop is not None and self.first >= self.stop

    def clauses(self) -> tuple[list[str], list[Any]]:
        out, params = [], []
        if self.first is not None:
            out.append("r.b >= ?")
            params.append(self.first)
        if self.stop is not None:
            out.append("r.b < ?")
            params.append(self.stop)
        return out, params


def count(db: Any, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None) -> int | None:
    """The number of events matching ``f``, or None when the rollup cannot say (count the rows then)."""
    if not answers(f) or not has_rollup(db) or _running(db):
        return None
    split = Split(*_bounds(f, zone, now))
    if split.empty:
        return None
    dims, params = _dims(f, zone, now)
    times, times_params = split.clauses()
    where = " AND ".join([*dims, *times]) or "1"
    total = int(db.scalar(f"SELECT coalesce(sum(r.n), 0) FROM event_rollup r WHERE {where}", [*params, *times_params]))
    from app.store.filter_sql import event_where

    for since, until in split.edges:
        w = event_where(f.replace(since=since, until=until), zone, now, "e")
        total += int(db.scalar(f"SELECT count(*) FROM event_data e WHERE {w.sql()}", w.params))
    return total


def nothing(db: Any, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None) -> bool:
    """True when the rollup shows no event with ``f``'s dimensions in its time range: no page can have rows.

    Only the dimensions are asked (any other condition can only leave fewer rows), over
    the hours that touch the range, so it holds while an import runs too.
    """
    if not has_rollup(db):
        return False
    lo, hi = _bounds(f, zone, now)
    dims, params = _dims(f, zone, now)
    if lo is not None:
        dims.append("r.b >= ?")
        params.append(lo // HOUR_MS)
    if hi is not None:
        dims.append("r.b <= ?")
        params.append((hi - 1) // HOUR_MS)
    if len(dims) == 0:
        return False
    return not db.scalar(f"SELECT EXISTS (SELECT 1 FROM event_rollup r WHERE {' AND '.join(dims)} AND r.n > 0)",
                         params)


def whole_hours(spans: list[OffsetSpan]) -> bool:
    """Whether every UTC hour lies on one side of each offset change, at an offset of whole hours."""
    return all(s.offset % 3600 == 0 and (s.until is None or iso_to_ms(s.until) % HOUR_MS == 0) for s in spans)


def buckets(
    db: Any, f: Filter, zone: dt.tzinfo, size: str, spans: list[OffsetSpan], by: str | None,
    now: dt.datetime | None = None,
) -> list[tuple[int, Any, int]] | None:
    """(bucket number, group value, count) as ``aggregates.event_buckets`` gives them, or None when the
    rollup cannot answer (the rows are grouped then)."""
    from app.store import aggregates
    from app.store.local_time import sql_bucket

    if (size == "minute" or not answers(f) or not has_rollup(db) or not whole_hours(spans)
            or (by is not None and by not in GROUPS) or _running(db)):
        return None
    split = Split(*_bounds(f, zone, now))
    if split.empty:
        return None
    dims, params = _dims(f, zone, now)
    times, times_params = split.clauses()
    where = " AND ".join([*dims, *times]) or "1"
    expr, bucket_params = sql_bucket(size, spans, f"(r.b * {HOUR_MS})", ms=True)
    group = GROUPS[by] if by else "NULL"
    sql = (f"SELECT {expr} AS k, {group} AS g, sum(r.n) AS n FROM event_rollup r WHERE {where}"
           f" GROUP BY k, g HAVING sum(r.n) > 0")
    if by in ("type", "client"):
        sql = f"SELECT k, {name_sql('g')}, n FROM ({sql})"
    merged: Counter[tuple[int, Any]] = Counter()
    for k, g, n in aggregates.packed_rows(db, sql, [*bucket_params, *params, *times_params], 3):
        merged[(k, g)] += n
    edge_expr = sql_bucket(size, spans, "e.t", ms=True)
    for since, until in split.edges:
        for k, g, n in aggregates.event_buckets(db, f.replace(since=since, until=until), zone, edge_expr, by, now):
            merged[(k, g)] += n
    return [(k, g, n) for (k, g), n in merged.items()]


def type_client_groups(db: Any) -> list[tuple[str, str | None, int, int, str]]:
    """(log type, client, severity, count, oldest stored time) of every stored event, as retention groups them.

    Counts are the rollup's; the oldest time is looked up in the group's first hour only.
    Ordered as ``GROUP BY log_type, client, severity`` orders them (no client first).
    """
    from app.store.event_sql import ms_to_iso

    out = []
    groups = db.execute("SELECT type_id, client_id, severity, sum(n), min(b) FROM event_rollup WHERE n > 0"
                        " GROUP BY type_id, client_id, severity").fetchall()
    for type_id, client_id, severity, n, hour in groups:
        client = "client_id IS NULL" if client_id == 0 else "client_id = ?"
        first = db.scalar(f"SELECT min(t) FROM event_data WHERE t >= ? AND t < ? AND type_id = ? AND severity = ?"
                          f" AND {client}", [hour * HOUR_MS, (hour + 1) * HOUR_MS, type_id, severity,
                                             *([client_id] if client_id else [])])
        names = db.execute(f"SELECT {name_sql('?')}, {name_sql('?')}", (type_id, client_id or None)).fetchone()
        out.append((names[0], names[1], int(severity), int(n), ms_to_iso(int(first))))
    out.sort(key=lambda g: (g[0], g[1] is not None, g[1] or "", g[2]))
    return out


def client_names(db: Any) -> list[str] | None:
    """The clients of the visible events, from the rollup (None while an import runs: its rows are counted there)."""
    if not has_rollup(db) or _running(db):
        return None
    return [c for (c,) in db.execute(f"SELECT {name_sql('c')} FROM (SELECT DISTINCT client_id AS c FROM event_rollup"
                                     " WHERE client_id != 0 AND n > 0)")]
