"""Application-wide start-up: error hook and log file, theme, icon, and what to open.

The database and zone given on the command line (or $ISSUE_LEDGER_DB) win; without
them the Settings dialog's default database and time zone are used.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain import timeutil
from app.store.database import default_path
from app.ui import crash, icons, preferences, theme

log = logging.getLogger("issue_ledger.ui")
DESKTOP_ID = "io.github.issueledger.IssueLedger"


def prepare(app: QApplication) -> preferences.Preferences:
    """Install the crash hook, theme, icon and date format on a new QApplication."""
    prefs = preferences.current()
    crash.install(app)
    app.setDesktopFileName(DESKTOP_ID)
    app.setWindowIcon(icons.app_icon())
    theme.manager(prefs.theme)
    timeutil.set_display_format(prefs.date_format)
    log.info("settings in %s, log in %s", preferences.settings_file(), crash.log_file())
    return prefs


def resolve(db_path: Path | None, zone: dt.tzinfo | None,
            prefs: preferences.Preferences) -> tuple[Path, dt.tzinfo]:
    """The database and zone to open: explicit ones, else the preferences, else the built-in defaults."""
    preferred = prefs.default_database
    if db_path is None and preferred is not None and not preferred.parent.is_dir():
        log.warning("default database %s is in a folder that no longer exists; using %s", preferred, default_path())
        preferred = None
    path = db_path or preferred or default_path()
    if zone is None:
        try:
            zone = timeutil.get_zone(prefs.time_zone)
        except ValueError:
            zone = timeutil.local_zone()
    return path, zone


def may_create(path: Path) -> bool:
    """Whether to go on with ``path``: yes if it exists, else the user's answer to creating it there.

    A mistyped ``--db`` would otherwise become a new, empty ledger (and a folder or two) without a word.
    """
    if path.exists():
        return True
    box = QMessageBox(QMessageBox.Icon.Question, "New database", f"Create a new database at {path}?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setObjectName("create-database-question")
    box.setInformativeText("There is no Issue Ledger database there. No quits without creating anything.")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes
