"""The Dashboard page on a demo database: tiles, charts, the filter link, refresh and drill-down clicks."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from PySide6.QtCore import Qt

from app.charts import base
from app.domain import timeutil
from app.domain.filters import Filter
from app.store import events as event_store
from app.store.database import Database
from app.ui.main_window import MainWindow
from dashboard_helpers import NOW, ZONE, window, window_count  # noqa: F401 - window is a fixture


def _click(panel, coll, index: int) -> None:
    """Press the left button on the centre of bar ``index`` through matplotlib's own event path."""
    from matplotlib.backend_bases import MouseEvent

    canvas = panel.canvas
    canvas.draw()
    verts = coll.get_paths()[index].vertices
    centre = ((verts[:, 0].min() + verts[:, 0].max()) / 2, (verts[:, 1].min() + verts[:, 1].max()) / 2)
    x, y = coll.axes.transData.transform(centre)
    MouseEvent("button_press_event", canvas, x, y, button=1)._process()


def test_tiles_and_every_chart_are_shown(window: MainWindow, demo_db: Database) -> None:
    page = window.pages["dashboard"]
    assert window.stack.currentWidget() is page
    open_count = demo_db.scalar("SELECT count(*) FROM incidents WHERE status IN ('new', 'in-progress', 'on-hold')")
    assert page.tiles.tiles["open"].value_label.text() == f"{open_count:,}"
    since = timeutil.to_iso(NOW - dt.timedelta(hours=24))
    recent = demo_db.scalar("SELECT count(*) FROM events WHERE ts >= ? AND ts < ?", (since, timeutil.to_iso(NOW)))
    assert page.tiles.tiles["events"].value_label.text() == f"{recent:,}"
    assert page.tiles.tiles["breach"].value_label.text().endswith("%")
    assert "%" in page.tiles.tiles["availability"].value_label.text()
    for kind, panel in page.panels.items():
        assert panel.chart is not None, kind
        assert panel.canvas is not None and panel.toolbar is not None
    trend = page.panels["trend"].chart
    total = sum(sum(base.heights_of(c)) for c in trend.bars())
    assert total == window_count(demo_db)  # the 60 demo days: the last 30 until "All time" is pressed
    assert 0 < total < demo_db.scalar("SELECT count(*) FROM events")


def test_all_time_shows_every_event_and_a_second_click_goes_back(qtbot, window: MainWindow,
                                                                 demo_db: Database) -> None:
    page = window.pages["dashboard"]
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        qtbot.mouseClick(page.all_time_button, Qt.MouseButton.LeftButton)
    total = sum(sum(base.heights_of(c)) for c in page.panels["trend"].chart.bars())
    assert total == demo_db.scalar("SELECT count(*) FROM events")
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        qtbot.mouseClick(page.all_time_button, Qt.MouseButton.LeftButton)
    total = sum(sum(base.heights_of(c)) for c in page.panels["trend"].chart.bars())
    assert total == window_count(demo_db)


def test_dashboard_follows_the_shared_filter(qtbot, window: MainWindow, demo_db: Database) -> None:
    page = window.pages["dashboard"]
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        window.session.set_filter(Filter(log_types=("network",)))
    trend = page.panels["trend"].chart
    assert [c.get_label() for c in trend.bars()]  # still split by severity
    total = sum(sum(base.heights_of(c)) for c in trend.bars())
    assert total == window_count(demo_db, "log_type = 'network'")
    clients = page.panels["clients"].chart
    assert [c.get_label() for c in clients.bars()] == ["network"]
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        page.split_combo.setCurrentIndex(page.split_combo.findData("client"))
    labels = [c.get_label() for c in page.panels["trend"].chart.bars()]
    assert set(labels) <= {"Acme Telecom", "Globex Retail", "Initech Bank"}


def test_dashboard_refreshes_after_new_data(qtbot, window: MainWindow, demo_db: Database) -> None:
    page = window.pages["dashboard"]
    before = sum(sum(base.heights_of(c)) for c in page.panels["trend"].chart.bars())
    row = ("2026-11-30T03:00:00.000Z", 5, "security", None, "h", "av", None, None, "Malware found", None,
           "Acme Telecom", "Manila Site A", None, 1, 0)
    with Database.open(demo_db.path) as other, other.transaction():
        event_store.insert_many(other, [row, row])
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        window.session.data_changed.emit()
    after = sum(sum(base.heights_of(c)) for c in page.panels["trend"].chart.bars())
    assert after == before + 2


def test_click_on_a_trend_bar_opens_events_with_that_slice(qtbot, window: MainWindow, demo_db: Database) -> None:
    page = window.pages["dashboard"]
    panel = page.panels["trend"]
    errors = next(c for c in panel.chart.bars() if c.get_label() == "error")
    heights = base.heights_of(errors)
    j = max(range(len(heights)), key=heights.__getitem__)
    with qtbot.waitSignal(window.session.filter_changed, timeout=5000):
        _click(panel, errors, j)
    f = window.session.filter
    assert f.severities == ("error",)
    assert f.since and f.until
    assert window.stack.currentWidget() is window.pages["events"]
    assert event_store.count(demo_db, f, ZONE) == heights[j]


