"""What every main window gets beside its pages: icons, theme, menus, settings, remembered layout.

``install(window)`` is called once at the end of ``MainWindow.__init__``; the
logic lives here so the window class stays about pages and actions.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QEvent, QObject
from PySide6.QtWidgets import QMainWindow, QSplitter

from app.domain import timeutil
from app.ui import empty_state, icons, preferences, theme
from app.ui.menus_view import WindowMenus
from app.ui.pages import PAGES
from app.ui.preferences import LAST_PAGE, SPLITTER_STATE, THEME, WINDOW_GEOMETRY, WINDOW_STATE, Preferences

log = logging.getLogger("issue_ledger.ui")

NAV_TIPS: dict[str, str] = {
    "dashboard": "Trend charts and KPI tiles for the current filter",
    "events": "Browse and search every imported log event",
    "incidents": "Open, edit and track incidents and their SLA clocks",
    "reports": "Excel audit reports and CSV exports",
    "imports": "Past imports, with their rejected lines",
    "audit": "Every change, in a tamper-evident hash chain",
}


class Shell(QObject):
    """Owns the window's extra menus and remembers its layout; lives as long as the window."""

    def __init__(self, window: QMainWindow, prefs: Preferences | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.prefs = prefs or preferences.current()
        self.themes = theme.manager(self.prefs.theme)
        self.settings_dialog: QObject | None = None
        window.setWindowIcon(icons.app_icon())
        self.menus = WindowMenus(window, self.prefs)
        self.menus.theme_chosen.connect(self.set_theme)
        self.menus.settings_requested.connect(self.show_settings)
        self.themes.changed.connect(self.decorate_nav)
        self.decorate_nav()
        self.prefs.add_recent(window.session.db_path)  # type: ignore[attr-defined]
        self.restore_layout()
        window.nav.currentRowChanged.connect(self._remember_page)  # type: ignore[attr-defined]
        window.stack.widgetAdded.connect(self._page_added)  # type: ignore[attr-defined]
        for key, page in list(window.pages.items()):  # type: ignore[attr-defined]
            empty_state.attach_to_page(key, page)
        window.installEventFilter(self)

    # -- navigation ---------------------------------------------------------------
    def decorate_nav(self, _theme: str = "") -> None:
        """Icons in the theme's colours and a tool tip on each navigation entry."""
        nav = self.window.nav  # type: ignore[attr-defined]
        for row, spec in enumerate(PAGES):
            item = nav.item(row)
            if item is None:
                continue
            try:
                item.setIcon(icons.nav_icon(spec.icon))
            except FileNotFoundError:
                log.warning("no navigation icon %r for page %r", spec.icon, spec.key)
            shortcut = f" (Ctrl+{row + 1})" if row < 9 else ""
            item.setToolTip(NAV_TIPS.get(spec.key, spec.title) + shortcut)

    def _page_added(self, index: int) -> None:
        page = self.window.stack.widget(index)  # type: ignore[attr-defined]
        name = page.objectName() if page is not None else ""
        if name.startswith("page-"):
            empty_state.attach_to_page(name.removeprefix("page-"), page)

    def _remember_page(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.prefs.set(LAST_PAGE, PAGES[row].key)

    # -- layout -------------------------------------------------------------------
    def restore_layout(self) -> None:
        geometry = self.prefs.get(WINDOW_GEOMETRY)
        if geometry:
            self.window.restoreGeometry(QByteArray(geometry))
        state = self.prefs.get(WINDOW_STATE)
        if state:
            self.window.restoreState(QByteArray(state))
        splitter = self.window.centralWidget()
        splitter_state = self.prefs.get(SPLITTER_STATE)
        if isinstance(splitter, QSplitter):
            if splitter_state:
                splitter.restoreState(QByteArray(splitter_state))
            first = splitter.widget(0)
            if first is not None and first.maximumWidth() < 2000:  # a fixed-width navigation: no dead band
                splitter.setSizes([first.maximumWidth(), max(1, self.window.width() - first.maximumWidth())])
        last = self.prefs.get(LAST_PAGE)
        welcome = getattr(self.window, "welcome", None)
        if last in {s.key for s in PAGES} and self.window.stack.currentWidget() is not welcome:  # type: ignore[attr-defined]
            self.window.show_page(last)  # type: ignore[attr-defined]

    def save_layout(self) -> None:
        self.prefs.set(WINDOW_GEOMETRY, bytes(self.window.saveGeometry().data()))
        self.prefs.set(WINDOW_STATE, bytes(self.window.saveState().data()))
        splitter = self.window.centralWidget()
        if isinstance(splitter, QSplitter):
            self.prefs.set(SPLITTER_STATE, bytes(splitter.saveState().data()))
        self.prefs.sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.save_layout()
        return False

    # -- settings -----------------------------------------------------------------
    def set_theme(self, choice: str) -> None:
        self.prefs.set(THEME, choice)
        self.themes.set_choice(choice)
        self.menus.check_theme(choice)

    def show_settings(self) -> None:
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.prefs, self.window.session, self.window)  # type: ignore[attr-defined]
        dialog.accepted.connect(self.apply_preferences)
        self.settings_dialog = dialog
        dialog.open()

    def apply_preferences(self) -> None:
        """Put saved preferences into effect in this window: theme, zone and date format."""
        self.set_theme(self.prefs.theme)
        session = self.window.session  # type: ignore[attr-defined]
        zone = timeutil.get_zone(self.prefs.time_zone)
        changed = str(zone) != str(session.zone) or timeutil.display_format() != self.prefs.date_format
        timeutil.set_display_format(self.prefs.date_format)
        session.set_zone(zone)
        if changed:
            session.data_changed.emit()


def install(window: QMainWindow) -> Shell:
    return Shell(window)
