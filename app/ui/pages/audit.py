"""The Audit trail page: who did what and when, filtered, with a Verify button for the hash chain.

Reads and verification run in workers on their own connection; double-clicking an
incident's row opens that incident.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.analysis.integrity import IntegrityReport
from app.domain import changes, timeutil
from app.store import audit
from app.store.database import Database
from app.ui import theme, workers
from app.ui.db_ops import DbOp
from app.ui.models.rows import Index, RowsModel
from app.ui.session import Session

LIMIT = 5000


class AuditModel(RowsModel):
    """Audit rows (newest first) as a read-only table; the tooltip shows each row's hash."""

    HEADERS = ("#", "When", "Who", "Action", "Entity", "Id", "Changes")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.row_at(index)
        if r is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == 0:
                return str(r["id"])
            if col == 1:
                return timeutil.display(r["ts"], self.zone)
            if col == 6:
                return changes.describe(r["old"], r["new"], self.zone)[:300]
            return r[("actor", "action", "entity", "entity_id")[col - 2]] or ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"hash {r['hash']}"
        return None


class AuditPage(QWidget):
    """List, filter and verify the audit trail."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._task: workers.Task | None = None
        self._verify_task: workers.Task | None = None
        self._generation = 0
        self.entity, self.action, self.actor = QComboBox(), QComboBox(), QComboBox()
        for box, name in ((self.entity, "entity"), (self.action, "action"), (self.actor, "actor")):
            box.setObjectName(name)
            box.setMinimumWidth(120)
            box.activated.connect(lambda _i: self.load())
        self.text = QLineEdit()
        self.text.setObjectName("text")
        self.text.setPlaceholderText("Find in ids and changes…")
        self.text.setClearButtonEnabled(True)
        self.text.returnPressed.connect(self.load)
        self.verify_button = QPushButton("Verify")
        self.verify_button.setObjectName("verify")
        self.verify_button.setToolTip("Re-walk the hash chain and name the first row that breaks it")
        self.verify_button.clicked.connect(self.verify)
        self.result = QLabel()
        self.result.setObjectName("verifyResult")
        self.count = QLabel()
        bar = QHBoxLayout()
        for label, w in (("Entity", self.entity), ("Action", self.action), ("Who", self.actor)):
            bar.addWidget(QLabel(label))
            bar.addWidget(w)
        bar.addWidget(self.text, 1)
        bar.addWidget(self.verify_button)
        self.model = AuditModel(session.zone, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.doubleClicked.connect(self._open)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Audit trail</h2>"))
        layout.addLayout(bar)
        layout.addWidget(self.result)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        session.data_changed.connect(self.load)
        session.audit_changed.connect(self.load)
        session.zone_changed.connect(self._zone_changed)
        self.load()

    def _zone_changed(self, zone: Any) -> None:
        self.model.zone = zone
        self.model.set_rows(self.model.rows)

    @staticmethod
    def _choice(box: QComboBox) -> str | None:
        return box.currentData() or None

    def load(self) -> None:
        """Re-read the rows matching the filters in a worker."""
        path: Path = self.session.db_path
        query = {"entity": self._choice(self.entity), "action": self._choice(self.action),
                 "actor": self._choice(self.actor), "text": self.text.text().strip() or None}

        def work(db: Database, _progress: object) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
            rows = audit.search(db, limit=LIMIT, **query)
            choices = {c: audit.distinct_values(db, c) for c in ("entity", "action", "actor")}
            return rows, choices

        self._generation += 1
        generation = self._generation
        self.count.setText("Loading…")
        self._task = DbOp(self, path, work, on_success=lambda result: self._loaded(result, generation)
                          ).run_in_background()

    def _loaded(self, result: tuple[list[dict[str, Any]], dict[str, list[str]]], generation: int) -> None:
        if generation != self._generation:
            return  # a newer load is on its way
        rows, choices = result
        for box, name in ((self.entity, "entity"), (self.action, "action"), (self.actor, "actor")):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem("All", None)
            for value in choices[name]:
                box.addItem(value, value)
            box.setCurrentIndex(max(0, box.findData(current)) if current else 0)
            box.blockSignals(False)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        more = " (newest shown; narrow the filter for older rows)" if len(rows) >= LIMIT else ""
        self.count.setText(f"{len(rows):,} row(s){more}")

    def verify(self) -> None:
        path: Path = self.session.db_path

        def work(db: Database, _progress: object) -> IntegrityReport:
            from app.analysis.integrity import check

            return check(db)

        self.verify_button.setEnabled(False)
        self.result.setText("Verifying…")
        self._verify_task = DbOp(self, path, work, on_success=self._verified,
                                 on_failure=self._verify_failed).run_in_background()

    def _verified(self, report: IntegrityReport) -> None:
        self.verify_button.setEnabled(True)
        colour = "#16a34a" if report.ok else theme.colour("error")
        lines = [report.chain.describe()] if report.ok else report.findings()
        text = "<br>".join(html.escape(line) for line in lines)
        self.result.setText(f"<span style='color:{colour}'>{text}</span>")

    def _verify_failed(self, message: str, _details: str) -> None:
        self.verify_button.setEnabled(True)
        self.result.setText(f"<span style='color:{theme.colour('error')}'>Could not verify: {message}</span>")

    def _open(self, index: QModelIndex) -> None:
        r = self.model.rows[index.row()]
        if r["entity"] == "incident" and r["entity_id"]:
            from app.ui.incident_dialog import open_incident

            open_incident(self.session, r["entity_id"], self)
