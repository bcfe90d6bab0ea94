"""The window asks for an encrypted database's passphrase, and offers encryption for a new database."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.domain import timeutil
from app.store import cipher, driver
from app.store.database import Database
from app.ui.passphrase_dialog import PassphraseDialog

pytestmark = pytest.mark.skipif(not driver.available(), reason="SQLCipher (issue-ledger[encryption]) not installed")


def _encrypted(path: Path, passphrase: str) -> Path:
    cipher.remember(path, passphrase)
    Database.open(path).close()
    cipher.forget(path)
    return path


def _answer(qtbot, attempts: list[str], seen: list[str]) -> None:  # type: ignore[no-untyped-def]
    """When the passphrase dialog shows, type each passphrase in turn and press OK, as a person would."""

    def tick() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PassphraseDialog) or not attempts:
            QTimer.singleShot(50, tick)
            return
        seen.append(dialog.error_label.text())
        dialog.passphrase_edit.clear()
        qtbot.keyClicks(dialog.passphrase_edit, attempts.pop(0))
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        if attempts:
            QTimer.singleShot(50, tick)

    QTimer.singleShot(50, tick)


def test_opening_an_encrypted_file_asks_for_its_passphrase(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.ui.application import WindowManager

    path = _encrypted(tmp_path / "secret.db", "open sesame")
    seen: list[str] = []
    _answer(qtbot, ["wrong one", "open sesame"], seen)
    manager = WindowManager(timeutil.UTC)
    try:
        assert manager.open(path)
        assert manager.window is not None and manager.window.session.db.encrypted
        assert seen[0] == "" and "wrong passphrase" in seen[1]  # the wrong one was said inline, then retried
        assert manager.window.windowTitle() == "Issue Ledger — secret.db"
    finally:
        db = manager.window.session.db if manager.window else None
        manager.close()
        if db is not None:
            db.close()
        cipher.forget(path)


def test_cancelling_the_passphrase_opens_nothing(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.ui.application import WindowManager

    path = _encrypted(tmp_path / "secret.db", "open sesame")
    before = path.read_bytes()

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PassphraseDialog):
            QTimer.singleShot(50, cancel)
            return
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)

    QTimer.singleShot(50, cancel)
    manager = WindowManager(timeutil.UTC)
    assert not manager.open(path)
    assert manager.window is None and path.read_bytes() == before


def test_a_new_database_can_be_encrypted(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "fresh.db"
    dialog = PassphraseDialog(path, new=True)
    qtbot.addWidget(dialog)
    assert not dialog.passphrase_edit.isEnabled()  # plain unless the user asks
    dialog.show()
    qtbot.mouseClick(dialog.encrypt_box, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.encrypt_box.height() // 2))
    assert dialog.encrypt_box.isChecked() and dialog.passphrase_edit.isEnabled()
    qtbot.keyClicks(dialog.passphrase_edit, "two words")
    qtbot.keyClicks(dialog.confirm_edit, "two wordz")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "differ" in dialog.error_label.text() and cipher.passphrase_for(path) is None
    dialog.confirm_edit.clear()
    qtbot.keyClicks(dialog.confirm_edit, "two words")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    try:
        with Database.open(path) as db:
            assert db.encrypted
        assert path.read_bytes()[:16] != b"SQLite format 3\x00"
    finally:
        cipher.forget(path)


class _MemoryKeyring:
    """A keyring backend held in memory, in place of the OS one (which the tests never touch)."""

    priority = 1

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.kept.get((service, user))

    def set_password(self, service: str, user: str, password: str) -> None:
        self.kept[(service, user)] = password


def test_a_remembered_passphrase_comes_back_from_the_keyring(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import keyring
    from keyring.backend import KeyringBackend

    from app.ui.passphrase_dialog import unlock

    backend = type("MemoryKeyring", (_MemoryKeyring, KeyringBackend), {})()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        path = _encrypted(tmp_path / "kept.db", "in the keyring")
        dialog = PassphraseDialog(path)
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.passphrase_edit, "in the keyring")
        dialog.remember_box.setChecked(True)
        with qtbot.waitSignal(dialog.accepted):
            qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        assert backend.kept == {("issue-ledger", str(path.resolve())): "in the keyring"}
        cipher.forget(path)
        asked: list[bool] = []

        def refuse_a_dialog() -> None:  # had the keyring not answered, the test fails instead of hanging
            modal = QApplication.activeModalWidget()
            if isinstance(modal, PassphraseDialog):
                asked.append(True)
                modal.reject()

        QTimer.singleShot(500, refuse_a_dialog)
        assert unlock(path) and not asked  # no dialog: the keyring's passphrase opens it
        assert cipher.passphrase_for(path) == "in the keyring"
    finally:
        keyring.set_keyring(previous)
        cipher.forget(tmp_path / "kept.db")
