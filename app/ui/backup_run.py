"""File ▸ Back up…: an online copy of the open database, made in a worker with progress and Cancel.

The copy is ``app.store.backup`` (SQLite's backup API, the ``backup`` command's),
so imports and other windows go on writing while it runs, an encrypted database is
copied encrypted, and ``OUT.manifest.json`` plus one audit row say what was kept.
A cancelled or failed copy leaves no file behind.

Signals:
    finished(object): the ``BackupManifest``, or None when cancelled or failed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.domain.jobs import Progress, ProgressUpdate
from app.store import backup as backups
from app.store.database import Database
from app.ui import workers
from app.ui.db_ops import DbOp
from app.ui.session import Session

STATUS_MS = 15_000


def suggested_path(db_path: Path, now: dt.datetime | None = None) -> Path:
    """``ledger-backup-20261202-1905.db`` beside the database: sorted by time, never the database itself."""
    now = now or dt.datetime.now()
    return db_path.with_name(f"{db_path.stem}-backup-{now:%Y%m%d-%H%M}.db")


class BackupRun(QObject):
    """One backup to ``out``, shown in a progress dialog over ``parent``."""

    finished = Signal(object)

    def __init__(self, session: Session, out: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.out, self.window = session, Path(out), parent
        self.dialog = QProgressDialog(f"Backing up to {self.out.name}…", "Cancel", 0, 100, parent)
        self.dialog.setObjectName("backup-progress")
        self.dialog.setWindowTitle("Back up the database")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)  # a small file is done before the dialog would flash
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.task: workers.Task[backups.BackupManifest] | None = None
        self.message = ""  # the outcome, as the status bar shows it

    def start(self) -> None:
        out = self.out

        def work(db: Database, progress: Progress) -> backups.BackupManifest:
            def step(done: int, total: int) -> None:
                progress.check()  # Cancel ends the copy here; the store removes the partial file
                progress.update(ProgressUpdate(done, total, f"copied {done:,} of {total:,} pages", unit="pages"))

            return backups.backup(db, out, step)

        self.task = DbOp(self, self.session.db_path, work, on_success=self._done, on_failure=self._failed,
                         on_progress=self._progress, on_cancel=self._cancelled).run_in_background()
        self.dialog.canceled.connect(self.task.cancel)

    def _progress(self, update: ProgressUpdate) -> None:
        if update.total:
            self.dialog.setMaximum(update.total)
            self.dialog.setValue(update.done)
            self.dialog.setLabelText(f"Backing up to {self.out.name}…\n{update.text}")

    def _done(self, manifest: backups.BackupManifest) -> None:
        self.dialog.close()
        self.message = (f"Backed up to {self.out}: {manifest.events:,} events, {manifest.incidents:,} incidents, "
                        f"SHA-256 {manifest.sha256[:12]}…" + (" (encrypted)" if manifest.encrypted else ""))
        self._tell(self.message)
        self.session.data_changed.emit()  # the audit trail has a new row
        self.finished.emit(manifest)

    def _failed(self, message: str, _details: str) -> None:
        self.dialog.close()
        self.message = f"The backup failed: {message}"
        QMessageBox.warning(self.window, "Back up the database", f"{message}\nNo backup file was written.")
        self.finished.emit(None)

    def _cancelled(self) -> None:
        self.dialog.close()
        self.message = "Backup cancelled; no file was written."
        self._tell(self.message)
        self.finished.emit(None)

    def _tell(self, text: str) -> None:
        bar = getattr(self.window, "statusBar", None)
        if bar is not None:
            bar().showMessage(text, STATUS_MS)
