"""The dashboard's KPI tiles: open incidents, SLA breach rate, MTTA, MTTR, recent events, availability."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.analysis.availability import Availability
from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.vocab import SEVERITIES
from app.store import aggregates
from app.store.database import Database


@dataclass(frozen=True)
class Kpis:
    """Figures for the tiles; None where there is nothing to measure."""

    open_by_priority: dict[int, int]
    breach_rate: float | None
    mtta_minutes: float | None
    mttr_minutes: float | None
    events_24h: dict[str, int]
    availability: Availability | None = None


def compute(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None) -> Kpis:
    """Every tile over the shared filter; "last 24 h" counts back from ``now``."""
    from app.analysis import availability, sla

    now = now or dt.datetime.now(timeutil.UTC)
    totals = sla.totals(db, f, zone, now)
    recent = aggregates.events_by_severity_between(
        db, f.replace(since=None, until=None), zone,
        timeutil.to_iso(now - dt.timedelta(hours=24)), timeutil.to_iso(now), now)
    return Kpis(
        open_by_priority=aggregates.open_by_priority(db, f, zone, now),
        breach_rate=totals.get("breach_rate"),
        mtta_minutes=totals.get("mtta_minutes"),
        mttr_minutes=totals.get("mttr_minutes"),
        events_24h={SEVERITIES[s]: n for s, n in sorted(recent.items())},
        availability=availability.compute(db, f, zone, now),
    )


def duration_text(minutes: float | None) -> str:
    """Minutes as a short human duration: 45 min, 3.2 h, 2.1 d."""
    if minutes is None:
        return "—"
    if minutes < 90:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} d"
