"""The outbox in-process, against the fakes: an incident pushed after it moved on, and two senders on one row."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from app.domain import timeutil
from app.incidents import service as svc
from app.store import tickets as store
from app.store.database import Database
from app.tickets import connections, deliver, outbox, service
from ticket_fakes import FakeJira, FakeServiceNow
from ticket_helpers import SECRET, USER, server  # noqa: F401 - fixture


@pytest.fixture
def ledger(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("ISSUE_LEDGER_TICKET_BACKOFF_S", "0.01")
    monkeypatch.setenv("DESK_TOKEN", SECRET)
    svc.create(db, {"title": "Queue stuck in IVR", "log_type": "application", "impact": 2, "urgency": 2})
    return db


def test_an_incident_already_resolved_opens_its_ticket_then_resolves_it(ledger: Database, server: HTTPServer) -> None:
    fake = FakeServiceNow(server, USER, SECRET)
    connections.add(ledger, "snow", "servicenow", fake.url, user=USER, secret_env="DESK_TOKEN")
    svc.transition(ledger, "INC-000001", "in-progress")
    svc.transition(ledger, "INC-000001", "resolved", resolution_code="restarted", notes="IVR node restarted")
    result = service.push(ledger, "INC-000001", "snow")
    assert [(r["operation"], r["state"]) for r in result["outbox"]] == [("create", "done"), ("update", "done")]
    ticket = next(iter(fake.tickets.values()))
    assert (ticket["state"], ticket["close_code"], ticket["close_notes"]) == (
        "6", "Solved (Permanently)", "IVR node restarted")
    assert fake.problems == []


def test_an_update_waits_for_its_create_while_the_tool_is_down(ledger: Database) -> None:
    connections.add(ledger, "jira", "jira", "http://localhost:9", project="OPS", user=USER, secret_env="DESK_TOKEN")
    svc.transition(ledger, "INC-000001", "in-progress")
    result = service.push(ledger, "INC-000001", "jira")
    assert [(r["operation"], r["state"]) for r in result["outbox"]] == [("create", "pending"), ("update", "pending")]
    assert "waiting for the ticket" in (result["outbox"][1]["last_error"] or "")
    assert outbox.queue_push(ledger, "INC-000001", "jira") == [result["outbox"][0]["id"]]  # no second create


def test_two_senders_never_send_one_row_twice(ledger: Database, server: HTTPServer) -> None:
    fake = FakeJira(server, USER, SECRET)
    connections.add(ledger, "jira", "jira", fake.url, project="OPS", user=USER, secret_env="DESK_TOKEN")
    [row_id] = outbox.queue_push(ledger, "INC-000001", "jira")
    now = timeutil.now_iso()
    with ledger.transaction():
        assert store.claim_outbox(ledger, row_id, now)
        assert not store.claim_outbox(ledger, row_id, now)  # the second sender finds it taken
    store.set_outbox(ledger, row_id, {"state": "pending"})
    first = Database.open(ledger.path)
    try:
        deliver.deliver(first)
        deliver.deliver(ledger)
    finally:
        first.close()
    assert len(fake.tickets) == 1 and ledger.scalar("SELECT state FROM outbox") == "done"
