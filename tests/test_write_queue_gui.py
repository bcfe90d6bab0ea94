"""The window never freezes or loses a typed incident while another process holds the write lock."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.domain import timeutil
from app.store import incidents as store
from app.store.database import Database
from app.ui.incident_dialog import NewIncidentDialog, new_incident
from app.ui.session import Session

LEFT = Qt.MouseButton.LeftButton


def _hold_lock(path: Path) -> sqlite3.Connection:
    """Another writer (an import's step, a stuck process) holding the write lock."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def _typed(qtbot, db: Database) -> NewIncidentDialog:  # type: ignore[no-untyped-def]
    dialog = new_incident(Session(db, timeutil.UTC), None)
    assert isinstance(dialog, NewIncidentDialog)
    qtbot.keyClicks(dialog.form.title, "Floor B headsets drop calls")
    return dialog


def test_a_save_past_the_waiting_limit_keeps_the_form_for_a_retry(qtbot, db: Database, db_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISSUE_LEDGER_WRITE_WAIT", "1")
    dialog = _typed(qtbot, db)  # not added to qtbot: it closes and deletes itself once saved
    holder = _hold_lock(db_path)
    try:
        started = time.monotonic()
        qtbot.mouseClick(dialog.create_button, LEFT)
        assert time.monotonic() - started < 0.5  # the click returned at once: the write waits elsewhere
        assert not dialog.create_button.isEnabled() and "Waiting" in dialog.message.text()
        qtbot.waitUntil(lambda: "Not saved" in dialog.message.text(), timeout=10_000)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert dialog.isVisible() and dialog.create_button.isEnabled()
    assert dialog.form.title.text() == "Floor B headsets drop calls"  # nothing typed was lost
    assert db.scalar("SELECT count(*) FROM incidents") == 0
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        qtbot.mouseClick(dialog.create_button, LEFT)
    assert store.get_by_number(db, saved.args[0])["title"] == "Floor B headsets drop calls"


def test_a_queued_save_lands_once_the_lock_is_free(qtbot, db: Database, db_path: Path) -> None:
    dialog = _typed(qtbot, db)  # not added to qtbot: it closes and deletes itself once saved
    holder = _hold_lock(db_path)
    try:
        started = time.monotonic()
        qtbot.mouseClick(dialog.create_button, LEFT)
        assert time.monotonic() - started < 0.5
        assert db.scalar("SELECT count(*) FROM incidents") == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        pass
    row = store.get_by_number(db, saved.args[0])
    assert row is not None and row["title"] == "Floor B headsets drop calls"


def test_editing_an_incident_while_the_lock_is_held_never_freezes(qtbot: Any, db: Database, db_path: Path) -> None:
    from app.incidents import service as svc
    from app.ui.incident_dialog import open_incident

    row = svc.create(db, {"title": "VPN drops", "log_type": "network", "impact": 2, "urgency": 2})
    dialog = open_incident(Session(db, timeutil.UTC), row["number"], None)
    qtbot.addWidget(dialog)
    dialog.form.title.setText("VPN drops every hour")
    holder = _hold_lock(db_path)
    try:
        started = time.monotonic()
        qtbot.mouseClick(dialog.save_button, LEFT)
        assert time.monotonic() - started < 0.5
        assert "Not saved" in dialog.message.text() and "again" in dialog.message.text()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert dialog.form.title.text() == "VPN drops every hour"  # kept for the retry
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert store.get_by_number(db, row["number"])["title"] == "VPN drops every hour"
