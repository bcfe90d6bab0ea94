"""Editing an alert rule in place: same id (so its firings stay its own), only the changes audited."""

from __future__ import annotations

import pytest

from app.alerts import rules
from app.analysis.integrity import check
from app.domain.alerts import Rule
from app.domain.filters import Filter
from app.store import alerts as store
from app.store.database import Database


def test_an_edit_keeps_the_rule_id_and_audits_only_what_changed(db: Database) -> None:
    saved = rules.add(db, Rule("DPD", "count", 300, Filter(search="DPD timeout"), threshold=5))
    edited = rules.update(db, "DPD", Rule("DPD bursts", "count", 600, Filter(search="DPD timeout"), threshold=5))
    assert edited.id == saved.id and store.get_rule(db, "DPD") is None
    assert store.get_rule(db, "DPD bursts") == edited
    row = db.rows("SELECT * FROM audit_log WHERE entity = 'alert_rule' ORDER BY id DESC LIMIT 1")[0]
    assert row["action"] == "update" and row["entity_id"] == "DPD"
    assert '"window_s": 600' in row["new"] and '"name": "DPD bursts"' in row["new"] and "threshold" not in row["new"]
    assert check(db).ok


def test_an_edit_that_changes_nothing_writes_nothing_and_a_taken_name_is_refused(db: Database) -> None:
    rules.add(db, Rule("a", "count", 300, threshold=2))
    rules.add(db, Rule("b", "count", 300, threshold=2))
    before = db.scalar("SELECT count(*) FROM audit_log")
    rules.update(db, "a", Rule("a", "count", 300, threshold=2))
    assert db.scalar("SELECT count(*) FROM audit_log") == before
    with pytest.raises(rules.RuleError, match=r"^name: a rule named 'b' exists"):
        rules.update(db, "a", Rule("b", "count", 300, threshold=2))
