"""Compile a ``Filter`` into a WHERE clause with bound parameters.

Nothing a user types is ever pasted into SQL: values are parameters, and the
search text is read in one place, ``app.store.text_search``, which turns any
text into a query FTS5 accepts (so a search never fails). The only filter that
can be refused is a time the parser cannot read; a bad regex is refused when
the ``Filter`` is made.

Include/exclude terms ("must contain" / "must not contain") are not FTS syntax:
each becomes one quoted FTS5 phrase built here, so they use the full-text index
and can never raise. Their meaning is whole words in that order, case- and
accent-insensitive, punctuation between words ignored (``timeout`` matches
"DPD timeout:" but not "TimeoutError"; ``10.1.2.3`` matches that address). A term
with no letters or digits (``%``, ``->``) cannot be indexed and stays a literal
substring test.

The regex is a call to the ``regexp`` function every ``Database`` connection
registers; it runs last, on the rows the other conditions leave. A message
pattern (a Top patterns bar while events are not yet mined) is a call to ``message_pattern``,
registered the same way, after a cheap ``instr`` test for each of its fixed words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.masking import literal_parts
from app.domain.vocab import Severity
from app.domain.zone_spans import offset_spans
from app.store.event_sql import ids_in, iso_to_ms, raw_sql
from app.store.local_time import CLOCK_SHIFT, sql_local_seconds
from app.store.text_search import has_words, phrase, text_search, words
from app.store.visibility import visible

__all__ = ["FilterError", "Where", "event_where", "fts_in", "has_words", "incident_where", "phrase", "words"]


class FilterError(ValueError):
    """The filter cannot be run as written (for example a time that cannot be read)."""


@dataclass
class Where:
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    # (fts table, MATCH query) for each full-text condition rows must satisfy;
    # lets a caller size the match list before picking a plan.
    fts: list[tuple[str, str]] = field(default_factory=list)
    # (clause position, fts table, MATCH query) of the "must not contain" words, so a count
    # can be taken as all rows minus the matches.
    excluded: tuple[int, str, str] | None = None
    # A condition every row must meet whatever the filter (events of a running import stay hidden);
    # kept apart from ``clauses`` so plans that look at the filter's own conditions are unchanged.
    guard: str = ""

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.guarded(self.clauses)) or "1"

    def guarded(self, clauses: list[str]) -> list[str]:
        """``clauses`` with the guard in front (when there is one)."""
        return [self.guard, *clauses] if self.guard else list(clauses)


def _in(where: Where, column: str, values: tuple[Any, ...]) -> None:
    if values:
        where.add(f"{column} IN ({','.join('?' * len(values))})", *values)


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_in(id_sql: str, fts: str) -> str:
    """The clause "row ``id_sql`` is in the match list of ``fts`` for the bound query"."""
    return f"{id_sql} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)"


def _terms(w: Where, f: Filter, fts: str, text_sql: str, id_sql: str) -> None:
    """Include/exclude: indexable terms as FTS phrases, the rest as literal substrings."""
    include = [t for t in f.include if t]
    exclude = [t for t in f.exclude if t]
    words_in = [phrase(t) for t in include if has_words(t)]
    words_out = [phrase(t) for t in exclude if has_words(t)]
    if words_in:
        query = " AND ".join(words_in)
        w.add(fts_in(id_sql, fts), query)
        w.fts.append((fts, query))
    if words_out:
        w.excluded = (len(w.clauses), fts, " OR ".join(words_out))
        w.add(f"{id_sql} NOT IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)", " OR ".join(words_out))
    for term in include:
        if not has_words(term):
            w.add(f"{text_sql} LIKE ? ESCAPE '\\'", f"%{_like_escape(term)}%")
    for term in exclude:
        if not has_words(term):
            w.add(f"{text_sql} NOT LIKE ? ESCAPE '\\'", f"%{_like_escape(term)}%")


def event_where(f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None, alias: str = "e") -> Where:
    """WHERE for the stored events (``event_rows`` or ``event_data`` aliased ``alias``); never a running import's.

    Conditions test the stored integers: time bounds in epoch ms, names as dictionary ids
    (``app.store.event_sql``), so each one reads an index without building any text.
    """
    w = Where(guard=visible(alias))
    a = alias + "."
    _names(w, a + "type_id", f.log_types)
    if f.severities:
        _in(w, a + "severity", tuple(int(Severity.parse(s)) for s in f.severities))
    if f.min_severity:
        w.add(a + "severity >= ?", int(Severity.parse(f.min_severity)))
    since, until = _bounds(f, zone, now)
    if since:
        w.add(a + "t >= ?", iso_to_ms(since))
    if until:
        w.add(a + "t < ?", iso_to_ms(until))
    _names(w, a + "host_id", f.hosts)
    _names(w, a + "component_id", f.components)
    _names(w, a + "client_id", f.clients)
    _names(w, a + "site_id", f.sites)
    if f.pattern_id is not None:
        w.add(a + "pattern_id = ?", int(f.pattern_id))
    _clock(w, f, zone, a + "t", since, until, now, ms=True)
    _search(w, f, "events_fts", a + "message", a + "id")
    _terms(w, f, "events_fts", a + "message", a + "id")
    _pattern(w, f, a + "message")
    _regex(w, f, f"{a}message, {raw_sql(a)}")
    return w


def _names(where: Where, column: str, values: tuple[Any, ...]) -> None:
    if values:
        where.add(ids_in(column, len(values)), *values)


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
    _clock(w, f, zone, a + "opened_at", since, until, now)
    text_sql = f"({a}title || ' ' || coalesce({a}description, ''))"
    _search(w, f, "incidents_fts", text_sql, a + "id")
    _terms(w, f, "incidents_fts", text_sql, a + "id")
    _regex(w, f, f"{a}title, {a}description")
    return w


def _search(w: Where, f: Filter, fts: str, text_sql: str, id_sql: str) -> None:
    """The typed search: a full-text condition, or a substring test for text without words."""
    if not f.search:
        return
    s = text_search(f.search, fts)
    if s.match is not None:
        w.add(fts_in(id_sql, fts), s.match)
        w.fts.append((fts, s.match))
    elif s.substring is not None:
        w.add(f"{text_sql} LIKE ? ESCAPE '\\'", f"%{_like_escape(s.substring)}%")


def _pattern(w: Where, f: Filter, message_sql: str) -> None:
    """Messages that mask to exactly ``f.pattern``, as the chart groups them.

    The fixed text between placeholders appears as is in every such message (only
    spaces are squeezed), so each word of it is tested with ``instr`` first and the
    Python masking runs only on the rows that contain them all.
    """
    if not f.pattern:
        return
    for chunk in dict.fromkeys(" ".join(literal_parts(f.pattern)).split()):
        w.add(f"instr({message_sql}, ?) > 0", chunk)
    w.add(f"message_pattern({message_sql}) = ?", f.pattern)


def _regex(w: Where, f: Filter, values_sql: str) -> None:
    """Last, so SQLite tests the pattern only on rows every other condition kept."""
    if f.regex:
        w.add(f"regexp(?, {values_sql})", f.regex)


CLOCK_FROM = dt.datetime(2000, 1, 1, tzinfo=timeutil.UTC)  # offsets before this reuse the first span's
CLOCK_AHEAD = dt.timedelta(days=400)  # and offsets this far past now the last one's (--until 9999-12-31 stays quick)


def _clock(w: Where, f: Filter, zone: dt.tzinfo, column: str, since: str | None, until: str | None,
           now: dt.datetime | None, ms: bool = False) -> None:
    """Hour-of-day and weekday on ``zone``'s wall clock, daylight saving included."""
    if not f.hours and not f.weekdays:
        return
    lo = timeutil.from_iso(since) if since else CLOCK_FROM
    soon = (now or dt.datetime.now(timeutil.UTC)) + CLOCK_AHEAD
    hi = min(timeutil.from_iso(until), soon) if until else soon
    local, params = sql_local_seconds(offset_spans(zone, lo, max(hi, lo)), column, ms)
    local = f"({local} + {CLOCK_SHIFT})"  # times before 1970 too
    if f.hours:
        w.add(f"(({local} / 3600) % 24) IN ({','.join('?' * len(f.hours))})", *params, *f.hours)
    if f.weekdays:  # Unix day 0 was a Thursday: +3 makes Monday 0
        w.add(f"((({local} / 86400) + 3) % 7) IN ({','.join('?' * len(f.weekdays))})", *params, *f.weekdays)


def _bounds(f: Filter, zone: dt.tzinfo, now: dt.datetime | None) -> tuple[str | None, str | None]:
    try:
        return f.time_bounds(zone, now)
    except ValueError as exc:
        raise FilterError(str(exc)) from None
