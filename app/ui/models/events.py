"""The events table: time in the user's zone, a coloured severity badge, first line of the message.

Windows events also show their Event ID and provider (stored as the event's code
and component, which other formats fill with other things).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.domain import timeutil
from app.domain.vocab import (
    FLAG_DATE_FROM_FILE,
    FLAG_SEVERITY_INFERRED,
    FLAG_TIME_CHOSEN,
    LOG_TYPE_COLOURS,
    SEVERITIES,
    SEVERITY_COLOURS,
    flag_notes,
)
from app.ingest.formats.windows import WINDOWS_FORMATS
from app.ui.models.keyset import Column, KeysetTableModel

SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 1
INFERRED_ROLE = Qt.ItemDataRole.UserRole + 2
TIME_MARKS = FLAG_TIME_CHOSEN | FLAG_DATE_FROM_FILE  # the time (or its date) is not all from the line
TIME_MARK = "⚑"
INFERRED_MARK = "≈"


class EventsModel(KeysetTableModel):
    """Events matching the filter; see ``KeysetTableModel`` for signals."""

    KIND = "events"
    COLUMNS = (
        Column("ts", "Time", "time"),
        Column("severity", "Severity", "severity"),
        Column("log_type", "Type"),
        Column("host", "Host"),
        Column("component", "Component"),
        Column("event_code", "Event ID"),
        Column("provider", "Provider"),
        Column("client", "Client"),
        Column("site", "Site"),
        Column("message", "Message"),
    )

    def cell(self, record: dict[str, Any], column: Column, role: int) -> Any:
        key = column.key
        value: Any = record.get(key)
        flags = record.get("flags") or 0
        if key in ("event_code", "provider"):  # a Windows event's, blank for the others
            windows = record.get("source_format") in WINDOWS_FORMATS
            value = (record.get("component") if key == "provider" else value) if windows else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            tip = role == Qt.ItemDataRole.ToolTipRole
            if key == "ts":
                shown = timeutil.display(value, self.session.zone)
                if flags & TIME_MARKS:
                    shown = f"{shown} {TIME_MARK}"
                if tip:
                    notes = [n for n in flag_notes(flags & TIME_MARKS)]
                    shown += f" ({value} UTC)" + "".join(f"\n{n}" for n in notes)
                return shown
            if key == "severity":
                name = SEVERITIES[int(value)]
                if flags & FLAG_SEVERITY_INFERRED:
                    note = flag_notes(FLAG_SEVERITY_INFERRED)[0]
                    return f"{name}: {note}" if tip else f"{INFERRED_MARK}{name}"
                return name
            if key == "message":
                text = value or ""
                return text.split("\n", 1)[0] if role == Qt.ItemDataRole.DisplayRole else text
            return "" if value is None else str(value)
        if role == SEVERITY_ROLE and key == "severity":
            return int(value)
        if role == INFERRED_ROLE and key == "severity":
            return bool(flags & FLAG_SEVERITY_INFERRED)
        if role == Qt.ItemDataRole.FontRole and key == "ts" and flags & TIME_MARKS:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and key == "log_type" and value in LOG_TYPE_COLOURS:
            return QColor(LOG_TYPE_COLOURS[value])
        return None


class SeverityBadgeDelegate(QStyledItemDelegate):
    """Paints the severity as a rounded coloured badge."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        # Ask the Python model directly: QModelIndex.data() returning an empty
        # QVariant loses a reference to None under PySide6 6.12 / Python 3.11.
        model = index.model()
        level = model.data(index, SEVERITY_ROLE) if isinstance(model, EventsModel) else None
        if level is None:
            super().paint(painter, option, index)
            return
        name = SEVERITIES[int(level)]
        label = f"{INFERRED_MARK}{name}" if model.data(index, INFERRED_ROLE) else name  # type: ignore[union-attr]
        if option.state & QStyle.StateFlag.State_Selected:  # type: ignore[attr-defined]
            painter.fillRect(option.rect, option.palette.highlight())  # type: ignore[attr-defined]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect: QRect = option.rect.adjusted(3, 3, -3, -3)  # type: ignore[attr-defined]
        width = min(rect.width(), option.fontMetrics.horizontalAdvance(label) + 14)  # type: ignore[attr-defined]
        badge = QRect(rect.left(), rect.top(), width, rect.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(SEVERITY_COLOURS[name]))
        painter.drawRoundedRect(badge, 6, 6)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()
