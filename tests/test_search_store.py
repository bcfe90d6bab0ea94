"""The regex filter in the store: runs last, reports progress, stops on cancel; plain search = must contain."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.jobs import Cancelled
from app.store import events as store
from app.store.browse import Browse
from app.store.database import Database
from tests.search_helpers import HOST, PASTED, add_events, seed

UTC = timeutil.UTC
NOW = dt.datetime(2026, 12, 1, tzinfo=UTC)
# Each test of this pattern against a row of many a's backtracks for about a millisecond.
SLOW_PATTERN = r"(a+)+b"
SLOW_ROW = "a" * 14 + "!"


@pytest.mark.parametrize("text", PASTED)
def test_plain_search_means_must_contain(db: Database, text: str) -> None:
    seed(db)
    for kind in ("events", "incidents"):
        searched = Browse(kind, Filter(search=text), UTC, now=NOW)
        included = Browse(kind, Filter(include=(text,)), UTC, now=NOW)
        rows = searched.page(db, None, 1000)
        assert rows and [r["id"] for r in rows] == [r["id"] for r in included.page(db, None, 1000)]
        assert searched.count(db) == len(rows)


def test_regex_tests_only_the_rows_the_other_filters_leave(db: Database) -> None:
    seed(db)
    add_events(db, ["elsewhere 10.20.30.40"] * 5)
    db.execute("UPDATE events SET host = 'other' WHERE message = 'elsewhere 10.20.30.40'")
    on_host = store.count(db, Filter(hosts=(HOST,)), UTC)
    before = db.regexp.tested
    assert store.count(db, Filter(hosts=(HOST,), regex=r"10\.20\.30\.40"), UTC) == 2
    assert db.regexp.tested - before == on_host
    assert store.count(db, Filter(regex=r"10\.20\.30\.40"), UTC) == 7


def test_regex_count_reports_progress_and_stops_on_cancel(db: Database) -> None:
    add_events(db, [SLOW_ROW] * 600)
    b = Browse("events", Filter(regex=SLOW_PATTERN), UTC, now=NOW)
    reports: list[tuple[int, int]] = []
    cancel_at: list[float] = []

    def progress(done: int, total: int) -> None:
        reports.append((done, total))
        if len(reports) == 2:
            cancel_at.append(time.perf_counter())

    with pytest.raises(Cancelled):
        b.count(db, lambda: bool(cancel_at), progress)
    stopped_after = time.perf_counter() - cancel_at[0]
    assert len(reports) == 2 and reports[0][1] == reports[1][1] == 600
    assert 0 < reports[0][0] < reports[1][0] < 600
    assert stopped_after < 0.5
    # Uncancelled, the last report is the whole set.
    small = Browse("events", Filter(regex=SLOW_PATTERN, until="2026-11-30T11:00:30.000Z"), UTC, now=NOW)
    reports.clear()
    assert small.count(db, None, lambda d, t: reports.append((d, t))) == 0
    assert reports[-1] == (30, 30)


def test_regex_page_stops_on_cancel(db: Database) -> None:
    add_events(db, [SLOW_ROW] * 600)
    b = Browse("events", Filter(regex=SLOW_PATTERN), UTC, now=NOW)
    started = time.perf_counter()
    with pytest.raises(Cancelled):
        b.page(db, None, 100, cancelled=lambda: time.perf_counter() - started > 0.2)
    assert time.perf_counter() - started < 0.7


def test_invalid_regex_is_refused_when_the_filter_is_made() -> None:
    with pytest.raises(ValueError, match=r"^regex /\[0-9/ is not valid: unterminated character set at position 0$"):
        Filter(regex="[0-9")
    with pytest.raises(ValueError, match="regex /a\\{2,1\\}/ is not valid"):
        Filter.from_dict({"regex": "a{2,1}"})
