"""Keyset browsing over events or incidents: pages, counts and sparse anchors.

A ``Browse`` fixes one filter (relative times resolved once), one sort and one
direction. Pages continue from a sort key, never an OFFSET, so row 900,000
costs what row 1 does. ``anchors`` records the key of every Nth row in one
pass, which lets a table jump to any row by seeking from the nearest anchor.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from app.domain.filters import Filter
from app.domain.jobs import Cancelled
from app.store import driver, rollup
from app.store.database import Database
from app.store.event_sql import column_sql, iso_to_ms
from app.store.filter_sql import Where, event_where, fts_in, incident_where
from app.store.visibility import HIDDEN_FROM

Key = tuple[Any, ...]
ScanProgress = Callable[[int, int], None]  # (rows tested by the regex, rows it has to test)

EVENT_SORTS: dict[str, tuple[str, ...]] = {"time": ("ts", "id"), "severity": ("severity", "ts", "id")}
INCIDENT_SORTS: dict[str, tuple[str, ...]] = {
    "time": ("opened_at", "id"), "priority": ("priority", "opened_at", "id"), "number": ("number",),
}
EVENT_LIST_COLUMNS = ("id", "ts", "severity", "log_type", "host", "component", "event_code", "client", "site",
                      "substr(message, 1, 300) AS message",
                      # which reader wrote the event (a primary-key look-up per shown row): the table
                      # labels a Windows event's code and component as its Event ID and provider
                      "(SELECT i.format FROM imports i WHERE i.id = t.import_id) AS source_format", "flags")
INCIDENT_LIST_COLUMNS = ("id", "number", "opened_at", "title", "status", "priority", "log_type", "client", "site",
                         "assignee", "acknowledged_at", "resolved_at", "closed_at")


@dataclass(frozen=True)
class BrowseSpec:
    kind: str
    table: str
    fts: str
    sorts: dict[str, tuple[str, ...]]
    columns: tuple[str, ...]
    order_indexes: dict[str, str]  # sort -> index that yields rows in that order
    stored: bool = False  # events: read ``event_data`` itself (``app.store.event_sql``), time as epoch ms

    def column(self, name: str) -> str:
        """SQL selecting column ``name`` as the listing shows it."""
        if " AS " in name:
            return name
        return f"{column_sql(name, 't.')} AS {name}" if self.stored else f"t.{name}"

    def key(self, name: str) -> str:
        """SQL of sort column ``name`` as it is ordered and compared."""
        return "t.t" if self.stored and name == "ts" else f"t.{name}"

    def key_value(self, name: str) -> str:
        """SQL of sort column ``name`` as handed out in ``_key`` (stored text, as before)."""
        return column_sql(name, "t.") if self.stored else f"t.{name}"

    def bind(self, names: tuple[str, ...], key: Key) -> list[Any]:
        """A handed-out key as parameters for ``key``'s SQL."""
        return [iso_to_ms(v) if self.stored and n == "ts" and isinstance(v, str) else v for n, v in zip(names, key)]


SPECS = {
    "events": BrowseSpec("events", "event_data", "events_fts", EVENT_SORTS, EVENT_LIST_COLUMNS,
                        {"time": "events_browse", "severity": "events_sev_ts"}, stored=True),
    "incidents": BrowseSpec("incidents", "incidents", "incidents_fts", INCIDENT_SORTS, INCIDENT_LIST_COLUMNS,
                           {"time": "incidents_opened", "number": "sqlite_autoindex_incidents_1"}),
}


# How long the "walk the order index and filter" plan may run before the
# filter is judged selective and the planner's own choice (filter index, then sort) runs instead.
SCAN_BUDGET_S = 0.012
# A full-text filter first builds its match list (tens of ms for a common word), which both
# plans pay; the walk gets that much longer before it is judged too slow.
FTS_SCAN_BUDGET_S = 0.04
# A full-text match list at most this long is read straight from the index (rowid
# lookups, then a sort): a few ms, where walking the order index to find nothing
# would first spend the whole budget.
SMALL_MATCH = 2000
# A long match list's time-ordered page looks at this much time first (ms), then this many times more
# each round, for at most this long before the usual plans take over.
WINDOW_MS = 600_000
WINDOW_GROWTH = 64
WINDOW_BUDGET_S = 0.3
# Only match lists at least this long are read that way.
DENSE_MATCH = 20_000
# A regex scan reports its progress at most this often (seconds).
PROGRESS_EVERY_S = 0.1
# SQLite steps between cancel checks: a few rows' worth, many more with a regex (a Python call per row).
CHECK_EVERY = 2000
REGEX_CHECK_EVERY = 50


