"""SLA columns per incident and the summaries, on a real database with hand-checked figures."""

from __future__ import annotations

import datetime as dt

from app.analysis import sla
from app.domain import sla as rules
from app.domain.filters import Filter
from app.incidents import service as svc
from app.store.database import Database

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _incident(db: Database, opened: str, priority_impact: int, client: str = "Acme") -> str:
    row = svc.create(db, {"title": "t", "log_type": "network", "impact": priority_impact, "urgency": priority_impact,
                          "client": client, "opened_at": opened}, now=opened)
    return str(row["number"])


def _by_number(db: Database) -> dict[str, dict]:
    return {r["number"]: r for r in sla.incident_sla_rows(db, Filter(), UTC, now=NOW)}


def test_states_and_clocks(db: Database) -> None:
    # P1 (15 min / 240 min), 24x7.
    met = _incident(db, "2026-11-30T08:00:00.000Z", 1)
    svc.transition(db, met, "in-progress", now="2026-11-30T08:10:00.000Z")
    svc.transition(db, met, "on-hold", reason="vendor", now="2026-11-30T09:00:00.000Z")
    svc.transition(db, met, "in-progress", now="2026-11-30T10:00:00.000Z")
    svc.transition(db, met, "resolved", resolution_code="fixed", now="2026-11-30T11:00:00.000Z")
    late_ack = _incident(db, "2026-11-30T09:00:00.000Z", 1)
    svc.transition(db, late_ack, "in-progress", now="2026-11-30T09:20:00.000Z")
    at_risk = _incident(db, "2026-11-30T08:50:00.000Z", 1)
    svc.transition(db, at_risk, "in-progress", now="2026-11-30T08:55:00.000Z")
    cancelled = _incident(db, "2026-11-30T07:00:00.000Z", 1)
    svc.transition(db, cancelled, "cancelled", now="2026-11-30T07:05:00.000Z")
    rows = _by_number(db)

    m = rows[met]
    assert m["time_to_ack_minutes"] == 10
    assert m["time_to_resolve_minutes"] == 120  # 3 h open minus the 1 h hold
    assert m["time_left_minutes"] == 120
    assert (m["response_breached"], m["resolution_breached"], m["sla_state"]) == (False, False, "met")

    la = rows[late_ack]
    assert la["time_to_ack_minutes"] == 20 and la["response_breached"] is True
    assert la["sla_state"] == "breached" and la["time_left_minutes"] == 60  # 180 minutes so far of 240

    ar = rows[at_risk]
    assert ar["time_to_resolve_minutes"] == 190 and ar["time_left_minutes"] == 50
    assert ar["sla_state"] == "at risk"  # under 25 % of 240 left

    assert rows[cancelled]["sla_state"] == "n/a"
    assert rows[met]["response_target_minutes"] == 15 and rows[met]["resolution_target_minutes"] == 240


def test_open_hold_stops_the_clock_until_now(db: Database) -> None:
    n = _incident(db, "2026-11-30T10:00:00.000Z", 1)
    svc.transition(db, n, "on-hold", reason="waiting on carrier", now="2026-11-30T10:05:00.000Z")
    r = _by_number(db)[n]
    assert r["time_to_resolve_minutes"] == 5 and r["sla_state"] == "running"


