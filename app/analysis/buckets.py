"""Time buckets in the user's zone, right across daylight-saving changes.

Minute and hour buckets are spans of elapsed time aligned to the local clock, so
the repeated hour when clocks go back shows as two buckets (01:00 twice, with
different offsets) and the skipped hour simply does not exist. Day and week
buckets are local calendar days (23 or 25 hours long on change days) and weeks
starting Monday 00:00 local time.

The store groups rows by a bucket number computed in SQL; this module turns
numbers back into local start times and gives the SQL the zone's offsets. Where
buckets start on the wall clock is ``app.domain.time_buckets`` (the timeline's too).
"""

from __future__ import annotations

import datetime as dt

from app.domain.time_buckets import SECONDS, UTC, choose, floor, local_to_utc, next_start, starts_between
from app.domain.zone_spans import OffsetSpan, offset_spans
from app.store.local_time import offset_case as _offset_case, sql_local_seconds

BUCKETS: tuple[str, ...] = ("minute", "hour", "day", "week")
# Unix day 0 (1970-01-01) was a Thursday; shifting by 3 days makes week numbers start on Monday.
WEEK_SHIFT = 3 * 86400
UNITS: dict[str, str] = {"minute": "per minute", "hour": "per hour", "day": "per day", "week": "per week"}


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


# The charts reach the wall-clock arithmetic through here, beside the SQL side of it.
__all__ = ["BUCKETS", "SECONDS", "UNITS", "UTC", "WEEK_SHIFT", "OffsetSpan", "bucket_start", "choose", "floor",
           "local_to_utc", "next_start", "offset_spans", "sql_bucket", "sql_local_seconds", "starts_between"]
