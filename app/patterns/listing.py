"""The patterns of the events a filter matches: counts, newness, spikes and linked incidents.

One service for the CLI's ``patterns`` command and the window's Patterns page.
Buckets are the user's local hours when the period spans three days or less, local
days otherwise (``app.domain.time_buckets``, as the dashboard's charts), so an event at
20:00Z belongs to the next day's bucket in Manila. ``pattern_days`` holds UTC days
and cannot say that, so the buckets are counted from the events: one range count per
pattern and bucket on ``events_pattern``, which sorts nothing (about 0.1 s per million
events), or one GROUP BY on the local bucket number when patterns × buckets are many.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.time_buckets import next_start, starts_between
from app.domain.zone_spans import offset_spans
from app.patterns.spikes import robust_z, spiking
from app.store import patterns as store
from app.store.database import Database
from app.store.filter_sql import Where, event_where
from app.store.local_time import bucket_start, sql_bucket

SORTS = ("count", "growth", "new")
HOURLY_UP_TO = dt.timedelta(days=3)  # periods this short are drawn by hour, longer ones by day
NEW_WITHOUT_START = dt.timedelta(days=1)  # no start time given: "new" is first seen in the last day of the data
RANGE_COUNTS_UP_TO = 50_000  # patterns × buckets counted one range at a time; more in one GROUP BY


def listing(db: Database, f: Filter, zone: dt.tzinfo, sort: str = "count",
            now: dt.datetime | None = None, detail: bool = False, want_series: bool = False) -> list[dict[str, Any]]:
    """One row per pattern with matching events: id, template, count, first_seen, last_seen, new, spiking, incidents.

    ``detail`` adds what the Patterns page draws: ``series`` (counts per local bucket, oldest first),
    ``severities`` (count by severity number) and ``hosts`` (count by host, largest first). ``series`` adds
    the series alone (the report's trend), with ``bucket`` saying whether its buckets are local hours or days.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    since, until = f.time_bounds(zone, now)
    where = event_where(f, zone, now)
    sev, hosts = _mix(store.mix(db, where))
    if not sev:
        return []
    first, last = store.span(db, where)
    assert first is not None and last is not None
    start = timeutil.from_iso(since or first)
    end = timeutil.from_iso(until) if until else timeutil.from_iso(last) + dt.timedelta(milliseconds=1)
    size = "hour" if end - start <= HOURLY_UP_TO + dt.timedelta(milliseconds=1) else "day"
    per = _series(db, where, list(sev), start, end, size, zone)
    known = store.describe(db, sev)
    linked = store.incidents_by_pattern(db)
    new_from = since or timeutil.to_iso(timeutil.from_iso(last) - NEW_WITHOUT_START)
    rows = []
    for pid, by_sev in sev.items():
        info = known.get(pid, {})
        series = per[pid]
        first_seen = info.get("first_seen")
        row = {"id": pid, "template": info.get("template", ""), "count": sum(by_sev.values()),
               "first_seen": first_seen, "last_seen": info.get("last_seen"),
               "new": bool(first_seen and first_seen >= new_from), "spiking": spiking(series[:-1], series[-1]),
               "incidents": linked.get(pid, []), "_z": robust_z(series[:-1], series[-1])}
        if detail:
            row.update(series=series, severities=by_sev,
                       hosts=dict(sorted(hosts[pid].items(), key=lambda kv: (-kv[1], kv[0]))))
        if want_series:
            row.update(series=series, bucket=size)
        rows.append(row)
    rows.sort(key=lambda r: (-r["count"], r["id"]))
    if sort == "growth":
        rows.sort(key=lambda r: -r["_z"])
    elif sort == "new":  # new ones first, the most recently first seen first
        rows.sort(key=lambda r: r["first_seen"] or "", reverse=True)
        rows.sort(key=lambda r: not r["new"])
    for r in rows:
        del r["_z"]
    return rows


def _mix(found: list[dict[str, Any]]) -> tuple[dict[int, dict[int, int]], dict[int, dict[str, int]]]:
    """Counts by severity and by host of each pattern, from the one scan that also gives their totals."""
    sev: dict[int, dict[int, int]] = {}
    hosts: dict[int, dict[str, int]] = {}
    for r in found:
        pid, n = int(r["id"]), int(r["n"])
        by_sev = sev.setdefault(pid, {})
        by_sev[int(r["severity"])] = by_sev.get(int(r["severity"]), 0) + n
        by_host = hosts.setdefault(pid, {})
        by_host[r["host"] or ""] = by_host.get(r["host"] or "", 0) + n
    return sev, hosts


def _series(db: Database, where: Where, ids: list[int], start: dt.datetime, end: dt.datetime, size: str,
            zone: dt.tzinfo) -> dict[int, list[int]]:
    """Each pattern's counts per local bucket from ``start``'s bucket to ``end``'s (empty ones as zeros)."""
    starts = starts_between(start, end, size, zone) or [start]
    out = {pid: [0] * len(starts) for pid in ids}
    if len(ids) * len(starts) <= RANGE_COUNTS_UP_TO:
        bounds = [(timeutil.to_iso(s), timeutil.to_iso(next_start(s, size, zone))) for s in starts]
        for (pid, k), n in store.bucket_counts(db, where, ids, bounds).items():
            out[pid][k] = n
        return out
    spans = offset_spans(zone, starts[0], end)
    bucket_sql, params = sql_bucket(size, spans, "e.t", ms=True)
    index = {s: k for k, s in enumerate(starts)}
    for pid, number, n in store.bucket_tally(db, where, bucket_sql, params):
        at = index.get(bucket_start(number, size, spans, zone))
        if at is not None and pid in out:
            out[pid][at] += n
    return out
