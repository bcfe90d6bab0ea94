"""The window follows writes it did not make (the CLI, another window), F5 reloads, and "updating…" says so."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.domain import timeutil
from app.store import events as event_store
from app.store.database import Database
from app.ui import workers
from app.ui.main_window import MainWindow
from app.ui.session import Session
from dashboard_helpers import window as dashboard_window  # noqa: F401 - a fixture

EVENT = ("2026-11-30T03:00:00.000Z", 5, "security", None, "h", "av", None, None, "Malware found", None,
         "Acme Telecom", "Manila Site A", None, 1, 0)


@pytest.fixture
def window(qtbot, demo_db: Database) -> Iterator[MainWindow]:
    win = MainWindow(Session(demo_db, timeutil.UTC))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _listed(qtbot, page) -> int:
    qtbot.waitUntil(lambda: page.model.total is not None, timeout=10_000)
    return int(page.model.total)


def _press_f5(qtbot, window: MainWindow) -> None:
    """F5 with the focus in the page list, as after a click there."""
    window.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_F5)


def _add_event(path: Path) -> None:
    """Another connection commits a row, as another window would."""
    with Database.open(path) as other, other.transaction():
        event_store.insert_many(other, [EVENT])


def test_an_incident_the_cli_adds_shows_up_without_any_action(qtbot, run_cli, window: MainWindow) -> None:
    page = window.show_page("incidents")
    before = _listed(qtbot, page)
    result = run_cli("--db", window.session.db_path, "incident", "add", "--title", "Softphones dropping at Site B",
                     "--type", "network", "--impact", "2", "--urgency", "1")
    assert result.returncode == 0, result.stderr
    qtbot.waitUntil(lambda: page.model.total == before + 1, timeout=2000)
    qtbot.waitUntil(lambda: page.model.data(page.model.index(0, 2)) == "Softphones dropping at Site B", timeout=2000)
    assert page.count_label.text() == f"{before + 1:,} incidents"


def test_a_log_the_cli_imports_shows_up_on_the_events_page(qtbot, run_cli, window: MainWindow,
                                                          tmp_path: Path) -> None:
    page = window.show_page("events")
    before = _listed(qtbot, page)
    log = tmp_path / "auth.log"
    log.write_text("Jun 14 15:16:01 combo sshd[1]: Accepted password for agent1\n"
                   "Jun 14 15:16:09 combo sshd[1]: Failed password for agent2\n", encoding="utf-8")
    result = run_cli("--db", window.session.db_path, "import", log)
    assert result.returncode == 0, result.stderr
    qtbot.waitUntil(lambda: page.model.total == before + 2, timeout=2000)
    assert page.count_label.text() == f"{before + 2:,} events"
    qtbot.waitUntil(lambda: f"{before + 2:,} events" in window.counts_label.text(), timeout=2000)


def test_a_commit_that_changes_no_data_reloads_nothing(qtbot, window: MainWindow) -> None:
    """Closing a connection may run PRAGMA optimize, which commits statistics only: no page reloads for that."""
    page = window.show_page("events")
    _listed(qtbot, page)
    qtbot.wait(1000)  # the watcher has its baseline
    with qtbot.assertNotEmitted(window.session.data_changed, wait=1500), \
            Database.open(window.session.db_path) as other:
        other.execute("ANALYZE")
        assert other.scalar("SELECT count(*) FROM sqlite_stat1") > 0
    with qtbot.waitSignal(window.session.data_changed, timeout=2000):
        _add_event(window.session.db_path)


def test_f5_reloads_the_page(qtbot, window: MainWindow) -> None:
    window.watcher.stop()  # only F5 tells the window about the new row now
    page = window.show_page("events")
    before = _listed(qtbot, page)
    _add_event(window.session.db_path)
    qtbot.wait(1500)
    assert page.model.total == before
    with qtbot.waitSignal(window.session.data_changed, timeout=2000):
        _press_f5(qtbot, window)
    qtbot.waitUntil(lambda: page.model.total == before + 1, timeout=5000)
    assert window.refresh_action.shortcut().toString() == "F5"
    assert window.refresh_action in window.shell.menus.view_menu.actions()


def _hold(pool) -> threading.Event:
    """Occupy ``pool``'s only thread until the returned event is set: the reload queued behind it is slow."""
    gate, started = threading.Event(), threading.Event()

    def wait(_progress: object) -> None:
        started.set()
        gate.wait(30)

    workers.start(wait, parent=None, pool=pool)
    assert started.wait(10)
    return gate


def test_the_events_count_says_updating_while_it_reloads(qtbot, window: MainWindow) -> None:
    page = window.show_page("events")
    before = _listed(qtbot, page)
    assert "updating" not in page.count_label.text()
    gate = _hold(page.model.runner.slow)  # the count waits behind this
    try:
        _add_event(window.session.db_path)
        qtbot.waitUntil(lambda: page.count_label.text() == f"{before:,} events · updating…", timeout=2000)
        qtbot.wait(300)
        assert page.count_label.text() == f"{before:,} events · updating…"
    finally:
        gate.set()
    qtbot.waitUntil(lambda: page.count_label.text() == f"{before + 1:,} events", timeout=5000)


def test_the_dashboard_says_updating_while_new_numbers_are_computed(qtbot, dashboard_window: MainWindow
                                                                   ) -> None:
    page = dashboard_window.pages["dashboard"]
    panels = list(page.panels.values())
    tiles = list(page.tiles.tiles.values())
    assert not any(p.updating_label.isVisible() for p in panels)
    assert not any(t.updating_label.isVisible() for t in tiles)
    old = page.tiles.tiles["events"].value_label.text()
    gate = _hold(workers.pool("dashboard-sql"))  # the dashboard's queries wait behind this
    try:
        _press_f5(qtbot, dashboard_window)
        qtbot.waitUntil(lambda: all(p.updating_label.isVisible() for p in panels), timeout=2000)
        assert all(t.updating_label.isVisible() for t in tiles)
        assert page.panels["top"].updating_label.text() == "updating…"
        assert page.tiles.tiles["events"].value_label.text() == old  # the old figure stays, marked
        qtbot.wait(300)
        assert all(p.updating_label.isVisible() for p in panels)
    finally:
        with qtbot.waitSignal(page.refreshed, timeout=60_000):
            gate.set()
    assert not any(p.updating_label.isVisible() for p in panels)
    assert not any(t.updating_label.isVisible() for t in tiles)
