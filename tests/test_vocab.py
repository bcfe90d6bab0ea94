"""Incident statuses are typed once: the Status enum, with the store's SQL built from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import app.store
from app.domain.incidents import FINAL_STATUSES, TRANSITIONS
from app.domain.vocab import OPEN_STATUSES, STATUSES, Status
from app.store import status_sql


def test_a_status_is_the_word_the_database_stores() -> None:
    for status in Status:
        assert str(status) == f"{status}" == status.value == status
        assert json.dumps({status: status}) == json.dumps({status.value: status.value})
    assert OPEN_STATUSES == ("new", "in-progress", "on-hold") and FINAL_STATUSES == ("closed", "cancelled")
    assert all(isinstance(s, Status) for s in (*OPEN_STATUSES, *FINAL_STATUSES, *TRANSITIONS, *TRANSITIONS["new"]))


def test_store_sql_spells_no_status_word() -> None:
    assert status_sql.OPEN_IN == "('new', 'in-progress', 'on-hold')"
    assert status_sql.FINAL_IN == "('closed', 'cancelled')"
    assert status_sql.sql_list(["it's"]) == "('it''s')"
    word = re.compile("'(?:" + "|".join(map(re.escape, STATUSES)) + ")'")
    store = Path(app.store.__file__).parent  # migrations, in their own folder, keep the words they created
    hits = [f"{path.name}:{n}" for path in sorted(store.glob("*.py"))
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if word.search(line)]
    assert hits == []
