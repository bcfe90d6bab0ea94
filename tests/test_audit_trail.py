"""The hash-chained audit trail: append-only, verifiable, searchable."""

from __future__ import annotations

import sqlite3

import pytest

from app.incidents import service as svc
from app.store import audit
from app.store.database import Database


def _fill(db: Database) -> str:
    n = svc.create(db, {"title": "Carrier outage", "log_type": "network", "impact": 1, "urgency": 1})["number"]
    svc.transition(db, n, "in-progress")
    svc.update(db, n, {"assignee": "jo"})
    return str(n)


def test_triggers_refuse_update_and_delete(db: Database) -> None:
    _fill(db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit_log SET actor = 'x' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM audit_log WHERE id = 1")


def test_verify_names_the_first_tampered_row(db: Database) -> None:
    _fill(db)
    assert audit.verify(db).ok and audit.verify(db).count == 3
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("UPDATE audit_log SET new = '{\"assignee\": \"someone else\"}' WHERE id = 3")
    status = audit.verify(db)
    assert not status.ok and status.broken_id == 3 and "row 3" in status.describe()


def test_search_and_history(db: Database) -> None:
    n = _fill(db)
    audit.append(db, "export", "report", "weekly.xlsx", new={"rows": 10})
    assert [r["action"] for r in audit.history(db, "incident", n)] == ["create", "transition", "update"]
    assert [r["entity"] for r in audit.search(db, entity="report")] == ["report"]
    assert len(audit.search(db, text="Carrier")) == 1
    assert len(audit.search(db, action="transition")) == 1
    assert "incident" in audit.distinct_values(db, "entity")


def test_verify_finds_the_append_only_triggers_dropped_or_changed(db) -> None:  # type: ignore[no-untyped-def]
    from app.store import audit

    audit.append(db, "create", "incident", 1, new={"title": "x"})
    assert audit.verify(db).ok
    db.execute("DROP TRIGGER audit_log_no_delete")
    status = audit.verify(db)
    assert not status.ok and "audit_log_no_delete is missing" in status.describe()
    db.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END")
    assert "audit_log_no_delete was changed" in audit.verify(db).describe()
