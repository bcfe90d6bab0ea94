"""Add source…: a file, a folder with a glob, or a UDP/TCP syslog listener, with the import options.

The checks are the service's own (``app.collect.service.add``, run by the write
queue, never on the GUI thread); a refusal is shown under the form naming the
field, and the dialog stays open with what was typed.

Signals:
    added(int): the new source's id, once stored.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocab import LOG_TYPES
from app.ingest.formats import DESCRIPTIONS
from app.ui import write_queue
from app.ui.session import Session

KINDS = {"file": "File", "folder": "Folder (with a glob)", "udp": "UDP syslog listener",
         "tcp": "TCP syslog listener"}
ZONES = ("", "UTC", "America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Asia/Manila",
         "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney")


def field_message(kind: str, message: str) -> str:
    """The service's refusal, led by the form's name for the field it is about."""
    if message.startswith("--zone: "):
        return f"Zone: {message.removeprefix('--zone: ')}"
    if "--glob" in message:
        return f"Glob: {message.replace('--glob', 'a glob')}"
    return f"{'Path' if kind in ('file', 'folder') else 'Address'}: {message}"


class SourceDialog(QDialog):
    added = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Add source")
        self.setObjectName("sourceDialog")
        self.setMinimumWidth(520)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("sourceKind")
        for key, label in KINDS.items():
            self.kind_combo.addItem(label, key)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("sourcePath")
        self.path_edit.setPlaceholderText("the log file to follow")
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.setContentsMargins(0, 0, 0, 0)
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.path_widget = QWidget()
        self.path_widget.setLayout(path_row)
        self.glob_edit = QLineEdit()
        self.glob_edit.setObjectName("sourceGlob")
        self.glob_edit.setPlaceholderText("* (every file), e.g. *.log")
        self.host_edit = QLineEdit("0.0.0.0")
        self.host_edit.setObjectName("sourceHost")
        self.host_edit.setToolTip("The address to listen on: 0.0.0.0 for every interface, 127.0.0.1 for this computer")
        self.port_spin = QSpinBox()
        self.port_spin.setObjectName("sourcePort")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(5514)
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("sourceFormat")
        self.format_combo.addItem("Detect on the first lines", None)
        for name, text in DESCRIPTIONS.items():
            self.format_combo.addItem(f"{name} — {text}", name)
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("sourceLogType")
        self.type_combo.addItem("From the format and rules", None)
        for t in LOG_TYPES:
            self.type_combo.addItem(t, t)
        self.client_edit = QLineEdit()
        self.client_edit.setObjectName("sourceClient")
        self.site_edit = QLineEdit()
        self.site_edit.setObjectName("sourceSite")
        self.zone_combo = QComboBox()
        self.zone_combo.setObjectName("sourceZone")
        self.zone_combo.setEditable(True)
        self.zone_combo.addItems(ZONES)
        zone_edit = self.zone_combo.lineEdit()
        if zone_edit is not None:
            zone_edit.setPlaceholderText("this computer's")
        self.zone_combo.setToolTip("Zone of time stamps that carry none (an IANA name)")
        self.form = form = QFormLayout()
        form.addRow("Kind", self.kind_combo)
        form.addRow("Path", self.path_widget)
        form.addRow("Glob", self.glob_edit)
        form.addRow("Address", self.host_edit)
        form.addRow("Port", self.port_spin)
        form.addRow("Format", self.format_combo)
        form.addRow("Log type", self.type_combo)
        form.addRow("Client", self.client_edit)
        form.addRow("Site", self.site_edit)
        form.addRow("Zone", self.zone_combo)
        self.error = QLabel()
        self.error.setObjectName("sourceError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _kind_changed(self) -> None:
        """Show the fields the kind uses: a path (and glob) for files, an address and port for listeners."""
        kind = self.kind()
        files = kind in ("file", "folder")
        for widget, shown in ((self.path_widget, files), (self.glob_edit, kind == "folder"),
                              (self.host_edit, not files), (self.port_spin, not files)):
            self.form.setRowVisible(widget, shown)
        self.path_edit.setPlaceholderText("the folder to follow" if kind == "folder" else "the log file to follow")
        self.error.clear()

    def _browse(self) -> None:
        if self.kind() == "folder":
            name = QFileDialog.getExistingDirectory(self, "Folder to follow", self.path_edit.text())
        else:
            name, _ = QFileDialog.getOpenFileName(self, "Log file to follow", self.path_edit.text())
        if name:
            self.path_edit.setText(name)

    def target(self) -> str:
        kind = self.kind()
        if kind in ("file", "folder"):
            return self.path_edit.text().strip()
        host = self.host_edit.text().strip()
        return f"{kind}://{f'[{host}]' if ':' in host else host}:{self.port_spin.value()}"

    def submit(self) -> None:
        """Check what is missing here; the rest is the service's, on the write queue."""
        kind, target = self.kind(), self.target()
        if kind in ("file", "folder") and not target:
            self.error.setText(f"Path: give the {kind} to follow.")
            self.path_edit.setFocus()
            return
        options = {"glob": self.glob_edit.text().strip() or ("*" if kind == "folder" else None),
                   "fmt": self.format_combo.currentData(), "log_type": self.type_combo.currentData(),
                   "client": self.client_edit.text().strip() or None, "site": self.site_edit.text().strip() or None,
                   "zone": self.zone_combo.currentText().strip() or None}
        self.error.setText("Adding…")
        self.buttons.setEnabled(False)

        def add(db: object) -> int:
            from app.collect import service

            return service.add(db, target, **options)  # type: ignore[arg-type]

        write_queue.submit(self, self.session.db_path, add, self._added, lambda m, _d: self._refused(kind, m))

    def _added(self, source_id: int) -> None:
        self.buttons.setEnabled(True)
        self.error.clear()
        self.added.emit(source_id)
        self.accept()

    def _refused(self, kind: str, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(field_message(kind, message))

