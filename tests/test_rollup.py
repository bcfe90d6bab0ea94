"""The hourly rollup (schema 21) answers counts and chart buckets exactly as counting the rows does."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.zone_spans import offset_spans
from app.store import aggregates, events as event_store, imports, migrations, retention, rollup
from app.store.browse import Browse
from app.store.database import Database
from app.store.filter_sql import event_where
from app.store.local_time import sql_bucket

TYPES = ("system", "network", "security")
HOSTS = ("h1", "h2", "h3", None)
CLIENTS = ("Acme", "Globex", None)
SITES = ("A", "B", None)
START = dt.datetime(2026, 3, 5, tzinfo=dt.UTC)  # New York's clocks change on March 8


def _import(db: Database, name: str, status: str = "complete") -> int:
    with db.transaction():
        cur = db.execute("INSERT INTO imports (file, status, started_at, options) VALUES (?, ?, ?, ?)",
                         (name, status, timeutil.now_iso(), json.dumps({"first_event": 10**9})))
    return int(cur.lastrowid or 0)


def _rows(rnd: random.Random, n: int, import_id: int | None) -> list[tuple[object, ...]]:
    out = []
    for i in range(n):
        when = START + dt.timedelta(milliseconds=rnd.randrange(0, 7 * 86_400_000))
        out.append((timeutil.to_iso(when), rnd.randrange(6), rnd.choice(TYPES), None, rnd.choice(HOSTS), "c", None,
                    None, f"message {i}", None, rnd.choice(CLIENTS), rnd.choice(SITES), import_id, i, 0))
    out.sort(key=lambda r: str(r[0]))
    return out


def _fill(db: Database, seed: int = 7) -> random.Random:
    rnd = random.Random(seed)
    for name in ("a.log", "b.log"):
        import_id = _import(db, name)
        with db.transaction():
            event_store.insert_many(db, _rows(rnd, 1500, import_id))
    with db.transaction():
        event_store.insert_many(db, _rows(rnd, 300, None))
    return rnd


def _table(db: Database) -> set[tuple[int, ...]]:
    return {tuple(r) for r in db.execute("SELECT * FROM event_rollup WHERE n != 0")}


def _regrouped(db: Database) -> set[tuple[int, ...]]:
    return {tuple(r) for r in db.execute(f"SELECT {rollup.key_sql('e')}, count(*) FROM event_data e"
                                         " GROUP BY 1, 2, 3, 4, 5, 6, 7")}


def _raw_count(db: Database, f: Filter, zone: dt.tzinfo) -> int:
    w = event_where(f, zone, alias="e")
    return int(db.scalar(f"SELECT count(*) FROM event_data e WHERE {w.sql()}", w.params))


def _random_filter(rnd: random.Random) -> Filter:
    def some(values: tuple[str | None, ...]) -> tuple[str, ...]:
        named = [v for v in values if v is not None] + ["nobody"]
        return tuple(rnd.sample(named, rnd.randrange(0, 3))) if rnd.random() < 0.4 else ()

    fields: dict[str, object] = {"log_types": tuple(rnd.sample(TYPES, rnd.randrange(0, 2))) if rnd.random() < 0.4
                                 else (), "hosts": some(HOSTS), "clients": some(CLIENTS), "sites": some(SITES)}
    if rnd.random() < 0.3:
        fields["min_severity"] = rnd.choice(("info", "warning", "error"))
    elif rnd.random() < 0.3:
        fields["severities"] = tuple(rnd.sample(("debug", "notice", "critical"), 2))
    for bound in ("since", "until"):
        if rnd.random() < 0.6:
            moment = START + dt.timedelta(milliseconds=rnd.randrange(-86_400_000, 8 * 86_400_000))
            if rnd.random() < 0.3:
                moment = moment.replace(minute=0, second=0, microsecond=0)
            fields[bound] = timeutil.to_iso(moment)
    return Filter(**fields)  # type: ignore[arg-type]


def test_counts_equal_the_rows_on_random_filters(db: Database) -> None:
    rnd = _fill(db)
    assert _table(db) == _regrouped(db)
    answered = 0
    for _ in range(150):
        f = _random_filter(rnd)
        zone = rnd.choice((dt.UTC, ZoneInfo("Asia/Kolkata")))
        got = rollup.count(db, f, zone)
        answered += got is not None
        assert Browse("events", f, zone).count(db) == _raw_count(db, f, zone), f
        assert (Browse("events", f, zone).page(db, limit=5) == []) == (_raw_count(db, f, zone) == 0), f
    assert answered > 100  # the rollup answered, not the fallback


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Manila", "Asia/Kolkata"])
@pytest.mark.parametrize("by", [None, "severity", "type", "client"])
def test_chart_buckets_equal_the_rows(db: Database, tz: str, by: str | None) -> None:
    rnd = _fill(db, seed=len(tz))
    zone = ZoneInfo(tz)
    answered = 0
    for size in ("hour", "day", "week"):
        for _ in range(6):
            f = _random_filter(rnd)
            start, end = START - dt.timedelta(days=2), START + dt.timedelta(days=9)
            spans = offset_spans(zone, start, end)
            raw = aggregates.event_buckets(db, f, zone, sql_bucket(size, spans, "e.t", ms=True), by)
            fast = rollup.buckets(db, f, zone, size, spans, by)
            if tz == "Asia/Kolkata":
                assert fast is None  # half-hour offset: hours of UTC straddle its buckets
                continue
            if fast is None:  # only when the range holds no whole hour
                assert f.since and f.until and f.until[:13] <= f.since[:13]
                continue
            answered += 1
            assert sorted(fast, key=repr) == sorted(raw, key=repr), (size, f)
    assert answered >= (0 if tz == "Asia/Kolkata" else 12)


def test_every_write_path_keeps_the_rollup_exact(db: Database) -> None:
    _fill(db)
    with db.transaction():  # through the events view: insert, update (moved in time and host), delete
        db.execute("INSERT INTO events (ts, severity, log_type, host, message, client, flags)"
                   " VALUES ('2026-03-06T10:15:00.000Z', 4, 'network', 'h9', 'by hand', 'Acme', 0)")
        db.execute("UPDATE events SET ts = '2026-03-07T01:00:00.000Z', host = 'h1' WHERE id = 5")
        db.execute("DELETE FROM events WHERE id = 9")
    assert _table(db) == _regrouped(db)
    with db.transaction():  # a retention purge
        retention.delete_events_batch(db, list(range(100, 400)))
    assert _table(db) == _regrouped(db)
    first = int(db.scalar("SELECT min(id) FROM imports"))
    imports.delete(db, first)  # removing an import (its events go by cascade too)
    assert _table(db) == _regrouped(db)
    assert not db.scalar("SELECT sum(n) FROM event_rollup WHERE import_id = ?", (first,))
    assert Browse("events", Filter(), dt.UTC).count(db) == _raw_count(db, Filter(), dt.UTC)


def test_a_running_import_stays_hidden(db: Database) -> None:
    _fill(db)
    before = Browse("events", Filter(log_types=("system",)), dt.UTC).count(db)
    running = _import(db, "c.log", status="running")
    first = int(db.scalar("SELECT max(id) FROM event_data")) + 1
    with db.transaction():
        db.execute("UPDATE imports SET options = ? WHERE id = ?", (json.dumps({"first_event": first}), running))
        event_store.insert_many(db, _rows(random.Random(3), 200, running))
    assert rollup.count(db, Filter(), dt.UTC) is None  # counted from the rows while it runs
    assert Browse("events", Filter(log_types=("system",)), dt.UTC).count(db) == before
    assert _table(db) == _regrouped(db)


def test_migration_fills_the_rollup_from_existing_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rollup, "FILL_STEP", 700)  # several ranges of ids, each hour's counts added up
    path = tmp_path / "old.db"
    db = Database.open(path, migrate=False)
    migrations.upgrade(db, target=19)
    assert not rollup.has_rollup(db)
    _fill(db)
    migrations.upgrade(db)
    assert db.user_version >= rollup.ROLLUP_SINCE
    assert _table(db) == _regrouped(db) and _table(db)
    with db.transaction():
        db.execute("INSERT INTO events (ts, severity, log_type, message, flags)"
                   " VALUES ('2026-03-06T10:15:00.000Z', 1, 'system', 'after', 0)")
    assert _table(db) == _regrouped(db)
    db.close()


def test_retention_groups_equal_the_rows(db: Database) -> None:
    _fill(db)
    with db.transaction():  # the oldest event of a group goes: its group's oldest time moves on
        retention.delete_events_batch(db, [int(db.scalar("SELECT id FROM event_data ORDER BY t LIMIT 1"))])
    old = [(r[0], r[1], int(r[2]), int(r[3]), r[4]) for r in db.execute(
        "SELECT log_type, client, severity, count(*), min(ts) FROM events GROUP BY log_type, client, severity")]
    assert retention.event_groups(db) == old and len(old) > 20


@pytest.mark.parametrize("kind", ["host", "component"])
def test_what_changed_counts_by_id_equal_the_named_rows(db: Database, kind: str) -> None:
    from app.store import change_counts

    _fill(db)
    with db.transaction():
        db.execute("UPDATE event_data SET component_id = (SELECT id FROM event_names WHERE name = 'h1')"
                   " WHERE id % 3 = 0")
    spans = [("2026-03-05T06:00:00.000Z", "2026-03-05T09:30:00.000Z"),
             ("2026-03-06T06:00:00.000Z", "2026-03-06T09:30:00.000Z"), ("2026-03-08T00:00:00.000Z",
                                                                      "2026-03-09T00:00:00.000Z")]
    expected: dict[str, list[int]] = {}
    for i, (lo, hi) in enumerate(spans):
        for key, n in db.execute(f"SELECT {kind}, count(*) FROM events WHERE ts >= ? AND ts < ? AND {kind} != ''"
                                 f" GROUP BY 1", (lo, hi)):
            expected.setdefault(key, [0] * len(spans))[i] = n
    got = change_counts.span_counts(db, kind, spans)
    assert got == expected and list(got) == sorted(got) and len(got) >= 2


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("by", ["severity", "client"])
def test_walked_chart_buckets_equal_the_walk(db: Database, monkeypatch: pytest.MonkeyPatch, tz: str,
                                             by: str) -> None:
    from app.store import time_counts

    rnd = _fill(db, seed=5)
    zone = ZoneInfo(tz)
    for size in ("hour", "day"):
        for _ in range(8):
            f = Filter(**{k: v for k, v in _random_filter(rnd).to_dict().items()  # type: ignore[arg-type]
                          if k in ("since", "until", "severities", "min_severity", "clients")})
            f = Filter.from_dict(f.to_dict())
            start = START + dt.timedelta(minutes=rnd.randrange(-3000, 3000))
            end = start + dt.timedelta(hours=rnd.randrange(1, 200))
            got = time_counts.bucket_counts(db, f, zone, size, start, end, by)
            with monkeypatch.context() as m:
                m.setattr(rollup, "buckets", lambda *args, **kwargs: None)
                walked = time_counts.bucket_counts(db, f, zone, size, start, end, by)
            assert got == walked, (f, size, start, end)


def test_distinct_clients_equal_the_rows(db: Database) -> None:
    _fill(db)
    raw = {c for (c,) in db.execute("SELECT DISTINCT client FROM events WHERE client IS NOT NULL")}
    assert rollup.client_names(db) is not None
    assert sorted(aggregates.distinct_clients(db)) == sorted(raw) == ["Acme", "Globex"]


def test_an_imported_files_rows_are_counted_in_the_rollup(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The importer's own write path (rows prepared by the parse step) keeps the hourly counts too."""
    import datetime as dt

    from app.ingest.service import ImportOptions, import_paths
    from app.store.database import Database

    log = tmp_path / "a.log"
    log.write_text("".join(f"Dec  1 {h:02d}:{m:02d}:00 web0{m % 3} app[1]: step {m} failed\n"
                           for h in range(5) for m in range(40)), encoding="utf-8")
    with Database.open(tmp_path / "l.db") as db:
        [result] = import_paths(db, [log], ImportOptions(zone=dt.UTC, zone_name="UTC", year=2026))
        assert result.ok, result.message
        assert db.scalar("SELECT sum(n) FROM event_rollup") == db.scalar("SELECT count(*) FROM event_data") == 200
