"""Compile a ``Filter`` into a WHERE clause with bound parameters.

Nothing a user types is ever pasted into SQL: values are parameters, and the
full-text query is checked by FTS5 itself so a bad one gives a clear message.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any

from app.domain.filters import Filter
from app.domain.vocab import Severity


class FilterError(ValueError):
    """The filter cannot be run as written (for example an unbalanced quote in the search)."""


@dataclass
class Where:
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1"


def _in(where: Where, column: str, values: tuple[Any, ...]) -> None:
    if values:
        where.add(f"{column} IN ({','.join('?' * len(values))})", *values)


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def event_where(f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None, alias: str = "e") -> Where:
    """WHERE for the events table (aliased ``alias``)."""
    w = Where()
    a = alias + "."
    _in(w, a + "log_type", f.log_types)
    if f.severities:
        _in(w, a + "severity", tuple(int(Severity.parse(s)) for s in f.severities))
    if f.min_severity:
        w.add(a + "severity >= ?", int(Severity.parse(f.min_severity)))
    since, until = _bounds(f, zone, now)
    if since:
        w.add(a + "ts >= ?", since)
    if until:
        w.add(a + "ts < ?", until)
    _in(w, a + "host", f.hosts)
    _in(w, a + "component", f.components)
    _in(w, a + "client", f.clients)
    _in(w, a + "site", f.sites)
    if f.search and f.search.strip():
        w.add(a + "id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)", f.search.strip())
    for term in f.include:
        w.add(a + "message LIKE ? ESCAPE '\\'", f"%{_like_escape(term)}%")
    for term in f.exclude:
        w.add(a + "message NOT LIKE ? ESCAPE '\\'", f"%{_like_escape(term)}%")
    return w


def incident_where(f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None, alias: str = "i") -> Where:
    """WHERE for the incidents table; time bounds apply to ``opened_at``."""
    w = Where()
    a = alias + "."
    _in(w, a + "log_type", f.log_types)
    _in(w, a + "status", f.statuses)
    _in(w, a + "priority", f.priorities)
    _in(w, a + "client", f.clients)
    _in(w, a + "site", f.sites)
    since, until = _bounds(f, zone, now)
    if since:
        w.add(a + "opened_at >= ?", since)
    if until:
        w.add(a + "opened_at < ?", until)
    if f.search and f.search.strip():
        w.add(a + "id IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?)", f.search.strip())
    for term in f.include:
        w.add(f"({a}title || ' ' || {a}description) LIKE ? ESCAPE '\\'", f"%{_like_escape(term)}%")
    for term in f.exclude:
        w.add(f"({a}title || ' ' || {a}description) NOT LIKE ? ESCAPE '\\'", f"%{_like_escape(term)}%")
    return w


def _bounds(f: Filter, zone: dt.tzinfo, now: dt.datetime | None) -> tuple[str | None, str | None]:
    try:
        return f.time_bounds(zone, now)
    except ValueError as exc:
        raise FilterError(str(exc)) from None


# Empty FTS5 tables with the real tables' columns: MATCH on them parses the query
# (with FTS5's own messages) without reading a single doclist, so a check costs
# microseconds even for a query like ``a*`` that would scan a big index.
_FTS_COLUMNS = {"events_fts": "message", "incidents_fts": "title, description"}
_syntax = threading.local()


def _syntax_conn() -> Any:
    import sqlite3

    conn = getattr(_syntax, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:")
        for table, columns in _FTS_COLUMNS.items():
            conn.execute(f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, tokenize='unicode61')")
        _syntax.conn = conn
    return conn


def check_search(conn: Any, table: str, query: str) -> None:
    """Raise ``FilterError`` with a one-line message when FTS5 cannot parse ``query``.

    ``conn`` is kept for callers' sake; the check runs on an empty in-memory copy
    of the FTS table so it never waits on the database.
    """
    import sqlite3

    if not query or not query.strip():
        return
    if table not in _FTS_COLUMNS:
        raise ValueError(f"not a full-text table: {table!r}")
    try:
        _syntax_conn().execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (query.strip(),)).fetchall()
    except sqlite3.OperationalError as exc:
        raise FilterError(f"search {query!r} cannot be read: {exc}") from None
