"""The Sources page's table: every source with its status, rows handed over whole by a worker.

Times are stored UTC and shown in the session's zone; the last error is drawn in the
theme's error colour, with the time it happened in the tool tip.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from app.domain import timeutil
from app.ui import theme
from app.ui.models.rows import Index, RowsModel

NUMERIC = (9, 10, 12)  # Lines, Lines/s, Lag: right-aligned
ERROR_COLUMN = 13
LAST_LINE_FORMAT = "%m-%d %H:%M:%S"  # the year is this year's; the tool tip has the whole stamp


def size_text(n: int) -> str:
    """Bytes not yet read, as ``sources list`` shows them."""
    for unit in ("B", "KiB", "MiB"):
        if n < 1024:
            return f"{n} {unit}"
        n //= 1024
    return f"{n} GiB"


def format_text(row: dict[str, Any]) -> str:
    """The named format, else the one detected on the first lines, else "auto" (not read yet)."""
    if row.get("format"):
        return str(row["format"])
    detected = row.get("detected_format")
    return f"{detected} (detected)" if detected else "auto"


def error_text(row: dict[str, Any]) -> str:
    """The last error's first line, without the source's own path in front (the Target column shows it)."""
    text = (row.get("last_error") or "").split("\n", 1)[0]
    target = str(row.get("target") or "")
    head, sep, rest = text.partition(": ")
    if not (sep and target and target.startswith(head)):
        return text
    if head == target:
        return rest
    return f"{head.rstrip('/').rsplit('/', 1)[-1]}/: {rest}" if target[len(head):].startswith("/") else text


class MiddleElide(QStyledItemDelegate):
    """Long paths lose their middle, not the file name at their end."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:  # noqa: N802 - Qt override
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class SourcesModel(RowsModel):
    """Rows: ``app.collect.service.listing`` rows plus ``detected_format``; a disabled source reads greyed."""

    HEADERS = ("#", "Kind", "Target", "Glob", "Format", "Log type", "Client", "Site", "Enabled", "Lines", "Lines/s",
               "Last line", "Lag", "Last error")

    def source_id(self, row: int) -> int | None:
        return int(self.rows[row]["id"]) if 0 <= row < len(self.rows) else None

    def cells(self, r: dict[str, Any]) -> tuple[str, ...]:
        follows_files = r["kind"] in ("file", "folder")
        return (str(r["id"]), r["kind"], r["target"], (r.get("glob") or "") if r["kind"] == "folder" else "",
                format_text(r), r.get("log_type") or "", r.get("client") or "", r.get("site") or "",
                "yes" if r["enabled"] else "no", f"{int(r.get('lines') or 0):,}",
                f"{float(r.get('lines_s') or 0):,.1f}",
                timeutil.display(r["last_line_at"], self.zone, LAST_LINE_FORMAT) if r.get("last_line_at") else "",
                size_text(int(r.get("lag_bytes") or 0)) if follows_files else "",
                error_text(r))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.row_at(index)
        if r is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(r)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == ERROR_COLUMN and r.get("last_error"):
                when = timeutil.display(r["last_error_at"], self.zone) if r.get("last_error_at") else ""
                return f"{r['last_error']}\n{when}".strip()
            if col == 11 and r.get("last_line_at"):
                return timeutil.display(r["last_line_at"], self.zone)
            return self.cells(r)[col] or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == ERROR_COLUMN and r.get("last_error"):
                return QColor(theme.colour("error"))
            if not r["enabled"]:
                return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
