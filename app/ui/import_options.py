"""The choices of an import (format, zone, log type, year, client, site, force) and the CSV/JSON mapping.

Signals (both classes):
    changed(): the user changed a choice; the dialog refreshes its preview.
    define_requested() (ImportOptionsForm): the user pressed Define format… to teach a format by example.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QWidget,
)

from app.domain import timeutil
from app.domain.vocab import LOG_TYPES
from app.ingest import userformats
from app.ingest.formats import DESCRIPTIONS
from app.ingest.service import ImportOptions

ZONES = ("local", "UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
         "America/Los_Angeles", "Asia/Manila", "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney")
log = logging.getLogger("issue_ledger.ui.import")
FIELDS = ("time", "level", "message", "component", "host", "pid", "code")


class ImportOptionsForm(QWidget):
    changed = Signal()
    define_requested = Signal()

    def __init__(self, zone: dt.tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.format_combo = QComboBox()
        self.format_combo.addItem("Detect from the file", None)
        for name, text in DESCRIPTIONS.items():
            self.format_combo.addItem(f"{name} — {text}", name)
        self._add_saved_formats()
        self.define_button = QPushButton("Define format…")
        self.define_button.setToolTip("Teach the import a log no format reads: mark the time (and level, host, "
                                      "component) in a line of the chosen file")
        self.define_button.clicked.connect(self.define_requested)
        format_row = QHBoxLayout()
        format_row.setContentsMargins(0, 0, 0, 0)
        format_row.addWidget(self.format_combo, 1)
        format_row.addWidget(self.define_button)
        self.zone_combo = QComboBox()
        self.zone_combo.setEditable(True)
        self.zone_combo.addItems(ZONES)
        zone_name = getattr(zone, "key", None) or ("UTC" if zone == timeutil.UTC else "local")
        self.zone_combo.setCurrentText(zone_name)
        self.zone_combo.setToolTip("Zone of time stamps that carry none (an IANA name)")
        self.type_combo = QComboBox()
        self.type_combo.addItem("From the format and rules", None)
        for t in LOG_TYPES:
            self.type_combo.addItem(t, t)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(0, 2100)
        self.year_spin.setSpecialValueText("from the file's date")
        self.year_spin.setToolTip("Year for time stamps without one (syslog)")
        self.client_edit = QLineEdit()
        self.client_edit.setPlaceholderText("from host rules")
        self.site_edit = QLineEdit()
        self.site_edit.setPlaceholderText("from host rules")
        self.force_check = QCheckBox("Import again even if this file was imported before")
        self.time_from_combo = QComboBox()
        self.time_from_combo.addItem("Refuse the file (no time is ever invented)", None)
        self.time_from_combo.addItem("Take every line at the file's modification time", "mtime")
        self.time_from_combo.addItem("Take every line at this time:", "given")
        self.time_from_combo.setToolTip("For a file in which no time stamp is found. The choice is kept on the "
                                        "import, and its events are marked as taken at a chosen time.")
        self.time_from_edit = QDateTimeEdit(QDateTime.currentDateTime())
        self.time_from_edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.time_from_edit.setCalendarPopup(True)
        self.time_from_edit.setEnabled(False)
        self.time_from_combo.currentIndexChanged.connect(
            lambda _i: self.time_from_edit.setEnabled(self.time_from_combo.currentData() == "given"))
        self.zone_error = QLabel()
        self.zone_error.setStyleSheet("color: #b91c1c")

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        left, right = QFormLayout(), QFormLayout()
        left.addRow("Format", format_row)
        left.addRow("Time zone", self.zone_combo)
        left.addRow("", self.zone_error)
        left.addRow("Log type", self.type_combo)
        right.addRow("Year", self.year_spin)
        right.addRow("Client", self.client_edit)
        right.addRow("Site", self.site_edit)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.addWidget(self.force_check, 1, 0, 1, 2)
        no_time = QHBoxLayout()
        no_time.addWidget(QLabel("Lines without a time stamp:"))
        no_time.addWidget(self.time_from_combo, 1)
        no_time.addWidget(self.time_from_edit)
        grid.addLayout(no_time, 2, 0, 1, 2)
        self.time_from_edit.dateTimeChanged.connect(self.changed)
        for combo in (self.format_combo, self.type_combo, self.time_from_combo):
            combo.currentIndexChanged.connect(self.changed)
        self.zone_combo.currentTextChanged.connect(self._zone_changed)
        self.year_spin.valueChanged.connect(self.changed)

    def _add_saved_formats(self) -> None:
        """The user's own formats (lnav files in the formats folder), after the built-in ones."""
        formats, errors = userformats.saved()
        for fmt in formats:
            if self.format_combo.findData(fmt.name) < 0:
                title = f" — {fmt.title}" if fmt.title and fmt.title != fmt.name else ""
                self.format_combo.addItem(f"{fmt.name}{title} (your format)", fmt.name)
        for error in errors:
            log.warning("a saved format cannot be used: %s", error)

    def select_format(self, name: str) -> None:
        """Choose ``name``, reading the formats folder again when it is new (just saved by Define format…)."""
        if self.format_combo.findData(name) < 0:
            self._add_saved_formats()
        index = self.format_combo.findData(name)
        if index >= 0 and index != self.format_combo.currentIndex():
            self.format_combo.setCurrentIndex(index)  # changed() refreshes the preview
        elif index >= 0:
            self.changed.emit()

    def _zone_changed(self) -> None:
        try:
            timeutil.get_zone(self.zone_combo.currentText())
            self.zone_error.setText("")
            self.changed.emit()
        except ValueError as exc:
            self.zone_error.setText(str(exc))

    def time_from(self) -> str | None:
        """``--time-from``'s value for the chosen treatment of a file without stamps (None: refuse it)."""
        choice = self.time_from_combo.currentData()
        if choice == "given":
            return self.time_from_edit.dateTime().toString("yyyy-MM-ddTHH:mm:ss")
        return choice

    def options(self, mapping: dict[str, str]) -> ImportOptions:
        name = self.zone_combo.currentText().strip() or "local"
        try:
            zone = timeutil.get_zone(name)
        except ValueError:
            name, zone = "local", timeutil.local_zone()
        return ImportOptions(format=self.format_combo.currentData(), zone=zone, zone_name=name,
                             log_type=self.type_combo.currentData(), year=self.year_spin.value() or None,
                             client=self.client_edit.text().strip() or None,
                             site=self.site_edit.text().strip() or None, force=self.force_check.isChecked(),
                             mapping=mapping, time_from=self.time_from())


