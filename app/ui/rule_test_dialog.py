"""Test… on the Alerts page: when a rule would have fired over the stored events (``engine.replay``).

The replay reads only, in a worker; Cancel stops waiting for it and drops its answer
(the replay is one query per rule and has no step to stop between). Nothing is written.

Signals:
    finished_replay(int): the replay's answer arrived with this many firings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.alerts.engine import replay
from app.domain import timeutil
from app.domain.alerts import Rule
from app.domain.jobs import Progress
from app.store.database import Database
from app.ui import workers
from app.ui.db_ops import DbOp, Kind
from app.ui.models.alerts import ReplayModel
from app.ui.session import Session

SPANS = {"": "All stored events", "24h": "The last 24 hours", "7d": "The last 7 days", "30d": "The last 30 days"}


def _stored(t: float) -> str:
    return timeutil.to_iso(dt.datetime.fromtimestamp(t, dt.UTC))


def replay_rows(db: Database, rule: Rule, since: dt.datetime | None, progress: Progress) -> list[dict[str, Any]]:
    """The replay's triggers as rows of stored-form times (the worker's half of the dialog)."""
    progress.report(0, 1, f"Replaying {rule.name}…")
    found = replay(db, rule, since, None)
    progress.check()  # cancelled while the replay ran: drop its answer
    return [{"trigger_at": _stored(t.trigger_at), "host": t.host, "count": t.count, "score": t.score,
             "window_start": _stored(t.window_start), "window_end": _stored(t.window_end),
             "events": len(t.event_ids)} for t in found]


class RuleTestDialog(QDialog):
    finished_replay = Signal(int)

    def __init__(self, session: Session, rule: Rule, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.rule = session, rule
        self.setWindowTitle(f"Test alert rule {rule.name}")
        self.resize(860, 480)
        self.span = QComboBox()
        self.span.setObjectName("testSpan")
        for key, label in SPANS.items():
            self.span.addItem(label, key)
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("runTest")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelTest")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the replay has no steps to count
        self.progress.setVisible(False)
        self.summary = QLabel()
        self.summary.setObjectName("testSummary")
        self.summary.setWordWrap(True)
        self.model = ReplayModel(session.zone, self)
        self.table = QTableView()
        self.table.setObjectName("testTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Replay over"))
        bar.addWidget(self.span)
        bar.addWidget(self.run_button)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.progress, 1)
        bar.addStretch()  # the buttons keep their size while the bar is hidden
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{rule.name}</b>: {rule.describe()} — when it would have fired over stored "
                                "events. Nothing is written."))
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self._task: workers.Task[Any] | None = None
        self.cancel_button.setEnabled(False)

    def run(self) -> None:
        """Replay in a worker; the table fills when it answers."""
        key = self.span.currentData()
        since = timeutil.parse_user_time(key, self.session.zone) if key else None
        rule = self.rule
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.summary.setText("Replaying…")
        self._task = DbOp(self, self.session.db_path, lambda db, progress: replay_rows(db, rule, since, progress),
                          on_success=self._done, on_failure=self._failed, on_cancel=self._cancelled,
                          kind=Kind.LEAN).run_in_background()

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._cancelled()

    def _idle(self) -> None:
        self._task = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)

    def _done(self, rows: list[dict[str, Any]]) -> None:
        if self._task is None:
            return  # cancelled: the answer is not wanted
        self._idle()
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        hosts = len({r["host"] for r in rows})
        self.summary.setText(f"Would have fired {len(rows):,} time(s) on {hosts:,} host(s)." if rows else
                             "Would not have fired over these events.")
        self.finished_replay.emit(len(rows))

    def _failed(self, message: str, _details: str) -> None:
        self._idle()
        self.summary.setText(f"Could not replay: {message}")

    def _cancelled(self) -> None:
        if self._task is not None or not self.run_button.isEnabled():
            self._idle()
            self.summary.setText("Cancelled.")


def open_rule_test(session: Session, rule: Rule, parent: QWidget | None) -> RuleTestDialog:
    """Open the Test dialog on ``rule`` and start the replay over every stored event."""
    dialog = RuleTestDialog(session, rule, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.run()
    return dialog
