"""The incident form: every editable field, checked as the user leaves it.

Field rules come from ``app.domain.incidents`` (the same ones the CLI and the
importer apply); a problem shows in red under its field, and the form reports
whether it can be saved.

Client, site, assignee and group complete from the names already in use once
``set_known_values`` has them (see ``app.ui.known_names``).

Signals:
    validity_changed(bool): the form went from savable to not, or back.
    known_values_loaded(): the completers have the known names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain import incidents as rules, timeutil
from app.domain.priority import DEFAULT_MATRIX, priority_for
from app.domain.vocab import LOG_TYPES, PRIORITY_COLOURS, Priority

LEVELS = ((1, "1 - High"), (2, "2 - Medium"), (3, "3 - Low"))
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("client", "Client"), ("site", "Site"), ("category", "Category"), ("subcategory", "Subcategory"),
    ("reported_by", "Reported by"), ("assignee", "Assignee"), ("assignment_group", "Group"),
    ("external_key", "Ticket key"), ("external_url", "Ticket link"), ("tags", "Tags"),
    ("root_cause", "Root cause"), ("resolution_code", "Resolution code"),
)


COMPLETED_FIELDS: tuple[str, ...] = ("client", "site", "assignee", "assignment_group")


class IncidentForm(QWidget):
    validity_changed = Signal(bool)
    known_values_loaded = Signal()

    def __init__(self, zone: dt.tzinfo, matrix: dict[int, dict[int, int]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.matrix = matrix or DEFAULT_MATRIX
        self.errors: dict[str, str] = {}
        self.known: dict[str, list[str]] | None = None  # names in use per field, once loaded
        self._error_labels: dict[str, QLabel] = {}
        self._valid = False
        self._opened_shown: tuple[str, str] | None = None
        inner = QWidget()
        self.layout_ = QFormLayout(inner)
        self.title = QLineEdit()
        self.title.setPlaceholderText("What broke, in one line")
        self.log_type = QComboBox()
        self.log_type.addItems(LOG_TYPES)
        self.impact, self.urgency = QComboBox(), QComboBox()
        for box in (self.impact, self.urgency):
            for value, label in LEVELS:
                box.addItem(label, value)
            box.setCurrentIndex(1)
        self.priority_label = QLabel()
        self.priority_label.setObjectName("priorityLabel")
        levels = QHBoxLayout()
        for text, w in (("Impact", self.impact), ("Urgency", self.urgency)):
            levels.addWidget(QLabel(text))
            levels.addWidget(w)
        levels.addWidget(QLabel("→"))
        levels.addWidget(self.priority_label)
        levels.addStretch()
        self.opened = QLineEdit()
        self.opened.setPlaceholderText("YYYY-MM-DD HH:MM (your zone), or 2h for two hours ago")
        self.seats = QLineEdit()
        self.seats.setPlaceholderText("agents or seats affected")
        self.downtime = QLineEdit()
        self.downtime.setPlaceholderText("minutes")
        self.text_edits: dict[str, QLineEdit] = {name: QLineEdit() for name, _ in TEXT_FIELDS}
        self.description = QPlainTextEdit()
        self.description.setMinimumHeight(90)
        self.resolution_notes = QPlainTextEdit()
        self.resolution_notes.setMaximumHeight(70)
        self._row("title", "Title *", self.title)
        self._row("log_type", "Log type *", self.log_type)
        self._row("impact", "Priority", levels)
        self._row("opened_at", "Opened", self.opened)
        self.first_seen = QLabel()
        self.first_seen.setObjectName("firstSeen")
        self.first_seen.setToolTip("The earliest linked event's time")
        self.backdate = QCheckBox("Opened at the first event (backdate)")
        self.backdate.setObjectName("backdate")
        self.backdate.setToolTip("Start the SLA clock at the first event instead of now")
        self.backdate.setVisible(False)
        self.backdate.toggled.connect(self._backdate_toggled)
        self._first_seen_at: str | None = None
        self._opened_before_backdate: tuple[str, tuple[str, str] | None] = ("", None)
        self.first_seen_row = QHBoxLayout()
        self.first_seen_row.addWidget(self.first_seen)
        self.first_seen_row.addStretch()
        self.first_seen_row.addWidget(self.backdate)
        self.layout_.addRow("First seen", self.first_seen_row)
        self.layout_.setRowVisible(self.first_seen_row, False)
        for name, label in TEXT_FIELDS[:7]:
            self._row(name, label, self.text_edits[name])
        self._row("affected_seats", "Affected seats", self.seats)
        self._row("downtime_minutes", "Downtime", self.downtime)
        for name, label in TEXT_FIELDS[7:]:
            self._row(name, label, self.text_edits[name])
        self._row("resolution_notes", "Resolution notes", self.resolution_notes)
        self._row("description", "Description", self.description)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        checks: dict[str, tuple[QWidget, Callable[[], None]]] = {
            "title": (self.title, lambda: self._check("title")),
            "opened_at": (self.opened, lambda: self._check("opened_at")),
            "affected_seats": (self.seats, lambda: self._check("affected_seats")),
            "downtime_minutes": (self.downtime, lambda: self._check("downtime_minutes")),
            "external_url": (self.text_edits["external_url"], lambda: self._check("external_url")),
        }
        for widget, slot in checks.values():
            widget.editingFinished.connect(slot)  # type: ignore[attr-defined]
        self.title.textChanged.connect(lambda _t: self._check("title", quiet_when_ok=True))
        self.impact.currentIndexChanged.connect(self._update_priority)
        self.urgency.currentIndexChanged.connect(self._update_priority)
        self._update_priority()
        self._check_all(show=False)

    def set_known_values(self, values: dict[str, list[str]]) -> None:
        """Offer the names in use as completions (any case, anywhere in the name)."""
        self.known = {name: list(values.get(name) or ()) for name in COMPLETED_FIELDS}
        for name in COMPLETED_FIELDS:
            completer = QCompleter(self.known[name], self.text_edits[name])
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.text_edits[name].setCompleter(completer)
        self.known_values_loaded.emit()

    def _row(self, name: str, label: str, field: Any) -> None:
        error = QLabel()
        error.setObjectName(f"error-{name}")
        error.setProperty("role", "error")
        error.setVisible(False)
        self._error_labels[name] = error
        box = QVBoxLayout()
        box.setSpacing(1)
        if isinstance(field, QWidget):
            box.addWidget(field)
        else:
            box.addLayout(field)
        box.addWidget(error)
        self.layout_.addRow(label, box)

    # -- values ------------------------------------------------------------------
    def _parsed(self, name: str) -> tuple[Any, str | None]:
        """(value, problem) for one field, reading its widget."""
        if name == "title":
            value: Any = self.title.text().strip()
        elif name == "opened_at":
            text = self.opened.text().strip()
            if not text:
                return None, None
            if self._opened_shown and text == self._opened_shown[0]:
                return self._opened_shown[1], None  # unchanged: keep the stored milliseconds
            try:
                value = timeutil.to_iso(timeutil.parse_user_time(text, self.zone))
            except ValueError as exc:
                return None, str(exc)
            if value > timeutil.now_iso():
                return value, "the opened time is in the future"
        elif name in ("affected_seats", "downtime_minutes"):
            text = (self.seats if name == "affected_seats" else self.downtime).text().strip()
            if not text:
                return None, None
            try:
                value = int(text) if name == "affected_seats" else float(text)
            except ValueError:
                return None, f"{text!r} is not a {'whole number' if name == 'affected_seats' else 'number'}"
        elif name in self.text_edits:
            value = self.text_edits[name].text().strip() or None
        else:
            return None, None
        return value, rules.validate_field(name, value)

    def _check(self, name: str, quiet_when_ok: bool = False, show: bool = True) -> None:
        _value, problem = self._parsed(name)
        label = self._error_labels[name]
        if problem:
            self.errors[name] = problem
            if show and not quiet_when_ok:
                label.setText(problem)
                label.setVisible(True)
        else:
            self.errors.pop(name, None)
            label.setVisible(False)
        self._emit_validity()

    def _check_all(self, show: bool = True) -> None:
        for name in ("title", "opened_at", "affected_seats", "downtime_minutes", "external_url"):
            self._check(name, show=show)

    def _emit_validity(self) -> None:
        valid = not self.errors
        if valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)

    def is_valid(self) -> bool:
        """Check every field now, showing problems; True when the form can be saved."""
        self._check_all(show=True)
        return not self.errors

    def _update_priority(self) -> None:
        p = priority_for(int(self.impact.currentData()), int(self.urgency.currentData()), self.matrix)
        self.priority_label.setText(Priority(p).label)
        self.priority_label.setStyleSheet(f"color: {PRIORITY_COLOURS[int(p)]}; font-weight: bold;")

    def values(self) -> dict[str, Any]:
        """The editable fields as the service takes them (call ``is_valid`` first)."""
        out: dict[str, Any] = {
            "title": self.title.text().strip(), "log_type": self.log_type.currentText(),
            "impact": int(self.impact.currentData()), "urgency": int(self.urgency.currentData()),
            "description": self.description.toPlainText().strip(),
            "resolution_notes": self.resolution_notes.toPlainText().strip() or None,
        }
        for name in ("opened_at", "affected_seats", "downtime_minutes", *self.text_edits):
            out[name] = self._parsed(name)[0]
        out["tags"] = out["tags"] or ""
        return out

    def set_values(self, row: dict[str, Any]) -> None:
        """Fill the form from a stored incident or a pre-fill."""
        if self.backdate.isChecked():  # a fresh fill, not a backdated one
            self.backdate.blockSignals(True)
            self.backdate.setChecked(False)
            self.backdate.blockSignals(False)
            self.opened.setReadOnly(False)
        self.title.setText(row.get("title") or "")
        if row.get("log_type") in LOG_TYPES:
            self.log_type.setCurrentText(row["log_type"])
        for box, key in ((self.impact, "impact"), (self.urgency, "urgency")):
            if row.get(key) in (1, 2, 3):
                box.setCurrentIndex(int(row[key]) - 1)
        shown = timeutil.display(row["opened_at"], self.zone, "%Y-%m-%d %H:%M:%S") if row.get("opened_at") else ""
        self._opened_shown = (shown, row["opened_at"]) if shown else None
        self.opened.setText(shown)
        self._first_seen_at = row.get("first_seen_at") or None
        self.first_seen.setText(timeutil.display(self._first_seen_at, self.zone) if self._first_seen_at else "")
        self.layout_.setRowVisible(self.first_seen_row, bool(self._first_seen_at))
        self.backdate.setVisible(False)  # showing the row shows all of it; offer_backdate opts in
        self.seats.setText("" if row.get("affected_seats") is None else str(row["affected_seats"]))
        self.downtime.setText("" if row.get("downtime_minutes") is None else f"{row['downtime_minutes']:g}")
        for name, edit in self.text_edits.items():
            edit.setText("" if row.get(name) is None else str(row[name]))
        self.description.setPlainText(row.get("description") or "")
        self.resolution_notes.setPlainText(row.get("resolution_notes") or "")
        self._check_all(show=False)

    def offer_backdate(self) -> None:
        """Show the backdate choice (a new incident made from events, after ``set_values``)."""
        self.backdate.setVisible(bool(self._first_seen_at))

    def _backdate_toggled(self, on: bool) -> None:
        """Opened follows the first event while ticked; unticking gives back what was there."""
        if on and self._first_seen_at:
            self._opened_before_backdate = (self.opened.text(), self._opened_shown)
            shown = timeutil.display(self._first_seen_at, self.zone, "%Y-%m-%d %H:%M:%S")
            self._opened_shown = (shown, self._first_seen_at)
            self.opened.setText(shown)
        elif not on:
            self.opened.setText(self._opened_before_backdate[0])
            self._opened_shown = self._opened_before_backdate[1]
        self.opened.setReadOnly(on)
        self._check("opened_at")

    def set_read_only(self, read_only: bool) -> None:
        for w in (self.title, self.opened, self.seats, self.downtime, *self.text_edits.values()):
            w.setReadOnly(read_only)
        for box in (self.log_type, self.impact, self.urgency):
            box.setEnabled(not read_only)
        self.description.setReadOnly(read_only)
        self.resolution_notes.setReadOnly(read_only)
