"""The incident window's "What changed" tab: what rose in the hours before the incident opened.

It reads ``app.patterns.changes`` (the read model ``issue-ledger incident changes`` prints)
in a ``DbOp``, so a large database never freezes the window; a row's events load the
same way, and "Link as evidence" links them through the incident service the Add to
incident dialog uses.

Signals:
    linked(int): events were linked to the incident (how many were new).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import timeutil
from app.domain.vocab import Severity
from app.patterns.changes import DEFAULT_HOURS, Change, Changes
from app.ui.db_ops import DbOp
from app.ui.session import Session

KIND_LABELS = {"pattern": "Pattern", "host": "Host", "component": "Component", "file": "Log file"}


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    return table


def _put(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c in (1, 2, 3) and table.objectName() == "changes":
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


class ChangesTab(QWidget):
    """Rows of ``Changes`` for one incident, each drilling down to its events, each linkable as evidence."""

    linked = Signal(int)

    def __init__(self, session: Session, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.number = number
        self.found: Changes | None = None
        self.events: list[dict[str, Any]] = []
        self.loaded = False
        self.hours = QSpinBox()
        self.hours.setObjectName("changeHours")
        self.hours.setRange(1, 24)
        self.hours.setValue(DEFAULT_HOURS)
        self.hours.setSuffix(" h before it opened")
        self.hours.valueChanged.connect(lambda _v: self.load())
        self.status = QLabel("")
        self.status.setObjectName("changeStatus")
        self.status.setWordWrap(True)
        self.table = _table("changes", ["Kind", "Before", "Usual", "Score", "New", "What"])
        self.table.setToolTip("Events in the hours before the incident opened against the median of the same hours "
                              "on earlier days; the score is a robust z-score (median/MAD)")
        self.table.itemSelectionChanged.connect(self._selected)
        self.event_table = _table("changeEvents", ["Time", "Severity", "Host", "Component", "Message"])
        self.link_button = QPushButton("Link as evidence")
        self.link_button.setObjectName("linkChange")
        self.link_button.setToolTip("Link the selected row's events (shown below) to this incident")
        self.link_button.setEnabled(False)
        self.link_button.clicked.connect(self.link)
        top = QHBoxLayout()
        top.addWidget(QLabel("Compare the"))
        top.addWidget(self.hours)
        top.addStretch()
        top.addWidget(self.link_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.event_table)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

    def load(self) -> None:
        """Compute the list in the background; the table fills when it is ready."""
        self.loaded = True
        number, hours = self.number, self.hours.value()
        self.status.setText("Comparing with earlier days…")

        def work(db: Any, _p: Any) -> Changes:
            from app.patterns.changes import changes

            return changes(db, number, hours)

        DbOp(self, self.session.db_path, work, on_success=self._show,
             on_failure=lambda text, _d: self.status.setText(text)).run_in_background()

    def _show(self, found: Changes) -> None:
        self.found = found
        zone = self.session.zone
        start, end = (timeutil.display(t, zone, "%Y-%m-%d %H:%M") for t in found.window)
        against = (f"the same hours of {found.baseline_days} earlier day(s)" if found.baseline_days
                   else "no earlier days (the data starts later)")
        self.status.setText(f"{len(found.rows)} change(s) from {start} to {end}, against {against}. "
                            "Select a row to see its events.")
        _put(self.table, [[KIND_LABELS.get(r.kind, r.kind), f"{r.before:,}", f"{r.baseline:g}", f"{r.score:.1f}",
                           "new" if r.new else "", r.label] for r in found.rows])
        self.event_table.setRowCount(0)
        self.events = []
        self.link_button.setEnabled(False)

    def selected(self) -> Change | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.found is None:
            return None
        return self.found.rows[rows[0].row()]

    def _selected(self) -> None:
        change, found = self.selected(), self.found
        self.link_button.setEnabled(False)
        if change is None or found is None:
            return

        def work(db: Any, _p: Any) -> list[dict[str, Any]]:
            from app.patterns.changes import change_events

            return change_events(db, found, change)

        DbOp(self, self.session.db_path, work, on_success=lambda evs: self._events(change, evs),
             on_failure=lambda text, _d: self.status.setText(text)).run_in_background()

    def _events(self, change: Change, events: list[dict[str, Any]]) -> None:
        if self.selected() is not change:
            return  # another row was picked meanwhile
        self.events = events
        zone = self.session.zone
        _put(self.event_table, [[timeutil.display(e["ts"], zone), Severity(e["severity"]).label, e.get("host") or "",
                                 e.get("component") or "", e.get("message") or ""] for e in events])
        self.link_button.setEnabled(bool(events))

    def link(self) -> None:
        """Link the drilled-down events to the incident (audited, like Add to incident)."""
        ids, number = [int(e["id"]) for e in self.events], self.number
        if not ids:
            return

        def work(db: Any, _p: Any) -> int:
            from app.incidents import service as svc

            return svc.link_events(db, number, ids)

        self.link_button.setEnabled(False)
        DbOp(self, self.session.db_path, work, on_success=self._linked,
             on_failure=lambda text, _d: self._link_failed(text)).run_in_background()

    def _linked(self, count: int) -> None:
        self.status.setText(f"{count} event(s) linked as evidence ({len(self.events) - count} were already linked).")
        self.link_button.setEnabled(True)
        self.session.data_changed.emit()
        self.linked.emit(int(count))

    def _link_failed(self, text: str) -> None:
        self.link_button.setEnabled(True)
        self.status.setText(f"Not linked: {text}")
