"""Pages whose full version has not been built yet; each says what it will hold."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.ui.session import Session


class _Placeholder(QWidget):
    TITLE = ""
    TEXT = ""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        title = QLabel(f"<h2>{self.TITLE}</h2>")
        text = QLabel(self.TEXT)
        text.setWordWrap(True)
        for w in (title, text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(w)
        layout.addStretch()
        layout.insertStretch(0)


class DashboardPage(_Placeholder):
    TITLE = "Dashboard"
    TEXT = "Trend charts and KPI tiles are not built yet."


class EventsPage(_Placeholder):
    TITLE = "Events"
    TEXT = "The events browser is not built yet; use `issue-ledger events` meanwhile."


class IncidentsPage(_Placeholder):
    TITLE = "Incidents"
    TEXT = "The incidents browser is not built yet."


class AuditPage(_Placeholder):
    TITLE = "Audit trail"
    TEXT = "The audit trail browser is not built yet; use `issue-ledger verify` meanwhile."
