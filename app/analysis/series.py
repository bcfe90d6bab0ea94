"""Chart data over events: the trend, the hour × weekday heatmap and the top messages.

Each function runs one or two GROUP BY queries from ``app.store.aggregates``
and returns a plain dataclass the figure builders draw; the CLI, the dashboard
and the tests all go through here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.analysis import buckets, masking
from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.vocab import LOG_TYPES, SEVERITIES, Severity
from app.store import aggregates
from app.store.database import Database

GROUPS: tuple[str, ...] = ("severity", "type", "client")
# Above this many matching events the top-messages chart counts a systematic sample (every k-th id).
TOP_EXACT_LIMIT = 150_000
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

    @property
    def total(self) -> int:
        return sum(sum(v) for v in self.series.values())

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
    """The most frequent masked messages; ``every`` > 1 means counts are scaled from a 1-in-k sample."""

    patterns: list[str]
    counts: list[int]
    total: int
    every: int = 1
    log_types: list[str] = field(default_factory=list)

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
          now: dt.datetime | None = None) -> TimeSeries:
    """Events per bucket, split by severity, log type or client; empty buckets are zeros."""
    if by not in GROUPS:
        raise ValueError(f"by: {by!r} is not one of {', '.join(GROUPS)}")
    span = time_range(db, f, zone, now)
    if span is None:
        return TimeSeries(size or "day", zone, [], [], by, {})
    start, end = span
    size = size or buckets.choose(start, end)
    spans = buckets.offset_spans(zone, start, end)
    rows = aggregates.event_buckets(db, f, zone, buckets.sql_bucket(size, spans, "e.ts"), by, now)
    starts = buckets.starts_between(start, end, size, zone)
    ends = starts[1:] + [buckets.next_start(starts[-1], size, zone)] if starts else []
    index = {s: i for i, s in enumerate(starts)}
    counts: dict[object, list[int]] = {}
    for number, group, n in rows:
        i = index.get(buckets.bucket_start(number, size, spans, zone))
        if i is not None:
            counts.setdefault(group, [0] * len(starts))[i] += n
    return TimeSeries(size, zone, starts, ends, by, _ordered(by, counts), start, end)


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
        for hour, day, n in aggregates.event_hour_weekday(db, f, zone, buckets.sql_local_seconds(spans, "e.ts"),
                                                          level, now):
            counts[day][hour] += n
    return Heatmap(zone, Severity(level).label, counts)


def top_messages(db: Database, f: Filter, zone: dt.tzinfo, limit: int = 10, exact: bool = False,
                 now: dt.datetime | None = None) -> TopMessages:
    """The ``limit`` most frequent masked messages among the matching events.

    Digits are masked in SQL, the rest in Python. Over ``TOP_EXACT_LIMIT``
    matching events (unless ``exact``), every k-th event is counted and the
    counts are scaled by k: the shares stay right within a few per cent.
    """
    total = aggregates.event_count(db, f, zone, now)
    every = 1 if exact or total <= TOP_EXACT_LIMIT else -(-total // (TOP_EXACT_LIMIT // 2))
    merged: dict[str, int] = {}
    for text, n in aggregates.message_counts(db, f, zone, every, now):
        key = masking.mask(text)
        merged[key] = merged.get(key, 0) + n
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return TopMessages([k for k, _ in ranked], [n * every for _, n in ranked], total, every)
