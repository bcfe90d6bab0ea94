"""The Events timeline buckets time as the trend chart does: same bar sizes, same local starts.

The timeline used to group by a UTC text prefix (the hour, then folded into local
days), so in a half-hour zone such as Asia/Kolkata (+05:30) the events of the first
half hour after local midnight were counted on the day before.
"""

from __future__ import annotations

import pytest

from app.analysis import series
from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.time_buckets import SECONDS
from app.domain.vocab import SEVERITIES
from app.store import events as event_store
from app.store.database import Database

KOLKATA = timeutil.get_zone("Asia/Kolkata")


def add(db: Database, stamps: list[str]) -> None:
    rows = [(s, 3, "system", None, "h", "c", None, None, f"m {i}", None, None, None, None, i, 0)
            for i, s in enumerate(stamps)]
    with db.transaction():
        event_store.insert_many(db, rows)


def test_kolkata_events_just_after_local_midnight_are_on_their_own_day(db: Database) -> None:
    noons = [f"2026-11-{d:02d}T06:00:00.000Z" for d in range(10, 31)]  # 11:30 in Kolkata, one a day
    add(db, [*noons,
             "2026-11-30T18:15:00.000Z",   # 23:45 on 30 Nov in Kolkata
             "2026-11-30T18:45:00.000Z"])  # 00:15 on 1 Dec in Kolkata
    data = event_store.histogram(db, Filter(), KOLKATA)
    assert data["width"] == 86400  # day bars
    assert sum(data["counts"]["2026-11-29T18:30:00.000Z"]) == 2  # 30 Nov, local midnight to midnight
    assert sum(data["counts"]["2026-11-30T18:30:00.000Z"]) == 1  # 1 Dec


def trend_as_histogram(db: Database, f: Filter, zone: object, all_time: bool) -> tuple[str, dict[str, list[int]]]:
    data = series.trend(db, f, zone, by="severity", fast=False, all_time=all_time)  # type: ignore[arg-type]
    counts: dict[str, list[int]] = {}
    for j, start in enumerate(data.starts):
        row = [data.series.get(name, [0] * len(data.starts))[j] for name in SEVERITIES]
        if any(row):
            counts[timeutil.to_iso(start)] = row
    return data.size, counts


# half-hour offsets, two of them changing for daylight saving inside the demo's two months
@pytest.mark.parametrize("zone_name", ["Asia/Kolkata", "Australia/Adelaide", "America/St_Johns"])
@pytest.mark.parametrize(("since", "until"), [
    ("2026-11-30T09:00:00Z", "2026-11-30T15:00:00Z"),  # six hours: hour bars (were 10-minute, UTC-aligned)
    ("2026-11-27T00:00:00Z", "2026-11-30T00:00:00Z"),  # three days: hours on the local clock
    (None, None),                                      # the default window: local days
])
def test_timeline_bars_are_the_trend_charts_bars(demo_db: Database, zone_name: str, since: str | None,
                                                 until: str | None) -> None:
    zone = timeutil.get_zone(zone_name)
    f = Filter(since=since, until=until)
    data = event_store.histogram(demo_db, f, zone)
    size, counts = trend_as_histogram(demo_db, f, zone, all_time=False)
    assert data["width"] == SECONDS[size]
    assert data["counts"] == counts


def test_all_time_timeline_sizes_bars_by_the_time_that_has_events(db: Database) -> None:
    old = [f"2005-03-0{d}T20:00:00.000Z" for d in range(1, 6)]
    new = [f"2026-11-{d:02d}T18:40:00.000Z" for d in range(10, 30)]
    add(db, old + new)
    data = event_store.histogram(db, Filter(), KOLKATA, all_time=True)
    assert data["width"] == 86400  # 21 years would be week bars; the two islands get days, as the chart does
    assert ("day", data["counts"]) == trend_as_histogram(db, Filter(), KOLKATA, all_time=True)
    assert "2026-11-10T18:30:00.000Z" in data["counts"]  # 00:10 on 11 Nov in Kolkata


def test_strip_steps_week_bars_from_monday_to_monday(qtbot) -> None:
    from app.ui.timeline import TimelineStrip

    strip = TimelineStrip(KOLKATA)
    qtbot.addWidget(strip)
    counts = {"2026-10-04T18:30:00.000Z": [1, 0, 0, 0, 0, 0], "2026-11-01T18:30:00.000Z": [0, 0, 2, 0, 0, 0]}
    strip.set_histogram({"size": "week", "width": 604800, "counts": counts})
    starts = [when.astimezone(KOLKATA) for when, _ in strip.buckets]
    assert len(starts) == 5 and all((s.weekday(), s.hour, s.minute) == (0, 0, 0) for s in starts)
    assert [sum(c or ()) for _, c in strip.buckets] == [1, 0, 0, 0, 2]


def test_a_range_ending_before_it_starts_counts_nothing_rather_than_crashing(demo_db: Database) -> None:
    f = Filter(since="2026-11-30T00:00:00Z", until="2026-11-29T00:00:00Z")
    assert series.trend(demo_db, f, KOLKATA).total == 0  # was an IndexError from the shared bucket counting
    assert event_store.histogram(demo_db, f, KOLKATA)["counts"] == {}


def test_a_stamp_from_year_1_leaves_no_event_out_of_the_timeline(db: Database) -> None:
    stamps = ["0001-01-02T00:00:00.000Z", "1970-01-01T00:00:00.000Z", "2026-11-01T00:00:00.000Z",
              "2026-11-02T00:00:00.000Z"]
    add(db, stamps)
    series.trend(db, Filter(), KOLKATA, all_time=True)  # was an OverflowError: a week starting before year 1
    data = event_store.histogram(db, Filter(), KOLKATA, all_time=True)
    assert data["size"] == "week"  # 105,000 weeks: too many to list, so only those with events are counted
    assert sum(map(sum, data["counts"].values())) == len(stamps)
    assert min(data["counts"]) == "0001-01-01T00:00:00.000Z"  # the calendar's first moment, not before it


def test_days_before_1970_hold_their_own_events(db: Database) -> None:
    add(db, ["1969-12-30T12:00:00.000Z", "1969-12-31T12:00:00.000Z", "1969-12-31T13:00:00.000Z"])
    data = series.trend(db, Filter(), timeutil.UTC, size="day", fast=False, all_time=True)
    assert [sum(col) for col in zip(*data.series.values(), strict=True)] == [1, 2]  # was [0, 1]: a day late
    f = Filter(log_types=("system",), since="1969-12-29T00:00:00Z", until="1970-01-01T00:00:00Z")  # the GROUP BY
    counts = event_store.histogram(db, f, timeutil.UTC)["counts"]
    assert {k: sum(v) for k, v in counts.items()} == {
        "1969-12-30T12:00:00.000Z": 1, "1969-12-31T12:00:00.000Z": 1, "1969-12-31T13:00:00.000Z": 1}
