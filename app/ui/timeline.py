"""The strip above the events table: events per time bucket, stacked by severity.

Painted with QPainter (no matplotlib: it must redraw instantly). Dragging
across it selects a time range. A long stretch without events (a 2005 import
beside this month's, shown with "All time") is folded into one hatched bar,
so both sides keep their width.

Signals:
    range_selected(object, object): the user dragged from one time to another (aware UTC datetimes).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain import time_buckets, timeutil
from app.domain.chart_window import empty_runs
from app.domain.vocab import SEVERITIES, SEVERITY_COLOURS

_SIZE_OF_WIDTH = {seconds: size for size, seconds in time_buckets.SECONDS.items()}


class TimelineStrip(QWidget):
    """Stacked per-bucket severity counts; drag to pick a range.

    Signals:
        range_selected(object, object): since and until, aware UTC datetimes.
    """

    range_selected = Signal(object, object)

    def __init__(self, zone: dt.tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.setObjectName("timeline")
        self.setMinimumHeight(70)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setToolTip("Events over time by severity; drag to select a time range")
        self._start: dt.datetime | None = None
        self._width_s = 3600
        self._size = "hour"
        self._buckets: list[tuple[dt.datetime, list[int] | None]] = []  # None: a folded gap
        self.earliest: str | None = None  # the first event the default window leaves out
        self._max = 0
        self._drag: tuple[float, float] | None = None
        self.message = "Loading…"

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(600, 80)

    # -- data -----------------------------------------------------------------------
    def set_zone(self, zone: dt.tzinfo) -> None:
        """Label the time axis in ``zone`` from now on (the next histogram buckets days in it too)."""
        self.zone = zone
        self.update()

    def set_histogram(self, data: dict[str, Any]) -> None:
        """Take ``app.store.events.histogram`` output."""
        self._width_s = int(data.get("width") or 3600)
        self._size = data.get("size") or _SIZE_OF_WIDTH.get(self._width_s, "hour")
        self.earliest = data.get("earliest")
        counts: dict[str, list[int]] = data.get("counts") or {}
        if not counts:
            self._buckets, self._start, self._max = [], None, 0
            self.message = "No events"
        else:
            first = timeutil.from_iso(min(counts))
            last = timeutil.from_iso(max(counts))
            self._buckets = _fold_gaps([(when, counts.get(timeutil.to_iso(when), [0] * 6))
                                        for when in self._steps(first, last)])
            self._start = first
            self._max = max(sum(c) for _, c in self._buckets if c is not None)
            self.message = ""
        self.update()

    def _steps(self, first: dt.datetime, last: dt.datetime) -> list[dt.datetime]:
        """Bucket starts from ``first`` to ``last``, stepped on the local clock as the store bucketed them."""
        out = []
        when = first
        while when <= last:
            out.append(when)
            when = time_buckets.next_start(when, self._size, self.zone)
        return out

    def set_message(self, text: str) -> None:
        self.message = text
        self.update()

    @property
    def buckets(self) -> list[tuple[dt.datetime, list[int] | None]]:
        """(start, six counts) per bar; counts are None for a folded gap running to the next bar's start."""
        return list(self._buckets)

    def time_at(self, x: float) -> dt.datetime | None:
        """The time under horizontal position ``x`` (bars are equal width, buckets may not be)."""
        if self._start is None or not self._buckets:
            return None
        pos = min(1.0, max(0.0, x / max(1, self.width()))) * len(self._buckets)
        i = min(len(self._buckets) - 1, int(pos))
        start = self._buckets[i][0]
        end = self._buckets[i + 1][0] if i + 1 < len(self._buckets) else start + dt.timedelta(
            seconds=self._width_s)
        return start + (end - start) * (pos - i)

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        if not self._buckets or self._max <= 0:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message or "No events")
            return
        h = self.height() - 14
        bar_w = self.width() / len(self._buckets)
        colours = [QColor(SEVERITY_COLOURS[s]) for s in SEVERITIES]
        for i, (_when, counts) in enumerate(self._buckets):
            if counts is None:
                painter.fillRect(QRectF(i * bar_w, 0, max(1.0, bar_w - 0.5), h),
                                 QBrush(self.palette().mid().color(), Qt.BrushStyle.BDiagPattern))
                continue
            y = float(h)
            for sev, n in enumerate(counts):
                if not n:
                    continue
                bh = max(2.0, h * n / self._max)  # a few events beside thousands still show
                painter.fillRect(QRectF(i * bar_w, y - bh, max(1.0, bar_w - 0.5), bh), colours[sev])
                y -= bh
        painter.setPen(self.palette().text().color())
        first, last = self._buckets[0][0], self._buckets[-1][0]
        fmt = "%Y-%m-%d" if self._width_s >= 86400 else "%m-%d %H:%M"
        painter.drawText(QRectF(2, h, self.width() / 2, 14), Qt.AlignmentFlag.AlignLeft,
                         first.astimezone(self.zone).strftime(fmt))
        painter.drawText(QRectF(self.width() / 2, h, self.width() / 2 - 2, 14), Qt.AlignmentFlag.AlignRight,
                         last.astimezone(self.zone).strftime(fmt))
        if self._drag:
            a, b = sorted(self._drag)
            sel = QColor(self.palette().highlight().color())
            sel.setAlpha(80)
            painter.fillRect(QRectF(a, 0, max(1.0, b - a), h), sel)
            painter.setPen(QPen(self.palette().highlight().color()))
            painter.drawLine(QPointF(a, 0), QPointF(a, h))
            painter.drawLine(QPointF(b, 0), QPointF(b, h))

    # -- dragging -----------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self._buckets:
            x = event.position().x()
            self._drag = (x, x)
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._drag:
            self._drag = (self._drag[0], event.position().x())
            self.update()
        when = self.time_at(event.position().x())
        if when is not None and self._buckets:
            i = min(len(self._buckets) - 1, int(event.position().x() / max(1, self.width()) * len(self._buckets)))
            start, counts = self._buckets[i]
            if counts is None:
                end = self._buckets[i + 1][0] if i + 1 < len(self._buckets) else start
                self.setToolTip(f"No events from {start.astimezone(self.zone):%Y-%m-%d} "
                                f"to {end.astimezone(self.zone):%Y-%m-%d}")
            else:
                self.setToolTip(f"{start.astimezone(self.zone):%Y-%m-%d %H:%M}: {sum(counts):,} events")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if not self._drag:
            return
        a, b = sorted((self._drag[0], event.position().x()))
        self._drag = None
        self.update()
        if b - a < 3:
            return
        since, until = self.time_at(a), self.time_at(b)
        if since is not None and until is not None and until > since:
            self.range_selected.emit(since, until)


def _fold_gaps(bars: list[tuple[dt.datetime, list[int] | None]]) -> list[tuple[dt.datetime, list[int] | None]]:
    """Each long run of empty bars as one gap bar (counts None) starting where the run starts."""
    runs = empty_runs([sum(c or ()) for _, c in bars])
    if not runs:
        return bars
    out: list[tuple[dt.datetime, list[int] | None]] = []
    i = 0
    for a, b in runs:
        out.extend(bars[i:a])
        out.append((bars[a][0], None))
        i = b + 1
    out.extend(bars[i:])
    return out
