"""The Sources page: what is followed (files, folders, syslog listeners), how it is going, and who collects.

The table is read by a ``DbOp`` (``app.collect.service.listing``) every
``REFRESH_MS`` while the page is visible, and on ``session.data_changed``; at most
one read is in flight. Writes (add, enable/disable, remove) go through the write
queue. The status line follows the window's collector (``app.ui.window_collector``):
collecting here, collected by ``issue-ledger watch`` (its pid), or not at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.store.database import Database
from app.ui import workers, write_queue
from app.ui.db_ops import DbOp, Kind
from app.ui.models.sources import MiddleElide, SourcesModel, error_text
from app.ui.session import Session
from app.ui.window_collector import WindowCollector, status_text

REFRESH_MS = 1000


def load_sources(db: Database) -> list[dict[str, Any]]:
    """Every source with its status and the format detected on its first lines (the worker's half of the page)."""
    from app.collect import service
    from app.store import imports as import_store

    rows = service.listing(db, dt.datetime.now(dt.UTC))
    for r in rows:
        imp = import_store.get(db, int(r["import_id"])) if r["import_id"] else None
        r["detected_format"] = imp["format"] if imp else None
    return rows


class SourcesPage(QWidget):
    """Signals: none (follows ``session.data_changed``, ``session.zone_changed`` and the window's collector)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.collector: WindowCollector | None = getattr(parent, "collector", None)
        self.model = SourcesModel(session.zone, self)
        self.table = QTableView()
        self.table.setObjectName("sourcesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setItemDelegateForColumn(2, MiddleElide(self.table))  # a long path keeps its file name in view
        for col, width in enumerate((28, 44, 150, 40, 120, 80, 95, 95, 58, 50, 55, 105, 45)):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key, text, slot in (("add", "Add source…", self.add_source), ("switch", "Disable", self.toggle_source),
                                ("remove", "Remove…", self.remove_source)):
            button = QPushButton(text)
            button.setObjectName(f"source-{key}")
            button.clicked.connect(lambda _checked=False, run=slot: run())
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch()
        self.message = QLabel()
        self.message.setObjectName("sourcesMessage")
        bar.addWidget(self.message)
        self.status = QLabel()
        self.status.setObjectName("collectorStatus")
        self.hint = QLabel("Sources are files, folders and syslog listeners followed as they grow; "
                           "<code>issue-ledger watch</code> collects them when no window does.")
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        heading = QHBoxLayout()
        heading.addWidget(QLabel("<h3>Sources</h3>"))
        heading.addSpacing(12)
        heading.addWidget(self.status, 1)
        layout.addLayout(heading)
        layout.addWidget(self.hint)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.errors = QLabel()
        self.errors.setObjectName("sourceErrors")
        self.errors.setProperty("role", "error")
        self.errors.setWordWrap(True)
        layout.addWidget(self.errors)
        self.confirm: QMessageBox | None = None
        self.dialog: QWidget | None = None
        self._task: workers.Task[Any] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.load)
        if self.collector is not None:
            self.collector.state_changed.connect(lambda *_a: self._show_collector())
        self._show_collector()
        if session.db.read_only:
            for key in ("add", "switch", "remove"):
                self.buttons[key].setEnabled(False)
        self._selection_changed()
        session.data_changed.connect(self.load)
        session.zone_changed.connect(self._zone_changed)
        self.load()

    # -- reading ---------------------------------------------------------------------------------------
    def load(self) -> None:
        """Read the sources in a worker; skipped while the last read is still out (a slow disk never queues them)."""
        if self._task is not None:
            return
        self._task = DbOp(self, self.session.db_path, lambda db, _p: load_sources(db), on_success=self._loaded,
                          on_failure=self._failed, kind=Kind.LEAN).run_in_background()

    def _loaded(self, rows: list[dict[str, Any]]) -> None:
        self._task = None
        chosen = self.selected_id()
        self.model.set_rows(rows)
        for row, r in enumerate(rows):
            if r["id"] == chosen:
                self.table.selectRow(row)
        if chosen is None and rows:
            self.table.selectRow(0)
        self._selection_changed()
        self._show_collector()
        failing = [r for r in rows if r.get("last_error")]
        self.errors.setVisible(bool(failing))
        self.errors.setText("\n".join(f"Source #{r['id']} ({r['target']}): {error_text(r)}" for r in failing[:3])
                            + (f"\n… and {len(failing) - 3} more" if len(failing) > 3 else ""))

    def _failed(self, message: str, _details: str) -> None:
        self._task = None
        self.message.setText(f"Could not read the sources: {message}")

    def _zone_changed(self, zone: Any) -> None:
        self.model.zone = zone
        self.model.set_rows(self.model.rows)

    def _show_collector(self) -> None:
        collector = self.collector
        text = status_text(collector.state, collector.pid) if collector is not None else "Not collecting"
        self.status.setText(text)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.timer.start()
        self.load()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        self.timer.stop()
        super().hideEvent(event)

    # -- selection -------------------------------------------------------------------------------------
    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.source_id(rows[0].row()) if rows else None

    def _selected_row(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        row = self._selected_row()
        writable = not self.session.db.read_only
        for key in ("switch", "remove"):
            self.buttons[key].setEnabled(row is not None and writable)
        self.buttons["switch"].setText("Enable" if row is not None and not row["enabled"] else "Disable")

    # -- commands --------------------------------------------------------------------------------------
    def add_source(self) -> QWidget:
        from app.ui.source_dialog import SourceDialog

        dialog = SourceDialog(self.session, self)
        dialog.added.connect(self._added)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _added(self, source_id: int) -> None:
        self.message.setText(f"Added source #{source_id}")
        self._changed()

    def toggle_source(self) -> None:
        row = self._selected_row()
        if row is None:
            return
        source_id, on = int(row["id"]), not row["enabled"]

        def write(db: Database) -> None:
            from app.collect import service

            service.set_enabled(db, source_id, on)

        self._write(write, f"Source #{source_id} {'enabled' if on else 'disabled'}")

    def remove_source(self) -> QMessageBox | None:
        """Ask first (non-modal); the source's events stay, under its import."""
        row = self._selected_row()
        if row is None:
            return None
        source_id = int(row["id"])
        box = QMessageBox(QMessageBox.Icon.Question, "Remove source",
                          f"Stop following source #{source_id} ({row['kind']} {row['target']})? Its "
                          f"{int(row.get('lines') or 0):,} event(s) stay.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def write(db: Database) -> None:
            from app.collect import service

            service.remove(db, source_id)

        box.accepted.connect(lambda: self._write(write, f"Removed source #{source_id}"))
        self.confirm = box
        box.open()
        return box

    def _write(self, fn: Any, done_text: str) -> None:
        self.message.setText("Saving…")

        def done(_result: Any) -> None:
            self.message.setText(done_text)
            self._changed()

        write_queue.submit(self, self.session.db_path, fn, done,
                           lambda message, _d: self.message.setText(f"Not saved: {message}"))

    def _changed(self) -> None:
        """A source was added or switched: the window's collector picks it up (or starts, for the first one)."""
        self.session.data_changed.emit()
        if self.collector is not None:
            self.collector.start()
