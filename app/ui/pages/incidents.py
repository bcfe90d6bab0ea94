"""The Incidents page: the shared filter bar over a lazy incidents table.

Double-click or Enter opens the incident (the incident dialog's ``open_incident``); the context menu
opens it, sends it to a ticket tool (``app.ui.send_ticket``) or drafts a knowledge article from a
resolved or closed one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from app.domain.filters import Filter
from app.ui.browse_table import BrowseTable
from app.ui.count_label import CountLabel
from app.ui.filter_bar import FilterBar
from app.ui.models.incidents import IncidentsModel
from app.ui.scan_progress import ScanProgress
from app.ui.session import Session

# SLA and Time left fit "resolution breached" and "3,924 d 1 h overdue" unclipped.
COLUMN_WIDTHS = (100, 140, 300, 90, 110, 140, 150, 120, 120)
OPENED_COLUMN = 1  # the default sort, as IncidentsModel.COLUMNS orders them
OLD_SLA_WIDTHS = {5: 80, 6: 80}


class IncidentsPage(QWidget):
    """Signals: none (follows ``session.filter_changed`` and ``session.data_changed``)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.filter_bar = FilterBar(session, self, kind="incidents")
        self.model = IncidentsModel(session, self)
        # Newest opened first, as the CLI lists them: imported history sorts below this week's tickets.
        self.table = BrowseTable(self.model, "incidents", self, sort_column=OPENED_COLUMN)
        self.table.setObjectName("incidentsTable")
        if not self.table.restore_state():
            for col, width in enumerate(COLUMN_WIDTHS):
                self.table.setColumnWidth(col, width)
        for col, old_width in OLD_SLA_WIDTHS.items():
            if self.table.columnWidth(col) == old_width:  # saved before the wider default, never resized
                self.table.setColumnWidth(col, COLUMN_WIDTHS[col])
        self.count_label = CountLabel("incidents")
        self.error_label = QLabel()
        self.error_label.setProperty("role", "error")
        self.error_label.setVisible(False)
        self.scan_progress = ScanProgress(self.model, self)
        self.new_button = QPushButton("New incident…")
        self.new_button.clicked.connect(self.new_incident)
        bar = QHBoxLayout()
        bar.addWidget(self.count_label)
        bar.addWidget(self.error_label)
        bar.addWidget(self.scan_progress)
        bar.addStretch()
        bar.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_bar)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self.model.count_changed.connect(self.count_label.show_count)
        self.model.failed.connect(self._show_error)
        self.model.scan_cancelled.connect(lambda: self.count_label.show_text(
            f"{self.model.rowCount():,} incidents listed (regex search cancelled)"))
        self.table.activated_row.connect(self.open_row)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self.show_context_menu)
        self.context_menu: QMenu | None = None
        self.drafter: Any = None
        session.filter_changed.connect(self.apply_filter)
        session.data_changed.connect(lambda: self.apply_filter(self.session.filter))
        self.apply_filter(session.filter)

    def apply_filter(self, f: Filter) -> None:
        """List ``f``; the same filter again (new data, F5) keeps the old count up, marked "updating…"."""
        self.error_label.setVisible(False)
        self.count_label.reloading(self.model.total if f == self.model.filter else None)
        self.model.set_filter(f)

    def _show_error(self, message: str) -> None:
        self.count_label.show_text("")
        self.error_label.setText(message)
        self.error_label.setVisible(True)

    def open_row(self, row: int) -> None:
        number = self.model.number(row)
        if number is None:
            return
        try:
            from app.ui.incident_dialog import open_incident
        except ImportError:
            self._show_error("Opening incidents from the window is not available in this build.")
            return
        open_incident(self.session, number, self)

    def show_context_menu(self, pos: QPoint) -> None:
        """Right-click on an incident: open it, send it to Jira, ServiceNow or Zendesk, or draft an article
        from it once it is resolved or closed."""
        row = self.table.indexAt(pos).row()
        record = self.model.row(row, fetch=False) if row >= 0 else None
        if record is None:
            return
        number, fixed = str(record["number"]), record.get("status") in ("resolved", "closed")
        menu = QMenu(self)
        menu.setObjectName("incidentsContextMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction("Open", lambda: self.open_row(row))
        menu.addAction("Send to…", lambda: self.send_row(row))
        draft = menu.addAction("Draft knowledge article…", lambda: self.draft_article(number))
        draft.setEnabled(fixed)
        if not fixed:
            draft.setToolTip("Resolve the incident first")
        self.context_menu = menu
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def draft_article(self, number: str) -> None:
        """Write a draft from the incident and open it in the editor (a refusal shows beside the count)."""
        from app.ui.kb_draft import Drafter

        if self.drafter is None:
            self.drafter = Drafter(self.session, self)
            self.drafter.failed.connect(self._show_error)
        self.drafter.draft(number)

    def new_incident(self) -> None:
        try:
            from app.ui.incident_dialog import new_incident
        except ImportError:
            self._show_error("Entering incidents from the window is not available in this build.")
            return
        new_incident(self.session, self)

    def send_row(self, row: int) -> None:
        number = self.model.number(row)
        if number is not None:
            from app.ui.send_ticket import send_to

            send_to(self.session, number, self)
