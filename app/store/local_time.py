"""SQL for the local wall-clock time of a stored UTC column, one offset per span of the zone.

Also the one local-time grouping in SQL: ``sql_bucket`` numbers the local minute,
hour, day or week of a row, and ``bucket_start`` turns a number back into its UTC
start. The charts and the Events timeline both group with it.
"""

from __future__ import annotations

import datetime as dt

from app.domain.time_buckets import SECONDS, UTC, local_to_utc
from app.domain.zone_spans import OffsetSpan
from app.store.event_sql import iso_to_ms, seconds_sql

# Whole weeks added before taking an hour of day or weekday: the local seconds of any time from year 1 on
# stay positive, where SQLite's truncating ``/`` and ``%`` read the wall clock right (whole weeks change neither).
CLOCK_SHIFT = 102_800 * 7 * 86_400
# Unix day 0 (1970-01-01) was a Thursday; shifting by 3 days makes week numbers start on Monday.
WEEK_SHIFT = 3 * 86400


def sql_local_seconds(spans: list[OffsetSpan], column: str, ms: bool = False) -> tuple[str, list[object]]:
    """SQL for seconds since 1970-01-01 00:00 on the local wall clock of stored time ``column``.

    ``ms``: the column holds epoch milliseconds (the events' ``t``), not ISO text.
    """
    case, params = offset_case(spans, column, ms)
    return f"({_seconds(column, ms)} + {case})", params


def _seconds(column: str, ms: bool) -> str:
    return seconds_sql(column) if ms else f"unixepoch({column})"


def offset_case(spans: list[OffsetSpan], column: str, ms: bool = False) -> tuple[str, list[object]]:
    """The offset (seconds) in effect at ``column``: a constant, or a CASE over the changes."""
    if len(spans) == 1:
        return "?", [spans[0].offset]
    parts: list[str] = []
    params: list[object] = []
    for s in spans[:-1]:
        parts.append(f"WHEN {column} < ? THEN ?")
        params += [iso_to_ms(s.until) if ms and s.until else s.until, s.offset]
    params.append(spans[-1].offset)
    return "(CASE " + " ".join(parts) + " ELSE ? END)", params


def sql_bucket(size: str, spans: list[OffsetSpan], column: str, ms: bool = False) -> tuple[str, list[object]]:
    """SQL for a bucket number of stored time ``column`` and its parameters.

    Sub-day buckets use elapsed seconds shifted by the offset's remainder (constant
    across whole-hour changes); day and week use the local wall clock. Integer
    arithmetic on ``unixepoch`` keeps a covering index enough and no text is built per row.
    """
    seconds = SECONDS[size]
    # CLOCK_SHIFT keeps times before 1970 positive, where SQLite's ``/`` truncating toward zero would put
    # them in the bucket after their own; it is whole weeks, so the numbers after 1970 stay as they were.
    back = CLOCK_SHIFT // seconds
    if size in ("minute", "hour") and len({s.offset % seconds for s in spans}) == 1:
        return (f"(({_seconds(column, ms)} + ? + {CLOCK_SHIFT}) / {seconds} - {back})",
                [spans[0].offset % seconds])
    case, params = offset_case(spans, column, ms)
    shift = WEEK_SHIFT if size == "week" else 0
    return f"(({_seconds(column, ms)} + {case} + {shift + CLOCK_SHIFT}) / {seconds} - {back})", params


def bucket_start(number: int, size: str, spans: list[OffsetSpan], zone: dt.tzinfo) -> dt.datetime:
    """The UTC start of bucket ``number`` as ``sql_bucket`` computed it."""
    seconds = SECONDS[size]
    if size in ("minute", "hour") and len({s.offset % seconds for s in spans}) == 1:
        return dt.datetime.fromtimestamp(number * seconds - spans[0].offset % seconds, UTC)
    shift = WEEK_SHIFT if size == "week" else 0
    wall = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=number * seconds - shift)
    return local_to_utc(wall, zone)
