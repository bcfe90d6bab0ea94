"""Light and dark themes: a Fusion palette plus a small style sheet, both from resources/themes.

The ``system`` choice follows the OS colour scheme and switches live when it
changes; ``light`` and ``dark`` pin one. Widgets that draw their own colours
(charts, icons) ask ``is_dark()`` or listen to ``ThemeManager.changed``.

Colours the palette has no role for (error text) are the theme's ``roles``: the
style sheet names them ``@error`` and a label opts in with the property
``role="error"``; rich text, which style sheets cannot reach, asks ``colour("error")``.

Signals:
    ThemeManager.changed(str): the effective theme is now "light" or "dark".
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.ui import resource_files

log = logging.getLogger("issue_ledger.theme")

CHOICES: dict[str, str] = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


@functools.cache
def _spec(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(resource_files.read_text(f"themes/{name}.json"))
    return spec


def load(name: str) -> tuple[QPalette, str]:
    """The palette and style sheet of theme ``name`` ("light" or "dark")."""
    spec = _spec(name)
    palette = QPalette()
    for group, roles in ((QPalette.ColorGroup.All, spec["palette"]),
                         (QPalette.ColorGroup.Disabled, spec.get("disabled", {}))):
        for role_name, colour in roles.items():
            palette.setColor(group, getattr(QPalette.ColorRole, role_name), QColor(colour))
    sheet = resource_files.read_text(f"themes/{name}.qss")
    for role, colour in spec["roles"].items():
        sheet = sheet.replace(f"@{role}", colour)
    return palette, sheet


def colour(role: str, palette: QPalette | None = None) -> str:
    """The named colour ``role`` (e.g. "error") of the light or dark theme, whichever the palette in use is."""
    roles: dict[str, str] = _spec("dark" if is_dark(palette) else "light")["roles"]
    return roles[role]


def system_scheme() -> str:
    """What the OS asks for: "dark" or "light" (unknown counts as light)."""
    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette in use has a dark window background."""
    pal = palette or QApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


class ThemeManager(QObject):
    changed = Signal(str)

    def __init__(self, app: QApplication, choice: str = "system",
                 scheme: Callable[[], str] = system_scheme) -> None:
        super().__init__(app)
        self.app = app
        self.scheme = scheme  # what "system" means; tests pass their own
        self.choice = choice if choice in CHOICES else "system"
        self.effective = ""
        app.setStyle("Fusion")
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)

    def set_choice(self, choice: str) -> None:
        if choice not in CHOICES:
            raise ValueError(f"unknown theme {choice!r}; expected one of {', '.join(CHOICES)}")
        self.choice = choice
        self.apply()

    def apply(self) -> str:
        """Put the chosen theme on the application; returns the effective one."""
        name = self.scheme() if self.choice == "system" else self.choice
        if name == self.effective:
            return name  # restyling every widget is not free; skip when nothing changes
        palette, sheet = load(name)
        self.app.setPalette(palette)
        self.app.setStyleSheet(sheet)
        self.effective = name
        log.info("theme %s (%s)", name, self.choice)
        self.changed.emit(name)
        return name

    def _system_changed(self, _scheme: object = None) -> None:
        if self.choice == "system":
            self.apply()


_manager: ThemeManager | None = None


def manager(choice: str | None = None) -> ThemeManager:
    """The application's ThemeManager, created (and applied) on first use."""
    global _manager
    app = QApplication.instance()
    assert isinstance(app, QApplication), "create the QApplication first"
    if _manager is None or _manager.app is not app:
        _manager = ThemeManager(app, choice or "system")
        _manager.apply()
    elif choice is not None and choice != _manager.choice:
        _manager.set_choice(choice)
    return _manager
