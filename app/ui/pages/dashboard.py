"""The Dashboard page: filter bar, KPI tiles and six charts that follow the shared filter.

Two worker threads of its own: the SQL of the KPIs and each chart runs in the
"dashboard-sql" pool, one query after another (sqlite releases the GIL, so it
overlaps with Python work on the other core); one "matplotlib" thread imports
matplotlib as soon as the page is made, then builds each figure
as its data comes in and draws it with Agg at the canvas's exact size. The GUI
thread only wraps that picture in a QtAgg canvas (toolbar, tooltips and
drill-down clicks included) without drawing it again. A click on a bar or cell
narrows the shared filter to that slice and opens the Events (or Incidents) page.
While new numbers are computed the old tiles and charts stay up, marked "updating…".

Signals:
    refreshed(): every tile and chart of the latest refresh has been drawn (or failed).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QThreadPool, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.charts.base import KINDS, Drill
from app.domain.chart_window import DEFAULT_DAYS
from app.domain.filters import Filter
from app.domain.jobs import Progress
from app.store import aggregates
from app.store.database import Database
from app.ui import workers
from app.ui.dashboard_chart import ChartPanel, draw_off_screen
from app.ui.dashboard_tiles import KpiTiles
from app.ui.db_ops import DbOp
from app.ui.filter_bar import FilterBar
from app.ui.session import Session

log = logging.getLogger("issue_ledger.ui.dashboard")

TREND_SPLITS = (("severity", "severity"), ("log type", "type"), ("client", "client"))
# Quick queries first, so the drawing thread has work as soon as matplotlib is imported.
DRAW_ORDER = ("incidents", "mttr", "clients", "trend", "heatmap", "top")
SQL_THREADS = 1
_warmed = False
_warming: Any = None
# matplotlib is not thread-safe: one figure at a time is built and drawn off the GUI thread.
_BUILD_LOCK = threading.Lock()


def _warm_up(_progress: Any) -> None:
    """Import matplotlib (Agg and the QtAgg canvas) and load its font list off the GUI thread."""
    global _warmed
    import matplotlib.collections
    import matplotlib.dates
    import matplotlib.figure  # noqa: F401
    from matplotlib import font_manager
    from matplotlib.backends import backend_agg, backend_qtagg  # noqa: F401

    font_manager.findfont("DejaVu Sans")
    _warmed = True


def _sql_pool() -> QThreadPool:
    """The dashboard's queries, one after another: on two cores the other one imports and draws."""
    return workers.pool("dashboard-sql", SQL_THREADS)


def _drawing_pool() -> QThreadPool:
    """One thread for matplotlib: the import, then each figure in turn (Python work holds the GIL anyway)."""
    return workers.pool("matplotlib", 1)


def warm_up() -> None:
    """Start importing matplotlib in the drawing thread (once per process)."""
    global _warming
    if not _warmed and _warming is None:
        _warming = workers.start(_warm_up, parent=None, pool=_drawing_pool())


