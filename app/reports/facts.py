"""Everything a report states, gathered once inside the export's read snapshot.

The sheets only lay these facts out, so the Summary's counts, the data sheets
and the charts cannot disagree with one another.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from app.analysis import sla
from app.domain import timeutil
from app.domain.vocab import LOG_TYPES, OPEN_STATUSES, SEVERITIES, STATUSES
from app.reports.context import ReportContext
from app.reports.pattern_rows import PatternFacts, top_patterns
from app.store import audit, audit_key, redaction, report_queries

SLA_COLUMNS: tuple[str, ...] = (
    "response_target_minutes", "resolution_target_minutes", "time_to_ack_minutes", "time_to_resolve_minutes",
    "time_left_minutes", "response_breached", "resolution_breached", "sla_state", "sla_calendar",
)


@dataclass
class ReportFacts:
    """What the report covers and its headline figures."""

    database_path: str
    database_sha256: str
    schema_version: int
    chain: audit.ChainStatus
    audit_rows: int
    event_count: int
    event_span: tuple[str | None, str | None]
    cross_table: dict[str, dict[str, int]]
    incidents: list[dict[str, Any]]
    sla_totals: dict[str, Any] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_priority: dict[int, int] = field(default_factory=dict)
    by_client: list[tuple[str, int, int]] = field(default_factory=list)  # client, incidents, open
    sla_by: dict[str, dict[Any, dict[str, Any]]] = field(default_factory=dict)  # "priority"/"client" -> key -> figures
    daily_severity: list[tuple[dt.date, list[int]]] = field(default_factory=list)
    daily_incidents: list[tuple[dt.date, int, int]] = field(default_factory=list)  # day, opened, resolved
    patterns: PatternFacts = field(default_factory=PatternFacts)  # the Patterns sheet
    redaction: str = ""  # the PII redaction rules in force, in words (app.store.redaction.in_force)
    retention: str = ""  # the retention policies in force, in words (the Summary states them)


def _load_incidents(ctx: ReportContext) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """Incident rows with their SLA columns, the SLA totals, and the figures by priority and by client."""
    args = (ctx.db, ctx.filter, ctx.zone)
    rows = sla.incident_sla_rows(*args, ctx.now)
    by = {key: {r[key]: r for r in sla.summarize(*args, by=key, now=ctx.now)} for key in ("priority", "client")}
    return rows, sla.totals(*args, ctx.now), by


def _bucket_days(ctx: ReportContext, hourly: list[tuple[str, int, int]], width: int) -> list[tuple[dt.date, list[int]]]:
    days: dict[dt.date, list[int]] = {}
    for bucket, severity, n in hourly:
        start = dt.datetime.fromisoformat(bucket + (":00+00:00" if width == 16 else ":00:00+00:00"))
        day = start.astimezone(ctx.zone).date()
        days.setdefault(day, [0] * len(SEVERITIES))[severity] += n
    return _fill_days(days, len(SEVERITIES))


def _fill_days(days: dict[dt.date, list[int]], width: int) -> list[tuple[dt.date, list[int]]]:
    if not days:
        return []
    first, last = min(days), max(days)
    out = []
    d = first
    while d <= last:
        out.append((d, days.get(d, [0] * width)))
        d += dt.timedelta(days=1)
    return out


def _whole_hour_zone(ctx: ReportContext) -> bool:
    """True when every offset the zone uses in the data's era is a whole number of hours."""
    probe = [ctx.now.replace(month=m, day=1) for m in range(1, 13)]
    return all((p.astimezone(ctx.zone).utcoffset() or dt.timedelta(0)).total_seconds() % 3600 == 0 for p in probe)


def gather(ctx: ReportContext, database_sha256: str) -> ReportFacts:
    """Read every figure the report states (call inside ``report_queries.snapshot``)."""
    db, f, zone, now = ctx.db, ctx.filter, ctx.zone, ctx.now
    cross: dict[str, dict[str, int]] = {t: dict.fromkeys(SEVERITIES, 0) for t in LOG_TYPES}
    for log_type, severity, n in report_queries.event_cross_table(db, f, zone, now):
        cross[log_type][SEVERITIES[severity]] += n
    incidents, totals, sla_by = _load_incidents(ctx)
    incidents.sort(key=lambda r: (r["opened_at"], r["id"]))
    linked = report_queries.linked_event_counts(db, [r["id"] for r in incidents])
    for r in incidents:
        r["linked_events"] = linked.get(r["id"], 0)
    facts = ReportFacts(
        database_path=str(db.path.resolve()),
        database_sha256=database_sha256,
        schema_version=db.user_version,
        chain=audit.verify(db, audit_key.load()),
        audit_rows=report_queries.count_audit(db),
        event_count=sum(sum(v.values()) for v in cross.values()),
        event_span=report_queries.event_span(db, f, zone, now),
        cross_table=cross,
        incidents=incidents,
        sla_totals=totals,
        sla_by=sla_by,
        redaction=redaction.in_force(db),
    )
    status = Counter(r["status"] for r in incidents)
    facts.by_status = {s: status.get(s, 0) for s in STATUSES}
    priority = Counter(int(r["priority"]) for r in incidents)
    facts.by_priority = {p: priority.get(p, 0) for p in (1, 2, 3, 4)}
    clients: dict[str, list[int]] = {}
    for r in incidents:
        c = clients.setdefault(r["client"] or "(none)", [0, 0])
        c[0] += 1
        c[1] += r["status"] in OPEN_STATUSES
    facts.by_client = [(k, v[0], v[1]) for k, v in sorted(clients.items())]
    width = 13 if _whole_hour_zone(ctx) else 16
    hourly = report_queries.event_hourly_counts(db, f, zone, now, width)
    facts.daily_severity = _bucket_days(ctx, hourly, width)
    opened: dict[dt.date, list[int]] = {}
    for r in incidents:
        opened.setdefault(timeutil.from_iso(r["opened_at"]).astimezone(zone).date(), [0, 0])[0] += 1
        if r.get("resolved_at"):
            opened.setdefault(timeutil.from_iso(r["resolved_at"]).astimezone(zone).date(), [0, 0])[1] += 1
    facts.daily_incidents = [(d, v[0], v[1]) for d, v in _fill_days(opened, 2)]
    facts.patterns = top_patterns(ctx)
    facts.retention = _retention(db)
    return facts


def _retention(db: Any) -> str:
    from app.retention.policy import describe
    from app.retention.run import load_policies

    return describe(load_policies(db))
