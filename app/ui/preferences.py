"""Every UI setting in one place: its key, default and check, stored in QSettings.

UI state (theme, zone, date format, recent databases, window layout) belongs to
the workstation and lives in an INI file in the user config folder. Settings that
belong to the data (priority matrix, SLA policies, log-type rules) live in the
database instead (``app.store.settings``), so they travel with the file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import QByteArray, QSettings

from app.domain import timeutil

log = logging.getLogger("issue_ledger.preferences")

APP_DIR_NAME = "issue-ledger"
APP_AUTHOR = "IssueLedger"
MAX_RECENT = 8
THEMES: tuple[str, ...] = ("system", "light", "dark")
DATE_FORMATS: dict[str, str] = {
    "%Y-%m-%d %H:%M:%S": "ISO — 2026-11-30 14:05:09",
    "%d/%m/%Y %H:%M:%S": "Day first — 30/11/2026 14:05:09",
    "%m/%d/%Y %I:%M:%S %p": "Month first — 11/30/2026 02:05:09 PM",
    "%d %b %Y %H:%M:%S": "Short month — 30 Nov 2026 14:05:09",
}


def settings_file() -> Path:
    """The INI file holding UI settings (per user, per workstation)."""
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, APP_AUTHOR)) / "settings.ini"


def log_dir() -> Path:
    """The folder for the rotating error log."""
    return Path(platformdirs.user_log_dir(APP_DIR_NAME, APP_AUTHOR))


def _check_theme(value: Any) -> bool:
    return value in THEMES


def _check_zone(value: Any) -> bool:
    try:
        timeutil.get_zone(str(value))
    except ValueError:
        return False
    return True


def _check_date_format(value: Any) -> bool:
    if not isinstance(value, str) or "%" not in value:
        return False
    try:
        timeutil.display("2026-11-30T14:05:09.000Z", timeutil.UTC, value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Pref:
    """One setting: where it is stored, its type and default, and what counts as valid."""

    key: str
    kind: type
    default: Any
    label: str
    valid: Callable[[Any], bool] = lambda _v: True


# Not "general/…": QSettings keeps a group named General in an INI section it calls [%General], and
# a new process reading "general/…" does not find it there (the choices were lost on restart).
DEFAULT_DATABASE = Pref("preferences/default_database", str, "", "Default database")
TIME_ZONE = Pref("preferences/time_zone", str, "local", "Time zone", _check_zone)
DATE_FORMAT = Pref("preferences/date_format", str, "%Y-%m-%d %H:%M:%S", "Date format", _check_date_format)
_LEGACY_GROUP = "General"  # where those three were written before
THEME = Pref("appearance/theme", str, "system", "Theme", _check_theme)
RECENT_DATABASES = Pref("files/recent_databases", list, [], "Recent databases")
WINDOW_GEOMETRY = Pref("window/geometry", bytes, b"", "Window position and size")
WINDOW_STATE = Pref("window/state", bytes, b"", "Toolbars and docks")
SPLITTER_STATE = Pref("window/splitter", bytes, b"", "Navigation width")
LAST_PAGE = Pref("window/last_page", str, "", "Last page shown")
COLLECT_IN_WINDOW = Pref("collect/in_window", bool, True, "Collect from the sources while the window is open")
RETENTION_OFFERED = Pref("retention/offered_on", str, "", "The day the window last offered a due retention run")

ALL: tuple[Pref, ...] = (DEFAULT_DATABASE, TIME_ZONE, DATE_FORMAT, THEME, RECENT_DATABASES,
                         WINDOW_GEOMETRY, WINDOW_STATE, SPLITTER_STATE, LAST_PAGE, COLLECT_IN_WINDOW,
                         RETENTION_OFFERED)


class Preferences:
    """Typed access to the UI settings; bad or foreign stored values read as the default."""

    def __init__(self, settings: QSettings | None = None) -> None:
        if settings is None:
            settings = QSettings(str(settings_file()), QSettings.Format.IniFormat)
        self.qsettings = settings
        self._adopt_legacy()

    def _adopt_legacy(self) -> None:
        """Move values an earlier version wrote under [%General] to their keys, once."""
        for pref in (DEFAULT_DATABASE, TIME_ZONE, DATE_FORMAT):
            old_key = f"{_LEGACY_GROUP}/{pref.key.split('/', 1)[1]}"
            old = self.qsettings.value(old_key)
            if old is not None:
                if self.qsettings.value(pref.key) is None:
                    self.qsettings.setValue(pref.key, old)
                self.qsettings.remove(old_key)

    def get(self, pref: Pref) -> Any:
        raw = self.qsettings.value(pref.key)
        if raw is None:
            return _copy(pref.default)
        value = _convert(raw, pref.kind)
        if value is None or not pref.valid(value):
            log.warning("ignoring stored %s=%r; using the default", pref.key, raw)
            return _copy(pref.default)
        return value

    def set(self, pref: Pref, value: Any) -> None:
        if not isinstance(value, pref.kind) or not pref.valid(value):
            raise ValueError(f"{pref.label}: {value!r} is not a valid value")
        stored: Any = QByteArray(value) if pref.kind is bytes and isinstance(value, bytes) else value
        self.qsettings.setValue(pref.key, stored)

    def reset(self, pref: Pref) -> None:
        self.qsettings.remove(pref.key)

    def sync(self) -> None:
        self.qsettings.sync()

    # -- conveniences for the common ones -------------------------------------------
    @property
    def theme(self) -> str:
        return str(self.get(THEME))

    @property
    def time_zone(self) -> str:
        return str(self.get(TIME_ZONE))

    @property
    def date_format(self) -> str:
        return str(self.get(DATE_FORMAT))

    @property
    def default_database(self) -> Path | None:
        text = str(self.get(DEFAULT_DATABASE))
        return Path(text) if text else None

    def recent_databases(self) -> list[Path]:
        return [Path(p) for p in self.get(RECENT_DATABASES)]

    def add_recent(self, path: Path) -> list[Path]:
        """Put ``path`` first in the recent list, without duplicates, at most MAX_RECENT long."""
        key = str(Path(path).resolve())
        items = [key] + [p for p in self.get(RECENT_DATABASES) if p != key]
        self.set(RECENT_DATABASES, items[:MAX_RECENT])
        return self.recent_databases()

    def remove_recent(self, path: Path) -> None:
        key = str(Path(path).resolve())
        self.set(RECENT_DATABASES, [p for p in self.get(RECENT_DATABASES) if p != key])

    def clear_recent(self) -> None:
        self.set(RECENT_DATABASES, [])


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _convert(raw: Any, kind: type) -> Any:
    """QSettings hands back strings, lists or QByteArray depending on format; normalise."""
    if kind is bytes:
        if isinstance(raw, QByteArray):
            return bytes(raw.data())
        return raw if isinstance(raw, bytes) else None
    if kind is list:
        if isinstance(raw, str):  # a one-item list comes back as a plain string
            return [raw] if raw else []
        if isinstance(raw, (list, tuple)):
            return [str(x) for x in raw]
        return None
    if kind is str:
        return raw if isinstance(raw, str) else None
    if kind is bool and isinstance(raw, str):  # an INI file keeps true/false as text
        return {"true": True, "false": False}.get(raw.lower())
    return raw if isinstance(raw, kind) else None


_current: Preferences | None = None


def current() -> Preferences:
    """The shared Preferences of this process, reopened when the settings file location changes."""
    global _current
    path = str(settings_file())
    if _current is None or _current.qsettings.fileName() != path:
        _current = Preferences()
    return _current
