"""Chart data over incidents: opened vs resolved with the backlog, MTTR per week, client × log type."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from app.analysis import buckets
from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.vocab import LOG_TYPES
from app.store import aggregates
from app.store.database import Database

NO_CLIENT = "(no client)"


@dataclass(frozen=True)
class IncidentFlow:
    """Per local day or week: incidents opened, resolved, and the open backlog at the bucket's end."""

    size: str
    zone: dt.tzinfo
    starts: list[dt.datetime]
    ends: list[dt.datetime]
    opened: list[int]
    resolved: list[int]
    backlog: list[int]


@dataclass(frozen=True)
class MttrSeries:
    """Mean minutes opened → resolved per week of opening and priority; None where nothing was resolved."""

    zone: dt.tzinfo
    starts: list[dt.datetime]
    ends: list[dt.datetime]
    minutes: dict[int, list[float | None]]
    resolved: dict[int, list[int]]
    targets: dict[int, float]


@dataclass(frozen=True)
class ClientMatrix:
    """Incident counts per client (rows) and log type (series)."""

    clients: list[str]
    series: dict[str, list[int]]

    @property
    def total(self) -> int:
        return sum(sum(v) for v in self.series.values())


def _span(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None
          ) -> tuple[dt.datetime, dt.datetime] | None:
    since, until = f.time_bounds(zone, now)
    first, last = aggregates.incident_range(db, f.replace(since=None, until=None), zone, now)
    lo = since or first
    hi = until or (timeutil.to_iso(timeutil.from_iso(last) + dt.timedelta(milliseconds=1)) if last else None)
    if not lo or not hi or hi <= lo:
        return None
    return timeutil.from_iso(lo), timeutil.from_iso(hi)


def _frame(start: dt.datetime, end: dt.datetime, size: str, zone: dt.tzinfo
           ) -> tuple[list[dt.datetime], list[dt.datetime], list[buckets.OffsetSpan]]:
    starts = buckets.starts_between(start, end, size, zone)
    ends = starts[1:] + [buckets.next_start(starts[-1], size, zone)] if starts else []
    return starts, ends, buckets.offset_spans(zone, start, ends[-1] if ends else end)


def flow(db: Database, f: Filter, zone: dt.tzinfo, size: str | None = None,
         now: dt.datetime | None = None) -> IncidentFlow:
    """Opened vs resolved per day (week for ranges over 120 days) with the open backlog as a line."""
    span = _span(db, f, zone, now)
    if span is None:
        return IncidentFlow(size or "day", zone, [], [], [], [], [])
    start, end = span
    size = size or ("day" if end - start <= dt.timedelta(days=120) else "week")
    starts, ends, spans = _frame(start, end, size, zone)
    index = {s: i for i, s in enumerate(starts)}
    data = aggregates.incident_flow(
        db, f, zone, lambda column: buckets.sql_bucket(size, spans, column),
        timeutil.to_iso(starts[0]), timeutil.to_iso(ends[-1]), now)

    def per_bucket(counts: dict[int, int]) -> list[int]:
        out = [0] * len(starts)
        for number, n in counts.items():
            i = index.get(buckets.bucket_start(number, size, spans, zone))
            if i is not None:
                out[i] += n
        return out

    opened, resolved, left = per_bucket(data["opened"]), per_bucket(data["resolved"]), per_bucket(data["left"])
    backlog, level = [], data["backlog_at_start"]
    for o, gone in zip(opened, left):
        level += o - gone
        backlog.append(level)
    return IncidentFlow(size, zone, starts, ends, opened, resolved, backlog)


def mttr(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None) -> MttrSeries:
    """MTTR (wall-clock minutes opened → resolved) per week of opening and priority, with SLA targets."""
    span = _span(db, f, zone, now)
    if span is None:
        return MttrSeries(zone, [], [], {}, {}, {})
    starts, ends, spans = _frame(span[0], span[1], "week", zone)
    index = {s: i for i, s in enumerate(starts)}
    minutes: dict[int, list[float | None]] = {}
    resolved: dict[int, list[int]] = {}
    week_sql = buckets.sql_bucket("week", spans, "i.opened_at")
    for number, priority, n, mean in aggregates.incident_mttr(db, f, zone, week_sql, now):
        i = index.get(buckets.bucket_start(number, "week", spans, zone))
        if i is None:
            continue
        minutes.setdefault(priority, [None] * len(starts))[i] = float(mean)
        resolved.setdefault(priority, [0] * len(starts))[i] = n
    return MttrSeries(zone, starts, ends, dict(sorted(minutes.items())), dict(sorted(resolved.items())),
                      resolution_targets(db, f, zone, now))


def resolution_targets(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None) -> dict[int, float]:
    """The resolution target per priority (the most common one where clients differ), from the SLA engine."""
    from app.analysis import sla

    seen: dict[int, Counter[float]] = {}
    for row in sla.incident_sla_rows(db, f, zone, now):
        target = row.get("resolution_target_minutes")
        if target is not None:
            seen.setdefault(int(row["priority"]), Counter())[float(target)] += 1
    return {p: c.most_common(1)[0][0] for p, c in sorted(seen.items())}


def by_client(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None) -> ClientMatrix:
    """Incidents per client, split by log type; clients with the most incidents first."""
    rows = aggregates.incident_counts(db, f, zone, "client", "type", now)
    totals: Counter[str] = Counter()
    for client, _t, n in rows:
        totals[client or NO_CLIENT] += n
    clients = [c for c, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0].lower()))]
    pos = {c: i for i, c in enumerate(clients)}
    series: dict[str, list[int]] = {}
    for client, log_type, n in rows:
        series.setdefault(log_type, [0] * len(clients))[pos[client or NO_CLIENT]] += n
    return ClientMatrix(clients, {t: series[t] for t in LOG_TYPES if t in series})

