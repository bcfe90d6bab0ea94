"""Converting a database written by an older release before the window opens it, with progress and Cancel.

Most migrations take milliseconds; schema 16 (the compact event store) copies every
event and can take a minute on millions. The conversion runs in a worker on its own
connection while a progress dialog keeps the GUI responsive; Cancel interrupts it,
and its transaction rolls back, so the file stays as the older release left it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.domain.jobs import Progress, ProgressUpdate
from app.store import migrations
from app.ui import connections, workers


def convert(path: Path, todo: list[int], parent: QWidget | None = None) -> bool:
    """Apply the ``todo`` schema versions to ``path``; False when the user cancelled or it failed (file unchanged)."""
    dialog = QProgressDialog(f"Converting {path.name} to this version's storage…", "Cancel", 0, len(todo), parent)
    dialog.setObjectName("upgrade-progress")
    dialog.setWindowTitle("Converting the database")
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    outcome: dict[str, str] = {}
    loop = QEventLoop()

    def work(progress: Progress) -> int:
        try:
            return migrations.upgrade(connections.connection(path, connections.Kind.PLAIN), progress=progress)
        finally:
            connections.close_here(path)  # a one-off: the window opens its own once this is done

    def shown(update: ProgressUpdate) -> None:
        dialog.setValue(update.done)
        dialog.setLabelText(f"{update.text}…\n{path}")

    def ended(key: str, message: str = "") -> None:
        outcome[key] = message
        loop.quit()

    task = workers.start(work, parent=dialog, on_progress=shown, name="upgrade database",
                         on_success=lambda _v: ended("done"), on_cancel=lambda: ended("cancelled"),
                         on_failure=lambda message, _details: ended("failed", message))
    dialog.canceled.connect(task.cancel)
    dialog.show()
    if not outcome:
        loop.exec()
    dialog.close()
    dialog.deleteLater()
    if "failed" in outcome:
        QMessageBox.warning(parent, "Cannot convert the database",
                            f"{path}: {outcome['failed']}\nThe file was left as it was.")
    return "done" in outcome
