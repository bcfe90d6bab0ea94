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


def test_demo_events_have_their_patterns_at_once(run_cli, tmp_path: Path) -> None:
    """``issue-ledger demo`` labels every event as an import does: ``patterns`` has nothing left to mine."""
    import json

    path = tmp_path / "demo.db"
    made = run_cli("--db", path, "demo", "--events", "3000", "--incidents", "20", "--end", "2026-06-01")
    assert made.returncode == 0, made.stderr
    with Database.open(path) as db:
        assert db.scalar("SELECT count(*) FROM events WHERE pattern_id IS NULL") == 0
        assert db.scalar("SELECT sum(count) FROM patterns") == 3000
        assert db.scalar("SELECT sum(count) FROM pattern_days") == 3000
        assert db.scalar("SELECT count(*) FROM pattern_state") == 1
    rebuilt = run_cli("--db", path, "patterns", "--rebuild")
    assert rebuilt.returncode == 0 and rebuilt.stdout.strip() == "0 events given patterns" and not rebuilt.stderr
    listed = run_cli("--db", path, "patterns", "-o", "json", "--limit", "1000")
    rows = json.loads(listed.stdout)
    assert sum(r["count"] for r in rows) == 3000 and len(rows) >= 20
    verified = run_cli("--db", path, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_demo_added_twice_keeps_one_set_of_patterns(tmp_path: Path) -> None:
    """The second demo continues the first one's miner: the same message shape keeps its id."""
    with Database.open(tmp_path / "twice.db") as db:
        generate(db, events=1000, incidents=5, seed=1, end=END)
        first = dict(db.conn.execute("SELECT message, pattern_id FROM events").fetchall())
        generate(db, events=1000, incidents=5, seed=2, end=END)
        second = db.conn.execute("SELECT message, pattern_id FROM events WHERE id > 1000").fetchall()
        assert db.scalar("SELECT count(*) FROM events WHERE pattern_id IS NULL") == 0
        assert db.scalar("SELECT sum(count) FROM patterns") == 2000
    again = [(m, p) for m, p in second if m in first]
    assert again and all(first[m] == p for m, p in again)


def test_unmined_demo_leaves_the_events_to_the_patterns_command(tmp_path: Path) -> None:
    with Database.open(tmp_path / "old.db") as db:
        generate(db, events=500, incidents=5, seed=1, end=END, patterns=False)
        assert db.scalar("SELECT count(*) FROM events WHERE pattern_id IS NULL") == 500
        assert db.scalar("SELECT count(*) FROM patterns") == 0
