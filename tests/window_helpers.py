"""A real main window for GUI tests, deleted once its workers have delivered."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain import timeutil
from app.store.database import Database
from app.ui import workers
from app.ui.main_window import MainWindow
from app.ui.session import Session


def open_window(qtbot, db: Database) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(Session(db, timeutil.UTC))
    qtbot.addWidget(window, before_close_func=settle)
    window.show()
    return window


def settle(window: MainWindow) -> None:
    """Let the window's workers finish and deliver, then delete it, so later theme switches stay quick."""
    workers.wait_all(30_000)
    QApplication.processEvents()
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
