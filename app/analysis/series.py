"""Chart data over events: the trend, the hour × weekday heatmap and the top messages.

Each function runs one or two GROUP BY queries from ``app.store.aggregates``
and returns a plain dataclass the figure builders draw; the CLI, the dashboard
and the tests all go through here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from app.analysis import buckets
from app.domain import chart_window, masking, timeutil
from app.domain.filters import Filter
from app.domain.vocab import LOG_TYPES, SEVERITIES, Severity
from app.store import aggregates, patterns as pattern_store, time_counts
from app.store.database import Database
from app.store.filter_sql import event_where

GROUPS: tuple[str, ...] = ("severity", "type", "client")
# The top-messages chart reads about TOP_SAMPLE rows (every k-th id) on large files, and counts
# exactly when fewer than TOP_EXACT_LIMIT events match.
TOP_SAMPLE = 100_000
TOP_EXACT_LIMIT = 50_000
NO_CLIENT = "(no client)"


@dataclass(frozen=True)
class TimeSeries:
    """Counts per local time bucket, one list per group value (in display order)."""

    size: str
    zone: dt.tzinfo
    starts: list[dt.datetime]
    ends: list[dt.datetime]
    group: str | None
    series: dict[str, list[int]]
    lo: dt.datetime | None = None  # the range counted; the first and last buckets may be partial
    hi: dt.datetime | None = None
    earliest: dt.datetime | None = None  # set when the default window hides older events: the first of them

    @property
    def total(self) -> int:
        return sum(sum(v) for v in self.series.values())

    def _gap_runs(self) -> list[tuple[int, int]]:
        totals = [sum(col) for col in zip(*self.series.values())] if self.series else []
        return chart_window.empty_runs(totals)

    def gaps(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """Long stretches with no events (start of the first empty bucket, end of the last): the axis breaks."""
        return [(self.starts[a], self.ends[b]) for a, b in self._gap_runs()]

    def islands(self) -> list[range]:
        """Bucket indexes between the gaps: each is drawn on its own stretch of a broken axis."""
        out, i = [], 0
        for a, b in self._gap_runs():
            if a > i:
                out.append(range(i, a))
            i = b + 1
        if i < len(self.starts):
            out.append(range(i, len(self.starts)))
        return out

    def span(self, j: int) -> tuple[dt.datetime, dt.datetime]:
        """Bucket ``j`` clipped to the counted range: exactly the events its bar counts."""
        start, end = self.starts[j], self.ends[j]
        return max(start, self.lo or start), min(end, self.hi or end)


@dataclass(frozen=True)
class Heatmap:
    """Counts[weekday 0=Monday][local hour]."""

    zone: dt.tzinfo
    min_severity: str
    counts: list[list[int]]

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))


@dataclass(frozen=True)
class TopMessages:
    """The Top patterns bars: labels, counts and the total; ``every`` > 1 means counts are scaled from a 1-in-k sample.

    With ``ids`` the bars are mined patterns (``patterns`` holds their templates); without, masked messages,
    the fallback while some matching events have no pattern yet.
    """

    patterns: list[str]
    counts: list[int]
    total: int
    every: int = 1
    log_types: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    @property
    def estimated(self) -> bool:
        return self.every > 1


def time_range(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None
               ) -> tuple[dt.datetime, dt.datetime] | None:
    """The range the charts cover: the filter's bounds, else the first to last matching event."""
    since, until = f.time_bounds(zone, now)
    if since and until:
        return timeutil.from_iso(since), timeutil.from_iso(until)
    first, last = aggregates.event_range(db, f, zone, now)
    if first is None or last is None:
        return None
    start = timeutil.from_iso(since or first)
    end = timeutil.from_iso(until) if until else timeutil.from_iso(last) + dt.timedelta(milliseconds=1)
    return (start, end) if end > start else None


