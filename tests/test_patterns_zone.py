"""The Patterns page's buckets and "new" follow the user's zone, not UTC days, and stay exact."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from app.domain import timeutil
from app.domain.filters import Filter
from app.patterns import backfill, listing as listing_mod
from app.patterns.listing import listing
from app.store import events as event_store
from app.store.database import Database

MANILA = ZoneInfo("Asia/Manila")  # UTC+8, no daylight saving
KOLKATA = ZoneInfo("Asia/Kolkata")  # UTC+5:30: its hours are not UTC hours
DISK = "Disk full on server {}"
LOGIN = "User {} logged in from portal"


def _add(db: Database, events: list[tuple[str, str]]) -> None:
    """(UTC time, message) rows, then their patterns, as an older import would get them."""
    rows = [(ts, 4, "system", None, "h1", "disk", None, None, msg, msg, None, None, None, i, 0)
            for i, (ts, msg) in enumerate(events, start=1)]
    with db.transaction():
        event_store.insert_many(db, rows)
    backfill.fill(db)


def _by_template(rows: list[dict]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["template"].split()[0]: r for r in rows}


def test_an_evening_in_utc_is_the_next_day_in_manila(db: Database) -> None:
    daily = [(f"2026-11-{d:02d}T02:00:00.000Z", DISK.format(d)) for d in range(20, 30)]
    evening = [(f"2026-11-29T20:{m:02d}:00.000Z", DISK.format(100 + m)) for m in range(10)]
    _add(db, daily + evening + [("2026-11-29T20:30:00.000Z", LOGIN.format("maria"))])
    utc = _by_template(listing(db, Filter(), timeutil.UTC, detail=True))["Disk"]
    manila = _by_template(listing(db, Filter(), MANILA, detail=True))["Disk"]
    assert utc["series"] == [1] * 9 + [11]  # UTC days 20..29: the evening joins the 29th's morning
    assert manila["series"] == [1] * 10 + [10]  # local days 20..30: the evening is the 30th in Manila
    assert utc["count"] == manila["count"] == 20 == sum(manila["series"])
    assert manila["spiking"]
    # "new" from a local date: 30 Nov in Manila starts at 29 Nov 16:00Z, so the 20:30Z login is new there
    since = Filter(since="2026-11-30")
    assert _by_template(listing(db, since, MANILA))["User"]["new"]
    assert "User" not in _by_template(listing(db, since, timeutil.UTC))


def test_hours_of_a_half_hour_zone_split_a_utc_hour(db: Database) -> None:
    _add(db, [("2026-11-29T10:10:00.000Z", DISK.format(1)), ("2026-11-29T10:40:00.000Z", DISK.format(2)),
              ("2026-11-29T12:00:00.000Z", DISK.format(3))])
    utc = listing(db, Filter(), timeutil.UTC, detail=True)[0]
    kolkata = listing(db, Filter(), KOLKATA, detail=True)[0]
    assert utc["series"] == [2, 0, 1]  # 10:00, 11:00, 12:00 UTC
    assert kolkata["series"] == [1, 1, 1]  # 15:00, 16:00, 17:00 in Kolkata (15:40, 16:10, 17:30)


@pytest.mark.parametrize("zone", [timeutil.UTC, MANILA, ZoneInfo("America/New_York")], ids=str)
def test_one_group_by_gives_the_range_counts_buckets(demo_db: Database, zone: dt.tzinfo,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Many patterns × buckets are counted in one GROUP BY on the local bucket: the same figures."""
    for f in (Filter(), Filter(log_types=("network",)), Filter(since="2026-11-28", until="2026-11-30")):
        ranged = listing(demo_db, f, zone, detail=True)
        monkeypatch.setattr(listing_mod, "RANGE_COUNTS_UP_TO", 0)
        grouped = listing(demo_db, f, zone, detail=True)
        monkeypatch.undo()
        assert ranged == grouped and ranged
        counts = {int(r["p"]): int(r["n"]) for r in demo_db.rows(
            "SELECT pattern_id AS p, count(*) AS n FROM events WHERE log_type IN ('network') GROUP BY 1")}
        if f.log_types:
            assert {r["id"]: r["count"] for r in ranged} == counts
        assert all(sum(r["series"]) == r["count"] for r in ranged)
