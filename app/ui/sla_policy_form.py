"""SLA policies as a form: a row of minutes per priority, the calendars, the default one, client overrides.

Every cell is text a person can type; ``policies()`` reads it back into
``SlaPolicies`` and raises ``PolicyError`` with a message that names the row and
the field ("P1 response: “abc” is not a number of minutes"), so the dialog can
show it before anything is stored.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.sla import Calendar, PolicyError, SlaPolicies, Target
from app.domain.sla_text import days_text, parse_days

PRIORITIES = (1, 2, 3, 4)
CALENDAR_COLUMNS = ("Name", "Zone", "Days", "Hours (blank: all day)", "Holidays (YYYY-MM-DD, …)")
CLIENT_COLUMNS = ("Client", "Calendar (blank: default)", "Own targets, e.g. P1 10/120; P2 30/480")
_CLIENT_TARGET = re.compile(r"^P([1-4])\s+([^/\s]+)\s*/\s*(\S+)$", re.IGNORECASE)


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(columns))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


def _minutes(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise PolicyError(f"{where}: “{text}” is not a number of minutes") from None
    if value <= 0:
        raise PolicyError(f"{where}: targets must be more than 0 minutes")
    return value


def _target(response: float, resolution: float, where: str) -> Target:
    if response > resolution:
        raise PolicyError(f"{where}: the response target ({response:g} min) cannot be longer than the "
                          f"resolution target ({resolution:g} min)")
    return Target(response, resolution)


def _targets_text(targets: dict[int, Target]) -> str:
    return "; ".join(f"P{p} {t.response_minutes:g}/{t.resolution_minutes:g}" for p, t in sorted(targets.items()))


class SlaPolicyForm(QWidget):
    """The policy editor inside the SLA settings dialog (no signals: the dialog reads it on save)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.targets = QTableWidget(len(PRIORITIES), 2)
        self.targets.setObjectName("slaTargets")
        self.targets.setHorizontalHeaderLabels(["Response (SLA minutes)", "Resolution (SLA minutes)"])
        self.targets.setVerticalHeaderLabels([f"P{p}" for p in PRIORITIES])
        self.targets.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rows_height = self.targets.verticalHeader().defaultSectionSize() * len(PRIORITIES)
        self.targets.setFixedHeight(self.targets.horizontalHeader().sizeHint().height() + rows_height
                                    + 2 * self.targets.frameWidth() + 2)  # all four rows, no scrolling
        self.calendars = _table(CALENDAR_COLUMNS, "slaCalendars")
        self.clients = _table(CLIENT_COLUMNS, "slaClients")
        self.default_calendar = QComboBox()
        self.default_calendar.setObjectName("defaultCalendar")
        self.at_risk = QSpinBox()
        self.at_risk.setObjectName("atRisk")
        self.at_risk.setRange(0, 99)
        self.at_risk.setSuffix(" % of the resolution target left")
        self.add_calendar_button = QPushButton("Add calendar")
        self.remove_calendar_button = QPushButton("Remove calendar")
        self.add_client_button = QPushButton("Add client")
        self.remove_client_button = QPushButton("Remove client")
        self.add_calendar_button.clicked.connect(lambda: self._add_row(self.calendars, ("", "UTC", "mon-fri",
                                                                                       "08:00-18:00", "")))
        self.remove_calendar_button.clicked.connect(lambda: self._remove_row(self.calendars))
        self.add_client_button.clicked.connect(lambda: self._add_row(self.clients, ("", "", "")))
        self.remove_client_button.clicked.connect(lambda: self._remove_row(self.clients))
        self.calendars.itemChanged.connect(lambda _item: self._refresh_calendar_choice())

        top = QFormLayout()
        top.addRow("Calendar for every client", self.default_calendar)
        top.addRow("At risk when under", self.at_risk)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Targets per priority</b> (the SLA clock runs only inside the calendar; "
                                "on-hold time never counts)"))
        layout.addWidget(self.targets)
        layout.addLayout(top)
        layout.addWidget(QLabel("<b>Business-hours calendars</b> (24x7 is always there)"))
        layout.addWidget(self.calendars)
        layout.addLayout(self._buttons(self.add_calendar_button, self.remove_calendar_button))
        layout.addWidget(QLabel("<b>Clients with their own calendar or targets</b>"))
        layout.addWidget(self.clients)
        layout.addLayout(self._buttons(self.add_client_button, self.remove_client_button))

    @staticmethod
    def _buttons(*buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        for b in buttons:
            row.addWidget(b)
        row.addStretch()
        return row

    def _add_row(self, table: QTableWidget, values: tuple[str, ...]) -> None:
        row = table.rowCount()
        table.insertRow(row)
        for column, text in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(text))
        table.setCurrentCell(row, 0)

    def _remove_row(self, table: QTableWidget) -> None:
        if table.currentRow() >= 0:
            table.removeRow(table.currentRow())
            self._refresh_calendar_choice()

    def _calendar_names(self) -> list[str]:
        names = [_cell(self.calendars, r, 0) for r in range(self.calendars.rowCount())]
        return ["24x7", *dict.fromkeys(n for n in names if n and n != "24x7")]

    def _refresh_calendar_choice(self) -> None:
        """Offer every named calendar as the default, keeping the current choice when it still exists."""
        current = self.default_calendar.currentText()
        self.default_calendar.blockSignals(True)
        self.default_calendar.clear()
        self.default_calendar.addItems(self._calendar_names())
        self.default_calendar.setCurrentText(current if current in self._calendar_names() else "24x7")
        self.default_calendar.blockSignals(False)

    # -- in and out -------------------------------------------------------------------------
    def set_policies(self, policies: SlaPolicies) -> None:
        for row, p in enumerate(PRIORITIES):
            t = policies.default_targets[p]
            self.targets.setItem(row, 0, QTableWidgetItem(f"{t.response_minutes:g}"))
            self.targets.setItem(row, 1, QTableWidgetItem(f"{t.resolution_minutes:g}"))
        self.calendars.blockSignals(True)
        self.calendars.setRowCount(0)
        for cal in policies.calendars.values():
            if cal.name == "24x7":
                continue
            hours = "" if cal.start is None else f"{cal.start:%H:%M}-{cal.end:%H:%M}"
            holidays = ", ".join(sorted(d.isoformat() for d in cal.holidays))
            self._add_row(self.calendars, (cal.name, cal.zone, days_text(cal.days), hours, holidays))
        self.calendars.blockSignals(False)
        self._refresh_calendar_choice()
        self.default_calendar.setCurrentText(policies.default_calendar)
        self.clients.setRowCount(0)
        for name, own in sorted(policies.clients.items()):
            self._add_row(self.clients, (name, own.get("calendar") or "", _targets_text(own.get("targets") or {})))
        self.at_risk.setValue(round(policies.at_risk_share * 100))

    def policies(self) -> SlaPolicies:
        """The form as policies; ``PolicyError`` names the first problem by row and field."""
        defaults = {}
        for row, p in enumerate(PRIORITIES):
            response = _minutes(_cell(self.targets, row, 0), f"P{p} response")
            resolution = _minutes(_cell(self.targets, row, 1), f"P{p} resolution")
            defaults[p] = _target(response, resolution, f"P{p}")
        calendars = {"24x7": Calendar()}
        for row in range(self.calendars.rowCount()):
            calendars.update([self._calendar(row)])
        clients: dict[str, dict[str, Any]] = {}
        for row in range(self.clients.rowCount()):
            name, own = self._client(row, calendars)
            if name in clients:
                raise PolicyError(f"Client “{name}” is listed twice")
            clients[name] = own
        default = self.default_calendar.currentText() or "24x7"
        if default not in calendars:
            raise PolicyError(f"Calendar for every client: no calendar named “{default}”")
        return SlaPolicies(calendars, default, defaults, clients, self.at_risk.value() / 100)

    def _calendar(self, row: int) -> tuple[str, Calendar]:
        name, zone, days, hours, holidays = (_cell(self.calendars, row, c) for c in range(5))
        if not name:
            raise PolicyError(f"Calendar row {row + 1}: give it a name")
        if name == "24x7":
            raise PolicyError("Calendar “24x7” is built in; give yours another name")
        if name in [_cell(self.calendars, r, 0) for r in range(row)]:
            raise PolicyError(f"Calendar “{name}” is named twice")
        try:
            day_numbers = parse_days(days or "mon-sun")
        except ValueError as exc:
            raise PolicyError(f"Calendar “{name}” days: {exc}") from None
        from app.domain.sla import DAY_NAMES

        return name, Calendar.from_dict({
            "name": name, "zone": zone or "UTC", "days": [DAY_NAMES[d] for d in day_numbers], "hours": hours or None,
            "holidays": [h.strip() for h in holidays.replace(";", ",").split(",") if h.strip()],
        })

    def _client(self, row: int, calendars: dict[str, Calendar]) -> tuple[str, dict[str, Any]]:
        name, calendar, targets = (_cell(self.clients, row, c) for c in range(3))
        if not name:
            raise PolicyError(f"Client row {row + 1}: give the client's name")
        if calendar and calendar not in calendars:
            raise PolicyError(f"Client “{name}”: no calendar named “{calendar}” (there are: {', '.join(calendars)})")
        own: dict[int, Target] = {}
        for part in (p.strip() for p in targets.split(";")):
            if not part:
                continue
            match = _CLIENT_TARGET.match(part)
            if match is None:
                raise PolicyError(f"Client “{name}” targets: “{part}” is not like P1 10/120 "
                                  "(priority, response/resolution minutes)")
            p = int(match.group(1))
            where = f"Client “{name}” P{p}"
            own[p] = _target(_minutes(match.group(2), f"{where} response"),
                             _minutes(match.group(3), f"{where} resolution"), where)
        return name, {"calendar": calendar or None, "targets": own}
