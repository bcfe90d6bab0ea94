"""What the window's Open recent, Theme, filter and Help commands do; their rows are in ``window_actions``.

The built menus and actions are looked up by command id, never by visible title.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from app.ui import theme
from app.ui.dialogs import show_error
from app.ui.pages import PAGES
from app.ui.preferences import Preferences

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


class WindowMenus(QObject):
    """Handlers for the window's recent databases, theme choice, filter bar and shortcuts list."""

    def __init__(self, window: MainWindow, prefs: Preferences) -> None:
        super().__init__(window)
        self.window = window
        self.prefs = prefs
        self.dialog: QObject | None = None

    # -- the built rows, by id ------------------------------------------------------
    @property
    def recent_menu(self) -> QMenu:
        return self.window.action_set.menu("recent")

    @property
    def view_menu(self) -> QMenu:
        return self.window.action_set.menu("view")

    @property
    def settings_action(self) -> QAction:
        return self.window.action_set.action("settings")

    @property
    def shortcuts_action(self) -> QAction:
        return self.window.action_set.action("shortcuts")

    @property
    def theme_actions(self) -> dict[str, QAction]:
        return {key: self.window.action_set.action(f"theme-{key}") for key in theme.CHOICES}

    @property
    def page_actions(self) -> dict[str, QAction]:
        return {spec.key: self.window.action_set.action(f"go-{spec.key}") for spec in PAGES}

    # -- handlers -------------------------------------------------------------------
    def check_theme(self, choice: str) -> None:
        action = self.theme_actions.get(choice)
        if action is not None:
            action.setChecked(True)

    def fill_recent(self, menu: QMenu | None = None) -> None:
        """Rebuild Open recent (``menu``, once built) from the preferences; the open database is left out."""
        menu = menu or self.recent_menu
        menu.clear()
        current = Path(self.window.session.db_path).resolve()
        paths = [p for p in self.prefs.recent_databases() if p != current]
        for number, path in enumerate(paths, start=1):
            action = menu.addAction(f"&{number} {path.name}" if number < 10 else path.name)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_recent(p))
        if not paths:
            empty = menu.addAction("No other databases opened yet")
            empty.setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("&Clear list")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(self.clear_recent)

    def open_recent(self, path: Path) -> None:
        if not path.exists():
            self.prefs.remove_recent(path)
            self.dialog = show_error(self.window, "Database not found",
                                     f"{path} no longer exists (moved or deleted). It was removed from the list.")
            return
        from app.store import db_connect

        db_connect.ask_read_only(path, False)  # a recent file opens as usual, even if it was read-only before
        self.window.open_database_requested.emit(path)

    def clear_recent(self) -> None:
        current = Path(self.window.session.db_path)
        self.prefs.clear_recent()
        self.prefs.add_recent(current)

    def show_shortcuts(self) -> None:
        from app.ui.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.window)
        self.dialog = dialog
        dialog.open()

    def call_filter_bar(self, method: str) -> None:
        """Call ``method`` on the filter bar of the page on show, if it has one (Imports and Audit do not)."""
        page = self.window.stack.currentWidget()
        bar = getattr(page, "filter_bar", None)
        if bar is not None:
            getattr(bar, method)()
