"""Time buckets in the user's zone, right across daylight-saving changes.

Minute and hour buckets are spans of elapsed time aligned to the local clock, so
the repeated hour when clocks go back shows as two buckets (01:00 twice, with
different offsets) and the skipped hour simply does not exist. Day and week
buckets are local calendar days (23 or 25 hours long on change days) and weeks
starting Monday 00:00 local time.

The store groups rows by a bucket number computed in SQL; this module turns
numbers back into local start times and gives the SQL the zone's offsets.
"""

from __future__ import annotations

import datetime as dt

from app.domain import timeutil
from app.domain.zone_spans import OffsetSpan, offset_spans  # noqa: F401 - used here and by callers
from app.store.local_time import offset_case as _offset_case, sql_local_seconds  # noqa: F401

UTC = timeutil.UTC
BUCKETS: tuple[str, ...] = ("minute", "hour", "day", "week")
SECONDS: dict[str, int] = {"minute": 60, "hour": 3600, "day": 86400, "week": 604800}
# Unix day 0 (1970-01-01) was a Thursday; shifting by 3 days makes week numbers start on Monday.
WEEK_SHIFT = 3 * 86400
UNITS: dict[str, str] = {"minute": "per minute", "hour": "per hour", "day": "per day", "week": "per week"}


def choose(start: dt.datetime, end: dt.datetime) -> str:
    """The bucket size that gives a readable number of bars for the range."""
    span = (end - start).total_seconds()
    if span <= 4 * 3600:
        return "minute"
    if span <= 8 * 86400:
        return "hour"
    if span <= 180 * 86400:
        return "day"
    return "week"


def sql_bucket(size: str, spans: list[OffsetSpan], column: str) -> tuple[str, list[object]]:
    """SQL for a bucket number of stored time ``column`` and its parameters.

    Sub-day buckets use elapsed seconds shifted by the offset's remainder (constant
    across whole-hour changes); day and week use the local wall clock.
    """
    seconds = SECONDS[size]
    if size in ("minute", "hour") and len({s.offset % seconds for s in spans}) == 1:
        return f"((unixepoch({column}) + ?) / {seconds})", [spans[0].offset % seconds]
    case, params = _offset_case(spans, column)
    shift = WEEK_SHIFT if size == "week" else 0
    return f"((unixepoch({column}) + {case} + {shift}) / {seconds})", params


def bucket_start(number: int, size: str, spans: list[OffsetSpan], zone: dt.tzinfo) -> dt.datetime:
    """The UTC start of bucket ``number`` as ``sql_bucket`` computed it."""
    seconds = SECONDS[size]
    if size in ("minute", "hour") and len({s.offset % seconds for s in spans}) == 1:
        return dt.datetime.fromtimestamp(number * seconds - spans[0].offset % seconds, UTC)
    shift = WEEK_SHIFT if size == "week" else 0
    wall = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=number * seconds - shift)
    return local_to_utc(wall, zone)


def local_to_utc(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A naive local wall time → UTC; a time skipped by a change moves forward past the gap."""
    aware = wall.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != wall:  # inside a spring-forward gap: the bucket starts when the clock resumes
        aware = (wall + (wall - back)).replace(tzinfo=zone)
    return aware.astimezone(UTC)


def floor(moment: dt.datetime, size: str, zone: dt.tzinfo) -> dt.datetime:
    """The UTC start of the bucket holding ``moment``."""
    local = moment.astimezone(zone)
    if size == "minute":
        return local.replace(second=0, microsecond=0).astimezone(UTC)
    if size == "hour":
        return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    day = local.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    if size == "week":
        day -= dt.timedelta(days=day.weekday())
    return local_to_utc(day, zone)


def next_start(start: dt.datetime, size: str, zone: dt.tzinfo) -> dt.datetime:
    """The start of the bucket after the one starting at ``start``."""
    if size in ("minute", "hour"):
        step = dt.timedelta(seconds=SECONDS[size])
        after = floor(start + step, size, zone)  # re-aligned: a 30-minute change (Lord Howe) shifts hours
        return after if after > start else start + step
    local = start.astimezone(zone).replace(tzinfo=None)
    wall = local + dt.timedelta(days=7 if size == "week" else 1)
    return local_to_utc(wall, zone)


def starts_between(start: dt.datetime, end: dt.datetime, size: str, zone: dt.tzinfo) -> list[dt.datetime]:
    """Every bucket start (UTC) from the bucket holding ``start`` up to before ``end``."""
    out: list[dt.datetime] = []
    t = floor(start, size, zone)
    while t < end and len(out) < 100_000:
        out.append(t)
        t = next_start(t, size, zone)
    return out
