"""Logic that had two homes now has one.

The readers agree on CSV, charts and timeline on days, all readers on one contract.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from app.analysis import buckets
from app.domain import timeutil
from app.ingest import formats
from app.ingest.clock import Clock
from app.ingest.formats.base import ParseContext
from app.ingest.incidents.reader import read_table
from app.store import events as event_store
from app.store.browse import lean
from app.store.database import LEAN, Database

UTC = dt.UTC


def test_an_incident_sheet_reads_doubled_quotes_as_excel_writes_them(tmp_path: Path) -> None:
    sheet = tmp_path / "tickets.csv"
    sheet.write_text('Number,Title,Priority\nINC-1,"Agent said ""headset dead""",P2\n', encoding="utf-8")
    table = read_table(sheet)
    assert table.rows == [["INC-1", 'Agent said "headset dead"', "P2"]]


def test_an_incident_sheet_takes_the_separator_its_header_uses_most(tmp_path: Path) -> None:
    sheet = tmp_path / "tickets.csv"  # a semicolon export whose last column name holds a comma
    sheet.write_text("Number;Title;Client, Site\nINC-1;VPN down;Acme, Manila\n", encoding="utf-8")
    table = read_table(sheet)
    assert table.headers == ["Number", "Title", "Client, Site"]
    assert table.rows == [["INC-1", "VPN down", "Acme, Manila"]]


@pytest.mark.parametrize("zone_name", ["America/Santiago", "America/Havana", "Asia/Beirut"])  # clocks skip midnight
def test_a_day_starts_at_the_same_moment_in_the_charts_and_the_timeline(zone_name: str) -> None:
    zone = timeutil.get_zone(zone_name)
    moment = dt.datetime(2026, 1, 1, tzinfo=UTC)
    while moment < dt.datetime(2027, 1, 1, tzinfo=UTC):
        chart_day = buckets.floor(moment, "day", zone)
        assert timeutil.to_iso(chart_day) == event_store.local_day_start(timeutil.to_iso(moment), zone)
        assert chart_day <= moment < buckets.next_start(chart_day, "day", zone)
        assert chart_day.astimezone(zone).date() == moment.astimezone(zone).date()
        moment += dt.timedelta(hours=5)


def test_a_day_whose_midnight_the_clock_skips_starts_when_the_clock_resumes() -> None:
    zone = timeutil.get_zone("America/Santiago")  # 2026-09-06 00:00 -04 became 01:00 -03
    days = buckets.starts_between(dt.datetime(2026, 9, 5, 12, tzinfo=UTC), dt.datetime(2026, 9, 8, tzinfo=UTC),
                                  "day", zone)
    assert [d.astimezone(zone).strftime("%d %H:%M") for d in days] == ["05 00:00", "06 01:00", "07 00:00"]
    assert [(b - a).total_seconds() / 3600 for a, b in itertools.pairwise(days)] == [24, 23]


def _reader(name: str, tmp_path: Path) -> object:
    sample = {"csv": ["time,level,message", "2026-11-01 10:00:00,INFO,up"],
              "json": ['{"time": "2026-11-01T10:00:00Z", "message": "up"}'],
              "journal": ['{"__REALTIME_TIMESTAMP": "1761991200000000", "MESSAGE": "up"}'],
              "generic": ["2026-11-01 10:00:00 up", "2026-11-01 10:00:01 down"]}.get(name, [])
    ctx = ParseContext(clock=Clock(UTC, 2026, dt.datetime(2026, 12, 1, tzinfo=UTC)), sample=sample,
                       path=tmp_path / "x.log", file_time="2026-11-01T10:00:00.000Z")
    return formats.make(name, ctx)


@pytest.mark.parametrize("name", list(formats.FORMATS))
def test_every_reader_answers_what_the_importer_asks_without_probing(name: str, tmp_path: Path) -> None:
    parser = _reader(name, tmp_path)
    assert isinstance(parser.row_flags, int)  # type: ignore[attr-defined]
    assert isinstance(parser.infers_severity, bool)  # type: ignore[attr-defined]
    assert isinstance(parser.position, int)  # type: ignore[attr-defined]
    assert list(parser.notes) == []  # type: ignore[attr-defined]
    assert isinstance(parser.shown_mapping(), dict)  # type: ignore[attr-defined]
    assert isinstance(parser.shown_columns(), list)  # type: ignore[attr-defined]


def test_the_preview_shows_a_csv_readers_columns_and_mapping(tmp_path: Path) -> None:
    parser = _reader("csv", tmp_path)
    assert parser.shown_columns() == ["time", "level", "message"]  # type: ignore[attr-defined]
    assert parser.shown_mapping() == {"time": "time", "level": "level", "message": "message"}  # type: ignore[attr-defined]


def test_window_connections_and_one_job_lean_mode_bound_memory_alike(db_path: Path) -> None:
    window = lean(Database.open(db_path))
    try:
        assert int(window.scalar("PRAGMA mmap_size")) == LEAN["mmap_size"]
        assert int(window.scalar("PRAGMA cache_size")) == LEAN["cache_size"]
    finally:
        window.close()
