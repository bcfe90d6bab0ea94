"""The Patterns page's table: one row per mined pattern, with a sparkline and a severity-mix bar drawn in place.

Rows are the dicts ``app.patterns.listing.listing(..., detail=True)`` returns, so the
window shows exactly what ``issue-ledger patterns`` prints, plus the page's extras.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from app.domain import timeutil
from app.domain.vocab import SEVERITY_COLOURS, Severity
from app.ui.models.rows import Index, RowsModel

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's dict, for the delegates and the drill-down
HEADERS = ("Pattern", "Badges", "Count", "Trend", "First seen", "Last seen", "Severity mix", "Hosts", "Incidents")
TREND, MIX = HEADERS.index("Trend"), HEADERS.index("Severity mix")
MAX_HOSTS = 3


def badges(row: dict[str, Any]) -> str:
    return " · ".join(name for name, on in (("New", row["new"]), ("Spiking", row["spiking"])) if on)


def severity_text(row: dict[str, Any]) -> str:
    return ", ".join(f"{Severity(s).label} {n:,}" for s, n in sorted(row["severities"].items(), reverse=True))


def hosts_text(row: dict[str, Any]) -> str:
    """How many hosts, then the busiest few (the tool tip lists them all with their counts)."""
    hosts = list(row["hosts"])
    shown = ", ".join(h or "(none)" for h in hosts[:MAX_HOSTS])
    return shown if len(hosts) == 1 else f"{len(hosts)}: {shown}" + (", …" if len(hosts) > MAX_HOSTS else "")


class PatternsModel(RowsModel):
    """Read-only rows of patterns; ``pattern_id(row)`` names the pattern to drill down to."""

    HEADERS = HEADERS

    def pattern_id(self, row: int) -> int | None:
        return int(self.rows[row]["id"]) if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.row_at(index)
        if r is None:
            return None
        col = index.column()
        if role == ROW_ROLE:
            return r
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                return f"Pattern #{r['id']}: {r['template']}\nDouble-click to list its events"
            if col == TREND:
                return "Events per bucket: " + " ".join(str(n) for n in r["series"])
            if col == MIX:
                return severity_text(r)
            if col == HEADERS.index("Hosts"):
                return "\n".join(f"{h or '(none)'}: {n:,}" for h, n in r["hosts"].items())
        if role == Qt.ItemDataRole.TextAlignmentRole and col == HEADERS.index("Count"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and r["spiking"]:
            return QColor(SEVERITY_COLOURS["error"])
        return None

    def _text(self, r: dict[str, Any], col: int) -> str | None:
        if col == 0:
            return str(r["template"])
        if col == 1:
            return badges(r)
        if col == 2:
            return f"{r['count']:,}"
        if col in (4, 5):
            value = r["first_seen" if col == 4 else "last_seen"]
            return timeutil.display(value, self.zone) if value else ""
        if col == 7:
            return hosts_text(r)
        if col == 8:
            return ", ".join(r["incidents"])
        return None  # drawn by a delegate


class SparklineDelegate(QStyledItemDelegate):
    """The pattern's counts per bucket as a small line, scaled to its own peak."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        series = (index.data(ROW_ROLE) or {}).get("series") or []
        rect: QRect = option.rect.adjusted(4, 4, -4, -4)  # type: ignore[attr-defined]
        peak = max(series, default=0)
        if not peak or rect.width() <= 0:
            return
        step = rect.width() / max(len(series) - 1, 1)
        points = [QPointF(rect.left() + i * step, rect.bottom() - n / peak * rect.height())
                  for i, n in enumerate(series)]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(SEVERITY_COLOURS["info"]), 1.5))
        painter.drawPolyline(QPolygonF(points))
        painter.restore()


class SeverityMixDelegate(QStyledItemDelegate):
    """A bar split by severity, worst on the left, in the colours tables and charts use."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        mix = (index.data(ROW_ROLE) or {}).get("severities") or {}
        total = sum(mix.values())
        rect: QRect = option.rect.adjusted(4, 6, -4, -6)  # type: ignore[attr-defined]
        if not total or rect.width() <= 0:
            return
        painter.save()
        x = float(rect.left())
        for sev, n in sorted(mix.items(), reverse=True):
            width = n / total * rect.width()
            painter.fillRect(QRect(int(x), rect.top(), max(1, round(width)), rect.height()),
                             QColor(SEVERITY_COLOURS[Severity(sev).label]))
            x += width
        painter.restore()
