"""The patterns of the events a filter matches: counts, newness, spikes and linked incidents.

One service for the CLI's ``patterns`` command and, later, the window's Patterns page.
Buckets are UTC hours when the period spans three days or less, UTC days otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain import timeutil
from app.domain.filters import Filter
from app.patterns.spikes import robust_z, spiking
from app.store import patterns as store
from app.store.database import Database
from app.store.filter_sql import event_where

SORTS = ("count", "growth", "new")
HOUR, DAY = 13, 10  # ISO prefix lengths naming a UTC hour and a UTC day
NEW_WITHOUT_START = dt.timedelta(days=1)  # no start time given: "new" is first seen in the last day of the data


def listing(db: Database, f: Filter, zone: dt.tzinfo, sort: str = "count",
            now: dt.datetime | None = None, detail: bool = False, series: bool = False) -> list[dict[str, Any]]:
    """One row per pattern with matching events: id, template, count, first_seen, last_seen, new, spiking, incidents.

    ``detail`` adds what the Patterns page draws: ``series`` (counts per bucket, oldest first), ``severities``
    (count by severity number) and ``hosts`` (count by host, largest first). ``series`` adds the series alone
    (the report's trend), with ``bucket`` saying whether its buckets are UTC hours or days.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    since, until = f.time_bounds(zone, now)
    hourly = store.tally(db, event_where(f, zone, now), HOUR)
    if not hourly:
        return []
    start = since or min(r["first"] for r in hourly)
    end = timeutil.to_iso(_parse(until) - dt.timedelta(milliseconds=1)) if until else max(r["last"] for r in hourly)
    width = HOUR if _parse(end) - _parse(start) <= dt.timedelta(days=3) else DAY
    buckets = _buckets(start, end, width)
    per: dict[int, dict[str, int]] = {}
    for r in hourly:
        counts = per.setdefault(int(r["id"]), {})
        counts[r["bucket"][:width]] = counts.get(r["bucket"][:width], 0) + int(r["n"])
    known = store.describe(db, per)
    linked = store.incidents_by_pattern(db)
    new_from = since or timeutil.to_iso(_parse(max(r["last"] for r in hourly)) - NEW_WITHOUT_START)
    rows = []
    for pid, counts in per.items():
        info = known.get(pid, {})
        counted = [counts.get(b, 0) for b in buckets]
        z = robust_z(counted[:-1], counted[-1])
        first_seen = info.get("first_seen")
        rows.append({"id": pid, "template": info.get("template", ""), "count": sum(counted),
                     "first_seen": first_seen, "last_seen": info.get("last_seen"),
                     "new": bool(first_seen and first_seen >= new_from),
                     "spiking": spiking(counted[:-1], counted[-1]), "incidents": linked.get(pid, []), "_z": z,
                     **({"series": counted} if detail or series else {}),
                     **({"bucket": "hour" if width == HOUR else "day"} if series else {})})
    if detail:
        _add_detail(db, f, zone, now, rows)
    rows.sort(key=lambda r: (-r["count"], r["id"]))
    if sort == "growth":
        rows.sort(key=lambda r: -r["_z"])
    elif sort == "new":  # new ones first, the most recently first seen first
        rows.sort(key=lambda r: r["first_seen"] or "", reverse=True)
        rows.sort(key=lambda r: not r["new"])
    for r in rows:
        del r["_z"]
    return rows


def _add_detail(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None,
                rows: list[dict[str, Any]]) -> None:
    sev: dict[int, dict[int, int]] = {}
    hosts: dict[int, dict[str, int]] = {}
    for r in store.mix(db, event_where(f, zone, now)):
        pid, n = int(r["id"]), int(r["n"])
        by_sev = sev.setdefault(pid, {})
        by_sev[int(r["severity"])] = by_sev.get(int(r["severity"]), 0) + n
        by_host = hosts.setdefault(pid, {})
        by_host[r["host"] or ""] = by_host.get(r["host"] or "", 0) + n
    for row in rows:
        row["severities"] = sev.get(row["id"], {})
        row["hosts"] = dict(sorted(hosts.get(row["id"], {}).items(), key=lambda kv: (-kv[1], kv[0])))


def _parse(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _buckets(start: str, end: str, width: int) -> list[str]:
    """Every bucket name from ``start``'s to ``end``'s (empty buckets count as zeros in a baseline)."""
    step = dt.timedelta(hours=1) if width == HOUR else dt.timedelta(days=1)
    t = _parse(start[:width] + (":00:00Z" if width == HOUR else "T00:00:00Z"))
    last = end[:width]
    out: list[str] = []
    while True:
        name = timeutil.to_iso(t)[:width]
        if name > last:
            return out or [last]
        out.append(name)
        t += step
