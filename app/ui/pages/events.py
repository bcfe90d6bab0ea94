"""The Events page: filter bar, timeline strip, the lazy table and the details pane.

Applying a filter only resets the model and starts workers; the first block,
the count and the timeline arrive as they are ready.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.domain import timeutil
from app.domain.chart_window import DEFAULT_DAYS
from app.domain.filters import Filter
from app.domain.jobs import Progress
from app.store import events as event_store
from app.store.database import Database
from app.ui import workers
from app.ui.browse_table import BrowseTable
from app.ui.count_label import CountLabel
from app.ui.db_ops import DbOp, Kind
from app.ui.event_details import EventDetails
from app.ui.filter_bar import FilterBar
from app.ui.follow import Follower
from app.ui.models.events import EventsModel, SeverityBadgeDelegate
from app.ui.scan_progress import ScanProgress
from app.ui.session import Session
from app.ui.timeline import TimelineStrip

log = logging.getLogger("issue_ledger.ui.events")


class EventsPage(QWidget):
    """Signals: none (follows ``session.filter_changed`` and ``session.data_changed``)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.filter_bar = FilterBar(session, self, kind="events")
        self.timeline = TimelineStrip(session.zone, self)
        self.model = EventsModel(session, self)
        self.table = BrowseTable(self.model, "events-v2", self)  # v2: Event ID and Provider joined the columns
        self.table.setObjectName("eventsTable")
        self.table.setItemDelegateForColumn(1, SeverityBadgeDelegate(self.table))
        if not self.table.restore_state():
            for col, width in enumerate((150, 80, 90, 130, 110, 70, 170, 110, 120)):
                self.table.setColumnWidth(col, width)
        self.details = EventDetails(session, self)
        self.count_label = CountLabel("events")
        self.error_label = QLabel()
        self.error_label.setProperty("role", "error")
        self.error_label.setVisible(False)
        self.scan_progress = ScanProgress(self.model, self)
        self.incident_button = QPushButton("Create incident from selection…")
        self.incident_button.setEnabled(False)
        self.incident_button.clicked.connect(self.create_incident)
        self.all_time_button = QPushButton("All time")
        self.all_time_button.setObjectName("timelineAllTime")
        self.all_time_button.setCheckable(True)
        self.all_time_button.setToolTip(
            f"Without a time range the timeline shows the {DEFAULT_DAYS} days ending at the newest event; "
            "check to show every event (long empty stretches are folded)")
        self.all_time_button.toggled.connect(lambda _on: self._load_timeline(self.session.filter))
        self.follow_button = QPushButton("Follow")
        self.follow_button.setObjectName("followButton")
        self.follower = Follower(self.table, self.follow_button, self)
        self.last_button = QPushButton("Last row ⤓")
        self.last_button.setToolTip("Jump to the last row (Ctrl+End)")
        self.last_button.clicked.connect(lambda: self.table.go_to_row(max(0, self.model.rowCount() - 1)))

        bar = QHBoxLayout()
        bar.addWidget(self.count_label)
        bar.addWidget(self.error_label)
        bar.addWidget(self.scan_progress)
        bar.addStretch()
        bar.addWidget(self.all_time_button)
        bar.addWidget(self.follow_button)
        bar.addWidget(self.last_button)
        bar.addWidget(self.incident_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.timeline)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self.model.count_changed.connect(self._show_count)
        self.model.failed.connect(self._show_error)
        self.model.scan_cancelled.connect(self._scan_cancelled)
        self.table.current_row_changed.connect(self._current_changed)
        self.model.dataChanged.connect(self._rows_arrived)
        self.table.activated_row.connect(self.open_details)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self.show_context_menu)
        self.context_menu: QMenu | None = None
        self.table.selectionModel().selectionChanged.connect(
            lambda *_a: self.incident_button.setEnabled(self.table.has_selection()))
        self.timeline.range_selected.connect(self.filter_bar.set_time_range)
        self.details.incident_activated.connect(self.open_incident)
        session.filter_changed.connect(self.apply_filter)
        session.data_changed.connect(lambda: self.apply_filter(self.session.filter))
        session.zone_changed.connect(self.timeline.set_zone)
        self._timeline_task: workers.Task | None = None
        self.apply_filter(session.filter)

    # -- filter -----------------------------------------------------------------------
    def apply_filter(self, f: Filter) -> None:
        """List ``f``; the same filter again (new data, F5) keeps the old count up, marked "updating…"."""
        self.error_label.setVisible(False)
        self.details.show_event(None)
        self.count_label.reloading(self.model.total if f == self.model.filter else None)
        self.model.set_filter(f)
        self._load_timeline(f)

    def _load_timeline(self, f: Filter) -> None:
        if self._timeline_task is not None:
            self._timeline_task.cancel()
        self.timeline.set_message("Loading…")
        path, zone, all_time = self.session.db_path, self.session.zone, self.all_time_button.isChecked()

        def work(db: Database, progress: Progress) -> dict[str, Any]:
            return event_store.histogram(db, f, zone, cancelled=lambda: progress.cancelled, all_time=all_time)

        def done(data: dict[str, Any], f: Filter = f) -> None:
            if f == self.session.filter and all_time == self.all_time_button.isChecked():
                self.timeline.set_histogram(data)
                self._show_window(data.get("earliest"))

        self._timeline_task = DbOp(self, path, work, on_success=done, kind=Kind.LEAN,
                                   on_failure=lambda m, _d: self.timeline.set_message(m),
                                   ).run_in_background(self.model.runner.slow)

    def _show_window(self, earliest: str | None) -> None:
        """Say on the button that older events are left out of the timeline, and since when."""
        if earliest:
            day = timeutil.display(earliest, self.session.zone, "%Y-%m-%d")
            self.all_time_button.setText(f"All time (from {day})")
        else:
            self.all_time_button.setText("All time")

    def _show_count(self, n: int, final: bool) -> None:
        self.count_label.show_count(n, final)

    def _scan_cancelled(self) -> None:
        if self._timeline_task is not None:
            self._timeline_task.cancel()
        self.timeline.set_message("Regex search cancelled")
        self.count_label.show_text(f"{self.model.rowCount():,} events listed (regex search cancelled)")

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        self.count_label.show_text("")

    # -- rows -------------------------------------------------------------------------
    def _current_changed(self, row: int) -> None:
        self.details.show_event(self.model.record_id(row) if row >= 0 else None)

    def _rows_arrived(self, top: Any, bottom: Any, *_roles: Any) -> None:
        """The current row's block has loaded (after "Last row" or a jump): show its details now."""
        row = self.table.currentIndex().row()
        if top.row() <= row <= bottom.row():
            event_id = self.model.record_id(row)
            if event_id is not None and event_id != self.details.event_id:
                self.details.show_event(event_id)

    def open_details(self, row: int) -> None:
        """Enter: show the details pane for ``row`` (and give it room if collapsed)."""
        self.details.setVisible(True)
        self.details.show_event(self.model.record_id(row))

    def selected_event_ids(self) -> list[int]:
        ids = [self.model.record_id(r) for r in self.table.selected_rows()]
        return [i for i in ids if i is not None]

    def create_incident(self) -> None:
        ids = self.selected_event_ids()
        if not ids:
            return
        try:
            from app.ui.incident_dialog import new_incident
        except ImportError:
            self._show_error("Creating incidents from the window is not available in this build.")
            return
        new_incident(self.session, self, event_ids=ids)

    def show_context_menu(self, pos: QPoint) -> None:
        """Right-click on the table: make an incident from the selection, or add it to one."""
        has_selection = self.table.has_selection()
        menu = QMenu(self)
        menu.setObjectName("eventsContextMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        create = menu.addAction("Create incident from selection…", self.create_incident)
        add = menu.addAction("Add to incident…", self.add_to_incident)
        for action in (create, add):
            action.setEnabled(has_selection)
        self.context_menu = menu
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def add_to_incident(self) -> None:
        ids = self.selected_event_ids()
        if not ids:
            return
        from app.ui.add_to_incident_dialog import add_to_incident

        add_to_incident(self.session, self, ids)

    def open_incident(self, number: str) -> None:
        try:
            from app.ui.incident_dialog import open_incident
        except ImportError:
            self._show_error("Opening incidents from the window is not available in this build.")
            return
        open_incident(self.session, number, self)