def test_business_calendar_per_client(db: Database) -> None:
    policies = rules.SlaPolicies.from_dict({
        "calendars": [{"name": "office", "zone": "Europe/London", "days": ["mon", "tue", "wed", "thu", "fri"],
                       "hours": "09:00-17:00"}],
        "clients": {"Acme": {"calendar": "office", "targets": {"P4": [240, 600]}}},
    })
    svc.save_policies(db, policies)
    assert sla.load_policies(db) == policies
    # Opened Friday 16:00 London (= UTC in November), resolved Monday 11:00: 1 h + 2 h on the clock.
    n = _incident(db, "2026-11-27T16:00:00.000Z", 3)
    svc.transition(db, n, "resolved", resolution_code="fixed", now="2026-11-30T11:00:00.000Z")
    other = _incident(db, "2026-11-27T16:00:00.000Z", 3, client="Globex")
    svc.transition(db, other, "resolved", resolution_code="fixed", now="2026-11-30T11:00:00.000Z")
    rows = _by_number(db)
    assert rows[n]["time_to_resolve_minutes"] == 180 and rows[n]["sla_state"] == "met"
    assert rows[n]["time_to_ack_minutes"] == 67 * 60  # wall clock
    assert rows[other]["time_to_resolve_minutes"] == 67 * 60 and rows[other]["sla_state"] == "breached"


def test_summaries_by_priority_and_client(db: Database) -> None:
    a = _incident(db, "2026-11-30T08:00:00.000Z", 1)
    svc.transition(db, a, "in-progress", now="2026-11-30T08:10:00.000Z")
    svc.transition(db, a, "resolved", resolution_code="fixed", now="2026-11-30T09:00:00.000Z")
    b = _incident(db, "2026-11-30T08:00:00.000Z", 1, client="Globex")
    svc.transition(db, b, "in-progress", now="2026-11-30T08:30:00.000Z")
    svc.transition(db, b, "resolved", resolution_code="fixed", now="2026-11-30T11:00:00.000Z")
    _incident(db, "2026-11-30T11:00:00.000Z", 3)  # P4, open, unacknowledged
    by_p = {r["priority"]: r for r in sla.summarize(db, Filter(), UTC, by="priority", now=NOW)}
    p1 = by_p[1]
    assert (p1["count"], p1["resolved"], p1["mtta_minutes"], p1["mttr_minutes"]) == (2, 2, 20, 120)
    assert p1["sla_clock_mean_minutes"] == 120
    assert p1["breach_rate"] == 0.5  # b acknowledged after 30 minutes against 15
    assert by_p[4]["count"] == 1 and by_p[4]["resolved"] == 0 and by_p[4]["mttr_minutes"] is None
    by_c = {r["client"]: r for r in sla.summarize(db, Filter(), UTC, by="client", now=NOW)}
    assert by_c["Acme"]["count"] == 2 and by_c["Globex"]["breach_rate"] == 1.0
    total = sla.totals(db, Filter(), UTC, now=NOW)
    assert total["count"] == 3 and total["resolved"] == 2 and round(total["breach_rate"], 4) == round(1 / 3, 4)
    only_globex = sla.totals(db, Filter(clients=("Globex",)), UTC, now=NOW)
    assert only_globex["count"] == 1


def test_demo_database_rows_have_every_state_field(demo_db: Database) -> None:
    rows = sla.incident_sla_rows(demo_db, Filter(), UTC, now=NOW, limit=50)
    assert len(rows) == 50
    assert {r["sla_state"] for r in rows} <= set(sla.STATES)
    assert all("number" in r and "time_left_minutes" in r for r in rows)


def test_unacknowledged_incident_near_its_response_target_is_at_risk(db: Database) -> None:
    near = _incident(db, "2026-11-30T11:48:00.000Z", 1)  # 12 of 15 response minutes gone
    fresh = _incident(db, "2026-11-30T11:55:00.000Z", 1)  # 5 of 15
    rows = _by_number(db)
    assert rows[near]["sla_state"] == "at risk" and rows[fresh]["sla_state"] == "running"


def test_breach_rate_is_none_when_no_incident_has_a_target(db: Database, run_cli) -> None:  # type: ignore[no-untyped-def]
    from app.domain import timeutil

    assert sla.totals(db, Filter(), timeutil.UTC)["breach_rate"] is None  # nothing to judge is not 0 %
    out = run_cli("--db", db.path, "sla")
    assert out.returncode == 0, out.stderr
    assert "—" in out.stdout.splitlines()[-1] and "0.0%" not in out.stdout
