"""File ▸ Settings: the workstation's preferences, and a view of the open database's own settings.

Preferences (default database, time zone, date format, theme) are this user's and
go to QSettings. The priority matrix, SLA policies and import rules belong to the
database: they are shown here from the same services the CLI uses, and the buttons
open the editors that own them, so there is one place that changes each. The Redaction tab
switches the PII rules applied at import (``app.ui.redaction_page``).
"""

from __future__ import annotations

import logging
import zoneinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import timeutil
from app.store.database import Database
from app.ui import theme
from app.ui.preferences import (
    COLLECT_IN_WINDOW,
    DATE_FORMAT,
    DATE_FORMATS,
    DEFAULT_DATABASE,
    THEME,
    TIME_ZONE,
    Preferences,
)
from app.ui.session import Session

log = logging.getLogger("issue_ledger.ui")
COMMON_ZONES = ("local", "UTC", "America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London",
                "Europe/Berlin", "Asia/Manila", "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney")
SAMPLE = "2026-11-30T14:05:09.000Z"


class SettingsDialog(QDialog):
    def __init__(self, prefs: Preferences, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.session = session
        self.editor: QDialog | None = None
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        self.tabs = tabs = QTabWidget()
        tabs.addTab(self._general_tab(), "General")
        tabs.addTab(self._database_tab(), "This database")
        from app.ui.ticket_connections import ConnectionsTab

        self.connections_tab = ConnectionsTab(session)
        tabs.addTab(self.connections_tab, "Connections")
        tabs.addTab(self._redaction_tab(), "Redaction")
        from app.ui.retention_tab import RetentionTab

        self.retention_tab = RetentionTab(session)
        tabs.addTab(self.retention_tab, "Retention")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    # -- General -----------------------------------------------------------------
    def _general_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.database_edit = QLineEdit(str(self.prefs.get(DEFAULT_DATABASE)))
        self.database_edit.setPlaceholderText("the user data folder's ledger.db")
        self.database_edit.setToolTip("Opened when Issue Ledger starts without --db or $ISSUE_LEDGER_DB")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.database_edit)
        row.addWidget(browse)
        form.addRow("Default database:", row)

        self.zone_combo = QComboBox()
        self.zone_combo.setEditable(True)
        self.zone_combo.addItems(COMMON_ZONES)
        completer = QCompleter(sorted(zoneinfo.available_timezones()), self.zone_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone_combo.setCompleter(completer)
        self.zone_combo.setCurrentText(self.prefs.time_zone)
        self.zone_combo.setToolTip("Times are stored in UTC and shown in this zone; 'local' is the workstation's")
        form.addRow("Time zone:", self.zone_combo)

        self.format_combo = QComboBox()
        self.format_combo.setEditable(True)
        for fmt, label in DATE_FORMATS.items():
            self.format_combo.addItem(label, fmt)
        current = self.prefs.date_format
        index = self.format_combo.findData(current)
        if index >= 0:
            self.format_combo.setCurrentIndex(index)
        else:
            self.format_combo.setCurrentText(current)
        self.format_combo.setToolTip("A preset, or your own strftime pattern such as %d.%m.%Y %H:%M")
        self.format_preview = QLabel()
        self.format_preview.setProperty("role", "hint")
        self.format_combo.currentTextChanged.connect(self._preview)
        form.addRow("Date format:", self.format_combo)
        form.addRow("", self.format_preview)

        self.theme_combo = QComboBox()
        for key, label in theme.CHOICES.items():
            self.theme_combo.addItem(label, key)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(self.prefs.theme)))
        form.addRow("Theme:", self.theme_combo)
        self.collect_check = QCheckBox("Collect from the sources while the window is open")
        self.collect_check.setObjectName("collectInWindow")
        self.collect_check.setChecked(bool(self.prefs.get(COLLECT_IN_WINDOW)))
        self.collect_check.setToolTip("Off: only 'issue-ledger watch' follows the sources (see the Sources page)")
        form.addRow("Live collection:", self.collect_check)
        self._preview()
        return page

    def _browse(self) -> None:
        start = self.database_edit.text() or str(Path.home())
        name, _ = QFileDialog.getSaveFileName(self, "Default database", start, "Issue Ledger database (*.db)",
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if name:
            self.database_edit.setText(name)

    def chosen_format(self) -> str:
        data = self.format_combo.currentData()
        text = self.format_combo.currentText()
        if data and DATE_FORMATS.get(str(data)) == text:
            return str(data)
        return text.strip()

    def _preview(self) -> None:
        fmt = self.chosen_format()
        if DATE_FORMAT.valid(fmt):
            self.format_preview.setText(f"Example: {timeutil.display(SAMPLE, timeutil.UTC, fmt)}")
        else:
            self.format_preview.setText("Not a date pattern: use % codes such as %Y-%m-%d %H:%M")

    # -- This database ----------------------------------------------------------
    def _database_tab(self) -> QWidget:
        page = database_tab(self.session.db)
        buttons = QHBoxLayout()
        self.sla_button = QPushButton("Edit SLA policies and priority matrix…")
        self.sla_button.clicked.connect(self.edit_sla)
        self.rules_button = QPushButton("Edit import rules…")
        self.rules_button.setToolTip("Log type by component, client and site by host name, for future imports")
        self.rules_button.clicked.connect(self.edit_rules)
        buttons.addWidget(self.sla_button)
        buttons.addWidget(self.rules_button)
        buttons.addStretch()
        page.layout().insertLayout(page.layout().count() - 1, buttons)  # type: ignore[union-attr]
        return page

    def _redaction_tab(self) -> QWidget:
        from app.ui.redaction_page import RedactionPage

        self.redaction_page = RedactionPage(self.session)
        return self.redaction_page

    def edit_sla(self) -> QDialog:
        from app.ui.sla_settings_dialog import edit_sla_settings

        self.editor = edit_sla_settings(self.session, self)
        self.editor.saved.connect(self.refresh_database_tab)  # type: ignore[attr-defined]
        return self.editor

    def edit_rules(self) -> QDialog:
        from app.ui.import_rules_dialog import ImportRulesDialog

        self.editor = ImportRulesDialog(self.session, self)
        self.editor.open()
        return self.editor

    def refresh_database_tab(self) -> None:
        """Show what the editor just saved."""
        index = self.tabs.currentIndex()
        old = self.tabs.widget(1)
        self.tabs.removeTab(1)
        if old is not None:  # always there: the dialog builds its tabs first
            old.deleteLater()
        self.tabs.insertTab(1, self._database_tab(), "This database")
        self.tabs.setCurrentIndex(index)

    def values(self) -> dict[str, Any]:
        return {"default_database": self.database_edit.text().strip(),
                "time_zone": self.zone_combo.currentText().strip() or "local",
                "date_format": self.chosen_format(),
                "theme": str(self.theme_combo.currentData()),
                "collect": self.collect_check.isChecked()}

    def accept(self) -> None:
        """Check every value first; store them only when all are good."""
        v = self.values()
        problems = []
        if not TIME_ZONE.valid(v["time_zone"]):
            problems.append(f"Time zone: {v['time_zone']!r} is not a zone; use an IANA name such as Asia/Manila.")
        if not DATE_FORMAT.valid(v["date_format"]):
            problems.append(f"Date format: {v['date_format']!r} has no % codes.")
        if v["default_database"]:
            folder = Path(v["default_database"]).expanduser().parent
            if not folder.is_dir():  # a stat of one folder: a moment, even on a network drive
                problems.append(f"Default database: the folder {folder} does not exist.")
        if problems:
            self.error.setText("\n".join(problems))
            return
        self.prefs.set(DEFAULT_DATABASE, v["default_database"])
        self.prefs.set(TIME_ZONE, v["time_zone"])
        self.prefs.set(DATE_FORMAT, v["date_format"])
        self.prefs.set(THEME, v["theme"])
        self.prefs.set(COLLECT_IN_WINDOW, v["collect"])
        self.prefs.sync()
        super().accept()


def database_tab(db: Database) -> QWidget:
    """Read-only view of the settings stored in the database itself."""
    page = QWidget()
    layout = QVBoxLayout(page)
    intro = QLabel(f"These settings are stored in <b>{db.path.name}</b> and apply to everyone who opens it. "
                   "Change them with the buttons below (or <code>issue-ledger sla</code>); every change is "
                   "written to the audit trail.")
    intro.setWordWrap(True)
    layout.addWidget(intro)
    layout.addWidget(_matrix_box(db))
    layout.addWidget(_sla_box(db))
    layout.addStretch()
    return page


def _matrix_box(db: Database) -> QGroupBox:
    box = QGroupBox("Priority matrix (impact × urgency)")
    grid = QGridLayout(box)
    try:
        from app.incidents.service import priority_matrix

        matrix = priority_matrix(db)
    except Exception as exc:  # noqa: BLE001 - a damaged setting must not stop the dialog opening
        log.warning("cannot read the priority matrix: %s", exc)
        grid.addWidget(QLabel(f"Cannot read the priority matrix: {exc}"), 0, 0)
        return box
    names = {1: "High", 2: "Medium", 3: "Low"}
    grid.addWidget(QLabel("<i>impact ↓ urgency →</i>"), 0, 0)
    for u in (1, 2, 3):
        grid.addWidget(QLabel(f"<b>{names[u]}</b>"), 0, u)
    for i in (1, 2, 3):
        grid.addWidget(QLabel(f"<b>{names[i]}</b>"), i, 0)
        for u in (1, 2, 3):
            cell = QLabel(f"P{matrix[i][u]}")
            cell.setObjectName(f"matrix-{i}-{u}")
            grid.addWidget(cell, i, u)
    return box


def _sla_box(db: Database) -> QGroupBox:
    box = QGroupBox("SLA targets (response / resolution, SLA-clock minutes)")
    grid = QGridLayout(box)
    try:
        from app.analysis.sla import load_policies

        policies = load_policies(db).to_dict()
    except Exception as exc:  # noqa: BLE001 - a damaged setting must not stop the dialog opening
        log.warning("cannot read the SLA policies: %s", exc)
        grid.addWidget(QLabel(f"Cannot read the SLA policies: {exc}"), 0, 0)
        return box
    for row, (priority, (response, resolution)) in enumerate(policies["default_targets"].items()):
        grid.addWidget(QLabel(f"<b>{priority}</b>"), row, 0)
        label = QLabel(f"{response:g} / {resolution:g}")
        label.setObjectName(f"sla-{priority}")
        grid.addWidget(label, row, 1)
    calendars = ", ".join(c["name"] for c in policies["calendars"])
    clients = ", ".join(policies["clients"]) or "none"
    extra = QLabel(f"Calendars: {calendars} (default {policies['default_calendar']}). "
                   f"Clients with their own targets: {clients}.")
    extra.setWordWrap(True)
    grid.addWidget(extra, len(policies["default_targets"]), 0, 1, 2)
    return box
