"""Add to incident…: link selected events to an incident already being worked on.

The open incidents for the completer load in a worker; the link is written in a
worker too (one small audited transaction), so the window never waits on SQL.

Signals:
    linked(str, int): the incident's number and how many events were newly linked.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.jobs import Progress
from app.store import incidents as store
from app.store.database import Database
from app.ui.db_ops import DbOp, Kind
from app.ui.session import Session


def number_from_text(text: str) -> str:
    """``INC-000042 — Title``, ``inc-42`` or ``42`` → ``INC-000042``; anything else as typed."""
    head = text.strip().split(" ", 1)[0].upper() if text.strip() else ""
    digits = head[4:] if head.startswith("INC-") else head
    return store.format_number(int(digits)) if digits.isdigit() else head


class AddToIncidentDialog(QDialog):
    """Pick an incident number (completing over open incidents) and link the events to it."""

    linked = Signal(str, int)

    def __init__(self, session: Session, event_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.event_ids = list(event_ids)
        self.setWindowTitle("Add to incident")
        self.number = QLineEdit()
        self.number.setObjectName("incidentNumber")
        self.number.setPlaceholderText("INC-000123, or type part of a title")
        self.choices = QStringListModel(self)
        completer = QCompleter(self.choices, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.number.setCompleter(completer)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button: QPushButton = self.buttons.addButton(
            "Add to incident", QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setObjectName("add")
        self.add_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Link {len(self.event_ids):,} selected event(s) to incident:"))
        layout.addWidget(self.number)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)  # room for "INC-000123 — title" in the completer
        self.number.setFocus()
        self._load_choices()

    def _load_choices(self) -> None:
        DbOp(self, self.session.db_path, lambda db, _p: store.open_incidents(db), kind=Kind.LEAN,
             on_success=self._choices_loaded,
             on_failure=lambda m, _d: self.message.setText(f"Open incidents not listed: {m}")).run_in_background()

    def _choices_loaded(self, rows: list[tuple[str, str]]) -> None:
        self.choices.setStringList([f"{n} — {t}" for n, t in rows])

    def save(self) -> None:
        number = number_from_text(self.number.text())
        if not number:
            self.message.setText("Type an incident number.")
            return
        path, ids = self.session.db_path, self.event_ids

        def work(db: Database, _p: Progress) -> int:
            from app.incidents import service as svc

            return svc.link_events(db, number, ids)

        self.add_button.setEnabled(False)
        self.message.setText(f"Linking to {number}…")
        DbOp(self, path, work, on_success=lambda n: self._done(number, n), on_failure=self._failed).run_in_background()

    def _done(self, number: str, count: int) -> None:
        self.session.data_changed.emit()
        self.linked.emit(number, int(count))
        self.accept()

    def _failed(self, message: str, _details: str) -> None:
        self.add_button.setEnabled(True)
        self.message.setText(message)


def add_to_incident(session: Session, parent: QWidget | None, event_ids: list[int]) -> AddToIncidentDialog:
    """Show the dialog (non-modal); it closes itself once the events are linked."""
    dialog = AddToIncidentDialog(session, event_ids, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
