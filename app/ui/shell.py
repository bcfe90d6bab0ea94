"""What every main window gets beside its pages: icons, theme, settings, recent databases, remembered layout.

``MainWindow.__init__`` makes its ``Shell`` near its end, then builds its menus from
``window_actions``, whose Settings, Theme, Open recent and Help rows call the shell;
the logic lives here so the window class stays about pages and actions.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject
from PySide6.QtWidgets import QSplitter

from app.domain import timeutil
from app.ui import empty_state, icons, preferences, theme
from app.ui.menus_view import WindowMenus
from app.ui.pages import PAGES
from app.ui.preferences import LAST_PAGE, SPLITTER_STATE, THEME, WINDOW_GEOMETRY, WINDOW_STATE, Preferences

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

log = logging.getLogger("issue_ledger.ui")

NAV_TIPS: dict[str, str] = {
    "dashboard": "Trend charts and KPI tiles for the current filter",
    "events": "Browse and search every imported log event",
    "patterns": "Recurring problems: message templates with their trend, new and spiking ones",
    "knowledge": "Knowledge base: how recurring problems were fixed, searchable, drafted from resolved incidents",
    "incidents": "Open, edit and track incidents and their SLA clocks",
    "alerts": "Alert rules and what they fired: notifications and incidents opened on their own",
    "reports": "Excel audit reports and CSV exports",
    "imports": "Past imports, with their rejected lines",
    "sources": "Files, folders and syslog listeners followed live, and who collects them",
    "audit": "Every change, in a tamper-evident hash chain",
}


class Shell(QObject):
    """Serves the window's settings, theme and recent-database commands and remembers its layout.

    Lives as long as the window.
    """

    def __init__(self, window: MainWindow, prefs: Preferences | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.prefs = prefs or preferences.current()
        self.themes = theme.manager(self.prefs.theme)
        self.settings_dialog: QObject | None = None
        window.setWindowIcon(icons.app_icon())
        self.menus = WindowMenus(window, self.prefs)
        self.themes.changed.connect(self.decorate_nav)
        self.decorate_nav()
        self.prefs.add_recent(window.session.db_path)
        self.restore_layout()
        window.nav.currentRowChanged.connect(self._remember_page)
        window.stack.widgetAdded.connect(self._page_added)
        for key, page in list(window.pages.items()):
            empty_state.attach_to_page(key, page)
        window.installEventFilter(self)

    # -- navigation ---------------------------------------------------------------
    def decorate_nav(self, _theme: str = "") -> None:
        """Icons in the theme's colours and a tool tip on each navigation entry."""
        nav = self.window.nav
        for row, spec in enumerate(PAGES):
            item = nav.item(row)
            if item is None:
                continue
            try:
                item.setIcon(icons.nav_icon(spec.icon))
            except FileNotFoundError:
                log.warning("no navigation icon %r for page %r", spec.icon, spec.key)
            shortcut = f" (Ctrl+{(row + 1) % 10})" if row < 10 else ""  # the tenth page is Ctrl+0
            item.setToolTip(NAV_TIPS.get(spec.key, spec.title) + shortcut)

    def _page_added(self, index: int) -> None:
        page = self.window.stack.widget(index)
        if page is not None and page.objectName().startswith("page-"):
            empty_state.attach_to_page(page.objectName().removeprefix("page-"), page)

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
        if last in {s.key for s in PAGES} and self.window.stack.currentWidget() is not self.window.welcome:
            self.window.show_page(last)

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

        dialog = SettingsDialog(self.prefs, self.window.session, self.window)
        dialog.accepted.connect(self.apply_preferences)
        self.settings_dialog = dialog
        dialog.open()

    def apply_preferences(self) -> None:
        """Put saved preferences into effect in this window: theme, zone and date format."""
        self.set_theme(self.prefs.theme)
        session = self.window.session
        zone = timeutil.get_zone(self.prefs.time_zone)
        changed = str(zone) != str(session.zone) or timeutil.display_format() != self.prefs.date_format
        timeutil.set_display_format(self.prefs.date_format)
        session.set_zone(zone)
        from app.ui.preferences import COLLECT_IN_WINDOW

        collector = getattr(self.window, "collector", None)
        collect = bool(self.prefs.get(COLLECT_IN_WINDOW)) and not session.db.read_only
        if collector is not None and collect != collector.enabled:
            collector.set_enabled(collect)
        if changed:
            session.data_changed.emit()
