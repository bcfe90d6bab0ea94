"""Migration 13 (events by pattern) on a file that already holds mined events."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from app.domain import timeutil
from app.domain.filters import Filter
from app.patterns import backfill
from app.store import migrations
from app.store.browse import Browse
from app.store.database import Database


def test_upgrade_keeps_rows_and_serves_the_pattern_drill_down_from_the_index(tmp_path: Path) -> None:
    from app.demo.generator import generate

    previous = max(m.VERSION for m in migrations.MIGRATIONS if m.VERSION < 13)
    path = tmp_path / "old.db"
    db = Database.open(path, migrate=False)
    migrations.upgrade(db, target=previous)
    generate(db, events=1500, seed=3)
    backfill.fill(db)
    db.execute("ANALYZE")
    pid = db.scalar("SELECT pattern_id FROM events WHERE severity >= 4 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    sql = "SELECT id FROM events WHERE pattern_id = ? AND severity >= 4 ORDER BY ts DESC, id DESC"
    before = [r[0] for r in db.execute(sql, [pid])]
    db.close()

    db = Database.open(path, migrate=False)
    migrations.upgrade(db, target=13)  # this migration's own result; schema 16 then moves events to event_data
    indexes = {i.name: i.columns for i in sqlite_utils.Database(db.conn)["events"].indexes}
    assert indexes["events_pattern"] == ["pattern_id", "ts"]
    assert indexes["events_pattern_mix"] == ["pattern_id", "severity", "host", "ts"]
    assert db.scalar("SELECT count(*) FROM sqlite_stat1 WHERE idx LIKE 'events_pattern%'") == 2
    count_sql = "SELECT count(*) FROM events WHERE pattern_id = ? AND severity >= 4"
    plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + count_sql, [pid]))
    assert "COVERING INDEX events_pattern_mix" in plan
    newest = "SELECT id FROM events WHERE pattern_id = ? AND ts >= '2000' ORDER BY ts DESC, id DESC LIMIT 5"
    plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + newest, [pid]))
    assert "COVERING INDEX events_pattern " in plan and "TEMP B-TREE" not in plan
    mix_sql = "SELECT pattern_id, severity, host, count(*) FROM events WHERE pattern_id IS NOT NULL GROUP BY 1, 2, 3"
    plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + mix_sql))
    assert "COVERING INDEX events_pattern_mix" in plan and "TEMP B-TREE" not in plan
    migrations.upgrade(db)
    b = Browse("events", Filter(pattern_id=pid, min_severity="error"), timeutil.UTC)
    assert [r["id"] for r in b.page(db, None, 5000)] == before and before
    assert b.count(db) == len(before)
    assert db.scalar("PRAGMA integrity_check") == "ok"
    db.close()
