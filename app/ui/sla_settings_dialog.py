"""Editing the priority matrix and the SLA policies (calendars, targets per client × priority).

The policies are edited in a form (``app.ui.sla_policy_form``): minutes per priority,
business-hours calendars and client overrides, read back on save so a mistake is named
before anything is stored. ``issue-ledger sla --policies`` prints the same policies as JSON.

Signals (on ``SlaSettingsDialog``):
    saved(): the matrix and policies were stored.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.analysis import sla
from app.domain.incidents import IncidentError
from app.domain.sla import PolicyError
from app.incidents import service as svc
from app.store.database import UserFacingStoreError
from app.ui.session import Session
from app.ui.sla_policy_form import SlaPolicyForm

LEVEL_NAMES = {1: "High", 2: "Medium", 3: "Low"}


class SlaSettingsDialog(QDialog):
    saved = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("SLA policies and priority matrix")
        self.resize(860, 820)
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
        self.form = SlaPolicyForm()
        self.form.set_policies(sla.load_policies(session.db))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setProperty("role", "error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> None:
        """Check the form, then store matrix and policies together (each change audited)."""
        try:
            policies = self.form.policies()
        except PolicyError as exc:
            self.message.setText(str(exc))
            return
        matrix = {i: {u: int(self.cells[(i, u)].currentData()) for u in (1, 2, 3)} for i in (1, 2, 3)}
        db = self.session.db
        try:
            with db.transaction():
                if matrix != svc.priority_matrix(db):
                    svc.save_priority_matrix(db, matrix)
                if policies != sla.load_policies(db):
                    svc.save_policies(db, policies)
        except (IncidentError, UserFacingStoreError) as exc:  # UserFacing: an import kept writing past the wait
            self.message.setText(str(exc))  # the dialog stays open with what was chosen, to save again
            return
        self.session.data_changed.emit()
        self.saved.emit()
        self.accept()


def edit_sla_settings(session: Session, parent: QWidget | None) -> SlaSettingsDialog:
    dialog = SlaSettingsDialog(session, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