class MappingEditor(QTableWidget):
    """One row per field; the second column picks the column (CSV) or key (JSON) it comes from."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(len(FIELDS), 2, parent)
        self.setHorizontalHeaderLabels(["Field", "Taken from"])
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.setMaximumHeight(150)
        self._combos: dict[str, QComboBox] = {}
        self._user: dict[str, str] = {}
        from PySide6.QtWidgets import QTableWidgetItem

        for i, f in enumerate(FIELDS):
            self.setItem(i, 0, QTableWidgetItem(f))
            combo = QComboBox()
            combo.setEditable(True)
            combo.currentTextChanged.connect(lambda text, f=f: self._picked(f, text))
            self._combos[f] = combo
            self.setCellWidget(i, 1, combo)

    def set_columns(self, columns: list[str], mapping: dict[str, str]) -> None:
        """Show the detected mapping without counting it as the user's choice."""
        for f, combo in self._combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("")
            combo.addItems(columns)
            combo.setCurrentText(mapping.get(f, ""))
            combo.blockSignals(False)

    def _picked(self, field: str, text: str) -> None:
        if text:
            self._user[field] = text
        else:
            self._user.pop(field, None)
        self.changed.emit()

    def mapping(self) -> dict[str, str]:
        """The fields the user set (CSV time may be ``A+B`` as detected: those are left to detection)."""
        return {f: c for f, c in self._user.items() if "+" not in c}