class _Budget:
    def __init__(self) -> None:
        self.expired = False


@contextlib.contextmanager
def _guard(conn: sqlite3.Connection, seconds: float | None,
           cancelled: Callable[[], bool] | None, tick: Callable[[], None] | None = None,
           every: int = CHECK_EVERY) -> Iterator[_Budget]:
    """Interrupt the running statement when the budget runs out or the caller cancels.

    ``tick`` is called as the statement runs (to report progress); if it raises,
    the statement stops as if cancelled.
    """
    budget = _Budget()
    deadline = None if seconds is None else time.perf_counter() + seconds

    def check() -> int:
        if cancelled is not None and cancelled():
            return 1
        if deadline is not None and time.perf_counter() > deadline:
            budget.expired = True
            return 1
        if tick is not None:
            try:
                tick()
            except Exception:  # noqa: BLE001 - a progress reporter saying "stop" (e.g. Cancelled)
                return 1
        return 0

    if seconds is None and cancelled is None and tick is None:
        yield budget
        return
    conn.set_progress_handler(check, every)
    try:
        yield budget
    except driver.OperationalError as exc:
        if cancelled is not None and cancelled() and "interrupt" in str(exc):
            raise Cancelled() from None
        raise
    finally:
        conn.set_progress_handler(None, 0)


def lean(db: Database) -> Database:
    """A window's background connection, bounded in memory for good: ``Database.stay_lean`` does it."""
    return db.stay_lean()


