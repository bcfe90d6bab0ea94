"""The Patterns page (issue 16): listed from the shared filter, drilled down to its events as a person would."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.filters import Filter
from app.patterns import backfill
from app.store.database import Database
from app.ui.main_window import MainWindow
from app.ui.models.patterns import HEADERS
from tests.window_helpers import open_window


def _patterns_page(qtbot, db: Database):  # type: ignore[no-untyped-def]
    backfill.fill(db)
    window = open_window(qtbot, db)
    page = window.show_page("patterns")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=30_000)
    return window, page


def _pattern_counts(db: Database, where: str = "1") -> dict[int, int]:
    return {int(r["p"]): int(r["n"]) for r in db.rows(
        f"SELECT pattern_id AS p, count(*) AS n FROM events WHERE pattern_id IS NOT NULL AND {where} GROUP BY 1")}


def test_page_lists_every_pattern_with_its_count_trend_mix_and_hosts(qtbot, demo_db: Database) -> None:
    _window, page = _patterns_page(qtbot, demo_db)
    counts = _pattern_counts(demo_db)
    rows = page.model.rows
    assert {r["id"]: r["count"] for r in rows} == counts
    assert [r["count"] for r in rows] == sorted(counts.values(), reverse=True)  # sorted by count by default
    top = rows[0]
    assert sum(top["series"]) == top["count"] == sum(top["severities"].values()) == sum(top["hosts"].values())
    hosts = {r["host"] for r in demo_db.rows("SELECT DISTINCT host FROM events WHERE pattern_id = ?", [top["id"]])}
    assert set(top["hosts"]) == hosts
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "Pattern" and "Trend" in HEADERS
    assert page.model.index(0, 0).data() == top["template"]
    assert page.model.index(0, 2).data() == f"{top['count']:,}"


def test_page_follows_the_shared_filter_and_sorts_by_newness(qtbot, demo_db: Database) -> None:
    window, page = _patterns_page(qtbot, demo_db)
    first = list(page.model.rows)
    with qtbot.waitSignal(page.model.modelReset, timeout=30_000):
        window.session.set_filter(Filter(severities=("error",)))
    assert {r["id"]: r["count"] for r in page.model.rows} == _pattern_counts(demo_db, "severity = 4")
    assert page.model.rows != first
    with qtbot.waitSignal(page.model.modelReset, timeout=30_000):
        page.sort.setCurrentIndex(page.sort.findData("new"))
        page.sort.activated.emit(page.sort.currentIndex())
    flags = [r["new"] for r in page.model.rows]
    assert flags == sorted(flags, reverse=True)


def test_double_click_on_a_pattern_lists_exactly_its_events(qtbot, demo_db: Database) -> None:
    window, page = _patterns_page(qtbot, demo_db)
    row = 2
    pid, count = page.model.rows[row]["id"], page.model.rows[row]["count"]
    table = page.table
    rect = table.visualRect(page.model.index(row, 0))
    with qtbot.waitSignal(window.session.filter_changed, timeout=5000):
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    events = window.pages["events"]
    assert isinstance(window, MainWindow) and window.stack.currentWidget() is events
    assert window.session.filter.pattern_id == pid
    assert any(chip.label.text() == f"Pattern: #{pid}" for chip in events.filter_bar.chips)
    qtbot.waitUntil(lambda: events.model.total is not None, timeout=30_000)
    assert events.model.total == count > 0
    assert events.count_label.text() == f"{count:,} events"
    qtbot.waitUntil(lambda: all(events.model.record_id(r) is not None for r in range(min(events.model.rowCount(), 50))),
                    timeout=10_000)
    shown = [events.model.record_id(r) for r in range(min(events.model.rowCount(), 50))]
    ids = [i for i in shown if i is not None]
    assert ids and {int(r["pattern_id"]) for r in demo_db.rows(
        f"SELECT pattern_id FROM events WHERE id IN ({','.join('?' * len(ids))})", ids)} == {pid}


def test_page_buckets_follow_the_display_zone(qtbot, db: Database) -> None:
    """Settings' zone moves the sparkline's days: an evening in UTC is the next morning in Manila."""
    from zoneinfo import ZoneInfo

    from app.store import events as event_store

    msgs = [(f"2026-11-{d:02d}T02:00:00.000Z", f"Disk full on server {d}") for d in range(20, 30)]
    msgs += [(f"2026-11-29T20:{m:02d}:00.000Z", f"Disk full on server {100 + m}") for m in range(10)]
    with db.transaction():
        event_store.insert_many(db, [(ts, 4, "system", None, "h1", "disk", None, None, m, m, None, None, None, i, 0)
                                     for i, (ts, m) in enumerate(msgs, start=1)])
    window, page = _patterns_page(qtbot, db)
    assert page.model.rows[0]["series"] == [1] * 9 + [11]  # UTC days
    with qtbot.waitSignal(page.model.modelReset, timeout=10_000):
        window.session.set_zone(ZoneInfo("Asia/Manila"))
    qtbot.waitUntil(lambda: page.model.rows and len(page.model.rows[0]["series"]) == 11, timeout=10_000)
    assert page.model.rows[0]["series"] == [1] * 10 + [10]
