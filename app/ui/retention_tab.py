"""Settings ▸ Retention: edit how long events stay, and run the policies now with progress and Cancel.

The same services as ``issue-ledger retention``: every read and write runs in a
worker (``DbOp``), and a run archives into a new folder under the database's
archive folder before it purges, in batches the Cancel button can stop between.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.jobs import Progress, ProgressUpdate
from app.domain.vocab import LOG_TYPES
from app.store import settings
from app.store.database import Database
from app.ui.db_ops import DbOp, Kind
from app.ui.session import Session
from app.ui.workers import Task

COLUMNS = (("label", "Policy"), ("days", "Days"), ("updated_at", "Changed"))
TARGETS = ("*", *LOG_TYPES, "debug", "info", "incidents")  # what ``retention set`` takes as LOG_TYPE


def _listing(db: Database) -> dict[str, Any]:
    from app.retention import schedule
    from app.retention.run import load_policies
    from app.store import retention as store

    rows = [{**p.to_dict(), "updated_at": r["updated_at"]} for p, r in zip(load_policies(db), store.policies(db))]
    return {"policies": rows, "archive_root": str(schedule.archive_root(db)), "last_run": store.last_run(db),
            "auto": settings.RETENTION_AUTO.read(db)}


def _set_auto(db: Database, on: bool) -> str:
    from app.store import retention as store

    store.set_auto(db, on)
    return "Due policies now run by themselves." if on else "Due policies now run only when asked."


def _save(db: Database, target: str, client: str | None, days: int) -> str:
    from app.retention.policy import parse_target
    from app.store import retention as store

    scope, log_type, max_severity = parse_target(target)
    old = store.set_policy(db, scope, log_type, client, max_severity, days)
    return f"Saved: {target}{' for ' + client if client else ''} {days} days" + (
        "" if old is None else f" (was {old}).")


def run_now(db: Database, progress: Progress) -> Any:
    """One retention run as of now, into a fresh archive folder (the window's Run now and its offer)."""
    from app.retention import run as runs, schedule

    now = dt.datetime.now(dt.UTC)
    return runs.run(db, schedule.new_archive_dir(db, now), now, progress=progress)


def summary(result: Any) -> str:
    if result.state == "nothing-due":
        return "Nothing is past its policy."
    text = f"Purged {result.purged:,} of {result.archived:,} archived events"
    if result.state == "cancelled":
        text += " (cancelled; the rest are still stored)"
    if result.kept_as_evidence:
        text += f"; {result.kept_as_evidence:,} kept as incident evidence"
    return text + f". Archive: {result.archive_dir}"


class RetentionTab(QWidget):
    """Signals:
        done(str): a save or a run ended; its message (also shown in ``message``).
    """

    done = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.task: Task[Any] | None = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("retentionPolicies")
        self.table.setHorizontalHeaderLabels([title for _, title in COLUMNS])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._pick)
        self.target = QComboBox()
        self.target.addItems(TARGETS)
        self.target.setToolTip("A log type, '*' for every type, a severity (that one and below), or incidents "
                               "(days after closing that their evidence stays)")
        self.client = QLineEdit()
        self.client.setPlaceholderText("every client")
        self.days = QSpinBox()
        self.days.setRange(1, 36500)
        self.days.setValue(90)
        self.days.setSuffix(" days")
        self.save_button = QPushButton("Save policy")
        self.save_button.setObjectName("savePolicy")
        self.save_button.clicked.connect(self.save)
        self.run_button = QPushButton("Run now")
        self.run_button.setObjectName("runRetention")
        self.run_button.setToolTip("Archive the events past their policy, then purge them")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelRetention")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.where = QLabel()
        self.where.setProperty("role", "hint")
        self.where.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow("Applies to", self.target)
        form.addRow("Client", self.client)
        form.addRow("Keep", self.days)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        self.auto = QCheckBox("Run due policies by themselves (watch once a day; the window offers)")
        self.auto.setToolTip("Off on files made before retention existed, so an upgrade never purges unasked")
        self.auto.clicked.connect(self.set_auto)
        layout.addWidget(self.auto)
        layout.addWidget(self.where)
        layout.addWidget(self.message)
        self.rows: list[dict[str, Any]] = []
        self.reload()

    def reload(self) -> None:
        DbOp(self, self.session.db_path, lambda db, _p: _listing(db), on_success=self._fill,
             on_failure=lambda message, _d: self._say(message), kind=Kind.PLAIN).run_in_background()

    def _fill(self, listing: dict[str, Any]) -> None:
        self.rows = listing["policies"]
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, (name, _) in enumerate(COLUMNS):
                item = QTableWidgetItem(str(row.get(name) or ""))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
        self.auto.setChecked(bool(listing["auto"]))
        last = listing["last_run"]
        ran = f"last run {last['started_at']}: {last['purged']:,} purged" if last else "never run"
        self.where.setText(f"Archives go to {listing['archive_root']} ({ran}).")

    def _pick(self) -> None:
        """Put the selected policy in the form, to change its days."""
        index = self.table.currentRow()
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        word = "incidents" if row["scope"] == "incidents" else row["log_type"]
        if row["max_severity"] is not None:
            word = ("debug", "info", "notice", "warning", "error", "critical")[row["max_severity"]]
        self.target.setCurrentText(word)
        self.client.setText(row["client"] or "")
        self.days.setValue(int(row["days"]))

    def save(self) -> None:
        target, client, days = self.target.currentText(), self.client.text().strip() or None, self.days.value()
        DbOp(self, self.session.db_path, lambda db, _p: _save(db, target, client, days),
             on_success=self._saved, on_failure=lambda message, _d: self._say(message),
             kind=Kind.PLAIN).run_in_background()

    def set_auto(self, on: bool) -> None:
        DbOp(self, self.session.db_path, lambda db, _p: _set_auto(db, on), on_success=self._saved,
             on_failure=lambda message, _d: self._say(message), kind=Kind.PLAIN).run_in_background()

    def _saved(self, message: str) -> None:
        self.reload()
        self._say(message)

    def run(self) -> None:
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.message.setText("Archiving…")
        self.task = DbOp(self, self.session.db_path, run_now, on_success=self._ran, on_progress=self._progress,
                         on_failure=lambda message, _d: self._ended(message),
                         on_cancel=lambda: self._ended("Cancelled before anything was purged."),
                         kind=Kind.PLAIN).run_in_background()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
        self.cancel_button.setEnabled(False)

    def _progress(self, update: ProgressUpdate) -> None:
        self.progress.setRange(0, max(update.total, 1))
        self.progress.setValue(update.done)
        self.message.setText(update.text + "…")

    def _ran(self, result: Any) -> None:
        self.reload()
        self._ended(summary(result))

    def _ended(self, message: str) -> None:
        self.task = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)
        self._say(message)

    def _say(self, message: str) -> None:
        self.message.setText(message)
        self.done.emit(message)
