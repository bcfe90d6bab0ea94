"""Filter -> SQL: values are bound, never pasted; hostile search text always runs as a safe match."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.domain import timeutil
from app.domain.filters import Filter, restrictions, without
from app.store import events as store, settings
from app.store.browse import Browse
from app.store.database import Database
from app.store.event_sql import iso_to_ms
from app.store.filter_sql import FilterError, event_where, incident_where
from app.store.text_search import text_search

UTC = timeutil.UTC
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

HOSTILE = [
    "x'; DROP TABLE events; --",
    "\") OR 1=1 --",
    "message: a",
    "NEAR(",
    "*",
    "AND",
    "foo OR",
    "\"unbalanced",
    "a) UNION SELECT * FROM settings --",
    "\\",
    "%_%",
    "{message}: x",
    "'",
    "\x00",
]


def test_every_value_is_a_parameter() -> None:
    f = Filter(log_types=("network",), hosts=("h' OR '1'='1",), clients=("c",), sites=("Site B",),
               min_severity="error", since="24h", include=("50%_off",), exclude=("x'y",), search="timeout")
    w = event_where(f, UTC, NOW)
    sql = w.sql()
    assert "'1'='1" not in sql and "50%" not in sql and "timeout" not in sql
    assert sql.count("?") == len(w.params)
    assert "h' OR '1'='1" in w.params and '"50%_off"' in w.params and '"x\'y"' in w.params
    assert "50" not in sql and "x'y" not in sql
    # times are bound as epoch milliseconds, the stored form (schema 16)
    assert iso_to_ms(timeutil.to_iso(NOW - dt.timedelta(hours=24))) in w.params


def test_incident_where_uses_opened_at_and_statuses() -> None:
    w = incident_where(Filter(statuses=("new",), priorities=(1, 2), since="7d"), UTC, NOW)
    assert "i.status IN (?)" in w.sql() and "i.priority IN (?,?)" in w.sql() and "i.opened_at >= ?" in w.sql()
    assert w.params[:3] == ["new", 1, 2]


def test_empty_filter_is_true() -> None:
    assert incident_where(Filter(), UTC).sql() == "1"
    w = event_where(Filter(), UTC)  # no condition of the filter's own; only running imports stay hidden
    assert w.clauses == [] and w.params == [] and w.sql() == w.guard and "running" in w.guard


def test_bad_time_raises_filter_error() -> None:
    with pytest.raises(FilterError, match="cannot read time"):
        event_where(Filter(since="yesterday-ish"), UTC)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_never_fails_and_never_touches_tables(demo_db: Database, text: str) -> None:
    before = demo_db.scalar("SELECT count(*) FROM events")
    settings.SAVED_VIEWS.write(demo_db, {"kept": {"search": "timeout"}})
    kept = [tuple(r) for r in demo_db.execute("SELECT key, value FROM settings ORDER BY key")]
    f = Filter(search=text)
    assert store.count(demo_db, f, UTC) == len(Browse("events", f, UTC).page(demo_db, limit=100_000))
    assert demo_db.scalar("SELECT count(*) FROM events") == before
    assert [tuple(r) for r in demo_db.execute("SELECT key, value FROM settings ORDER BY key")] == kept


def test_fts_operators_work(demo_db: Database) -> None:
    word = demo_db.scalar("SELECT message FROM events WHERE message LIKE '%timeout%' LIMIT 1")
    assert word
    n_timeout = store.count(demo_db, Filter(search="timeout"), UTC)
    n_prefix = store.count(demo_db, Filter(search="timeo*"), UTC)
    n_not = store.count(demo_db, Filter(search="timeout NOT DPD"), UTC)
    n_or = store.count(demo_db, Filter(search="timeout OR refused"), UTC)
    assert 0 < n_not <= n_timeout <= n_prefix and n_or >= n_timeout
    phrase = store.count(demo_db, Filter(search='"DPD timeout"'), UTC)
    assert phrase == demo_db.scalar("SELECT count(*) FROM events WHERE message LIKE '%DPD timeout%'")


def test_include_exclude_split_the_rows_and_symbols_stay_substrings(demo_db: Database) -> None:
    total = store.count(demo_db, Filter(), UTC)
    inc = store.count(demo_db, Filter(include=("port",)), UTC)
    exc = store.count(demo_db, Filter(exclude=("port",)), UTC)
    # The exclusion count is taken as all rows minus the matches, so inc + exc == total holds by construction:
    # check each against messages read directly (the index splits words at anything not a letter or digit).
    word = re.compile(r"(?<![^\W_])port(?![^\W_])", re.IGNORECASE)
    holding = sum(1 for (message,) in demo_db.execute("SELECT message FROM events") if word.search(message))
    assert inc == holding > 0 and exc == total - holding
    assert exc == len(Browse("events", Filter(exclude=("port",)), UTC).page(demo_db, limit=100_000))
    assert store.count(demo_db, Filter(include=("%",)), UTC) == demo_db.scalar(
        "SELECT count(*) FROM events WHERE instr(message, '%') > 0")
    assert store.count(demo_db, Filter(include=("_",)), UTC) == demo_db.scalar(
        "SELECT count(*) FROM events WHERE instr(message, '_') > 0")


def test_restrictions_and_without_round_trip() -> None:
    f = Filter(log_types=("network", "system"), min_severity="error", since="24h", search="x", include=("a",),
               exclude=("b",), priorities=(1,), statuses=("new",))
    chips = restrictions(f, UTC)
    labels = [c.label for c in chips]
    assert "Type: network" in labels and "Severity ≥ error" in labels and "Last 24 h" in labels
    assert "Priority: P1" in labels and "Contains: a" in labels and "Not: b" in labels
    g = f
    for chip in chips:
        g = without(g, chip)
    assert g.is_empty()
    assert without(f, chips[0]).log_types == ("system",)


def test_saved_view_format_is_filter_json() -> None:
    f = Filter(hosts=("a",), since="2026-11-30T10:00:00.000Z", until="2026-11-30T11:00:00.000Z")
    assert Filter.from_dict(f.to_dict()) == f
    assert "2026-11-30" in restrictions(f, UTC)[-1].label


def test_search_reading_needs_no_database() -> None:
    assert text_search("message: timeout OR fail*", "events_fts").match == "message: timeout OR fail*"
    assert text_search("title: outage NOT description: test", "incidents_fts").note is None
    # Column filters only name our columns; on the wrong table they fall back to the words as typed.
    wrong = text_search("message: x OR y", "incidents_fts")
    assert wrong.match == '"message: x OR y"' and "no such column: message" in (wrong.note or "")
    assert text_search('"open', "events_fts").match == '"open"'
    with pytest.raises(ValueError, match="not a full-text table"):
        text_search("x", "events; DROP TABLE events")
