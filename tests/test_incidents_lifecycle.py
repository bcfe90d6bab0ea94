"""The lifecycle rules and the create/update/transition service, each change audited."""

from __future__ import annotations

import json

import pytest

from app.domain import incidents as rules
from app.domain.vocab import STATUSES
from app.incidents import service as svc
from app.store import audit, incidents as store
from app.store.database import Database

ALLOWED = {
    ("new", "in-progress"), ("new", "on-hold"), ("new", "resolved"), ("new", "cancelled"),
    ("in-progress", "on-hold"), ("in-progress", "resolved"), ("in-progress", "cancelled"),
    ("on-hold", "in-progress"), ("on-hold", "resolved"), ("on-hold", "cancelled"),
    ("resolved", "closed"), ("resolved", "in-progress"),
}


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_every_pair_of_statuses(current: str, target: str) -> None:
    if (current, target) in ALLOWED:
        rules.check_transition(current, target, reason="r", resolution_code="c")
    else:
        with pytest.raises(rules.TransitionError):
            rules.check_transition(current, target, reason="r", resolution_code="c")


def test_hold_needs_a_reason_and_resolve_a_code() -> None:
    with pytest.raises(rules.TransitionError, match="reason"):
        rules.check_transition("in-progress", "on-hold", reason="  ")
    with pytest.raises(rules.TransitionError, match="resolution code"):
        rules.check_transition("in-progress", "resolved")


def test_field_validation_names_the_field() -> None:
    assert rules.validate_field("title", "") == "a title is required"
    assert rules.validate_field("impact", 4) is not None
    assert rules.validate_field("log_type", "weird") is not None
    assert rules.validate_field("external_url", "ftp://x") is not None
    assert rules.validate_field("affected_seats", 12) is None
    with pytest.raises(rules.IncidentError) as info:
        rules.validate({"opened_at": "2026-11-30T10:00:00.000Z", "resolved_at": "2026-11-30T09:00:00.000Z"})
    assert info.value.field == "resolved_at"


def test_create_numbers_and_audits(db: Database) -> None:
    a = svc.create(db, {"title": "Dialer down", "log_type": "application", "impact": 1, "urgency": 2,
                        "client": "Acme", "site": "Manila-1"}, actor="lead")
    b = svc.create(db, {"title": "Slow VPN", "log_type": "network", "impact": 3, "urgency": 3})
    assert (a["number"], a["priority"], a["status"]) == ("INC-000001", 2, "new")
    assert b["number"] == "INC-000002" and b["priority"] == 4
    rows = audit.history(db, "incident", "INC-000001")
    assert [r["action"] for r in rows] == ["create"] and rows[0]["actor"] == "lead"
    assert json.loads(rows[0]["new"])["title"] == "Dialer down"
    with pytest.raises(rules.IncidentError, match="title"):
        svc.create(db, {"title": " ", "log_type": "network", "impact": 1, "urgency": 1})
    assert db.scalar("SELECT count(*) FROM incidents") == 2


def test_the_matrix_is_editable(db: Database) -> None:
    matrix = {i: {u: 4 for u in (1, 2, 3)} for i in (1, 2, 3)}
    svc.save_priority_matrix(db, matrix)
    assert svc.create(db, {"title": "x", "log_type": "network", "impact": 1, "urgency": 1})["priority"] == 4


def test_lifecycle_stamps_times_and_holds(db: Database) -> None:
    n = svc.create(db, {"title": "x", "log_type": "system", "impact": 2, "urgency": 2},
                   now="2026-11-30T08:00:00.000Z")["number"]
    r = svc.transition(db, n, "on-hold", reason="vendor", now="2026-11-30T08:05:00.000Z")
    assert r["acknowledged_at"] == "2026-11-30T08:05:00.000Z" and r["hold_reason"] == "vendor"
    r = svc.transition(db, n, "in-progress", now="2026-11-30T09:00:00.000Z")
    assert r["hold_reason"] is None and r["acknowledged_at"] == "2026-11-30T08:05:00.000Z"
    assert store.holds(db, [r["id"]])[r["id"]] == [("2026-11-30T08:05:00.000Z", "2026-11-30T09:00:00.000Z")]
    r = svc.transition(db, n, "resolved", resolution_code="workaround", notes="restarted",
                       now="2026-11-30T10:00:00.000Z")
    assert r["resolved_at"] == "2026-11-30T10:00:00.000Z" and r["resolution_notes"] == "restarted"
    r = svc.transition(db, n, "in-progress", now="2026-11-30T10:30:00.000Z")  # reopened
    assert r["resolved_at"] is None
    svc.transition(db, n, "resolved", now="2026-11-30T11:00:00.000Z")  # keeps the earlier code
    r = svc.transition(db, n, "closed", now="2026-11-30T12:00:00.000Z")
    assert r["closed_at"] == "2026-11-30T12:00:00.000Z"
    with pytest.raises(rules.TransitionError, match="closed is final"):
        svc.transition(db, n, "in-progress")
    with pytest.raises(rules.IncidentError, match="can no longer be edited"):
        svc.update(db, n, {"title": "y"})
    actions = [h["action"] for h in audit.history(db, "incident", n)]
    assert actions == ["create"] + ["transition"] * 6
    assert audit.verify(db).ok


