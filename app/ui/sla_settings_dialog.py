"""Editing the priority matrix and the SLA policies (calendars, targets per client × priority).

The policies are edited as the same JSON ``issue-ledger sla --policies`` prints, checked
by ``SlaPolicies.from_dict`` on save so a mistake is named before anything is stored.

Signals (on ``SlaSettingsDialog``):
    saved(): the matrix and policies were stored.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QGridLayout, QGroupBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget,
)

from app.analysis import incidents_service as svc, sla
from app.domain.incidents import IncidentError
from app.domain.sla import PolicyError, SlaPolicies
from app.ui.session import Session

LEVEL_NAMES = {1: "High", 2: "Medium", 3: "Low"}


class SlaSettingsDialog(QDialog):
    saved = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("SLA policies and priority matrix")
        self.resize(720, 720)
        matrix = svc.priority_matrix(session.db)
        box = QGroupBox("Priority from impact (rows) × urgency (columns)")
        grid = QGridLayout(box)
        self.cells: dict[tuple[int, int], QComboBox] = {}
        for u in (1, 2, 3):
            grid.addWidget(QLabel(f"<b>{LEVEL_NAMES[u]}</b>"), 0, u)
        for i in (1, 2, 3):
            grid.addWidget(QLabel(f"<b>{LEVEL_NAMES[i]}</b>"), i, 0)
            for u in (1, 2, 3):
                cell = QComboBox()
                cell.setObjectName(f"matrix-{i}-{u}")
                for p in (1, 2, 3, 4):
                    cell.addItem(f"P{p}", p)
                cell.setCurrentIndex(int(matrix[i][u]) - 1)
                grid.addWidget(cell, i, u)
                self.cells[(i, u)] = cell
        self.policies = QPlainTextEdit()
        self.policies.setObjectName("policies")
        self.policies.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.policies.setPlainText(json.dumps(sla.load_policies(session.db).to_dict(), indent=2))
        help_text = QLabel(
            "Targets are [response, resolution] in SLA-clock minutes. A calendar has a zone, days (mon … sun), "
            "hours like \"08:00-18:00\" (omit for all day) and holidays (YYYY-MM-DD); clients pick a calendar "
            "and may override targets. On-hold time never counts.")
        help_text.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #dc2626;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(QLabel("<b>SLA policies</b>"))
        layout.addWidget(help_text)
        layout.addWidget(self.policies, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> None:
        """Check the JSON, then store matrix and policies together (each change audited)."""
        try:
            policies = SlaPolicies.from_dict(json.loads(self.policies.toPlainText()))
        except json.JSONDecodeError as exc:
            self.message.setText(f"SLA policies: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}")
            return
        except (PolicyError, AttributeError, TypeError) as exc:
            self.message.setText(f"SLA policies: {exc}")
            return
        matrix = {i: {u: int(self.cells[(i, u)].currentData()) for u in (1, 2, 3)} for i in (1, 2, 3)}
        db = self.session.db
        try:
            with db.transaction():
                if matrix != svc.priority_matrix(db):
                    svc.save_priority_matrix(db, matrix)
                if policies != sla.load_policies(db):
                    sla.save_policies(db, policies)
        except IncidentError as exc:
            self.message.setText(str(exc))
            return
        self.session.data_changed.emit()
        self.saved.emit()
        self.accept()


def edit_sla_settings(session: Session, parent: QWidget | None) -> SlaSettingsDialog:
    dialog = SlaSettingsDialog(session, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
