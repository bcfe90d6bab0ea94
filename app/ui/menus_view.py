"""The menus the window gains for settings and polish: Open recent, Settings…, View, Help additions.

Built beside the menus MainWindow makes, by finding its File and Help menus, so
the window's own code stays small.

Signals:
    WindowMenus.theme_chosen(str): the user picked "system", "light" or "dark".
    WindowMenus.settings_requested(): File ▸ Settings… was chosen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from app.ui import theme
from app.ui.dialogs import show_error
from app.ui.pages import PAGES
from app.ui.preferences import Preferences


def _find_menu(window: QMainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == title:
            return action.menu()  # type: ignore[return-value]
    return None


def _action_after(menu: QMenu, anchor: QAction | None) -> QAction | None:
    """The action following ``anchor`` in ``menu`` (None: append at the end)."""
    actions = menu.actions()
    if anchor is None or anchor not in actions:
        return None
    index = actions.index(anchor)
    return actions[index + 1] if index + 1 < len(actions) else None


class WindowMenus(QObject):
    theme_chosen = Signal(str)
    settings_requested = Signal()

    def __init__(self, window: QMainWindow, prefs: Preferences) -> None:
        super().__init__(window)
        self.window = window
        self.prefs = prefs
        file_menu = _find_menu(window, "File") or window.menuBar().addMenu("&File")
        help_menu = _find_menu(window, "Help") or window.menuBar().addMenu("&Help")

        # File ▸ Open recent, right after Open database…
        self.recent_menu = QMenu("Open &recent", window)
        self.recent_menu.setObjectName("recent-menu")
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        after_open = _action_after(file_menu, getattr(window, "open_db_action", None))  # None: Qt appends
        file_menu.insertMenu(after_open, self.recent_menu)  # type: ignore[arg-type]  # the stub wants a QAction
        self.fill_recent()

        # File ▸ Settings…, before Quit
        quit_action = next((a for a in file_menu.actions() if a.text().replace("&", "") == "Quit"), None)
        self.settings_action = QAction("&Settings…", window)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.setStatusTip("Default database, time zone, date format, theme")
        self.settings_action.triggered.connect(self.settings_requested.emit)
        file_menu.insertAction(quit_action, self.settings_action)  # type: ignore[arg-type]
        file_menu.insertSeparator(quit_action)  # type: ignore[arg-type]

        # View, before Help
        self.view_menu = QMenu("&View", window)
        window.menuBar().insertMenu(help_menu.menuAction(), self.view_menu)
        refresh = getattr(window, "refresh_action", None)
        if refresh is not None:
            self.view_menu.addAction(refresh)
            self.view_menu.addSeparator()
        self.theme_menu = self.view_menu.addMenu("&Theme")
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for key, label in theme.CHOICES.items():
            action = self.theme_menu.addAction(label)
            action.setCheckable(True)
            action.setData(key)
            self.theme_group.addAction(action)
            self.theme_actions[key] = action
            action.triggered.connect(lambda _checked=False, k=key: self.theme_chosen.emit(k))
        self.check_theme(prefs.theme)
        self.view_menu.addSeparator()
        # Window-wide, so they work wherever the focus is (after a click in the page list too).
        self.search_action = self.view_menu.addAction("Search in the filter bar")
        self.search_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.search_action.triggered.connect(lambda: _current_bar(window, "focus_search"))
        self.clear_filter_action = self.view_menu.addAction("Clear the filter")
        self.clear_filter_action.setShortcut(QKeySequence("Ctrl+L"))
        self.clear_filter_action.triggered.connect(lambda: _current_bar(window, "clear"))
        self.view_menu.addSeparator()
        self.page_actions: dict[str, QAction] = {}
        for number, spec in enumerate(PAGES, start=1):
            action = self.view_menu.addAction(f"Go to {spec.title}")
            if number <= 9:
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, k=spec.key: window.show_page(k))  # type: ignore[attr-defined]
            self.page_actions[spec.key] = action

        # Help ▸ Keyboard shortcuts, first
        self.shortcuts_action = QAction("&Keyboard shortcuts", window)
        self.shortcuts_action.setShortcuts([QKeySequence("Ctrl+/"),
                                            QKeySequence(QKeySequence.StandardKey.HelpContents)])
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        first = help_menu.actions()[0] if help_menu.actions() else None
        help_menu.insertAction(first, self.shortcuts_action)  # type: ignore[arg-type]
        help_menu.insertSeparator(first)  # type: ignore[arg-type]
        self.dialog: QObject | None = None

    def check_theme(self, choice: str) -> None:
        action = self.theme_actions.get(choice)
        if action is not None:
            action.setChecked(True)

    def fill_recent(self) -> None:
        """Rebuild Open recent from the preferences; the open database is left out."""
        self.recent_menu.clear()
        current = Path(self.window.session.db_path).resolve()  # type: ignore[attr-defined]
        paths = [p for p in self.prefs.recent_databases() if p != current]
        for number, path in enumerate(paths, start=1):
            action = self.recent_menu.addAction(f"&{number} {path.name}" if number < 10 else path.name)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_recent(p))
        if not paths:
            empty = self.recent_menu.addAction("No other databases opened yet")
            empty.setEnabled(False)
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("&Clear list")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(self.clear_recent)

    def open_recent(self, path: Path) -> None:
        if not path.exists():
            self.prefs.remove_recent(path)
            self.dialog = show_error(self.window, "Database not found",
                                     f"{path} no longer exists (moved or deleted). It was removed from the list.")
            return
        self.window.open_database_requested.emit(path)  # type: ignore[attr-defined]

    def clear_recent(self) -> None:
        current = Path(self.window.session.db_path)  # type: ignore[attr-defined]
        self.prefs.clear_recent()
        self.prefs.add_recent(current)

    def show_shortcuts(self) -> None:
        from app.ui.shortcuts_dialog import ShortcutsDialog

        self.dialog = ShortcutsDialog(self.window)
        self.dialog.open()  # type: ignore[attr-defined]


def _current_bar(window: QObject, method: str) -> None:
    """Call ``method`` on the filter bar of the page on show, if it has one (Imports and Audit do not)."""
    page = window.stack.currentWidget()  # type: ignore[attr-defined]
    bar = getattr(page, "filter_bar", None)
    if bar is not None:
        getattr(bar, method)()
