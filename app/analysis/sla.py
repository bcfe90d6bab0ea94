"""SLA figures per incident and over any filter.

Per incident: time to acknowledge (wall clock), the SLA clock to resolution
(the client's calendar, minus on-hold spans), time left and breach flags. Over a
filter: counts, MTTA and MTTR (mean wall-clock minutes opened → acknowledged /
resolved), the mean SLA clock and the breach rate.

Response is breached when the SLA clock from opened to acknowledged (or to now,
while unacknowledged) exceeds the response target; resolution likewise up to
resolved (or now). ``sla_state``: ``n/a`` for cancelled incidents or no target,
``breached`` when either target is missed, ``met`` when resolved within both,
``at risk`` when an open incident has less than ``at_risk_share`` of its
resolution target left (or, still unacknowledged, of its response target),
else ``running``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from app.domain import sla, timeutil
from app.domain.filters import Filter
from app.domain.incidents import FINAL_STATUSES
from app.domain.vocab import Status
from app.store import incidents as store
from app.store.database import Database
from app.store.settings import SLA_POLICIES

STATES: tuple[str, ...] = ("met", "at risk", "breached", "running", "n/a")


def load_policies(db: Database) -> sla.SlaPolicies:
    """The saved policies (defaults when none were saved; ``app.incidents.service.save_policies`` saves them)."""
    return sla.SlaPolicies.from_dict(SLA_POLICIES.read(db))


def _t(text: str | None) -> dt.datetime | None:
    return timeutil.from_iso(text) if text else None


def compute(row: dict[str, Any], holds: Iterable[tuple[str, str | None]], policies: sla.SlaPolicies,
            now: dt.datetime) -> dict[str, Any]:
    """The SLA columns for one incident row (which is left unchanged)."""
    opened = _t(row["opened_at"]) or now
    ack, resolved = _t(row.get("acknowledged_at")), _t(row.get("resolved_at"))
    status = row["status"]
    stop = resolved or (_t(row.get("closed_at")) if status in FINAL_STATUSES else None) or now
    spans = [(timeutil.from_iso(s), _t(e) or stop) for s, e in holds]
    cal = policies.calendar_for(row.get("client"))
    target = policies.target_for(row.get("client"), int(row["priority"]))
    out: dict[str, Any] = {
        "response_target_minutes": target.response_minutes if target else None,
        "resolution_target_minutes": target.resolution_minutes if target else None,
        "time_to_ack_minutes": round(sla.elapsed_minutes(opened, ack), 2) if ack else None,
        "time_to_resolve_minutes": None, "time_left_minutes": None, "sla_calendar": cal.name,
        "response_breached": False, "resolution_breached": False, "sla_state": "n/a",
    }
    resolve_clock = sla.clock_minutes(cal, opened, max(opened, stop), spans)
    out["time_to_resolve_minutes"] = round(resolve_clock, 2)
    if target is None or status == Status.CANCELLED:
        return out
    response_clock = sla.clock_minutes(cal, opened, max(opened, ack or stop), spans)
    out["response_breached"] = response_clock > target.response_minutes
    out["resolution_breached"] = resolve_clock > target.resolution_minutes
    left = target.resolution_minutes - resolve_clock
    out["time_left_minutes"] = round(left, 2)
    if out["response_breached"] or out["resolution_breached"]:
        out["sla_state"] = "breached"
    elif resolved is not None:
        out["sla_state"] = "met"
    elif left < policies.at_risk_share * target.resolution_minutes or (
            ack is None
            and target.response_minutes - response_clock < policies.at_risk_share * target.response_minutes):
        out["sla_state"] = "at risk"
    else:
        out["sla_state"] = "running"
    return out


def incident_sla_rows(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None,
                      limit: int | None = None) -> list[dict[str, Any]]:
    """Every matching incident row (all columns) with its SLA columns added."""
    now = now or dt.datetime.now(timeutil.UTC)
    rows = store.select(db, f, zone, now, limit)
    all_holds = store.holds(db, [r["id"] for r in rows]) if rows else {}
    policies = load_policies(db)
    for r in rows:
        r.update(compute(r, all_holds.get(r["id"], ()), policies, now))
    return rows


def _aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def mean(values: list[float]) -> float | None:
        return round(sum(values) / len(values), 2) if values else None

    ack = [r["time_to_ack_minutes"] for r in rows if r["time_to_ack_minutes"] is not None]
    res = [sla.elapsed_minutes(timeutil.from_iso(r["opened_at"]), timeutil.from_iso(r["resolved_at"]))
           for r in rows if r.get("resolved_at")]
    clock = [r["time_to_resolve_minutes"] for r in rows if r.get("resolved_at")]
    judged = [r for r in rows if r["sla_state"] != "n/a"]
    breached = sum(1 for r in judged if r["sla_state"] == "breached")
    return {
        "count": len(rows),
        "resolved": len(res),
        "mtta_minutes": mean(ack),
        "mttr_minutes": mean(res),
        "sla_clock_mean_minutes": mean(clock),
        "breached": breached,
        "breach_rate": round(breached / len(judged), 4) if judged else None,  # None: no incident has a target
    }


def summarize(db: Database, f: Filter, zone: dt.tzinfo, by: str = "priority",
              now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Rows keyed by ``priority`` or ``client`` with count, resolved, MTTA, MTTR, clock mean, breach rate.

    ``resolved`` counts incidents with a resolved time (resolved or closed);
    the SLA clock mean is over those; the breach rate is over incidents with a target.
    """
    if by not in ("priority", "client"):
        raise ValueError(f"by: {by!r} is not 'priority' or 'client'")
    groups: dict[Any, list[dict[str, Any]]] = {}
    for r in incident_sla_rows(db, f, zone, now):
        groups.setdefault(r[by] if r[by] is not None else "", []).append(r)
    return [{by: key, **_aggregate(rows)} for key, rows in sorted(groups.items(), key=lambda kv: str(kv[0]))]


def totals(db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime | None = None) -> dict[str, Any]:
    """The same figures over every matching incident."""
    return _aggregate(incident_sla_rows(db, f, zone, now))
