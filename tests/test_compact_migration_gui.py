"""The window converts a file of the previous release before opening it: progress, and a Cancel that keeps it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from app.domain import timeutil
from app.store import migrations
from app.store.database import Database

PREVIOUS = 15


def _old_file(path: Path, events: int) -> None:
    from app.demo.generator import generate

    db = Database.open(path, migrate=False)
    migrations.upgrade(db, target=PREVIOUS)
    generate(db, events=events, incidents=5, seed=5)
    db.close()


def _dialog() -> QProgressDialog | None:
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QProgressDialog) and w.objectName() == "upgrade-progress" and w.isVisible():
            return w
    return None


def test_the_window_opens_an_old_file_after_converting_it(qtbot: Any, tmp_path: Path) -> None:
    from app.ui import application

    path = tmp_path / "old.db"
    _old_file(path, 3000)
    seen: list[str] = []
    QTimer.singleShot(0, lambda: seen.append(_dialog().labelText() if _dialog() else ""))
    manager = application.WindowManager(timeutil.UTC)
    assert manager.open(path)
    assert manager.window is not None
    assert manager.window.session.db.user_version == migrations.LATEST
    assert seen and "Convert" in seen[0]
    from app.ui import workers

    qtbot.wait(200)  # the pages' first loads come and go before the window does
    workers.settle()
    application.shutdown(manager)


def test_cancel_leaves_the_old_file_and_opens_nothing(qtbot: Any, tmp_path: Path) -> None:
    from app.ui import application

    path = tmp_path / "old.db"
    _old_file(path, 60_000)  # long enough to press Cancel while it runs

    def press_cancel() -> None:
        dialog = _dialog()
        if dialog is None:
            QTimer.singleShot(5, press_cancel)
            return
        qtbot.mouseClick(_cancel_button(dialog), _left())

    QTimer.singleShot(0, press_cancel)
    manager = application.WindowManager(timeutil.UTC)
    assert not manager.open(path)
    assert manager.window is None
    with Database.open(path, migrate=False) as db:
        assert db.user_version == PREVIOUS
        assert db.scalar("SELECT type FROM sqlite_master WHERE name = 'events'") == "table"
        assert db.scalar("SELECT count(*) FROM events") == 60_000


def _cancel_button(dialog: QProgressDialog) -> Any:
    from PySide6.QtWidgets import QPushButton

    return next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")


def _left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