def trend(db: Database, f: Filter, zone: dt.tzinfo, by: str = "severity", size: str | None = None,
          now: dt.datetime | None = None, fast: bool = True, all_time: bool = False) -> TimeSeries:
    """Events per bucket, split by severity, log type or client; empty buckets are zeros.

    Without a time range in the filter it covers the 30 days ending at the newest
    matching event (``app.domain.chart_window``) unless ``all_time``.
    ``fast=False`` forces the general GROUP BY (tests compare both ways).
    """
    if by not in GROUPS:
        raise ValueError(f"by: {by!r} is not one of {', '.join(GROUPS)}")
    earliest = None
    if not all_time and not chart_window.has_time_range(f):
        first, last = aggregates.event_range(db, f, zone, now)
        narrowed = chart_window.windowed(f, last)
        if first is not None and narrowed.since is not None and first < narrowed.since:
            f, earliest = narrowed, timeutil.from_iso(first)
    span = time_range(db, f, zone, now)
    if span is None:
        return TimeSeries(size or "day", zone, [], [], by, {})
    start, end = span
    auto_size = size is None
    size = size or buckets.choose(start, end)
    starts, ends, counts = time_counts.bucket_counts(db, f, zone, size, start, end, by, now, fast)
    out = TimeSeries(size, zone, starts, ends, by, _ordered(by, counts), start, end, earliest)
    if auto_size:
        totals = [sum(col) for col in zip(*out.series.values(), strict=True)]
        finer = chart_window.finer_size(size, start, end, zone, dict(zip(starts, totals, strict=False)))
        if finer is not None:
            return dataclasses.replace(trend(db, f, zone, by, finer, now, fast, all_time=True), earliest=earliest)
    return out


def _ordered(by: str, counts: dict[object, list[int]]) -> dict[str, list[int]]:
    """Group values in their natural order with display names: severities low → high, types as listed."""
    if by == "severity":
        return {SEVERITIES[k]: counts[k] for k in sorted(k for k in counts if isinstance(k, int))}
    if by == "type":
        return {k: counts[k] for k in LOG_TYPES if k in counts}
    out = {str(k): counts[k] for k in sorted((k for k in counts if k), key=lambda k: str(k).lower())}
    blank = [counts[k] for k in (None, "") if k in counts]
    if blank:
        out[NO_CLIENT] = [sum(v) for v in zip(*blank)]
    return out


def heatmap(db: Database, f: Filter, zone: dt.tzinfo, min_severity: str = "error",
            now: dt.datetime | None = None) -> Heatmap:
    """Events at ``min_severity`` or worse by local hour of day × weekday."""
    level = int(Severity.parse(min_severity))
    span = time_range(db, f, zone, now)
    counts = [[0] * 24 for _ in range(7)]
    if span is not None:
        spans = buckets.offset_spans(zone, *span)
        for hour, day, n in aggregates.event_hour_weekday(db, f, zone, buckets.sql_local_seconds(spans, "e.t", True),
                                                          level, now):
            counts[day][hour] += n
    return Heatmap(zone, Severity(level).label, counts)


def top_messages(db: Database, f: Filter, zone: dt.tzinfo, limit: int = 10, exact: bool = False,
                 now: dt.datetime | None = None) -> TopMessages:
    """The ``limit`` most frequent patterns among the matching events, by pattern id with the template as label.

    While some matching event has no pattern yet (a file from before schema 11 never given
    patterns), a pattern count would leave those out: the bars are masked messages instead.
    """
    where = event_where(f, zone, now)
    if pattern_store.any_unmined(db, where):
        return _top_masked(db, f, zone, limit, exact, now)
    rows = pattern_store.counts(db, where)
    ranked = rows[:limit]
    names = pattern_store.describe(db, [p for p, _ in ranked])
    return TopMessages([str(names.get(p, {}).get("template", f"#{p}")) for p, _ in ranked], [n for _, n in ranked],
                       sum(n for _, n in rows), ids=[p for p, _ in ranked])


def _top_masked(db: Database, f: Filter, zone: dt.tzinfo, limit: int, exact: bool,
                now: dt.datetime | None) -> TopMessages:
    """The ``limit`` most frequent masked messages among the matching events.

    Digits are masked in SQL, the rest in Python. On a large file (unless
    ``exact``) every k-th event id is counted first, k chosen so about
    ``TOP_SAMPLE`` rows of the whole table are read; when that shows fewer than
    ``TOP_EXACT_LIMIT`` matching events, they are counted exactly instead.
    Sampled counts and the total are scaled by k and marked as estimates.
    """
    every = 1 if exact else max(1, -(-int(aggregates.max_event_id(db)) // TOP_SAMPLE))
    rows = aggregates.message_counts(db, f, zone, every, now)
    if every > 1 and sum(n for _m, n in rows) * every <= TOP_EXACT_LIMIT:
        every = 1
        rows = aggregates.message_counts(db, f, zone, 1, now)
    merged: dict[str, int] = {}
    for text, n in rows:
        key = masking.mask(text)
        merged[key] = merged.get(key, 0) + n
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    total = sum(merged.values()) * every
    return TopMessages([k for k, _ in ranked], [n * every for _, n in ranked], total, every)
