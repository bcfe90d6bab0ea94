"""The window's once-a-day offer to run a retention policy that is due: a bar that never blocks.

Asked in a worker when the window opens (the check counts events past their
policy, a scan of the events table); shown at most once a day per workstation,
it runs the policies as Settings ▸ Retention's "Run now" does, with progress and Cancel.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.domain.jobs import ProgressUpdate
from app.store.database import Database
from app.ui.db_ops import DbOp, Kind
from app.ui.preferences import RETENTION_OFFERED, Preferences, current
from app.ui.retention_tab import run_now, summary
from app.ui.session import Session
from app.ui.workers import Task


def _due(db: Database) -> int:
    from app.retention import schedule

    return schedule.is_due(db)


class RetentionOffer(QFrame):
    """"N events are past their retention policy: Run now / Not today"; hidden until ``check`` finds some.

    Signals:
        checked(int): the check ran (the events due; 0 when the bar stays hidden).
        finished(str): a run started here ended; its message.
    """

    checked = Signal(int)
    finished = Signal(str)

    def __init__(self, session: Session, prefs: Preferences | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.prefs = prefs or current()
        self.task: Task[Any] | None = None
        self.setObjectName("retentionOffer")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.run_button = QPushButton("Run now")
        self.run_button.clicked.connect(self.run)
        self.later_button = QPushButton("Not today")
        self.later_button.clicked.connect(self.hide)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.label)
        row.addWidget(self.progress, 1)
        for w in (self.run_button, self.cancel_button, self.later_button):
            row.addWidget(w)
        row.addStretch(1)  # buttons keep their own width; the bar's spare room goes to the right
        self.hide()

    def check(self) -> None:
        """Ask (once a day per workstation) whether a run is due; the bar shows when it is."""
        today = dt.date.today().isoformat()
        if self.session.db.read_only or self.prefs.get(RETENTION_OFFERED) == today:
            self.checked.emit(0)
            return
        self.prefs.set(RETENTION_OFFERED, today)
        DbOp(self, self.session.db_path, lambda db, _p: _due(db), on_success=self._answered,
             on_failure=lambda _m, _d: self.checked.emit(0), kind=Kind.LEAN).run_in_background()

    def _answered(self, due: int) -> None:
        if due:
            self.label.setText(f"{due:,} events are past their retention policy: archive and purge them now?")
            self.show()
        self.checked.emit(due)

    def run(self) -> None:
        self.run_button.setEnabled(False)
        self.later_button.setVisible(False)
        self.cancel_button.setVisible(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.task = DbOp(self, self.session.db_path, run_now, on_success=lambda r: self._ended(summary(r)),
                         on_progress=self._progress, on_failure=lambda message, _d: self._ended(message),
                         on_cancel=lambda: self._ended("Retention cancelled before anything was purged."),
                         kind=Kind.PLAIN).run_in_background()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _progress(self, update: ProgressUpdate) -> None:
        self.progress.setRange(0, max(update.total, 1))
        self.progress.setValue(update.done)

    def _ended(self, message: str) -> None:
        self.task = None
        self.hide()
        self.session.data_changed.emit()
        self.finished.emit(message)
