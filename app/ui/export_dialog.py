"""File ▸ Export report…: the audit workbook or a CSV for the current filter, in a worker.

The export runs as a background database operation with progress and
Cancel; the file is written under a temporary name and renamed at the end, so
a cancelled or failed export leaves nothing behind.

Signals:
    exported(object): an export finished (an ``ExportResult``).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.filters import Filter
from app.domain.jobs import Progress, ProgressUpdate
from app.reports.sheets_summary import describe_filter
from app.store.database import Database
from app.ui import workers
from app.ui.db_ops import DbOp
from app.ui.session import Session

log = logging.getLogger("issue_ledger.ui.export")

# key -> (label, file suffix)
KINDS: dict[str, tuple[str, str]] = {
    "xlsx": ("Excel audit report (.xlsx)", ".xlsx"),
    "events": ("Events CSV", ".csv"),
    "incidents": ("Incidents CSV", ".csv"),
    "servicenow": ("Incidents CSV for ServiceNow import", ".csv"),
    "jira": ("Incidents CSV for Jira import", ".csv"),
    "zendesk": ("Incidents CSV for Zendesk ticket import", ".csv"),
}


def run_export(db: Database, kind: str, out: Path, f: Filter, zone: dt.tzinfo, include_events: bool,
               progress: Progress) -> Any:
    """The work itself, on the worker's connection (callable without Qt)."""
    from app.reports import csv_export
    from app.reports.workbook import export_workbook

    if kind == "xlsx":
        return export_workbook(db, out, f, zone, include_events=include_events, progress=progress)
    if kind == "events":
        return csv_export.export_events_csv(db, out, f, zone, progress=progress)
    if kind == "incidents":
        return csv_export.export_incidents_csv(db, out, f, zone, progress=progress)
    return csv_export.export_itsm_csv(db, out, f, zone, flavour=kind, progress=progress)


class ExportDialog(QDialog):
    exported = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None, kind: str = "xlsx",
                 include_events: bool = True) -> None:
        super().__init__(parent)
        self.session = session
        self.task: workers.Task[Any] | None = None
        self.setWindowTitle("Export report")
        self.setMinimumWidth(560)

        self.kind_combo = QComboBox()
        for key, (label, _suffix) in KINDS.items():
            self.kind_combo.addItem(label, key)
        self.kind_combo.setCurrentIndex(list(KINDS).index(kind))
        self._suggested = str(self._default_path(kind))  # replaced on a change of kind until the user edits it
        self._replace_ok: Path | None = None  # a file the user was told exists and chose to replace
        self.path_edit = QLineEdit(self._suggested)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.events_check = QCheckBox("Include the Events sheets (every matching event)")
        self.events_check.setChecked(include_events)
        self.filter_label = QLabel()
        self.filter_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setVisible(False)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setObjectName("exportStatus")

        form = QFormLayout()
        form.addRow("What", self.kind_combo)
        form.addRow("File", path_row)
        form.addRow("", self.events_check)
        form.addRow("Filter", self.filter_label)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.clicked.connect(self.cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        session.filter_changed.connect(self._show_filter)
        self._show_filter(session.filter)
        self._kind_changed()

    # -- choices -----------------------------------------------------------------
    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _default_path(self, kind: str) -> Path:
        stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
        name = "audit-report" if kind == "xlsx" else f"{kind}-export"
        return self.session.db_path.parent / f"{name}-{stamp}{KINDS[kind][1]}"

    def _kind_changed(self) -> None:
        suffix = KINDS[self.kind][1]
        self.events_check.setEnabled(self.kind == "xlsx")
        if self.path_edit.text() == self._suggested:  # still our suggestion: suggest the new kind's name
            self._suggested = str(self._default_path(self.kind))
            self.path_edit.setText(self._suggested)
            return
        path = Path(self.path_edit.text())
        if path.suffix.lower() != suffix:
            self.path_edit.setText(str(path.with_suffix(suffix)))

    def _show_filter(self, f: Filter) -> None:
        self.filter_label.setText(describe_filter(f))

    def browse(self) -> None:
        suffix = KINDS[self.kind][1]
        name, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text(), f"*{suffix}")
        if name:
            self.path_edit.setText(name)

    # -- running -----------------------------------------------------------------
    def start_export(self) -> workers.Task[Any] | None:
        """Start the export in a worker; returns the task (tests wait on its signals)."""
        out = Path(self.path_edit.text()).expanduser()
        suffix = KINDS[self.kind][1]
        if out.suffix.lower() != suffix:
            self.status_label.setText(f"The file name must end in {suffix}.")
            return None
        if not out.parent.is_dir():
            self.status_label.setText(f"{out.parent}: no such folder.")
            return None
        if out.exists() and self._replace_ok != out:
            self._replace_ok = out  # asked once, in place: a second click on Export replaces it
            self.status_label.setText(f"{out.name} already exists. Press Export again to replace it, "
                                      "or change the file name.")
            return None
        self._replace_ok = None
        args = (self.kind, out, self.session.filter, self.session.zone, self.events_check.isChecked())
        self._set_running(True)
        self.status_label.setText("Exporting…")
        self.task = DbOp(
            self, self.session.db_path, lambda db, progress: run_export(db, *args, progress),
            on_success=self._done, on_failure=self._failed, on_progress=self._progress, on_cancel=self._cancelled,
        ).run_in_background()
        return self.task

    def cancel_or_close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status_label.setText("Cancelling…")
        else:
            self.reject()

    def _set_running(self, running: bool) -> None:
        self.export_button.setEnabled(not running)
        for w in (self.kind_combo, self.path_edit, self.browse_button, self.events_check):
            w.setEnabled(not running and (w is not self.events_check or self.kind == "xlsx"))
        self.cancel_button.setText("Cancel" if running else "Close")
        self.progress_bar.setVisible(running)
        if running:
            self.progress_bar.setRange(0, 0)

    def _progress(self, update: ProgressUpdate) -> None:
        done, total = update.done, update.total
        if total > 0:
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(int(1000 * min(done, total) / total))
        self.status_label.setText(update.text)

    def _done(self, result: Any) -> None:
        self.task = None
        self._set_running(False)
        from app.reports.files import recorded_where

        self.status_label.setText(
            f"Written {result.path} (SHA-256 {result.sha256[:16]}…, {recorded_where(self.session.db)}).")
        self.exported.emit(result)

    def _failed(self, message: str, _details: str) -> None:
        self.task = None
        self._set_running(False)
        self.status_label.setText(f"Export failed: {message}. No file was written.")

    def _cancelled(self) -> None:
        self.task = None
        self._set_running(False)
        self.status_label.setText("Export cancelled. No file was written.")

    def done(self, code: int) -> None:  # noqa: D401 - Qt override
        """Closing the dialog cancels a running export."""
        if self.task is not None:
            self.task.cancel()
        super().done(code)
