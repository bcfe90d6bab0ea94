"""The main window's commands and menus, in menu order: one table that ``MainWindow`` builds and owns.

A command's id names it in code and tests (``window.action_set.action("import")``),
never its visible text, so menus can be reworded or translated without breaking lookups.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from app import APP_NAME
from app.ui import theme
from app.ui.actions import Command, Condition, Menu, Row, Separator
from app.ui.pages import PAGES

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

Std = QKeySequence.StandardKey
READ_ONLY = "The database is read-only"


def table(window: MainWindow) -> tuple[Row, ...]:
    """Every menu and command of ``window``; its shell's handlers serve Settings, Theme, Open recent and Help."""
    shell, menus = window.shell, window.shell.menus
    writable = Condition(lambda: not window.session.db.read_only, READ_ONLY)
    return (
        Menu("file", "&File"),
        Command("new-database", "file", "&New database…", window.new_database, ("Ctrl+Shift+N",)),
        Command("open-database", "file", "&Open database…", window.open_database, (Std.Open,)),
        Menu("recent", "Open &recent", parent="file", object_name="recent-menu", tool_tips=True,
             fill=menus.fill_recent),
        Command("open-read-only", "file", "Open &read-only…", window.open_read_only,
                status_tip="Open a database for reading only, as an auditor would: imports and edits are off"),
        Separator("file"),
        Command("import", "file", "&Import…", window.show_import, ("Ctrl+I",), enabled_when=writable),
        Command("export", "file", "&Export report…", window.show_export, ("Ctrl+E",)),
        Command("backup", "file", "&Back up…", window.back_up,
                status_tip="Copy the database while it stays in use, with a manifest to check the copy by",
                enabled_when=writable),
        Separator("file"),
        Command("settings", "file", "&Settings…", shell.show_settings, ("Ctrl+,",),
                status_tip="Default database, time zone, date format, theme", role=QAction.MenuRole.PreferencesRole),
        Separator("file"),
        Command("quit", "file", "&Quit", window.close, (Std.Quit,)),

        Menu("incident", "I&ncident"),
        Command("new-incident", "incident", "&New incident…", window.new_incident, ("Ctrl+N",),
                enabled_when=writable),
        Command("import-incidents", "incident", "&Import incident log…", window.import_incidents,
                enabled_when=writable),
        Command("sla-settings", "incident", "&SLA policies and priority matrix…", window.edit_sla_settings,
                enabled_when=writable),

        Menu("view", "&View"),
        Command("refresh", "view", "&Refresh", window.refresh, ("F5",),
                status_tip="Read everything again from the database"),
        Separator("view"),
        Menu("theme", "&Theme", parent="view"),
        *(Command(f"theme-{key}", "theme", label, partial(shell.set_theme, key), group="theme", data=key,
                  checked_when=partial(lambda k: shell.prefs.theme == k, key))
          for key, label in theme.CHOICES.items()),
        Separator("view"),
        # Window-wide, so they work wherever the focus is (after a click in the page list too).
        Command("search", "view", "Search in the filter bar", partial(menus.call_filter_bar, "focus_search"),
                (Std.Find,)),
        Command("clear-filter", "view", "Clear the filter", partial(menus.call_filter_bar, "clear"), ("Ctrl+L",)),
        Separator("view"),
        *(Command(f"go-{spec.key}", "view", f"Go to {spec.title}", partial(window.show_page, spec.key),
                  (f"Ctrl+{number % 10}",) if number <= 10 else ())  # the tenth page on Ctrl+0
          for number, spec in enumerate(PAGES, start=1)),

        Menu("help", "&Help"),
        Command("shortcuts", "help", "&Keyboard shortcuts", menus.show_shortcuts, ("Ctrl+/", Std.HelpContents)),
        Separator("help"),
        Command("about", "help", f"&About {APP_NAME}", window.show_about),
    )