class Browse:
    """One filtered, sorted listing; cheap to make, holds no connection."""

    def __init__(self, kind: str, f: Filter, zone: dt.tzinfo, sort: str = "time", descending: bool = True,
                 now: dt.datetime | None = None) -> None:
        self.spec = SPECS[kind]
        if sort not in self.spec.sorts:
            raise ValueError(f"sort: unknown {sort!r}; expected one of {', '.join(self.spec.sorts)}")
        self.filter = f
        self.zone, self.now = zone, now
        self.sort = sort
        self.descending = descending
        self.key_columns = self.spec.sorts[sort]
        build = event_where if kind == "events" else incident_where
        self.where: Where = build(f, zone, now, "t")
        # The same rows before the regex: how many a regex scan has to test.
        self.unscanned: Where | None = build(f.replace(regex=None), zone, now, "t") if f.regex else None
        self._every = REGEX_CHECK_EVERY if f.regex else CHECK_EVERY

    def _order(self, reverse: bool) -> tuple[str, str]:
        desc = self.descending != reverse
        direction = "DESC" if desc else "ASC"
        return ("<" if desc else ">"), ", ".join(f"{self.spec.key(c)} {direction}" for c in self.key_columns)

    def _key_sql(self) -> str:
        cols = ", ".join(self.spec.key(c) for c in self.key_columns)
        return f"({cols})" if len(self.key_columns) > 1 else cols

    def page(self, db: Database, after: Key | None = None, limit: int = 100, reverse: bool = False,
             inclusive: bool = False, cancelled: Callable[[], bool] | None = None,
             columns: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """Rows after key ``after`` (or from the start; from the end when ``reverse``).

        Each row carries ``_key``, its sort key, to continue from. A short
        full-text match list is read directly. Otherwise two plans are tried:
        walking the order's index (fast unless the filter is selective), then,
        once a short budget runs out, the planner's pick (fast when it is).
        """
        index = self.spec.order_indexes.get(self.sort)
        if self.spec.stored and self.where.clauses and rollup.nothing(db, self.filter, self.zone, self.now):
            return []  # the rollup holds no event of these dimensions in the range: no row can match
        if self.where.fts and self._small_match(db, cancelled):
            with _guard(db.conn, None, cancelled, every=self._every):
                return self._page(db, after, limit, reverse, inclusive, "", columns)
        if self.where.fts:
            with _guard(db.conn, None, cancelled, every=self._every):
                rows = self._windowed(db, after, limit, reverse, inclusive, columns)
            if rows is not None:
                return rows
        if index and self.where.clauses:
            seconds = FTS_SCAN_BUDGET_S if self.where.fts else SCAN_BUDGET_S
            with _guard(db.conn, seconds, cancelled, every=self._every) as budget:
                try:
                    return self._page(db, after, limit, reverse, inclusive, index, columns)
                except driver.OperationalError as exc:
                    if not budget.expired or "interrupt" not in str(exc):
                        raise
        with _guard(db.conn, None, cancelled, every=self._every):
            return self._page(db, after, limit, reverse, inclusive, None, columns)

    def _small_match(self, db: Database, cancelled: Callable[[], bool] | None) -> bool:
        """Whether some full-text condition matches at most ``SMALL_MATCH`` rows (reads at most that many)."""
        with _guard(db.conn, None, cancelled, every=self._every):
            for table, query in self.where.fts:
                n = db.scalar(f"SELECT count(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ? "
                              f"LIMIT {SMALL_MATCH + 1})", [query])
                if int(n) <= SMALL_MATCH:
                    return True
        return False

    def _windowed(self, db: Database, after: Key | None, limit: int, reverse: bool, inclusive: bool,
                  columns: tuple[str, ...] | None) -> list[dict[str, Any]] | None:
        """A time-ordered page of a long full-text match list, read over a growing window of time.

        Only the window's events are tested, against the matches among their ids (FTS5 seeks
        a rowid range), so a word in every tenth event costs a page, not its million matches.
        Once the window holds ``limit`` rows they are the page: every row outside it lies
        further along the order. None (the usual plans then) when the order is not time or
        the window walk has used ``WINDOW_BUDGET_S`` of CPU without filling the page.
        """
        match = fts_in("t.id", self.spec.fts)
        if self.sort != "time" or not self.spec.stored or match not in self.where.clauses:
            return None
        at = self.where.clauses.index(match)
        before = sum(c.count("?") for c in self.where.clauses[:at])  # parameters ahead of the MATCH query
        dense = db.scalar(f"SELECT count(*) FROM (SELECT rowid FROM {self.spec.fts} WHERE {self.spec.fts} MATCH ?"
                          f" LIMIT {DENSE_MATCH})", [self.where.params[before]])
        if int(dense) < DENSE_MATCH:  # a few thousand matches: reading them all is quicker than any window
            return None
        desc = self.descending != reverse
        edge = self.spec.bind(("ts",), (after[0],))[0] if after is not None else db.scalar(
            f"SELECT {'max' if desc else 'min'}(t) FROM event_data")
        end = db.scalar(f"SELECT {'min' if desc else 'max'}(t) FROM event_data")
        if edge is None or end is None:
            return []
        index = self.spec.order_indexes["time"]
        started, width = time.process_time(), WINDOW_MS  # CPU time: a busy box does not cut the walk short
        while time.process_time() - started < WINDOW_BUDGET_S:
            lo, hi = (edge - width, edge) if desc else (edge, edge + width)
            first, last = db.execute(f"SELECT min(id), max(id) FROM event_data INDEXED BY {index}"
                                     " WHERE t >= ? AND t <= ?", (lo, hi)).fetchone()
            w = Where(list(self.where.clauses), list(self.where.params), guard=self.where.guard)
            w.clauses[at] = match.replace(" MATCH ?)", " MATCH ? AND rowid BETWEEN ? AND ?)")
            w.params[before + 1:before + 1] = [first if first is not None else 0, last if last is not None else -1]
            w.add("t.t >= ?" if desc else "t.t <= ?", lo if desc else hi)
            rows = self._page(db, after, limit, reverse, inclusive, index, columns, w)
            if len(rows) == limit or (lo <= end if desc else hi >= end):  # full, or the window holds every event
                return rows
            # grow by what the window found: about twice the time it would take to fill the page
            width *= min(max(2 * limit // max(len(rows), 1), 2), WINDOW_GROWTH)
        return None

    def _page(self, db: Database, after: Key | None, limit: int, reverse: bool, inclusive: bool,
              index: str | None, columns: tuple[str, ...] | None, within: Where | None = None,
              ) -> list[dict[str, Any]]:
        op, order = self._order(reverse)
        w = self.where if within is None else within
        clauses, params = w.guarded(w.clauses), list(w.params)
        if after is not None:
            marks = ", ".join("?" * len(after))
            clauses.append(f"{self._key_sql()} {op}{'=' if inclusive else ''} ({marks})"
                           if len(after) > 1 else f"{self._key_sql()} {op}{'=' if inclusive else ''} ?")
            params.extend(self.spec.bind(self.key_columns, after))
        where = " AND ".join(clauses) or "1"
        cols = ", ".join(self.spec.column(c) for c in (columns or self.spec.columns))
        keys = ", ".join(f"{self.spec.key_value(c)} AS _k{i}" for i, c in enumerate(self.key_columns))
        # index "" = NOT INDEXED: only rowid lookups, i.e. from the full-text match list.
        hint = f" INDEXED BY {index}" if index else (" NOT INDEXED" if index == "" else "")
        sql = f"SELECT {cols}, {keys} FROM {self.spec.table} t{hint} WHERE {where} ORDER BY {order} LIMIT ?"
        out = db.rows(sql, [*params, limit])
        n = len(self.key_columns)
        for row in out:
            row["_key"] = tuple(row.pop(f"_k{i}") for i in range(n))
        return out

    def count(self, db: Database, cancelled: Callable[[], bool] | None = None,
              progress: ScanProgress | None = None) -> int:
        """Matching rows. Full-text conditions are counted on the index where possible.

        A lone full-text condition is counted from its match list alone (no row
        lookups). So are lone "must not contain" words: all rows minus the matches,
        instead of testing a million rows against the list. With other conditions
        the test stays per row: it is bounded by the rows those conditions select.
        With a regex, ``progress`` hears how many rows it has tested of how many.
        """
        if self.unscanned is not None and progress is not None:
            return self._scan_count(db, cancelled, progress)
        if self.spec.stored:
            n = rollup.count(db, self.filter, self.zone, self.now)
            if n is not None:
                return n
        w = self.where
        with _guard(db.conn, None, cancelled, every=self._every):
            if w.excluded is None or len(w.clauses) > 1:
                return self._count(db, w.clauses, w.params)
            _, fts, query = w.excluded
            return self._count(db, [], []) - self._count(db, [fts_in("t.id", fts)], [query])

    def _scan_count(self, db: Database, cancelled: Callable[[], bool] | None, progress: ScanProgress) -> int:
        """The regex count, first sizing the rows it will test, then reporting as it tests them."""
        assert self.unscanned is not None
        with _guard(db.conn, None, cancelled, every=self._every):
            total = self._count(db, self.unscanned.clauses, self.unscanned.params)
        start = db.regexp.tested
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            if now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                progress(min(db.regexp.tested - start, total), total)

        with _guard(db.conn, None, cancelled, tick, every=self._every):
            n = self._count(db, self.where.clauses, self.where.params)
        progress(total, total)
        return n

    def _count(self, db: Database, clauses: list[str], params: list[Any]) -> int:
        fts = self.spec.fts
        if clauses == [fts_in("t.id", fts)]:
            hidden = f" AND rowid < {HIDDEN_FROM}" if self.where.guard else ""
            return int(db.scalar(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH ?{hidden}", params))
        where = " AND ".join(self.where.guarded(clauses)) or "1"
        return int(db.scalar(f"SELECT count(*) FROM {self.spec.table} t WHERE {where}", params))

    def anchors(self, db: Database, every: int, cancelled: Callable[[], bool] | None = None) -> list[Key]:
        """Keys of rows ``every``, ``2*every``, ... (0-based row ``k*every`` for k >= 1), in order."""
        import itertools

        _, order = self._order(False)
        cols = ", ".join(self.spec.key_value(c) for c in self.key_columns)
        sql = f"SELECT {cols} FROM {self.spec.table} t WHERE {self.where.sql()} ORDER BY {order}"
        with _guard(db.conn, None, cancelled, every=self._every):
            cur = db.execute(sql, self.where.params)
            return [tuple(r) for r in itertools.islice(cur, every, None, every)]
