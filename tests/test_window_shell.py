"""The window's polish, driven like a person would: menus, shortcuts, settings, remembered layout."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app import __version__
from app.domain import timeutil
from app.store.database import Database, default_path
from app.ui import preferences, startup, workers
from app.ui.main_window import MainWindow
from app.ui.preferences import DEFAULT_DATABASE, TIME_ZONE
from app.ui.shortcuts_dialog import collect
from tests.window_helpers import open_window


@pytest.fixture(autouse=True)
def _restore_display_format(qapp: QApplication) -> Iterator[None]:
    yield
    timeutil.set_display_format(None)





def _menu_titles(window: MainWindow) -> list[str]:
    return [a.text().replace("&", "") for a in window.menuBar().actions()]


def test_menus_are_in_place(qtbot, db: Database) -> None:
    window = open_window(qtbot, db)
    titles = _menu_titles(window)
    assert titles.index("View") == titles.index("Help") - 1
    file_texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "Open &recent" in file_texts and "&Settings…" in file_texts
    assert file_texts.index("Open &recent") == file_texts.index("&Open database…") + 1
    assert file_texts.index("&Settings…") < file_texts.index("&Quit")


def test_no_two_commands_share_a_shortcut(qtbot, db: Database) -> None:
    window = open_window(qtbot, db)
    seen: dict[str, str] = {}
    for where, what, keys in collect(window):
        for key in keys.split(", "):
            assert key not in seen, f"{key} is both {seen[key]} and {where} ▸ {what}"
            seen[key] = f"{where} ▸ {what}"
    assert "Ctrl+," in seen and "Ctrl+1" in seen


def test_shortcuts_dialog_lists_and_filters(qtbot, db: Database) -> None:
    window = open_window(qtbot, db)
    window.shell.menus.shortcuts_action.trigger()
    dialog = window.shell.menus.dialog
    qtbot.waitUntil(dialog.isVisible)
    rows = dialog.visible_rows()
    assert ("File", "Settings", "Ctrl+,") in rows
    assert ("View", "Go to Events", "Ctrl+2") in rows
    qtbot.keyClicks(dialog.search, "theme")
    assert dialog.visible_rows() == []
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "ctrl+2")
    assert dialog.visible_rows() == [("View", "Go to Events", "Ctrl+2")]
    dialog.close()


def test_go_to_shortcut_changes_page(qtbot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db)
    window.shell.menus.page_actions["incidents"].trigger()
    assert window.stack.currentWidget() is window.pages["incidents"]


def test_geometry_comes_back(qtbot, db: Database) -> None:
    window = open_window(qtbot, db)  # empty: the welcome page, so no page's minimum size interferes
    window.resize(QSize(700, 560))
    window.move(QPoint(40, 30))
    window.close()
    again = open_window(qtbot, db)
    assert again.size() == QSize(700, 560)


def test_last_page_comes_back(qtbot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db)
    window.show_page("reports")
    window.close()
    again = open_window(qtbot, demo_db)
    assert again.stack.currentWidget() is again.pages["reports"]
    assert again.nav.currentItem().text() == "Reports"


def test_recent_databases_menu_opens_and_forgets(qtbot, db: Database, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    Database.open(other).close()
    gone = tmp_path / "gone.db"
    prefs = preferences.current()
    prefs.add_recent(gone)
    prefs.add_recent(other)
    window = open_window(qtbot, db)
    menu = window.shell.menus.recent_menu
    window.shell.menus.fill_recent()
    texts = [a.text() for a in menu.actions()]
    assert texts[:2] == ["&1 other.db", "&2 gone.db"]
    assert all(db.path.name not in t for t in texts)
    with qtbot.waitSignal(window.open_database_requested) as blocker:
        menu.actions()[0].trigger()
    assert blocker.args == [other.resolve()]
    window.shell.menus.open_recent(gone.resolve())  # tells the user and drops it from the list
    box = window.shell.menus.dialog
    qtbot.waitUntil(box.isVisible)
    assert "no longer exists" in box.text()
    assert gone.resolve() not in prefs.recent_databases()
    box.close()


def test_settings_dialog_saves_and_applies(qtbot, db: Database) -> None:
    demo_db = db  # the default matrix and SLA targets show on an empty database too
    window = open_window(qtbot, demo_db)
    window.shell.menus.settings_action.trigger()
    dialog = window.shell.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.findChild(type(dialog.error), "matrix-1-1").text() == "P1"
    assert dialog.findChild(type(dialog.error), "sla-P1").text() == "15 / 240"
    dialog.zone_combo.setCurrentText("Asia/Manila")
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("%d/%m/%Y %H:%M:%S"))
    assert dialog.format_preview.text() == "Example: 30/11/2026 14:05:09"
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    dialog.database_edit.setText(str(demo_db.path))
    with qtbot.waitSignal(window.session.data_changed):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    prefs = preferences.current()
    assert (prefs.time_zone, prefs.date_format, prefs.theme) == ("Asia/Manila", "%d/%m/%Y %H:%M:%S", "dark")
    assert prefs.default_database == demo_db.path
    assert str(window.session.zone) == "Asia/Manila"
    assert timeutil.display("2026-11-30T14:05:09.000Z", window.session.zone) == "30/11/2026 22:05:09"
    in_worker: list[str] = []  # files written by workers keep ISO whatever the screen shows
    thread = threading.Thread(target=lambda: in_worker.append(timeutil.display("2026-11-30T14:05:09.000Z",
                                                                               timeutil.UTC)))
    thread.start()
    thread.join()
    assert in_worker == ["2026-11-30 14:05:09"]
    window.shell.set_theme("system")


def test_settings_dialog_refuses_a_default_database_in_a_missing_folder(qtbot, db: Database,
                                                                       tmp_path: Path) -> None:
    window = open_window(qtbot, db)
    window.shell.show_settings()
    dialog = window.shell.settings_dialog
    dialog.database_edit.setText(str(tmp_path / "no-such-folder" / "ledger.db"))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "no-such-folder does not exist" in dialog.error.text()
    assert preferences.current().default_database is None
    dialog.database_edit.setText(str(tmp_path / "ledger.db"))  # an existing folder is fine (the file is made)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and preferences.current().default_database == tmp_path / "ledger.db"


def test_settings_dialog_refuses_a_bad_zone(qtbot, db: Database) -> None:
    window = open_window(qtbot, db)
    window.shell.show_settings()
    dialog = window.shell.settings_dialog
    dialog.zone_combo.setCurrentText("Atlantis/Capital")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "Atlantis/Capital" in dialog.error.text()
    assert preferences.current().time_zone == "local"
    dialog.close()


def test_about_names_version_and_folders(qtbot, db: Database) -> None:
    window = open_window(qtbot, db)
    window.show_about()
    box = window.about_box
    qtbot.waitUntil(box.isVisible)
    assert __version__ in box.text()
    assert str(preferences.settings_file()) in box.text()
    assert str(preferences.log_dir()) in box.text()
    box.close()


def test_start_uses_explicit_values_then_preferences(tmp_path: Path) -> None:
    prefs = preferences.current()
    explicit = tmp_path / "given.db"
    zone = dt.timezone(dt.timedelta(hours=3))
    assert startup.resolve(explicit, zone, prefs) == (explicit, zone)
    prefs.set(DEFAULT_DATABASE, str(tmp_path / "preferred.db"))
    prefs.set(TIME_ZONE, "Europe/London")
    path, chosen = startup.resolve(None, None, prefs)
    assert path == tmp_path / "preferred.db" and str(chosen) == "Europe/London"


def test_no_dead_band_beside_the_navigation(qtbot, db: Database) -> None:
    window = open_window(qtbot, db)
    splitter = window.centralWidget()
    qtbot.waitUntil(lambda: splitter.sizes()[0] > 0)
    assert splitter.sizes()[0] == window.nav.width()


def test_database_tab_opens_the_editors_and_shows_what_was_saved(qtbot, db: Database) -> None:
    window = open_window(qtbot, db)
    window.shell.show_settings()
    dialog = window.shell.settings_dialog
    qtbot.mouseClick(dialog.sla_button, Qt.MouseButton.LeftButton)
    editor = dialog.editor
    qtbot.waitUntil(editor.isVisible)
    combo = editor.cells[(1, 1)]
    combo.setCurrentIndex(combo.findData(2))
    with qtbot.waitSignal(editor.saved):
        editor.save()
    matrix_cell = dialog.tabs.widget(1).findChild(type(dialog.error), "matrix-1-1")
    assert matrix_cell.text() == "P2"
    qtbot.mouseClick(dialog.rules_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.editor.isVisible)
    assert "rules" in dialog.editor.windowTitle().lower()
    dialog.editor.close()
    workers.wait_all(10_000)
    dialog.close()


def test_start_falls_back_when_the_default_database_folder_is_gone(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ISSUE_LEDGER_DB")
    prefs = preferences.current()
    prefs.set(DEFAULT_DATABASE, str(tmp_path / "unplugged-drive" / "team.db"))
    path, _zone = startup.resolve(None, None, prefs)
    assert path == default_path() and "unplugged-drive" not in str(path)
