"""Availability over a stated period: the filter's, else the last 30 days; never the data's whole span."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.analysis import availability, kpis
from app.domain import timeutil
from app.domain.filters import Filter
from app.incidents import service as svc
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database
from app.ui.dashboard_tiles import KpiTiles

NOW = dt.datetime.now(timeutil.UTC).replace(microsecond=0)
UTC = timeutil.UTC


def _log(path: Path, start: dt.datetime, days: int, word: str) -> Path:
    lines = [f"{(start + dt.timedelta(days=d)):%Y-%m-%d %H:%M:%S} ERROR agent-ws{d} {word} line {d}"
             for d in range(days)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _outage(db: Database, client: str, days_ago: float, minutes: float) -> None:
    svc.create(db, {"title": f"{client} outage", "log_type": "network", "impact": 1, "urgency": 1, "client": client,
                    "opened_at": timeutil.to_iso(NOW - dt.timedelta(days=days_ago)), "downtime_minutes": minutes})


def _ledger(db: Database, tmp_path: Path) -> None:
    """Thirty days of logs and two clients' outages in them (Acme lost 2,009 of 43,200 minutes)."""
    [r] = import_paths(db, [_log(tmp_path / "recent.log", NOW - dt.timedelta(days=29), 29, "recent")],
                       ImportOptions(zone=UTC))
    assert r.ok
    _outage(db, "Acme", 5, 2009)
    _outage(db, "Globex", 3, 60)


def test_an_old_log_does_not_change_availability(qtbot, db: Database, tmp_path: Path) -> None:
    _ledger(db, tmp_path)
    tiles = KpiTiles()
    qtbot.addWidget(tiles)
    tiles.show_kpis(kpis.compute(db, Filter(), UTC, NOW))
    before = tiles.tiles["availability"].value_label.text()

    [r] = import_paths(db, [_log(tmp_path / "old.log", dt.datetime(2005, 6, 1, tzinfo=UTC), 20, "old")],
                       ImportOptions(zone=UTC))
    assert r.ok and db.scalar("SELECT min(ts) FROM events").startswith("2005-06-01")
    tiles.show_kpis(kpis.compute(db, Filter(), UTC, NOW))
    assert tiles.tiles["availability"].value_label.text() == before
    assert before == f"{1 - 2009 / 43200:.2%}" == "95.35%"


def test_tile_names_its_period_and_the_worst_client(qtbot, db: Database, tmp_path: Path) -> None:
    _ledger(db, tmp_path)
    tiles = KpiTiles()
    qtbot.addWidget(tiles)
    tiles.show_kpis(kpis.compute(db, Filter(), UTC, NOW))
    tile = tiles.tiles["availability"]
    assert tile.title_label.text() == "Availability · last 30 days"
    assert tile.detail_label.text() == "worst: Acme (of 2 clients)"
    assert "Acme: 95.35%" in tile.toolTip() and f"Globex: {1 - 60 / 43200:.2%}" in tile.toolTip()
    assert tile.toolTip().index("Acme") < tile.toolTip().index("Globex")

    tiles.show_kpis(kpis.compute(db, Filter(since="7d"), UTC, NOW))
    assert tile.title_label.text() == "Availability · last 7 days"
    assert tile.value_label.text() == f"{1 - 2009 / (7 * 1440):.2%}"


def test_period_is_the_filters_and_outages_are_clipped_to_it(db: Database, tmp_path: Path) -> None:
    _ledger(db, tmp_path)
    _outage(db, "Acme", 400, 90_000)  # a year ago: outside the period
    opened = timeutil.from_iso(db.scalar("SELECT opened_at FROM incidents WHERE title = 'Acme outage' "
                                         "ORDER BY opened_at DESC LIMIT 1"))
    # a one-day window starting one hour into Acme's outage: 1,440 of its 2,009 minutes fall inside
    since = opened + dt.timedelta(hours=1)
    f = Filter(since=timeutil.to_iso(since), until=timeutil.to_iso(since + dt.timedelta(days=1)))
    a = availability.compute(db, f, UTC, NOW)
    assert a.by_client == {"Acme": 0.0}
    assert a.label == availability.date_span(since, since + dt.timedelta(days=1), UTC, NOW)
    assert availability.headline(a).startswith("worst: Acme 0.00% (")


def test_date_span_labels() -> None:
    now = dt.datetime(2026, 12, 2, tzinfo=UTC)
    day = lambda *a: dt.datetime(*a, tzinfo=UTC)  # noqa: E731
    assert availability.date_span(day(2026, 11, 1), day(2026, 12, 1), UTC, now) == "1–30 Nov"
    assert availability.date_span(day(2026, 11, 28), day(2026, 12, 4), UTC, now) == "28 Nov – 3 Dec"
    assert availability.date_span(day(2025, 12, 28), day(2026, 1, 4), UTC, now) == "28 Dec 2025 – 3 Jan 2026"
    assert availability.date_span(day(2005, 6, 1), day(2005, 6, 2), UTC, now) == "1 Jun 2005"
