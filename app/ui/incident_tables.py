"""Read-only tables of an incident's dialogs: its linked events and its history, filled once from rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from app.domain import timeutil
from app.domain.vocab import Severity
from app.ui.session import Session


def fill_table(table: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(r, c, item)
    table.horizontalHeader().setStretchLastSection(True)
    table.resizeColumnsToContents()


def events_table(session: Session, events: list[dict[str, Any]]) -> QTableWidget:
    table = QTableWidget()
    table.setObjectName("linkedEvents")
    rows = [[timeutil.display(e["ts"], session.zone), Severity(e["severity"]).label, e["log_type"],
             e.get("host") or "", e.get("component") or "", e.get("message") or ""] for e in events]
    fill_table(table, ["Time", "Severity", "Log type", "Host", "Component", "Message"], rows)
    return table
