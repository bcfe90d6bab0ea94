"""The main window on a demo database and on an empty one, driven like a person would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.domain import timeutil
from app.store.database import Database
from app.ui.main_window import MainWindow
from app.ui.pages import PAGES
from app.ui.session import Session


def _window(qtbot, db: Database) -> MainWindow:
    window = MainWindow(Session(db, timeutil.UTC))
    qtbot.addWidget(window)
    window.show()
    return window


def test_window_opens_on_demo_database(qtbot, demo_db: Database) -> None:
    window = _window(qtbot, demo_db)
    assert window.windowTitle() == "Issue Ledger — demo.db"
    qtbot.waitUntil(lambda: "5,000 events" in window.counts_label.text())
    assert "incidents" in window.counts_label.text()
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "Dashboard", "Events", "Patterns", "Knowledge", "Incidents", "Alerts", "Reports", "Imports", "Sources",
        "Audit trail"]
    for row, spec in enumerate(PAGES):
        window.nav.setCurrentRow(row)
        assert window.stack.currentWidget() is window.pages[spec.key]


def test_empty_database_offers_demo_data(qtbot, db_path: Path) -> None:
    db = Database.open(db_path)
    window = _window(qtbot, db)
    assert window.stack.currentWidget() is window.welcome
    with qtbot.waitSignal(window.session.data_changed, timeout=60_000):
        qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "50,000 events" in window.counts_label.text(), timeout=30_000)
    assert window.stack.currentWidget() is not window.welcome
    # mined as they were written: the Patterns page and the Top patterns chart have data at once
    assert db.scalar("SELECT count(*) FROM events WHERE pattern_id IS NULL") == 0
    assert db.scalar("SELECT sum(count) FROM patterns") == 50_000
    db.close()
