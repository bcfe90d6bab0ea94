"""The first thing an empty database shows: three ways to get started.

Signals:
    demo_requested(): "Load demo data" was clicked.
    import_requested(): "Import logs" was clicked.
    incident_requested(): "Log an incident" was clicked.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    demo_requested = Signal()
    import_requested = Signal()
    incident_requested = Signal()

    def __init__(self, db_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        layout = QVBoxLayout(self)
        layout.addStretch()
        title = QLabel("<h1>Welcome to Issue Ledger</h1>")
        text = QLabel(
            f"<p><b>{db_name}</b> is empty. Bring in machine logs, log an incident by hand,"
            " or look around with 60 days of demo data from a three-client BPO.</p>"
        )
        text.setWordWrap(True)
        for w in (title, text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(w)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.demo_button = QPushButton("Load demo data")
        self.import_button = QPushButton("Import logs…")
        self.incident_button = QPushButton("Log an incident…")
        for b, sig, tip in (
            (self.demo_button, self.demo_requested, "Add 50,000 demo events and 200 incidents"),
            (self.import_button, self.import_requested, "Import log files or a folder"),
            (self.incident_button, self.incident_requested, "Type in an incident by hand"),
        ):
            b.setMinimumHeight(36)
            b.setToolTip(tip)
            b.clicked.connect(sig.emit)
            buttons.addWidget(b)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setMaximumWidth(420)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.progress)
        row.addStretch()
        layout.addLayout(row)
        layout.addStretch()