def test_click_on_a_client_bar_opens_incidents(qtbot, window: MainWindow, demo_db: Database) -> None:
    page = window.pages["dashboard"]
    panel = page.panels["clients"]
    coll = next(c for c in panel.chart.bars() if c.get_label() == "security")
    with qtbot.waitSignal(window.session.filter_changed, timeout=5000):
        _click(panel, coll, 0)
    f = window.session.filter
    assert f.log_types == ("security",) and len(f.clients) == 1
    assert window.stack.currentWidget() is window.pages["incidents"]


def test_matplotlib_loads_only_when_the_dashboard_is_shown(tmp_path) -> None:
    code = f"""
import os, sys
os.environ['QT_QPA_PLATFORM'] = 'offscreen'
from app.ui.application import make_app
from app.ui.main_window import MainWindow
from app.ui.session import Session
from app.store.database import Database
from app.domain import timeutil
app = make_app()
db = Database.open({str(tmp_path / 'empty.db')!r})
w = MainWindow(Session(db, timeutil.UTC))
w.show()
app.processEvents()
before = 'matplotlib' in sys.modules
page = w.show_page('dashboard')
from PySide6.QtCore import QEventLoop, QTimer
loop = QEventLoop()
page.refreshed.connect(loop.quit)
QTimer.singleShot(30000, loop.quit)
loop.exec()
print(before, 'matplotlib' in sys.modules, page.panels['trend'].chart is not None)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


def test_charts_redraw_in_the_dark_theme(qtbot, window: MainWindow) -> None:
    from PySide6.QtGui import QColor, QPalette

    page = window.pages["dashboard"]
    assert page.panels["trend"].chart.figure.get_facecolor()[0] > 0.9
    dark = QPalette()
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        dark.setColor(role, QColor("#1e1f22"))
    page.setPalette(dark)
    qtbot.waitUntil(lambda: page.panels["trend"].chart.figure.get_facecolor()[0] < 0.2, timeout=5000)
    assert base.THEMES["dark"].background == "#1e1f22"


def test_split_change_during_a_refresh_keeps_every_chart(qtbot, window: MainWindow) -> None:
    page = window.pages["dashboard"]
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        window.session.set_filter(Filter(log_types=("network",)))
        qtbot.waitUntil(lambda: page.busy, timeout=5000)  # the filter's refresh is running...
        page.split_combo.setCurrentIndex(page.split_combo.findData("type"))  # ...when the split changes
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    assert [c.get_label() for c in page.panels["trend"].chart.bars()] == ["network"]
    assert [c.get_label() for c in page.panels["clients"].chart.bars()] == ["network"]


def test_hovering_a_bar_names_its_slice(qtbot, window: MainWindow) -> None:
    from matplotlib.backend_bases import MouseEvent

    panel = window.pages["dashboard"].panels["clients"]
    coll = next(c for c in panel.chart.bars() if c.get_label() == "network")
    panel.canvas.draw()
    verts = coll.get_paths()[0].vertices
    x, y = coll.axes.transData.transform(((verts[:, 0].min() + verts[:, 0].max()) / 2,
                                          (verts[:, 1].min() + verts[:, 1].max()) / 2))
    MouseEvent("motion_notify_event", panel.canvas, x, y)._process()
    count = int(base.heights_of(coll, horizontal=True)[0])
    top_client = coll.axes.get_yticklabels()[0].get_text()
    assert panel.canvas.toolTip().startswith(f"network incidents of {top_client}\n{count:,} incidents")
    MouseEvent("motion_notify_event", panel.canvas, 2, 2)._process()
    assert panel.canvas.toolTip() == ""


def _press_on(qtbot, panel, coll, index: int, horizontal: bool = False) -> None:
    """Click bar ``index`` with the mouse, as a person would: a Qt click at the bar's centre on the canvas."""
    from PySide6.QtCore import QPoint, Qt

    canvas = panel.canvas
    verts = coll.get_paths()[index].vertices
    centre = ((verts[:, 0].min() + verts[:, 0].max()) / 2, (verts[:, 1].min() + verts[:, 1].max()) / 2)
    x, y = coll.axes.transData.transform(centre)
    ratio = canvas.devicePixelRatioF() or 1.0
    point = QPoint(round(x / ratio), round((canvas.figure.bbox.height - y) / ratio))
    assert canvas.rect().contains(point)
    qtbot.mouseMove(canvas, point)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)


def test_click_on_a_top_pattern_lists_exactly_its_events(qtbot, window: MainWindow, demo_db: Database) -> None:
    page = window.pages["dashboard"]
    panel = page.panels["top"]
    coll = panel.chart.bars()[0]
    counts = base.heights_of(coll, horizontal=True)
    label = coll.axes.get_yticklabels()[2].get_text()
    with qtbot.waitSignal(window.session.filter_changed, timeout=5000):
        _press_on(qtbot, panel, coll, 2)
    events = window.pages["events"]
    assert window.stack.currentWidget() is events
    pattern_id = window.session.filter.pattern_id
    assert pattern_id is not None and window.session.filter.pattern is None
    template = demo_db.scalar("SELECT template FROM patterns WHERE id = ?", [pattern_id])
    assert template.startswith(label.rstrip("…"))
    assert any(chip.label.text() == f"Pattern: #{pattern_id}" for chip in events.filter_bar.chips)
    qtbot.waitUntil(lambda: events.model.total is not None, timeout=10_000)
    assert events.model.total == counts[2] > 0
    assert events.count_label.text() == f"{int(counts[2]):,} events"
