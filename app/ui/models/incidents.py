"""The incidents table: number, status, priority, client and SLA state, coloured.

SLA state is computed in the worker for the rows of each fetched block only,
so the column costs the same at 200 or 200,000 incidents. The SLA column names
the breached target and both SLA cells explain themselves in a tooltip, so a
"breached" row with time left (only the response target missed) reads right.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.domain import sla_text, timeutil
from app.domain.incidents import FINAL_STATUSES
from app.domain.vocab import ERROR_COLOUR, PRIORITY_COLOURS, PRIORITY_LABELS, Priority, Status
from app.store.database import Database
from app.ui.models.keyset import Column, KeysetTableModel

SLA_COLOURS = {"breached": ERROR_COLOUR, "at risk": "#ea580c", "met": "#16a34a", "running": "#2563eb",
               "n/a": "#8c8c8c"}
STATUS_COLOURS = {Status.NEW: "#2563eb", Status.IN_PROGRESS: "#ca8a04", Status.ON_HOLD: "#9333ea",
                  Status.RESOLVED: "#16a34a", Status.CLOSED: "#6b7280", Status.CANCELLED: "#8c8c8c"}


class IncidentsModel(KeysetTableModel):
    """Incidents matching the filter; see ``KeysetTableModel`` for signals."""

    KIND = "incidents"
    COLUMNS = (
        Column("number", "Number", "number"),
        Column("opened_at", "Opened", "time"),
        Column("title", "Title"),
        Column("status", "Status"),
        Column("priority", "Priority", "priority"),
        Column("sla_state", "SLA"),
        Column("time_left_minutes", "Time left"),
        Column("client", "Client"),
        Column("site", "Site"),
        Column("log_type", "Type"),
        Column("assignee", "Assignee"),
    )

    def decorate(self, db: Database, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """SLA columns for just these rows."""
        if not rows:
            return rows
        try:
            from app.analysis.sla import compute, load_policies
            from app.store.incidents import holds
        except ImportError:  # SLA engine absent: leave the column empty rather than guess
            return rows
        now = dt.datetime.now(timeutil.UTC)
        policies = load_policies(db)
        spans = holds(db, [r["id"] for r in rows])
        for r in rows:
            r.update(compute(r, spans.get(r["id"], ()), policies, now))
        return rows

    def cell(self, record: dict[str, Any], column: Column, role: int) -> Any:
        key = column.key
        value: Any = record.get(key)
        if role == Qt.ItemDataRole.ToolTipRole and key in ("sla_state", "time_left_minutes"):
            return sla_text.explanation(record, _done(record)) if "sla_state" in record else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if key == "opened_at":
                return timeutil.display(value, self.session.zone)
            if key == "priority":
                return PRIORITY_LABELS[Priority(int(value))]
            if key == "time_left_minutes":
                return "" if value is None or record.get("resolved_at") else sla_text.remaining(float(value))
            if key == "sla_state":
                return sla_text.state_label(record)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "sla_state" and value in SLA_COLOURS:
                return QColor(SLA_COLOURS[value])
            if key == "status" and value in STATUS_COLOURS:
                return QColor(STATUS_COLOURS[value])
            if key == "priority" and value is not None:
                return QColor(PRIORITY_COLOURS[int(value)])
            if key == "time_left_minutes" and value is not None and float(value) < 0:
                return QColor(SLA_COLOURS["breached"])
        return None

    def number(self, row: int) -> str | None:
        record = self.row(row, fetch=False)
        return None if record is None else str(record["number"])


def _done(record: dict[str, Any]) -> bool:
    """Resolved or closed: the resolution clock has stopped."""
    return bool(record.get("resolved_at")) or record.get("status") in (Status.RESOLVED, *FINAL_STATUSES)