class DashboardPage(QWidget):
    refreshed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.now: dt.datetime | None = None  # tests pin "now"; None means the clock
        self._generation = 0
        self._pending: set[str] = set()
        self._stale = True
        self._tasks: list[workers.Task] = []
        self._data: dict[str, Any] = {}  # the last data per chart, to redraw on a theme change
        self._drawn_theme = ""
        # A child timer rather than a bare single-shot call: it dies with the page, so a refresh asked for
        # just before the window is replaced (another database opened) never runs on a deleted page.
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(lambda: self.refresh())
        self.filter_bar = FilterBar(session, self, kind="events")
        self.tiles = KpiTiles(self)
        self.split_combo = QComboBox()
        self.split_combo.setObjectName("trendSplit")
        for text, key in TREND_SPLITS:
            self.split_combo.addItem(text, key)
        self.split_combo.currentIndexChanged.connect(lambda _i: self.refresh(only=("trend",)))
        self.all_time_button = QPushButton("All time")
        self.all_time_button.setObjectName("trendAllTime")
        self.all_time_button.setCheckable(True)
        self.all_time_button.setToolTip(
            f"Without a time range the trend shows the {DEFAULT_DAYS} days ending at the newest event; "
            "check to show every event")
        self.all_time_button.toggled.connect(lambda _on: self.refresh(only=("trend",)))
        self.error_label = QLabel()
        self.error_label.setProperty("role", "error")
        self.error_label.setVisible(False)
        self.panels = {kind: ChartPanel(kind) for kind in KINDS}
        for panel in self.panels.values():
            panel.drilled.connect(self.drill)

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Split the trend by"))
        controls.addWidget(self.split_combo)
        controls.addWidget(self.all_time_button)
        controls.addWidget(self.error_label, 1)
        controls.addStretch()
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, kind in enumerate(KINDS):
            grid.addWidget(self.panels[kind], i // 2, i % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.tiles)
        layout.addLayout(controls)
        layout.addWidget(scroll, 1)

        session.filter_changed.connect(self._filter_changed)
        session.data_changed.connect(self._data_changed)
        if aggregates.has_rows(session.db):
            warm_up()  # charts are coming: matplotlib loads while the window lays out and the SQL runs

    # -- when to refresh ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self._soon.start()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Redraw the charts from their last data when the light/dark theme changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._drawn_theme and self._theme() != self._drawn_theme:
            self._redraw_all()

    def _redraw_all(self) -> None:
        """Draw every chart again from its last data, in the drawing thread."""
        gen = self._generation
        self._drawn_theme = self._theme()
        for kind, data in self._data.items():
            self._tasks.append(workers.start(
                _draw_job(kind, data, self._size(kind), self._drawn_theme), parent=self,
                on_success=functools.partial(self._chart_ready, gen, kind, data, done=False),
                pool=_drawing_pool()))

    def _filter_changed(self, _f: Filter) -> None:
        self._later()

    def _data_changed(self) -> None:
        self._later()

    def _later(self) -> None:
        """Refresh now when visible, else on the next show."""
        self._stale = True
        if self.isVisible():
            self._soon.start()

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    # -- work -----------------------------------------------------------------------------------
    def refresh(self, only: tuple[str, ...] | None = None) -> None:
        """Gather the KPIs and every chart's data in workers; stale answers are dropped."""
        if only is None and not self._stale and not self._pending and self._generation:
            return
        if only and (self._pending - set(only)):
            only = None  # a full refresh is still running: start it again rather than drop its charts
        self._stale = False
        for task in self._tasks:
            task.cancel()
        self._generation += 1
        gen = self._generation
        f, zone, path, now = self.session.filter, self.session.zone, self.session.db_path, self.now
        by = self.split_combo.currentData()
        all_time = self.all_time_button.isChecked()
        kinds = only or DRAW_ORDER
        self._pending = set(kinds) | (set() if only else {"kpis"})
        self._tasks = []
        self.error_label.setVisible(False)
        if not only:
            self.tiles.set_updating(True)  # old figures stay up, marked, until the new ones arrive
        for kind in kinds:
            self.panels[kind].set_updating(True)
        if not only:
            self._tasks.append(DbOp(
                self, path, _kpi_job(f, zone, now),
                on_success=lambda k: self._kpis_ready(gen, k),
                on_failure=lambda msg, _d: self._failed(gen, "kpis", msg)).run_in_background(_sql_pool()))
        warm_up()
        for kind in kinds:
            if self.panels[kind].chart is None:
                self.panels[kind].show_message("Loading…")
            self._tasks.append(DbOp(
                self, path, _gather_job(kind, f, zone, by, now, all_time),
                on_success=functools.partial(self._data_ready, gen, kind),
                on_failure=functools.partial(self._failed, gen, kind)).run_in_background(_sql_pool()))

    def _data_ready(self, gen: int, kind: str, data: Any) -> None:
        """Hand a chart's data to the drawing thread, at the panel's current size and theme."""
        if gen != self._generation:
            return
        self._data[kind] = data
        self._tasks.append(workers.start(
            _draw_job(kind, data, self._size(kind), self._theme()), parent=self,
            on_success=lambda result: self._chart_ready(gen, kind, data, result),
            on_failure=lambda msg, _d: self._failed(gen, kind, msg), pool=_drawing_pool()))

    def _chart_ready(self, gen: int, kind: str, data: Any, result: tuple[Any, Any], done: bool = True) -> None:
        """Show a chart the worker built and drew (drawn again here only if the size or theme changed since)."""
        if gen != self._generation:
            return
        chart, drawn = result
        self._drawn_theme = self._theme()
        if chart is not None and chart.size == self._size(kind) and chart.theme == self._drawn_theme:
            self.panels[kind].set_chart(chart, drawn)
        else:
            self._draw(kind, data)
        if done:
            self._done(kind)

    def _size(self, kind: str) -> tuple[int, int]:
        return self.panels[kind].canvas_size()

    def _draw(self, kind: str, data: Any) -> None:
        from app.charts import render

        width, height = self._size(kind)
        self._drawn_theme = self._theme()
        try:
            self.panels[kind].set_chart(render.build(kind, data, width, height, theme=self._drawn_theme))
        except Exception as exc:  # shown in the panel, logged with its traceback
            log.exception("drawing the %s chart failed", kind)
            self.panels[kind].show_message(f"Could not draw this chart: {exc}")

    def _kpis_ready(self, gen: int, kpis: Any) -> None:
        if gen == self._generation:
            self.tiles.show_kpis(kpis)
            self._done("kpis")

    def _failed(self, gen: int, kind: str, message: str, _details: str = "") -> None:
        """``_details``: the traceback a worker passes with its message; the message is what is shown."""
        if gen != self._generation:
            return
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        if kind in self.panels:
            self.panels[kind].show_message(f"Could not load: {message}")
        self._done(kind)

    def _done(self, kind: str) -> None:
        if kind == "kpis":
            self.tiles.set_updating(False)
        elif kind in self.panels:
            self.panels[kind].set_updating(False)
        self._pending.discard(kind)
        if not self._pending:
            self.refreshed.emit()

    def _theme(self) -> str:
        from app.ui.theme import is_dark

        return "dark" if is_dark(self.palette()) else "light"

    # -- drill-down -----------------------------------------------------------------------------
    def drill(self, drill: Drill) -> None:
        """Narrow the shared filter to the clicked slice and open the page that lists it."""
        self.session.set_filter(self.session.filter.replace(**drill.changes))
        window = self.window()
        if hasattr(window, "show_page"):
            window.show_page(drill.page)


def _gather_job(kind: str, f: Filter, zone: dt.tzinfo, by: str, now: dt.datetime | None,
                all_time: bool = False) -> Callable[[Database, Progress], Any]:
    """The chart's SQL, in the dashboard's SQL pool."""
    def job(db: Database, progress: Progress) -> Any:
        from app.charts import render

        progress.check()
        return render.gather(kind, db, f, zone, by=by, now=now, all_time=all_time)
    return job


def _draw_job(kind: str, data: Any, size: tuple[int, int], theme: str) -> Any:
    """Build the figure and draw it with Agg (no Qt involved), so the GUI thread only shows the picture."""
    def job(progress: Any) -> tuple[Any, Any]:
        from app.charts import render

        progress.check()
        try:
            with _BUILD_LOCK:
                chart = render.build(kind, data, size[0], size[1], theme=theme)
                return chart, draw_off_screen(chart.figure)
        except Exception:  # built again on the GUI thread, which reports the error
            log.exception("building the %s chart in a worker failed", kind)
            return None, None
    return job


def _kpi_job(f: Filter, zone: dt.tzinfo, now: dt.datetime | None) -> Callable[[Database, Progress], Any]:
    def job(db: Database, progress: Progress) -> Any:
        from app.analysis import kpis

        progress.check()
        return kpis.compute(db, f, zone, now)
    return job
