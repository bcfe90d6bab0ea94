"""Charts drawn by the dashboard's matplotlib thread are shown as drawn: the GUI thread does not draw them again."""

from __future__ import annotations

from app.domain.filters import Filter
from app.store import aggregates
from app.store.database import Database
from app.ui import workers
from app.ui.main_window import MainWindow
from dashboard_helpers import NOW, ZONE, window  # noqa: F401 - window is a fixture


def test_worker_pictures_are_painted_without_a_second_draw(window: MainWindow) -> None:
    page = window.pages["dashboard"]
    for kind, panel in page.panels.items():
        canvas = panel.canvas
        assert canvas.prerendered, f"{kind} was drawn again on the GUI thread"
        assert (canvas.width(), canvas.height()) == canvas.get_width_height() == panel.chart.size
        shown = bytes(canvas.buffer_rgba())
        canvas.draw()  # what the GUI thread would have drawn
        assert not canvas.prerendered
        assert bytes(canvas.buffer_rgba()) == shown, kind


def test_a_resized_panel_draws_its_chart_at_the_new_size(qtbot, window: MainWindow) -> None:
    panel = window.pages["dashboard"].panels["trend"]
    before = panel.canvas.get_width_height()
    window.resize(1100, 900)
    qtbot.waitUntil(lambda: panel.canvas.get_width_height() != before, timeout=5000)
    qtbot.waitUntil(lambda: not panel.canvas.prerendered, timeout=5000)
    qtbot.waitUntil(lambda: panel.canvas.renderer.get_canvas_width_height() == panel.canvas.get_width_height(),
                    timeout=5000)
    assert panel.canvas.get_width_height() == (panel.canvas.width(), panel.canvas.height())


def test_has_rows(db: Database, demo_db: Database) -> None:
    assert not aggregates.has_rows(db)
    assert aggregates.has_rows(demo_db)


def test_wait_all_waits_for_named_pools(qtbot) -> None:
    import time

    done: list[int] = []
    workers.start(lambda _p: (time.sleep(0.2), done.append(1)), parent=None, pool=workers.pool("test-pool", 1))
    assert workers.wait_all()
    assert done == [1]


def test_sampled_message_counts_mask_digits_as_sql_does(demo_db: Database) -> None:
    """The sample is masked in Python (one translate); counts equal SQL's digit mask, NUL bytes included."""
    from app.store import events as event_store

    row = ("2026-11-30T03:00:00.000Z", 4, "network", None, "h", "sip", None, None, "odd\x00message 42", None,
           "Acme Telecom", "Manila Site A", None, 1, 0)
    for with_nul in (False, True):
        if with_nul:
            with demo_db.transaction():
                event_store.insert_many(demo_db, [row])
        expected = {m: n for m, n in demo_db.execute(
            f"SELECT {aggregates.DIGIT_MASK_SQL} AS m, count(*) FROM events e "
            f"WHERE (e.id - 1) % 200 < {aggregates.SAMPLE_BLOCK} GROUP BY m")}
        got = aggregates.message_counts(demo_db, Filter(), ZONE, every=2)
        assert dict(got) == expected and len(got) == len(expected)
        network = {m: n for m, n in demo_db.execute(
            f"SELECT {aggregates.DIGIT_MASK_SQL} AS m, count(*) FROM events e "
            f"WHERE (e.id - 1) % 200 < {aggregates.SAMPLE_BLOCK} AND e.log_type = 'network' GROUP BY m")}
        assert dict(aggregates.message_counts(demo_db, Filter(log_types=("network",)), ZONE, every=2)) == network


def test_a_theme_change_redraws_in_the_drawing_thread(qtbot, window: MainWindow) -> None:
    from PySide6.QtGui import QColor, QPalette

    page = window.pages["dashboard"]
    old = {kind: panel.chart for kind, panel in page.panels.items()}
    dark = QPalette()
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        dark.setColor(role, QColor("#1e1f22"))
    page.setPalette(dark)
    qtbot.waitUntil(lambda: all(p.chart is not old[k] for k, p in page.panels.items()), timeout=10_000)
    qtbot.wait(50)
    for kind, panel in page.panels.items():
        assert panel.chart.theme == "dark", kind
        assert panel.canvas.prerendered, kind
