"""A zone chosen in Settings reaches every page that shows times, and the next database's window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.domain import timeutil
from app.store.database import Database
from app.ui import preferences, workers
from app.ui.application import WindowManager
from app.ui.main_window import MainWindow
from app.ui.session import Session

MANILA = "Asia/Manila"


@pytest.fixture(autouse=True)
def _restore_display_format(qapp: QApplication) -> Iterator[None]:
    yield
    timeutil.set_display_format(None)


def _choose_zone(window: MainWindow, zone: str) -> None:
    window.shell.prefs.set(preferences.TIME_ZONE, zone)  # what OK in the Settings dialog saves,
    window.shell.apply_preferences()  # then puts into effect


def test_audit_timeline_and_imports_follow_a_new_zone(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(Session(demo_db, timeutil.UTC))
    qtbot.addWidget(window)
    window.show()
    audit, events = window.page("audit"), window.page("events")
    qtbot.waitUntil(lambda: audit.model.rowCount() > 0, timeout=10_000)
    stored = audit.model.rows[0]["ts"]
    assert audit.model.data(audit.model.index(0, 1)) == timeutil.display(stored, timeutil.UTC)
    _choose_zone(window, MANILA)
    manila = timeutil.get_zone(MANILA)
    qtbot.waitUntil(lambda: audit.model.data(audit.model.index(0, 1)) == timeutil.display(
        audit.model.rows[0]["ts"], manila), timeout=10_000)
    assert str(events.timeline.zone) == MANILA
    workers.wait_all(30_000)


def test_an_export_shows_up_on_the_audit_page(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    session = Session(db, timeutil.UTC)
    window = MainWindow(session)
    qtbot.addWidget(window)
    audit = window.page("audit")
    qtbot.waitUntil(lambda: audit.count.text().endswith("row(s)"), timeout=10_000)
    before = audit.model.rowCount()
    from app.store import audit as audit_store

    with db.transaction():  # what recording an export does, then the Reports page says so
        audit_store.append(db, "export", "report", None, new={"kind": "xlsx"})
    session.audit_changed.emit()
    qtbot.waitUntil(lambda: audit.model.rowCount() == before + 1, timeout=10_000)
    assert audit.model.rows[0]["action"] == "export"


def test_the_next_database_opens_in_the_zone_chosen_since_start(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    manager = WindowManager(timeutil.UTC)  # started without --tz: UTC here
    assert manager.open(tmp_path / "first.db")
    first = manager.window
    _choose_zone(first, MANILA)
    assert manager.open(tmp_path / "second.db")
    second = manager.window
    qtbot.addWidget(second)
    assert second is not first and str(second.session.zone) == MANILA
    workers.wait_all(30_000)
    QApplication.processEvents()  # the new window's first results land while its database is open
    second.close()
    second.session.db.close()
