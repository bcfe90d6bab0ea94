"""One chart on the dashboard: the matplotlib QtAgg canvas with its toolbar (save PNG/SVG/PDF).

matplotlib is imported when the first chart is set, never when the module loads.
A chart may arrive already drawn by a worker (an Agg canvas of the canvas's exact
size): the Qt canvas then paints that picture instead of drawing the figure again
on the GUI thread. Clicks and hovers are hit-tested on the chart's clickable
artists and turned into drill-down slices.

Signals:
    drilled(object): the user clicked a bar or cell; the argument is an ``app.charts.base.Drill``.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.charts.base import Chart, Drill
from app.ui.dashboard_tiles import UPDATING, UPDATING_STYLE

log = logging.getLogger("issue_ledger.ui.dashboard")

TOOLBAR_HEIGHT = 34  # fixed, so a worker knows the canvas's size before the toolbar exists
_canvas_class: Any = None


def canvas_class() -> Any:
    """The QtAgg canvas that can show a picture a worker drew (made on first use: imports matplotlib)."""
    global _canvas_class
    if _canvas_class is None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        class PrerenderedCanvas(FigureCanvasQTAgg):  # type: ignore[misc, valid-type]
            """Paints a worker's Agg drawing while the size matches; draws itself after any change."""

            prerendered = False

            def adopt(self, drawn: Any) -> None:
                """Take over the renderer of ``drawn`` (an Agg canvas that drew this figure)."""
                self.renderer = drawn.renderer
                self._lastKey = drawn._lastKey  # noqa: SLF001 - matplotlib's renderer cache key
                self.prerendered = True

            def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
                super().resizeEvent(event)
                w, h = self.get_width_height(physical=True)
                if self.prerendered and self._lastKey == (w, h, self.figure.dpi):
                    self._draw_pending = False  # the worker's picture is already this size
                else:
                    self.prerendered = False

            def draw(self) -> None:
                self.prerendered = False
                super().draw()

        _canvas_class = PrerenderedCanvas
    return _canvas_class


def draw_off_screen(figure: Any) -> Any:
    """Draw ``figure`` with Agg (any thread); the returned canvas can be adopted by the panel."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return canvas


class ChartPanel(QWidget):
    drilled = Signal(object)

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"chart-{kind}")
        self.setMinimumHeight(340)
        self.chart: Chart | None = None
        self.canvas: Any = None
        self.toolbar: Any = None
        self.status = QLabel("Loading…")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Over the toolbar's right end, outside the layout: the canvas keeps the size the worker drew for.
        self.updating_label = QLabel(UPDATING, self)
        self.updating_label.setObjectName("updating")
        self.updating_label.setStyleSheet(UPDATING_STYLE + " padding: 2px 6px;")
        self.updating_label.setVisible(False)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addWidget(self.status)

    def set_updating(self, on: bool) -> None:
        """Mark the chart shown as old while its new data is gathered and drawn (nothing to mark before one)."""
        self.updating_label.setVisible(on and self.chart is not None)
        if self.updating_label.isVisible():
            self._place_updating()

    def _place_updating(self) -> None:
        label = self.updating_label
        label.adjustSize()
        label.move(self.width() - label.width() - 8, (TOOLBAR_HEIGHT - label.height()) // 2)
        label.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._place_updating()

    def show_message(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(True)

    def canvas_size(self) -> tuple[int, int]:
        """The pixel size a chart's canvas gets in this panel (below the toolbar)."""
        return max(self.width(), 480), max(self.height() - TOOLBAR_HEIGHT, 300)

    def set_chart(self, chart: Chart, drawn: Any = None) -> None:
        """Show ``chart``, replacing the previous canvas (and its toolbar).

        ``drawn`` is the Agg canvas a worker drew the figure with; its picture is shown as is.
        """
        from matplotlib.backends.backend_qtagg import NavigationToolbar2QT

        for old in (self.toolbar, self.canvas):
            if old is not None:
                self._layout.removeWidget(old)
                old.deleteLater()
        self.chart = chart
        # matplotlib's toolbar icons read a Qt attribute that Qt 6 marks deprecated, on every paint
        warnings.filterwarnings("ignore", "Enum value 'Qt::ApplicationAttribute.AA_UseHighDpiPixmaps'",
                                DeprecationWarning)
        self.canvas = canvas_class()(chart.figure)
        if drawn is not None:
            self.canvas.adopt(drawn)
        self.toolbar = NavigationToolbar2QT(self.canvas, self)
        self.toolbar.setFixedHeight(TOOLBAR_HEIGHT)
        self.canvas.setObjectName(f"canvas-{self.kind}")
        self.canvas.mpl_connect("button_press_event", self._pressed)
        self.canvas.mpl_connect("motion_notify_event", self._hovered)
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.8)
        self.status.setVisible(False)
        self._layout.addWidget(self.toolbar)
        self._layout.addWidget(self.canvas, 1)
        self.updating_label.raise_()  # above the new toolbar
        if drawn is None:
            self.canvas.draw_idle()

    def _slice_at(self, event: Any) -> tuple[Drill, str] | None:
        """The slice under the pointer and its value ("1,234 events"), or None.

        Hit-tested on the chart's own artists rather than through matplotlib's pick
        events: those only reach artists of the topmost axes, and the Top patterns
        chart lays its cumulative-share axes over the bars.
        """
        from app.charts.base import describe

        mode: str = getattr(self.toolbar, "mode", "")
        if self.chart is None or event.inaxes is None or mode:
            return None  # zooming or panning: no slice
        for artist in self.chart.drills:
            hit, info = artist.contains(event)
            if not hit:
                continue
            ind = info.get("ind") if isinstance(info, dict) else None
            index = int(ind[-1]) if ind is not None and len(ind) else None
            xdata, ydata = (artist.axes.transData.inverted().transform((event.x, event.y))
                            if artist.axes is not None else (event.xdata, event.ydata))
            drill = self.chart.drill_for(artist, index, xdata, ydata)
            return (drill, describe(artist, index, event)) if drill is not None else None
        return None

    def _hovered(self, event: Any) -> None:
        """Name the slice under the pointer and its value in the tooltip; a hand cursor says it is clickable."""
        found = self._slice_at(event)
        text = f"{found[0].label}\n{found[1]} — click to list them" if found else ""
        if text != self.canvas.toolTip():
            self.canvas.setToolTip(text)
            if text:
                self.canvas.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.canvas.unsetCursor()

    def _pressed(self, event: Any) -> None:
        """A left click on a slice lists it: what the tooltip promised."""
        if getattr(event, "button", None) != 1:
            return
        found = self._slice_at(event)
        if found is not None:
            log.info("drill-down from %s: %s", self.kind, found[0].label)
            self.drilled.emit(found[0])
