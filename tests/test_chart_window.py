"""Old data beside new: the trend and the timeline default to the 30 days ending at the newest event.

A 2005 import next to this month's events used to leave both as a sliver at the
right edge of a 21-year axis; "All time" still shows both years, with the empty
years marked rather than drawn as hundreds of empty bars.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.analysis import series
from app.domain import timeutil
from app.domain.chart_window import DEFAULT_DAYS
from app.domain.filters import Filter
from app.store import events as event_store
from app.store.database import Database

ZONE = timeutil.get_zone("Asia/Manila")
OLD = [f"2005-03-0{d}T08:00:00.000Z" for d in range(1, 6)]
NEW = [f"2026-11-{d:02d}T09:30:00.000Z" for d in range(10, 30)]


def add_old_and_new(db: Database) -> None:
    rows = [(s, 4, "application", None, "h1", "c", None, None, f"message {i}", None, "Acme", "A", None, i, 0)
            for i, s in enumerate(OLD + NEW)]
    with db.transaction():
        event_store.insert_many(db, rows)


def test_trend_defaults_to_the_last_30_days_that_have_events(db: Database) -> None:
    add_old_and_new(db)
    data = series.trend(db, Filter(), ZONE)
    assert data.total == len(NEW)
    assert data.size == "day"
    assert data.starts[0] >= dt.datetime(2026, 10, 29, tzinfo=dt.UTC) - dt.timedelta(days=1)
    assert data.ends[-1] >= timeutil.from_iso(NEW[-1])
    assert data.earliest == timeutil.from_iso(OLD[0])  # what "All time" would add


def test_trend_all_time_shows_both_years_and_marks_the_gap(db: Database) -> None:
    add_old_and_new(db)
    data = series.trend(db, Filter(), ZONE, all_time=True)
    assert data.total == len(OLD) + len(NEW)
    years = {s.astimezone(ZONE).year for j, s in enumerate(data.starts) if any(v[j] for v in data.series.values())}
    assert years == {2005, 2026}
    assert data.earliest is None
    assert data.size == "day"  # bars sized by the time that has events, not by 21 years
    assert [len(r) for r in data.islands()] == [5, 20]
    gaps = data.gaps()
    assert len(gaps) == 1
    start, end = gaps[0]
    assert start.year == 2005 and end.year == 2026


def test_a_filter_with_a_time_range_is_drawn_as_asked(db: Database) -> None:
    add_old_and_new(db)
    data = series.trend(db, Filter(since="2005-01-01T00:00:00.000Z", until="2005-12-31T00:00:00.000Z"), ZONE)
    assert data.total == len(OLD)
    assert data.earliest is None


def test_the_window_holds_only_events_older_than_30_days_still_draws_them(db: Database) -> None:
    # only the 2005 import: the window ends at its newest event, never at today
    rows = [(s, 3, "system", None, "h", "c", None, None, "m", None, None, None, None, i, 0) for i, s in enumerate(OLD)]
    with db.transaction():
        event_store.insert_many(db, rows)
    assert series.trend(db, Filter(), ZONE).total == len(OLD)
    assert sum(map(sum, event_store.histogram(db, Filter(), ZONE)["counts"].values())) == len(OLD)


def test_timeline_defaults_to_the_window_and_all_time_shows_2005(db: Database) -> None:
    add_old_and_new(db)
    data = event_store.histogram(db, Filter(), ZONE)
    assert sum(map(sum, data["counts"].values())) == len(NEW)
    assert min(data["counts"]) >= "2026-10"
    assert data["earliest"] == OLD[0]
    everything = event_store.histogram(db, Filter(), ZONE, all_time=True)
    assert sum(map(sum, everything["counts"].values())) == len(OLD) + len(NEW)
    assert min(everything["counts"]) < "2006" and max(everything["counts"]) > "2026"
    assert everything["earliest"] is None


def test_window_length() -> None:
    assert DEFAULT_DAYS == 30


def test_cli_chart_all_time_labels_both_years(run_cli, db: Database, tmp_path: Path) -> None:
    add_old_and_new(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    default, everything = tmp_path / "t.svg", tmp_path / "all.svg"
    result = run_cli("--db", db.path, "--tz", "Asia/Manila", "chart", "trend", default)
    assert result.returncode == 0, result.stderr
    assert "local time, 2026 (Asia/Manila)" in default.read_text(encoding="utf-8")
    result = run_cli("--db", db.path, "--tz", "Asia/Manila", "chart", "trend", everything, "--all-time")
    assert result.returncode == 0, result.stderr
    text = everything.read_text(encoding="utf-8")
    assert "local time, 2005 (Asia/Manila)" in text and "local time, 2026 (Asia/Manila)" in text


def test_events_timeline_shows_this_month_and_all_time_folds_the_years_between(qtbot, db: Database) -> None:
    from PySide6.QtCore import Qt

    from app.ui.pages.events import EventsPage
    from app.ui.session import Session

    add_old_and_new(db)
    page = EventsPage(Session(db, ZONE))
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitUntil(lambda: bool(page.timeline.buckets), timeout=10_000)
    bars = page.timeline.buckets
    assert sum(sum(c or ()) for _, c in bars) == len(NEW)
    assert bars[-1][0].year == 2026 and bars[0][0] >= dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    assert page.all_time_button.text() == "All time (from 2005-03-01)"
    qtbot.mouseClick(page.all_time_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sum(sum(c or ()) for _, c in page.timeline.buckets) == len(OLD) + len(NEW),
                    timeout=10_000)
    bars = page.timeline.buckets
    assert bars[0][0].year == 2005 and bars[-1][0].year == 2026
    gaps = [when for when, c in bars if c is None]
    assert len(gaps) == 1 and len(bars) < 60  # 21 empty years are one hatched bar, not 7,000 empty days
    assert page.all_time_button.text() == "All time"
    page.model.wait()


def test_dashboard_trend_has_this_month_and_all_time_has_both_years(qtbot, db: Database) -> None:
    from PySide6.QtCore import Qt

    from app.charts import base
    from app.ui import workers
    from app.ui.main_window import MainWindow
    from app.ui.session import Session

    add_old_and_new(db)
    win = MainWindow(Session(db, ZONE))
    qtbot.addWidget(win)
    win.resize(1400, 900)
    page = win.page("dashboard")
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        win.show()
    chart = page.panels["trend"].chart
    assert sum(sum(base.heights_of(c)) for c in chart.bars()) == len(NEW)
    assert "2026" in chart.figure.axes[0].get_xlabel() and "2005" not in chart.figure.axes[0].get_xlabel()
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        qtbot.mouseClick(page.all_time_button, Qt.MouseButton.LeftButton)
    chart = page.panels["trend"].chart
    assert sum(sum(base.heights_of(c)) for c in chart.bars()) == len(OLD) + len(NEW)
    # a broken axis: 2005 and 2026 side by side, the 21 years between cut out and labelled
    assert [a.get_xlabel() for a in chart.figure.axes] == ["local time, 2005 (Asia/Manila)",
                                                          "local time, 2026 (Asia/Manila)"]
    assert any("no events for 21.7 years" in t.get_text() for t in chart.figure.axes[1].texts)
    workers.wait_all()