def test_refused_transition_changes_nothing(db: Database) -> None:
    n = svc.create(db, {"title": "x", "log_type": "system", "impact": 2, "urgency": 2})["number"]
    before = store.get_by_number(db, n)
    rows_before = db.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(rules.TransitionError):
        svc.transition(db, n, "closed")
    with pytest.raises(rules.TransitionError):
        svc.transition(db, n, "on-hold")
    assert store.get_by_number(db, n) == before
    assert db.scalar("SELECT count(*) FROM audit_log") == rows_before


def test_update_records_old_and_new(db: Database) -> None:
    n = svc.create(db, {"title": "x", "log_type": "system", "impact": 3, "urgency": 3})["number"]
    r = svc.update(db, n, {"impact": 1, "urgency": 1, "assignee": "maria"})
    assert r["priority"] == 1
    last = audit.history(db, "incident", n)[-1]
    assert json.loads(last["old"]) == {"impact": 3, "urgency": 3, "priority": 4, "assignee": None}
    assert json.loads(last["new"]) == {"impact": 1, "urgency": 1, "priority": 1, "assignee": "maria"}
    count = db.scalar("SELECT count(*) FROM audit_log")
    svc.update(db, n, {"assignee": "maria"})  # no change, no row
    assert db.scalar("SELECT count(*) FROM audit_log") == count
    with pytest.raises(rules.IncidentError, match="status"):
        svc.update(db, n, {"status": "closed"})


def test_events_prefill_and_link(demo_db: Database) -> None:
    ids = [r[0] for r in demo_db.execute("SELECT id FROM events WHERE severity = 5 ORDER BY ts LIMIT 3")]
    ids += [r[0] for r in demo_db.execute("SELECT id FROM events WHERE severity = 1 ORDER BY ts LIMIT 2")]
    pre = svc.prefill_from_events(demo_db, ids)
    assert pre["impact"] == 1 and len(pre["event_ids"]) == 5 and pre["hosts"]
    assert pre["first_seen"] <= pre["last_seen"] and pre["first_seen_at"] == pre["first_seen"] < pre["opened_at"]
    row = svc.create(demo_db, {k: pre[k] for k in ("title", "log_type", "impact", "opened_at", "description")}
                     | {"urgency": 2}, event_ids=ids)
    assert sorted(store.linked_event_ids(demo_db, row["id"])) == sorted(ids)
    assert svc.link_events(demo_db, row["number"], ids) == 0


def test_delete_is_audited_and_numbers_are_not_reused(db: Database) -> None:
    for title in ("a", "b"):
        svc.create(db, {"title": title, "log_type": "system", "impact": 3, "urgency": 3})
    svc.delete(db, "INC-000002")
    assert store.get_by_number(db, "INC-000002") is None
    last = audit.history(db, "incident", "INC-000002")[-1]
    assert last["action"] == "delete" and json.loads(last["old"])["title"] == "b"
    assert svc.create(db, {"title": "c", "log_type": "system", "impact": 3, "urgency": 3})["number"] == "INC-000003"
    with pytest.raises(rules.IncidentError, match="no incident"):
        svc.delete(db, "INC-000002")


def test_backdated_transition_cannot_precede_earlier_times(db: Database) -> None:
    n = svc.create(db, {"title": "x", "log_type": "system", "impact": 2, "urgency": 2},
                   now="2026-11-30T08:00:00.000Z")["number"]
    with pytest.raises(rules.IncidentError, match="before the incident was opened"):
        svc.transition(db, n, "in-progress", now="2026-11-30T07:00:00.000Z")
    svc.transition(db, n, "in-progress", now="2026-11-30T09:00:00.000Z")
    with pytest.raises(rules.IncidentError, match="resolved_at"):
        svc.transition(db, n, "resolved", resolution_code="fix", now="2026-11-30T08:30:00.000Z")
    assert store.get_by_number(db, n)["status"] == "in-progress"  # type: ignore[index]


def test_create_from_a_record(db: Database) -> None:
    record = rules.IncidentRecord(title="Badge readers offline", log_type="security", impact=2, urgency=1,
                                  client="Globex", affected_seats=30)
    row = svc.create(db, record, now="2026-11-30T08:00:00.000Z")
    assert (row["priority"], row["client"], row["affected_seats"], row["opened_at"]) == (
        2, "Globex", 30, "2026-11-30T08:00:00.000Z")
