"""Availability per client over a stated period: one minus recorded downtime over the period's length.

The period is the filter's, or the last 30 days when the filter has none. It never
follows the span of the stored events: importing an old log must not dilute this
month's outage. Downtime is each incident's ``downtime_minutes`` counted from its
opened time and clipped to the period. The headline is the worst client's figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.domain import timeutil
from app.domain.filters import Filter
from app.store import aggregates
from app.store.database import Database

DEFAULT_DAYS = 30
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Availability:
    """Per-client availability over ``start``..``end`` (UTC), described by ``label`` ("last 30 days")."""

    start: dt.datetime
    end: dt.datetime
    label: str
    by_client: dict[str, float] = field(default_factory=dict)

    @property
    def worst(self) -> tuple[str, float] | None:
        """(client, figure) of the lowest availability; the headline the tile and the CLI show."""
        if not self.by_client:
            return None
        return min(self.by_client.items(), key=lambda kv: (kv[1], kv[0]))

    def ranked(self) -> list[tuple[str, float]]:
        """Every client, worst first."""
        return sorted(self.by_client.items(), key=lambda kv: (kv[1], kv[0]))


def period(f: Filter, zone: dt.tzinfo, now: dt.datetime) -> tuple[dt.datetime, dt.datetime, str]:
    """The filter's time bounds (an open end is now, an open start 30 days before the end) and a label."""
    since, until = f.time_bounds(zone, now)
    end = timeutil.from_iso(until) if until else now
    start = timeutil.from_iso(since) if since else end - dt.timedelta(days=DEFAULT_DAYS)
    if not since and not until:
        return start, end, f"last {DEFAULT_DAYS} days"
    relative = (f.since or "").strip().lower()
    if not until and len(relative) >= 2 and relative[:-1].isdigit() and relative[-1] in _UNITS:
        n, unit = int(relative[:-1]), _UNITS[relative[-1]]
        return start, end, f"last {n} {unit[:-1] if n == 1 else unit}"
    return start, end, date_span(start, end, zone, now)


def date_span(start: dt.datetime, end: dt.datetime, zone: dt.tzinfo, now: dt.datetime) -> str:
    """``1–30 Nov``, ``28 Nov – 3 Dec``, ``28 Dec 2025 – 3 Jan 2026``: local dates, the end inclusive."""
    a = start.astimezone(zone)
    b = (end - dt.timedelta(microseconds=1)).astimezone(zone) if end > start else a
    this_year = now.astimezone(zone).year
    year = "" if a.year == b.year == this_year else f" {b.year}"
    if a.date() == b.date():
        return f"{a.day} {a:%b}{year}"
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {b:%b}{year}"
    if a.year == b.year:
        return f"{a.day} {a:%b} – {b.day} {b:%b}{year}"
    return f"{a.day} {a:%b} {a.year} – {b.day} {b:%b} {b.year}"


def compute(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None) -> Availability:
    """Availability of every client with recorded downtime (or an incident with 0) in the period."""
    now = now or dt.datetime.now(timeutil.UTC)
    start, end, label = period(f, zone, now)
    minutes = (end - start).total_seconds() / 60
    by_client: dict[str, float] = {}
    if minutes > 0:
        down = aggregates.downtime_by_client_between(
            db, f.replace(since=None, until=None), zone, timeutil.to_iso(start), timeutil.to_iso(end), now)
        for client, m in sorted(down.items()):
            by_client[client or "(no client)"] = max(0.0, 1.0 - m / minutes)
    return Availability(start, end, label, by_client)


def headline(a: Availability) -> str:
    """One line for the CLI and reports: ``worst: Acme 95.35% (last 30 days)``."""
    worst = a.worst
    if worst is None:
        return f"no downtime recorded ({a.label})"
    return f"worst: {worst[0]} {worst[1]:.2%} ({a.label})"
