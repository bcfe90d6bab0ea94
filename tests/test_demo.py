"""Demo data: deterministic, complete vocabulary, every incident status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.demo.generator import generate
from app.domain.vocab import LOG_TYPES, SEVERITIES, STATUSES
from app.store import audit
from app.store.database import Database
from app.store.stats import summary

END = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def _fingerprint(path: Path) -> list[tuple[object, ...]]:
    with Database.open(path) as db:
        return db.conn.execute("SELECT ts, severity, log_type, host, message FROM events ORDER BY id").fetchall()


def test_same_seed_same_data(tmp_path: Path) -> None:
    for name in ("a.db", "b.db"):
        with Database.open(tmp_path / name) as db:
            generate(db, events=3000, seed=5, end=END)
    assert _fingerprint(tmp_path / "a.db") == _fingerprint(tmp_path / "b.db")
    with Database.open(tmp_path / "c.db") as db:
        generate(db, events=3000, seed=6, end=END)
    assert _fingerprint(tmp_path / "c.db") != _fingerprint(tmp_path / "a.db")


def test_demo_covers_the_vocabulary(demo_db: Database) -> None:
    data = summary(demo_db)
    assert data["events"] == 5000
    assert all(data["events_by_log_type"][t] > 0 for t in LOG_TYPES)
    assert all(data["events_by_severity"][s] > 0 for s in SEVERITIES)
    assert all(data["incidents_by_status"][s] > 0 for s in STATUSES)
    assert 190 <= data["incidents"] <= 210
    clients = {r[0] for r in demo_db.conn.execute("SELECT DISTINCT client FROM events")}
    assert len(clients) >= 3
    span = demo_db.conn.execute("SELECT min(ts), max(ts) FROM events").fetchone()
    first, last = (dt.datetime.fromisoformat(s.replace("Z", "+00:00")) for s in span)
    assert (last - first).days >= 58
    assert all(s.endswith("Z") and len(s) == 24 for (s,) in demo_db.conn.execute("SELECT ts FROM events LIMIT 50"))


def test_demo_has_a_daily_rhythm_and_outages(demo_db: Database) -> None:
    per_hour = dict(demo_db.conn.execute("SELECT substr(ts, 12, 2), count(*) FROM events GROUP BY 1").fetchall())
    # The floors work UTC+8: 10:00 local is 02 UTC, 03:00 local is 19 UTC.
    assert per_hour["02"] > 3 * per_hour["19"]
    p1_linked = demo_db.scalar(
        "SELECT count(DISTINCT incident_id) FROM incident_events JOIN incidents ON incidents.id = incident_id"
        " WHERE priority = 1")
    assert p1_linked >= 2


def test_demo_writes_a_valid_audit_chain(demo_db: Database) -> None:
    status = audit.verify(demo_db)
    assert status.ok and status.count > 200


def test_demo_added_twice_continues_the_incident_numbers(tmp_path: Path) -> None:
    with Database.open(tmp_path / "twice.db") as db:
        generate(db, events=500, incidents=20, seed=1, end=END)
        generate(db, events=500, incidents=20, seed=2, end=END)
        numbers = [r[0] for r in db.conn.execute("SELECT number FROM incidents ORDER BY number")]
        assert len(numbers) == 40 and numbers[-1] == "INC-000040"
        assert audit.verify(db).ok
