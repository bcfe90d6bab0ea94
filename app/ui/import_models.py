"""Read-only table models over lists of dicts: import preview rows, past imports, rejected lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.domain import timeutil
from app.domain.vocab import SEVERITIES, SEVERITY_COLOURS

Index = QModelIndex | QPersistentModelIndex
Column = tuple[str, str, Callable[[Any], str]]  # key, header, formatter


def _text(value: Any) -> str:
    return "" if value is None else str(value).replace("\n", " ⏎ ")


def _count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else _text(value)


class RowsModel(QAbstractTableModel):
    """Rows are dicts; columns name a key, a header and how to show the value."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> dict[str, Any]:
        return self.rows[index]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt override
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows) or not 0 <= index.column() < len(
                self.columns):
            return None
        key, _header, fmt = self.columns[index.column()]
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            shown = fmt(row.get(key))
            return f"≈{shown}" if key == "severity" and row.get("inferred") and shown else shown
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(row.get(key), (int, float)) \
                and key not in ("severity", "pid"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # counts line up
        if role == Qt.ItemDataRole.ToolTipRole and key == "severity" and row.get("inferred"):
            return "inferred from the message: the line has no level"
        if role == Qt.ItemDataRole.ToolTipRole and key in ("message", "raw", "reason", "file"):
            return _text(row.get(key))[:2000]
        if role == Qt.ItemDataRole.ForegroundRole and key == "severity" and isinstance(row.get(key), int):
            return QColor(SEVERITY_COLOURS[SEVERITIES[row[key]]])
        if role == Qt.ItemDataRole.ForegroundRole and isinstance(row.get("rejected"), str):
            return QColor("#b91c1c")  # a preview line that will not become an event
        if role == Qt.ItemDataRole.ForegroundRole and key == "status" and row.get(key) not in (None, "complete"):
            return QColor("#b91c1c")
        return None


def preview_model(zone: Any, parent: QObject | None = None) -> RowsModel:
    def when(v: Any) -> str:
        return timeutil.display(v, zone) if v else "—"

    def sev(v: Any) -> str:
        return SEVERITIES[v] if isinstance(v, int) else ""

    return RowsModel([("ts", "Time", when), ("severity", "Severity", sev), ("log_type", "Log type", _text),
                      ("host", "Host", _text), ("component", "Component", _text), ("message", "Message", _text),
                      ("rejected", "Not an event", _text)], parent)


def imports_model(zone: Any, parent: QObject | None = None) -> RowsModel:
    """``zone`` is a tzinfo, or a function giving the current one (the window's zone can change)."""
    def when(v: Any) -> str:
        return timeutil.display(v, zone() if callable(zone) else zone) if v else ""

    return RowsModel([("id", "#", _text), ("status", "Status", _text), ("file", "File", _text),
                      ("format", "Format", _text), ("read", "Read", _count), ("accepted", "Events", _count),
                      ("continuation", "Continuation", _count), ("rejected", "Rejected", _count),
                      ("redacted", "Redacted", _redacted), ("started_at", "Started", when), ("message", "Note", _text)],
                     parent)


def _redacted(v: Any) -> str:
    """PII values replaced at import, by kind: "card 3, email 12"."""
    return ", ".join(f"{kind} {n:,}" for kind, n in sorted(v.items())) if v else ""


def rejects_model(parent: QObject | None = None) -> RowsModel:
    return RowsModel([("line_no", "Line", _text), ("reason", "Reason", _text), ("raw", "Text", _text)], parent)
