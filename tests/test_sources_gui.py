"""Live collection in the window: the Sources page, the window's own collector, ``watch`` beside it, Follow."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.domain import timeutil
from app.store import events as event_store
from app.store.database import Database
from app.ui import theme
from app.ui.main_window import MainWindow
from app.ui.models.sources import SourcesModel
from app.ui.session import Session
from app.ui.window_collector import holder_pid
from collect_helpers import add, append, lines
from dashboard_helpers import window as dashboard_window  # noqa: F401 - a fixture

NEWEST = ("2027-01-01T00:00:00.000Z", 5, "security", None, "h", "av", None, None, "Newest of all", None,
          "Acme Telecom", "Manila Site A", None, 1, 0)


def _window(qtbot, db: Database) -> MainWindow:
    win = MainWindow(Session(db, timeutil.UTC))
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def window(qtbot, db: Database) -> Iterator[MainWindow]:
    win = _window(qtbot, db)
    yield win
    win.close()


def _listed(qtbot, page) -> int:
    qtbot.waitUntil(lambda: page.model.total is not None, timeout=10_000)
    return int(page.model.total)


def _add_through_dialog(qtbot, window: MainWindow, log: Path) -> None:
    """Add source…, type the path, press Add: as a person would."""
    page = window.show_page("sources")
    qtbot.mouseClick(page.buttons["add"], Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    qtbot.keyClicks(dialog.site_edit, "Manila Site A")
    qtbot.keyClicks(dialog.path_edit, str(log))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)


def test_a_source_added_in_the_dialog_is_collected_by_the_window(qtbot, window: MainWindow, tmp_path: Path,
                                                                  run_cli) -> None:
    log = tmp_path / "dialer.log"
    log.write_text(lines(0, 3), encoding="utf-8")
    page = window.show_page("sources")
    assert page.status.text().startswith("Not collecting")
    _add_through_dialog(qtbot, window, log)
    qtbot.waitUntil(lambda: page.status.text() == "Collecting in this window", timeout=5000)
    assert holder_pid(window.session.db_path) == os.getpid()
    qtbot.waitUntil(lambda: page.model.cells(page.model.rows[0])[9] == "3", timeout=5000)
    row = page.model.cells(page.model.rows[0])
    assert row[1:3] == ("file", str(log)) and row[7] == "Manila Site A" and row[8] == "yes"
    assert "(detected)" in row[4] and row[11].count(":") == 2

    events = window.show_page("events")
    assert _listed(qtbot, events) == 3
    append(log, lines(3, 5))
    written = time.monotonic()
    qtbot.waitUntil(lambda: events.model.total == 8, timeout=2000)
    assert time.monotonic() - written < 2.0

    # One collector per database: ``watch`` is refused while the window collects, with the clear message.
    refused = run_cli("--db", window.session.db_path, "watch", "--once")
    assert refused.returncode == 1
    assert f"another collector (pid {os.getpid()}) is already running" in refused.stderr
    assert "Traceback" not in refused.stderr

    window.close()  # the collector stops and lets go of the lock: ``watch`` carries on
    assert holder_pid(window.session.db_path) == 0
    append(log, lines(8, 2))
    carried = run_cli("--db", window.session.db_path, "watch", "--once")
    assert carried.returncode == 0, carried.stderr
    assert "2 lines stored" in carried.stdout


def test_the_dialog_names_the_field_it_refuses(qtbot, window: MainWindow) -> None:
    page = window.show_page("sources")
    dialog = page.add_source()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Path: give the file to follow."
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("udp"))
    assert not dialog.path_edit.isVisible() and dialog.port_spin.isVisible()
    dialog.host_edit.clear()
    qtbot.keyClicks(dialog.host_edit, "dialer-box")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.text().startswith("Address: "), timeout=5000)
    assert "'dialer-box' is not an IP address" in dialog.error.text()
    dialog.host_edit.clear()
    qtbot.keyClicks(dialog.host_edit, "127.0.0.1")
    qtbot.keyClicks(dialog.zone_combo.lineEdit(), "Mars/Olympus")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.text().startswith("Zone: "), timeout=5000)
    assert dialog.isVisible() and page.model.rowCount() == 0


def test_with_watch_running_the_window_does_not_collect_and_shows_what_watch_stores(qtbot, db: Database,
                                                                                   tmp_path: Path) -> None:
    log = tmp_path / "pbx.log"
    log.write_text(lines(0, 2), encoding="utf-8")
    add(db, log)
    watch = subprocess.Popen([sys.executable, "-m", "app", "--db", str(db.path), "watch"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while holder_pid(db.path) != watch.pid:
            assert watch.poll() is None and time.monotonic() < deadline, "watch did not start"
            time.sleep(0.1)
        window = _window(qtbot, db)
        page = window.show_page("sources")
        qtbot.waitUntil(lambda: page.status.text() == f"Collected by `issue-ledger watch` (pid {watch.pid})",
                        timeout=5000)
        assert not window.collector.collecting
        events = window.show_page("events")
        qtbot.waitUntil(lambda: events.model.total == 2, timeout=5000)
        append(log, lines(2, 4))
        written = time.monotonic()
        qtbot.waitUntil(lambda: events.model.total == 6, timeout=2000)
        assert time.monotonic() - written < 2.0
        assert not window.collector.collecting  # still ``watch``'s
        window.close()
    finally:
        watch.send_signal(signal.SIGTERM)
        _out, err = watch.communicate(timeout=30)
    assert watch.returncode == 0, err


def test_follow_keeps_the_newest_row_in_view_and_turns_off_on_scroll(qtbot, demo_db: Database) -> None:
    window = _window(qtbot, demo_db)
    page = window.show_page("events")
    table, bar = page.table, page.table.verticalScrollBar()
    before = _listed(qtbot, page)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_PageDown)
    qtbot.keyClick(table, Qt.Key.Key_PageDown)
    assert bar.value() > 0  # reading further down: Follow brings the top back
    qtbot.keyClick(table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert page.follow_button.isChecked() and bar.value() == 0
    assert table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    qtbot.waitUntil(lambda: page.model.record_id(2) is not None, timeout=5000)
    rect = table.visualRect(page.model.index(2, 3))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    chosen = page.model.record_id(2)
    assert page.follow_button.isChecked() and bar.value() == 0

    with Database.open(demo_db.path) as other, other.transaction():  # another process's write
        event_store.insert_many(other, [NEWEST])
    qtbot.waitUntil(lambda: page.model.total == before + 1, timeout=2000)
    qtbot.waitUntil(lambda: page.model.data(page.model.index(0, 9)) == "Newest of all", timeout=2000)
    assert bar.value() == 0
    qtbot.waitUntil(lambda: page.model.record_id(table.currentIndex().row()) == chosen, timeout=2000)
    assert table.currentIndex().row() == 3  # the same event, one row down
    assert page.follow_button.isChecked()

    qtbot.keyClick(table, Qt.Key.Key_PageDown)
    qtbot.keyClick(table, Qt.Key.Key_PageDown)
    assert bar.value() > 0
    assert not page.follow_button.isChecked()
    window.close()


def test_the_dashboard_picks_up_rows_a_cli_import_writes(qtbot, run_cli, dashboard_window: MainWindow,
                                                         tmp_path: Path) -> None:
    page = dashboard_window.pages["dashboard"]
    tile = page.tiles.tiles["events"].value_label
    old = int(tile.text().replace(",", ""))
    log = tmp_path / "dialer.log"
    log.write_text("".join(f"2026-11-30T11:{m:02d}:00.000Z pbx01 dialer[7]: error: trunk down\n" for m in range(7)),
                   encoding="utf-8")
    result = run_cli("--db", dashboard_window.session.db_path, "import", log)
    assert result.returncode == 0, result.stderr
    qtbot.waitUntil(lambda: tile.text() == f"{old + 7:,}", timeout=2000)


def test_the_sources_model_passes_the_model_tester(qtmodeltester) -> None:
    model = SourcesModel(timeutil.UTC)
    model.set_rows([
        {"id": 1, "kind": "file", "target": "/var/log/dialer.log", "glob": None, "format": None,
         "detected_format": "syslog", "log_type": "application", "client": "Acme", "site": "Manila", "enabled": True,
         "lines": 1200, "lines_s": 3.5, "last_line_at": "2026-12-02T10:00:00.000Z", "lag_bytes": 2048,
         "last_error": None, "last_error_at": None},
        {"id": 2, "kind": "udp", "target": "udp://0.0.0.0:5514", "glob": None, "format": "rfc5424",
         "detected_format": None, "log_type": None, "client": None, "site": None, "enabled": False, "lines": 0,
         "lines_s": 0.0, "last_line_at": None, "lag_bytes": None,
         "last_error": "udp://0.0.0.0:5514: port 5514 is in use",
         "last_error_at": "2026-12-02T10:00:01.000Z"},
    ])
    qtmodeltester.check(model)
    assert model.cells(model.rows[0])[4] == "syslog (detected)" and model.cells(model.rows[0])[12] == "2 KiB"
    assert model.cells(model.rows[1])[12] == "" and model.cells(model.rows[1])[13] == "port 5514 is in use"
    error = model.data(model.index(1, 13), Qt.ItemDataRole.ForegroundRole)
    assert error is not None and error.name() == theme.colour("error")


def test_collecting_in_the_window_can_be_turned_off_in_settings(qtbot, db: Database, tmp_path: Path,
                                                               run_cli) -> None:
    log = tmp_path / "crm.log"
    log.write_text(lines(0, 2), encoding="utf-8")
    add(db, log)
    window = _window(qtbot, db)
    page = window.show_page("sources")
    qtbot.waitUntil(lambda: page.status.text() == "Collecting in this window", timeout=5000)
    window.shell.show_settings()
    dialog = window.shell.settings_dialog
    qtbot.mouseClick(dialog.collect_check, Qt.MouseButton.LeftButton, pos=dialog.collect_check.rect().center())
    assert not dialog.collect_check.isChecked()
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text().startswith("Not collecting (collection in the window is off"),
                    timeout=5000)
    assert holder_pid(db.path) == 0
    append(log, lines(2, 3))
    done = run_cli("--db", db.path, "watch", "--once")  # the lock is free for ``watch`` now
    assert done.returncode == 0, done.stderr
    window.close()
    reopened = _window(qtbot, db)  # the choice is kept: a new window does not collect either
    qtbot.wait(500)
    assert reopened.collector.state == "off"
    reopened.close()


def test_a_source_the_cli_adds_is_collected_by_the_open_window(qtbot, window: MainWindow, tmp_path: Path,
                                                               run_cli) -> None:
    page = window.show_page("sources")
    qtbot.waitUntil(lambda: page.status.text() == "Not collecting", timeout=5000)
    log = tmp_path / "agents.log"
    log.write_text(lines(0, 4), encoding="utf-8")
    result = run_cli("--db", window.session.db_path, "sources", "add", log, "--client", "Acme Telecom")
    assert result.returncode == 0, result.stderr
    qtbot.waitUntil(lambda: page.status.text() == "Collecting in this window", timeout=5000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.cells(page.model.rows[0])[9] == "4",
                    timeout=5000)
    assert page.model.cells(page.model.rows[0])[6] == "Acme Telecom"
