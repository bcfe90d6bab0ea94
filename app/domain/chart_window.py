"""The time window the trend chart and the Events timeline show when the filter sets none.

A log from 2005 beside this month's would otherwise stretch the axis over 21
years and leave the recent events as a sliver at its edge. Without a time range
in the filter they show the ``DEFAULT_DAYS`` days ending at the newest matching
event (not at today, so an old import alone still fills the chart); "All time"
shows everything, with long empty stretches marked as gaps.
"""

from __future__ import annotations

import datetime as dt

from app.domain import time_buckets, timeutil
from app.domain.filters import Filter

DEFAULT_DAYS = 30
# An empty stretch is a gap worth marking (or folding away) when it is at least this share of the range.
GAP_SHARE = 0.25


def has_time_range(f: Filter) -> bool:
    return bool(f.since or f.until)


def windowed(f: Filter, newest: str | None, all_time: bool = False) -> Filter:
    """``f`` limited to the ``DEFAULT_DAYS`` days ending at ``newest`` (stored-form UTC), unless it has a range."""
    if all_time or newest is None or has_time_range(f):
        return f
    start = timeutil.from_iso(newest) - dt.timedelta(days=DEFAULT_DAYS)
    return f.replace(since=timeutil.to_iso(start))


def empty_runs(counts: list[int], share: float = GAP_SHARE, least: int = 10) -> list[tuple[int, int]]:
    """(first, last) indexes of each run of empty buckets that is a gap: ``share`` of them and ``least`` long."""
    out: list[tuple[int, int]] = []
    longest = max(least, int(len(counts) * share))
    run_start: int | None = None
    for i, n in enumerate([*counts, 1]):
        if not n and run_start is None:
            run_start = i
        elif n and run_start is not None:
            if i - run_start >= longest:
                out.append((run_start, i - 1))
            run_start = None
    return out


def finer_size(size: str, start: dt.datetime, end: dt.datetime, zone: dt.tzinfo,
               totals: dict[dt.datetime, int]) -> str | None:
    """A finer bucket size for ``start``..``end`` once its gaps are cut out, else None.

    ``totals`` maps bucket starts (UTC) to their counts. The bars then cover only the
    islands, so they are sized by the time that has events, not by the whole range:
    a 2005 import beside this month's gets day bars rather than one week bar each.
    """
    if not any(totals.values()):
        return None  # nothing to size the bars by
    starts = time_buckets.starts_between(start, end, size, zone)
    runs = empty_runs([totals.get(s, 0) for s in starts])
    if not runs or len(starts) >= time_buckets.MAX_STARTS:
        return None  # no gaps, or too long a range to list its buckets (and so its gaps)
    ends = [*starts[1:], time_buckets.next_start(starts[-1], size, zone)]
    busy = (end - start) - sum((ends[b] - starts[a] for a, b in runs), dt.timedelta())
    finer = time_buckets.choose(start, start + busy)
    order = list(time_buckets.SECONDS)
    return finer if order.index(finer) < order.index(size) else None
