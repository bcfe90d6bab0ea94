"""The Sources page's table: every source with its status, rows handed over whole by a worker.

Times are stored UTC and shown in the session's zone; the last error is drawn in the
theme's error colour, with the time it happened in the tool tip.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from app.domain import timeutil
from app.ui import theme
from app.ui.models.rows import Index, RowsModel

NUMERIC = (9, 10, 12)  # Lines, Lines/s, Lag: right-aligned
ERROR_COLUMN = 13


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
                timeutil.display(r["last_line_at"], self.zone) if r.get("last_line_at") else "",
                size_text(int(r.get("lag_bytes") or 0)) if follows_files else "",
                (r.get("last_error") or "").splitlines()[0] if r.get("last_error") else "")

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
            return self.cells(r)[col] or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == ERROR_COLUMN and r.get("last_error"):
                return QColor(theme.colour("error"))
            if not r["enabled"]:
                return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
