"""A zone's UTC offsets over a stretch of time, split where daylight saving changes them.

Shared by the chart buckets and the filter's hour-of-day and weekday fields: both
turn stored UTC times into local wall-clock times inside SQL, one offset per span.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain import timeutil

UTC = timeutil.UTC


@dataclass(frozen=True)
class OffsetSpan:
    """The zone's UTC offset (seconds) for stored times before ``until`` (stored-form text, None = open)."""

    until: str | None
    offset: int


# A day inside the calendar's ends: every zone's wall clock exists there, so no look-up runs off the calendar.
FIRST = dt.datetime(1, 1, 2, tzinfo=UTC)
LAST = dt.datetime(9999, 12, 30, tzinfo=UTC)


def offset_spans(zone: dt.tzinfo, start: dt.datetime, end: dt.datetime) -> list[OffsetSpan]:
    """The zone's offsets over [start, end], split at each change (found day by day, then to the minute)."""
    start, end = min(max(start, FIRST), LAST), max(min(end, LAST), FIRST)
    def offset(moment: dt.datetime) -> int:
        off = moment.astimezone(zone).utcoffset()
        return int(off.total_seconds()) if off is not None else 0

    spans: list[OffsetSpan] = []
    step = dt.timedelta(days=1)  # zones change at most twice a year, never twice in a day
    t = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    current = offset(t)
    while t < end:
        nxt = t + step
        if offset(nxt) != current:
            lo, hi = t, nxt  # the change lies in (lo, hi]; narrow it to the minute
            while hi - lo > dt.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid <= lo:
                    break
                if offset(mid) == current:
                    lo = mid
                else:
                    hi = mid
            spans.append(OffsetSpan(timeutil.to_iso(hi), current))
            current = offset(hi)
        t = nxt
    spans.append(OffsetSpan(None, current))
    return spans
