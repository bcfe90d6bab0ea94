"""Fill a database with 60 days of a BPO's events and incidents.

Deterministic for a given seed and end time, so benchmarks and tests see the
same data. Events follow a daily rhythm (busy in business hours), with random
bursts and a few outages that the demo incidents point at. Each event gets its
pattern as it is written, by the import's own labelling step, so the Patterns page
and the Top patterns chart have data at once.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from app.demo import catalogue as cat
from app.domain import timeutil
from app.domain.event_row import MESSAGE, SEVERITY, TS
from app.domain.priority import priority_for
from app.domain.vocab import Status
from app.patterns.collect import Collector
from app.store import (
    audit,
    events as event_store,
    imports as import_store,
    incidents as incident_store,
    patterns as pattern_store,
)
from app.store.database import Database

DAYS = 60
BATCH = 20_000
# Relative load per local hour of day (the floors work 07:00-23:00 mostly), in the floors' zone.
FLOOR_UTC_OFFSET_HOURS = 8
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 10, 11, 11, 10, 9, 10, 11, 11, 10, 9, 8, 7, 6, 4, 2, 1]


@dataclass(frozen=True)
class DemoSummary:
    events: int
    incidents: int
    start: str
    end: str


def default_end() -> dt.datetime:
    """Now, rounded down to the hour, so "last 24 h" has data."""
    return dt.datetime.now(timeutil.UTC).replace(minute=0, second=0, microsecond=0)


def generate(
    db: Database,
    events: int = 50_000,
    seed: int = 1,
    end: dt.datetime | None = None,
    incidents: int = 200,
    progress: Callable[[int, int], None] | None = None,
    patterns: bool | None = None,
) -> DemoSummary:
    """Write ``events`` events and ``incidents`` incidents in one transaction.

    The events get their patterns when the file's schema has them (``patterns=None``);
    ``patterns=False`` leaves them unmined, as in a file never given patterns (for tests).
    """
    rng = random.Random(seed)
    end = (end or default_end()).astimezone(timeutil.UTC)
    start = end - dt.timedelta(days=DAYS)
    hosts = _hosts()
    outages = _outage_windows(rng, start)
    with db.transaction():
        import_id = int(db.execute(
            "INSERT INTO imports (file, path, format, tz, status, started_at, finished_at, read_count, accepted)"
            " VALUES (?, ?, 'demo', 'UTC', 'complete', ?, ?, ?, ?)",
            (f"demo data (seed {seed})", None, timeutil.now_iso(), timeutil.now_iso(), events, events),
        ).lastrowid or 0)
        mine = pattern_store.available(db) if patterns is None else patterns
        collector = Collector.load(db) if mine else None
        with import_store.bulk_load(db, events):
            done = 0
            batch: list[tuple[object, ...]] = []
            for row in _events(rng, events, start, hosts, outages, import_id):
                if collector is not None:
                    row = (*row, collector.label(cast(str, row[MESSAGE]), cast(str, row[TS]), cast(int, row[SEVERITY])))
                batch.append(row)
                if len(batch) >= BATCH:
                    event_store.insert_many(db, batch, with_pattern=collector is not None)
                    done += len(batch)
                    batch.clear()
                    if progress:
                        progress(done, events)
            event_store.insert_many(db, batch, with_pattern=collector is not None)
        if collector is not None:
            collector.save(db)
        n_incidents = _incidents(db, rng, incidents, start, end, outages)
        audit.append(db, "demo", "database", None, new={"events": events, "incidents": n_incidents, "seed": seed})
    if progress:
        progress(events, events)
    return DemoSummary(events, n_incidents, timeutil.to_iso(start), timeutil.to_iso(end))


def _hosts() -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for client, sites in cat.CLIENTS.items():
        for site, prefixes in sites.items():
            for prefix in prefixes:
                count = 12 if prefix.startswith("agent-ws") else 2
                out.extend((f"{prefix}{i:02d}", client, site) for i in range(1, count + 1))
    return out


@dataclass(frozen=True)
class _Outage:
    client: str
    site: str
    title: str
    patterns: list[tuple[str, str, int, str]]
    start: dt.datetime
    minutes: int


def _outage_windows(rng: random.Random, start: dt.datetime) -> list[_Outage]:
    out = []
    for i, (client, site, title, patterns) in enumerate(cat.OUTAGES):
        day = 10 + i * 17 + rng.randint(0, 5)
        when = start + dt.timedelta(days=day, hours=rng.randint(8, 18), minutes=rng.randint(0, 59))
        out.append(_Outage(client, site, title, patterns, when, rng.randint(45, 150)))
    return out


_FIELDS = {
    "n": lambda r: r.randint(2, 99),
    "ip": lambda r: f"10.{r.randint(0, 40)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
    "user": lambda r: r.choice(cat.USERS),
    "ms": lambda r: r.randint(20, 9000),
    "id": lambda r: r.randint(100000, 999999),
    "port": lambda r: r.randint(1024, 65535),
}
_TEMPLATE_FIELDS: dict[str, tuple[str, ...]] = {}


def _fill(template: str, rng: random.Random) -> str:
    """Fill only the placeholders the template uses (this runs a million times for big demos)."""
    names = _TEMPLATE_FIELDS.get(template)
    if names is None:
        import string

        names = tuple(sorted({f for _, f, _, _ in string.Formatter().parse(template) if f}))
        _TEMPLATE_FIELDS[template] = names
    return template.format(**{name: _FIELDS[name](rng) for name in names})


def _events(
    rng: random.Random,
    total: int,
    start: dt.datetime,
    hosts: list[tuple[str, str, str]],
    outages: list[_Outage],
    import_id: int,
) -> Iterator[tuple[object, ...]]:
    """Rows in ``EVENT_COLUMNS`` order, in time order."""
    outage_share = 0.03 if total >= 1000 else 0.0
    burst_share = 0.04
    n_outage = int(total * outage_share)
    n_burst = int(total * burst_share)
    n_normal = total - n_outage - n_burst
    span = DAYS * 86400.0
    hour_cum = _cumulative(HOUR_WEIGHTS)
    weights = _cumulative([t[3] for t in cat.TEMPLATES])
    stamps: list[tuple[float, int]] = []  # (seconds from start, kind); kind -1 normal, -2 burst, i outage
    # Local midnight on or before the start, as seconds from the start (<= 0).
    local_start = start + dt.timedelta(hours=FLOOR_UTC_OFFSET_HOURS)
    midnight = -(local_start.hour * 3600 + local_start.minute * 60 + local_start.second)
    while len(stamps) < n_normal:
        day = rng.randrange(DAYS + 1)
        hour = _pick(hour_cum, rng.random())
        offset = midnight + day * 86400 + hour * 3600 + rng.random() * 3600
        if 0 <= offset < span:
            stamps.append((offset, -1))
    burst_centres = [rng.random() * span for _ in range(12)]
    for _ in range(n_burst):
        stamps.append((min(span - 1, rng.choice(burst_centres) + rng.random() * 900), -2))
    for _ in range(n_outage):
        k = rng.randrange(len(outages))
        o = outages[k]
        offset = (o.start - start).total_seconds() + rng.random() * o.minutes * 60
        stamps.append((min(span - 1, offset), k))
    stamps.sort()
    base = start.timestamp()
    site_hosts: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for h in hosts:
        site_hosts.setdefault((h[1], h[2]), []).append(h)
    burst_template = [t for t in cat.TEMPLATES if t[2] >= 3]
    for line_no, (seconds, kind) in enumerate(stamps, 1):
        moment = base + seconds
        if kind >= 0:
            o = outages[kind]
            log_type, component, sev, template = rng.choice(o.patterns)
            host, client, site = rng.choice(site_hosts[(o.client, o.site)])
        else:
            if kind == -2:
                log_type, component, sev, _, template = rng.choice(burst_template)
            else:
                log_type, component, sev, _, template = cat.TEMPLATES[_pick(weights, rng.random())]
            host, client, site = rng.choice(hosts)
        message = _fill(template, rng)
        pid = rng.randint(300, 65000)
        level = ("DEBUG", "INFO", "NOTICE", "WARN", "ERROR", "CRITICAL")[sev]
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment)) + f".{int(moment * 1000) % 1000:03d}Z"
        raw = f"{stamp} {host} {component}[{pid}]: {level} {message}"
        yield (stamp, sev, log_type, level, host, component, pid, None, message, raw,
               client, site, import_id, line_no, 0)


def _cumulative(weights: list[int]) -> list[float]:
    total = float(sum(weights))
    acc = 0.0
    out = []
    for w in weights:
        acc += w / total
        out.append(acc)
    return out


def _pick(cumulative: list[float], x: float) -> int:
    import bisect

    return min(bisect.bisect_right(cumulative, x), len(cumulative) - 1)


def _incidents(
    db: Database, rng: random.Random, count: int, start: dt.datetime, end: dt.datetime, outages: list[_Outage]
) -> int:
    """Incidents in every status; the outages become P1s linked to their events."""
    statuses = ([Status.CLOSED] * 50 + [Status.RESOLVED] * 20 + [Status.IN_PROGRESS] * 12 + [Status.ON_HOLD] * 6
                + [Status.NEW] * 8 + [Status.CANCELLED] * 4)
    clients = [(c, s) for c, sites in cat.CLIENTS.items() for s in sites]
    specs: list[tuple[dt.datetime, str, str, str, str, int, int, str]] = []
    for o in outages:
        specs.append((o.start + dt.timedelta(minutes=rng.randint(3, 12)), o.title, o.client, o.site,
                      o.patterns[0][0], 1, 1, Status.CLOSED))
    for i in range(max(0, count - len(specs))):
        log_type, component, _sev, _w, template = rng.choice([t for t in cat.TEMPLATES if t[2] >= 3])
        client, site = rng.choice(clients)
        opened = start + dt.timedelta(seconds=rng.random() * (end - start).total_seconds())
        status: str = statuses[i % len(statuses)] if opened < end - dt.timedelta(days=3) else rng.choice(
            [Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD, Status.RESOLVED])
        title = _fill(template, rng).split(":")[0][:80]
        specs.append((opened, f"{component}: {title}", client, site, log_type,
                      rng.choice([1, 2, 2, 3, 3]), rng.choice([1, 2, 2, 3, 3]), status))
    specs.sort(key=lambda s: s[0])
    first = int(incident_store.next_number(db)[4:])  # demo data added to a ledger continues its numbering
    for n, (opened, title, client, site, log_type, impact, urgency, status) in enumerate(specs, start=first):
        _one_incident(db, rng, n, opened, end, title, client, site, log_type, impact, urgency, status, outages)
    return len(specs)


def _one_incident(
    db: Database, rng: random.Random, n: int, opened: dt.datetime, end: dt.datetime, title: str,
    client: str, site: str, log_type: str, impact: int, urgency: int, status: str, outages: list[_Outage],
) -> None:
    priority = int(priority_for(impact, urgency))
    iso = timeutil.to_iso
    ack: dt.datetime | None = None
    resolved: dt.datetime | None = None
    closed: dt.datetime | None = None
    scale = {1: 0.25, 2: 1.0, 3: 3.0, 4: 6.0}[priority]
    if status != Status.NEW:
        ack = opened + dt.timedelta(minutes=rng.expovariate(1 / (10 * scale)) + 1)
    if status in (Status.RESOLVED, Status.CLOSED):
        assert ack is not None  # every status past "new" was acknowledged above
        resolved = min(ack + dt.timedelta(hours=rng.expovariate(1 / (3 * scale)) + 0.2), end)
    if status == Status.CLOSED:
        assert resolved is not None
        closed = min(resolved + dt.timedelta(days=rng.uniform(0.5, 3)), end)
    cat_, subcat = cat.CATEGORIES[log_type]
    record: dict[str, Any] = {
        "number": incident_store.format_number(n), "title": title,
        "description": f"Reported by the floor at {site}. {title}.",
        "log_type": log_type, "category": cat_, "subcategory": subcat,
        "impact": impact, "urgency": urgency, "priority": priority, "status": status,
        "hold_reason": "Awaiting vendor" if status == Status.ON_HOLD else None,
        "client": client, "site": site, "affected_seats": rng.choice([1, 1, 2, 5, 12, 40, 120]),
        "reported_by": rng.choice(cat.USERS), "assignee": rng.choice(cat.USERS) if ack else None,
        "assignment_group": rng.choice(cat.TEAMS),
        "opened_at": iso(opened), "acknowledged_at": iso(ack) if ack else None,
        "resolved_at": iso(resolved) if resolved else None, "closed_at": iso(closed) if closed else None,
        "downtime_minutes": round((resolved - opened).total_seconds() / 60, 1) if resolved and priority <= 2 else None,
        "root_cause": "Upstream carrier fault" if priority == 1 and resolved else None,
        "resolution_code": rng.choice(cat.RESOLUTION_CODES) if resolved else None,
        "resolution_notes": "Service restored and verified with the floor." if resolved else None,
        "external_key": f"SN-INC{rng.randint(1000000, 9999999)}" if rng.random() < 0.3 else None,
        "tags": "demo", "created_at": iso(opened), "updated_at": iso(closed or resolved or ack or opened),
    }
    if record["external_key"]:
        record["external_url"] = f"https://example.service-now.com/nav_to.do?uri=incident.do?sysparm_query=number={record['external_key']}"
    incident_id = incident_store.insert(db, record)
    if status == Status.ON_HOLD and ack:
        incident_store.add_holds(db, [(incident_id, iso(ack + dt.timedelta(minutes=30)), None, "Awaiting vendor")])
    for o in outages:
        if o.title == title:
            ids = [r[0] for r in db.execute(
                "SELECT id FROM events WHERE client = ? AND site = ? AND severity >= 4 AND ts BETWEEN ? AND ? LIMIT 50",
                (o.client, o.site, iso(o.start), iso(o.start + dt.timedelta(minutes=o.minutes))))]
            incident_store.link_events(db, incident_id, ids)
    audit.append(db, "create", "incident", record["number"], ts=iso(opened), actor="demo",
                 new={k: v for k, v in record.items() if v not in (None, "")})  # the whole record: verify replays it
