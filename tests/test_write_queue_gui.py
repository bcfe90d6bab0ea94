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


def test_the_windows_own_writes_never_wait_long_for_the_lock(qtbot, demo_db: Database) -> None:
    """Settings saved on the GUI thread wait at most the window's limit, then say so and keep the dialog."""
    from app.ui.application import WINDOW_WAIT_S, WindowManager
    from app.ui.sla_settings_dialog import SlaSettingsDialog

    path = demo_db.path
    demo_db.close()
    manager = WindowManager(timeutil.UTC)
    assert manager.open(path)
    window = manager.window
    assert window is not None and window.session.db.wait_limit_s == WINDOW_WAIT_S
    qtbot.addWidget(window)
    dialog = SlaSettingsDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    cell = dialog.cells[(1, 1)]
    cell.setCurrentIndex((cell.currentIndex() + 1) % cell.count())  # a change to save
    holder = _hold_lock(path)  # the writers' wait is 10 minutes: the window must not use it
    try:
        started = time.monotonic()
        qtbot.mouseClick(dialog.save_button, LEFT)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert waited < WINDOW_WAIT_S + 2
    assert "still holds the database" in dialog.message.text() and dialog.isVisible()
    qtbot.mouseClick(dialog.save_button, LEFT)  # the same choice saves once the lock is free
    assert not dialog.isVisible()
