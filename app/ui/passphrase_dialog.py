"""Asking for a database's passphrase: when opening an encrypted file, and when creating a new one.

The passphrase lives in this process's key registry (``app.store.cipher``) and,
only when the user ticks the box, in the OS keyring (service "issue-ledger",
user = the database path). A wrong one is said inline and the file stays untouched.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.store import cipher, driver
from app.store.db_errors import UserFacingStoreError

log = logging.getLogger("issue_ledger.ui")
KEYRING_SERVICE = "issue-ledger"


def keyring_get(path: Path) -> str | None:
    """The passphrase kept in the OS keyring for ``path``, if any (a keyring that fails counts as none)."""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, str(path.resolve()))
    except Exception as exc:  # noqa: BLE001 - any backend's failure means "not kept"; the dialog asks instead
        log.info("keyring not available: %s", exc)
        return None


def keyring_set(path: Path, passphrase: str) -> str:
    """Keep ``passphrase`` in the OS keyring; "" on success, else why not."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, str(path.resolve()), passphrase)
    except Exception as exc:  # noqa: BLE001 - no keyring on this system: say so, the database still opens
        return f"the passphrase could not be kept in the system keyring ({exc})"
    return ""


class PassphraseDialog(QDialog):
    """Passphrase entry; ``new=True`` adds "Encrypt this database" and a confirmation field.

    On OK for an existing file the passphrase is checked (read-only) before the
    dialog closes; a wrong one shows in ``error_label``.
    """

    def __init__(self, path: Path, new: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path, self.new = path, new
        self.setObjectName("passphrase-dialog")
        self.setWindowTitle("New database" if new else "Encrypted database")
        layout = QVBoxLayout(self)
        text = (f"Create {path.name}. An encrypted database can only be opened with its passphrase."
                if new else f"{path.name} is encrypted. Enter its passphrase to open it.")
        layout.addWidget(QLabel(text))
        self.encrypt_box = QCheckBox("Encrypt this database")
        self.encrypt_box.setObjectName("encrypt")
        form = QFormLayout()
        self.passphrase_edit = self._secret("passphrase")
        self.confirm_edit = self._secret("confirm")
        form.addRow("Passphrase:", self.passphrase_edit)
        if new:
            layout.addWidget(self.encrypt_box)
            form.addRow("Again:", self.confirm_edit)
            self.encrypt_box.toggled.connect(self._follow_choice)
            if not driver.available():
                self.encrypt_box.setEnabled(False)
                self.encrypt_box.setToolTip(driver.MISSING)
        layout.addLayout(form)
        self.remember_box = QCheckBox("Remember in the system keyring")
        self.remember_box.setObjectName("remember")
        layout.addWidget(self.remember_box)
        self.error_label = QLabel("")
        self.error_label.setObjectName("passphrase-error")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._follow_choice(not new)

    def _secret(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _follow_choice(self, encrypt: bool) -> None:
        for widget in (self.passphrase_edit, self.confirm_edit, self.remember_box):
            widget.setEnabled(encrypt)

    @property
    def encrypting(self) -> bool:
        return not self.new or self.encrypt_box.isChecked()

    def accept(self) -> None:
        """Keep the dialog open with a reason until the passphrase is usable."""
        passphrase = self.passphrase_edit.text()
        if self.encrypting:
            problem = self._problem(passphrase)
            if problem:
                self.error_label.setText(problem)
                return
            cipher.remember(self.path, passphrase)
            if self.remember_box.isChecked():
                note = keyring_set(self.path, passphrase)
                if note:
                    log.warning("%s: %s", self.path, note)
        super().accept()

    def _problem(self, passphrase: str) -> str:
        if not passphrase:
            return "Enter a passphrase."
        if self.new:
            return "" if passphrase == self.confirm_edit.text() else "The two passphrases differ."
        try:
            cipher.check(self.path, passphrase)  # read-only: a wrong one changes nothing
        except UserFacingStoreError as exc:
            return str(exc)
        return ""


def unlock(path: Path, parent: QWidget | None = None) -> bool:
    """Make sure an encrypted ``path`` has its passphrase (registry, keyring, else the dialog); False if cancelled."""
    if not cipher.is_encrypted(path) or cipher.passphrase_for(path) is not None:
        return True
    kept = keyring_get(path)
    if kept:
        try:
            cipher.check(path, kept)
            cipher.remember(path, kept)
            return True
        except UserFacingStoreError:
            log.info("%s: the passphrase in the keyring no longer opens it; asking", path)
    return PassphraseDialog(path, parent=parent).exec() == QDialog.DialogCode.Accepted


def choose_for_new(path: Path, parent: QWidget | None = None) -> bool:
    """Offer encryption for a new database; False if the user cancelled."""
    return PassphraseDialog(path, new=True, parent=parent).exec() == QDialog.DialogCode.Accepted
