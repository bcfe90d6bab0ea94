"""Local time buckets from SQL, checked by hand across daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from app.analysis import buckets, series
from app.domain import timeutil
from app.domain.filters import Filter
from app.store import events as event_store
from app.store.database import Database

NY = ZoneInfo("America/New_York")
UTC = dt.UTC


def _add(db: Database, stamps: list[str], severity: int = 1, log_type: str = "system") -> None:
    rows = [(s, severity, log_type, None, "h1", "c", None, None, f"message {i}", None, "Acme", "A", None, i, 0)
            for i, s in enumerate(stamps)]
    with db.transaction():
        event_store.insert_many(db, rows)


def _local(series_: series.TimeSeries) -> list[str]:
    return [s.astimezone(series_.zone).strftime("%m-%d %H:%M%z") for s in series_.starts]


def test_hour_buckets_keep_the_repeated_hour_when_clocks_go_back(db: Database) -> None:
    # 2026-11-01: New York goes from EDT (-4) to EST (-5) at 06:00Z; local 01:00-02:00 happens twice.
    _add(db, ["2026-11-01T04:30:00.000Z", "2026-11-01T05:10:00.000Z", "2026-11-01T05:50:00.000Z",
              "2026-11-01T06:30:00.000Z", "2026-11-01T07:30:00.000Z"])
    data = series.trend(db, Filter(since="2026-11-01T04:00:00Z", until="2026-11-01T08:00:00Z"), NY, size="hour")
    assert _local(data) == ["11-01 00:00-0400", "11-01 01:00-0400", "11-01 01:00-0500", "11-01 02:00-0500"]
    assert data.series["info"] == [1, 2, 1, 1]


def test_day_buckets_are_local_days_of_25_and_23_hours(db: Database) -> None:
    _add(db, [
        "2026-11-01T03:59:00.000Z",  # Oct 31 23:59 EDT
        "2026-11-01T04:00:00.000Z",  # Nov 1 00:00 EDT: first minute of the 25-hour day
        "2026-11-02T04:59:00.000Z",  # Nov 1 23:59 EST: last minute of it
        "2026-11-02T05:00:00.000Z",  # Nov 2 00:00 EST
        "2026-03-08T04:59:00.000Z",  # Mar 7 23:59 EST
        "2026-03-08T05:00:00.000Z",  # Mar 8 00:00 EST: 23-hour day starts
        "2026-03-09T03:59:00.000Z",  # Mar 8 23:59 EDT
    ])
    autumn = series.trend(db, Filter(since="2026-10-31", until="2026-11-03"), NY, size="day")
    assert _local(autumn) == ["10-31 00:00-0400", "11-01 00:00-0400", "11-02 00:00-0500"]
    assert autumn.series["info"] == [1, 2, 1]
    assert [(e - s).total_seconds() / 3600 for s, e in zip(autumn.starts, autumn.ends)] == [24, 25, 24]
    spring = series.trend(db, Filter(since="2026-03-07", until="2026-03-09"), NY, size="day")
    assert spring.series["info"] == [1, 2]
    assert (spring.ends[1] - spring.starts[1]) == dt.timedelta(hours=23)


def test_week_buckets_start_monday_local_midnight(db: Database) -> None:
    # Monday 2026-11-02 00:00 EST is 05:00Z; a minute before belongs to the previous week.
    _add(db, ["2026-11-02T04:59:00.000Z", "2026-11-02T05:00:00.000Z", "2026-11-08T23:00:00.000Z"])
    data = series.trend(db, Filter(since="2026-10-26", until="2026-11-09"), NY, size="week")
    assert _local(data) == ["10-26 00:00-0400", "11-02 00:00-0500"]
    assert data.series["info"] == [1, 2]


def test_half_hour_zone_hours_start_at_local_hour(db: Database) -> None:
    india = ZoneInfo("Asia/Kolkata")  # +05:30
    _add(db, ["2026-11-30T00:29:00.000Z", "2026-11-30T00:31:00.000Z", "2026-11-30T01:29:00.000Z"])
    data = series.trend(db, Filter(since="2026-11-30T00:00:00Z", until="2026-11-30T02:00:00Z"), india, size="hour")
    assert [s.astimezone(india).strftime("%H:%M") for s in data.starts] == ["05:00", "06:00", "07:00"]
    assert data.series["info"] == [1, 2, 0]


def test_heatmap_uses_local_hour_and_weekday_across_the_change(db: Database) -> None:
    # Both are 09:15 local on a Monday, one in EDT and one in EST.
    _add(db, ["2026-10-26T13:15:00.000Z", "2026-11-02T14:15:00.000Z"], severity=4)
    _add(db, ["2026-11-02T14:20:00.000Z"], severity=1)  # info: not counted
    data = series.heatmap(db, Filter(), NY)
    assert data.counts[0][9] == 2
    assert data.total == 2


@pytest.mark.parametrize("zone_name", ["America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC"])
def test_floor_and_sql_numbers_agree(zone_name: str) -> None:
    zone = timeutil.get_zone(zone_name)
    start = dt.datetime(2026, 3, 1, tzinfo=UTC)
    end = dt.datetime(2026, 11, 15, tzinfo=UTC)
    spans = buckets.offset_spans(zone, start, end)
    moment = dt.datetime(2026, 4, 5, 15, 45, tzinfo=UTC)
    for size in ("hour", "day", "week"):
        starts = buckets.starts_between(moment - dt.timedelta(days=8), moment + dt.timedelta(days=8), size, zone)
        assert buckets.floor(moment, size, zone) in starts
        for s in starts[:5]:
            assert buckets.floor(s, size, zone) == s
    assert len(spans) >= 2 or zone_name == "UTC"
