"""The Reports page: the filter a report will cover, export options, and the exports made so far.

Recent exports come from the audit trail (every export writes a row with the
file's SHA-256), so the list is also the record an auditor can check against.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import timeutil
from app.domain.filters import Filter
from app.reports.sheets_summary import describe_filter
from app.store import report_queries
from app.ui.export_dialog import KINDS, ExportDialog
from app.ui.filter_bar import FilterBar
from app.ui.session import Session

log = logging.getLogger("issue_ledger.ui.reports")

RECENT_COLUMNS = ("Time", "File", "Kind", "Events", "Incidents", "By", "SHA-256")


class ReportsPage(QWidget):
    """Reports: filter, options, Export…, recent exports."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.dialog: ExportDialog | None = None

        self.filter_bar = FilterBar(session, self, kind="events")
        self.filter_label = QLabel()
        self.filter_label.setWordWrap(True)
        self.kind_combo = QComboBox()
        for key, (label, _suffix) in KINDS.items():
            self.kind_combo.addItem(label, key)
        self.events_check = QCheckBox("Include the Events sheets")
        self.events_check.setChecked(True)
        self.kind_combo.currentIndexChanged.connect(
            lambda _i: self.events_check.setEnabled(self.kind_combo.currentData() == "xlsx"))
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self.open_export)
        about = QLabel(
            "The Excel report holds a Summary (scope, database SHA-256, audit-chain check, KPIs), every incident "
            "with its SLA figures, the matching events, the audit trail and charts. Log text is neutralised so "
            "no cell can run as a formula.")
        about.setWordWrap(True)

        options = QGroupBox("New export")
        row = QHBoxLayout(options)
        row.addWidget(self.kind_combo)
        row.addWidget(self.events_check)
        row.addStretch()
        row.addWidget(self.export_button)

        self.recent = QTableWidget(0, len(RECENT_COLUMNS))
        self.recent.setObjectName("recentExports")
        self.recent.setHorizontalHeaderLabels(list(RECENT_COLUMNS))
        self.recent.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recent.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recent.verticalHeader().setVisible(False)
        self.recent.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.recent.horizontalHeader().setStretchLastSection(True)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Reports</h2>"))
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.filter_label)
        layout.addWidget(about)
        layout.addWidget(options)
        layout.addWidget(QLabel("<b>Recent exports</b> (from the audit trail)"))
        layout.addWidget(self.recent, 1)

        session.filter_changed.connect(self._show_filter)
        session.data_changed.connect(self.refresh_recent)
        self._show_filter(session.filter)
        self.refresh_recent()

    def _show_filter(self, f: Filter) -> None:
        self.filter_label.setText(f"Reports cover: {describe_filter(f)}")

    def open_export(self) -> ExportDialog:
        """Open the export dialog with this page's options."""
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = ExportDialog(self.session, self, kind=str(self.kind_combo.currentData()),
                                   include_events=self.events_check.isChecked())
        self.dialog.exported.connect(lambda _r: self.refresh_recent())
        self.dialog.exported.connect(lambda _r: self.session.audit_changed.emit())
        self.dialog.open()
        return self.dialog

    def refresh_recent(self) -> None:
        """Reload the last exports (a tiny indexed read, fine on the GUI thread)."""
        rows = report_queries.recent_exports(self.session.db)
        self.recent.setRowCount(len(rows))
        for i, row in enumerate(rows):
            info: dict[str, Any] = json.loads(row["new"] or "{}")
            values = (
                timeutil.display(row["ts"], self.session.zone), row["entity_id"] or "", info.get("kind", ""),
                f"{info.get('events', 0):,}", f"{info.get('incidents', 0):,}", row["actor"], info.get("sha256", ""),
            )
            for j, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if j == 1:
                    item.setToolTip(str(info.get("path", "")))
                self.recent.setItem(i, j, item)
