"""Migration 8 (the covering client index) on a file that already holds events."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from app.domain import timeutil
from app.domain.filters import Filter
from app.store import migrations
from app.store.browse import Browse
from app.store.database import Database


def test_upgrade_from_previous_version_keeps_rows_and_covers_client_filters(tmp_path: Path) -> None:
    from app.demo.generator import generate

    previous = max(m.VERSION for m in migrations.MIGRATIONS if m.VERSION < 8)
    path = tmp_path / "old.db"
    db = Database.open(path, migrate=False)
    migrations.upgrade(db, target=previous)
    generate(db, events=1500, seed=3)
    db.execute("ANALYZE")
    client = db.scalar("SELECT client FROM events WHERE client IS NOT NULL LIMIT 1")
    site = db.scalar("SELECT site FROM events WHERE client = ? LIMIT 1", [client])
    sql = "SELECT id FROM events WHERE client = ? AND site = ? AND log_type = 'system' ORDER BY ts DESC, id DESC"
    before = [r[0] for r in db.execute(sql, [client, site])]
    db.close()

    db = Database.open(path, migrate=False)
    migrations.upgrade(db, target=8)  # this migration's own result; schema 16 then moves events to event_data
    indexes = {i.name: i.columns for i in sqlite_utils.Database(db.conn)["events"].indexes}
    assert "events_client" not in indexes
    assert indexes["events_client_browse"] == [
        "client", "ts", "id", "log_type", "severity", "site", "host", "component"]
    assert db.scalar("SELECT count(*) FROM sqlite_stat1 WHERE idx = 'events_client_browse'") == 1
    plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, [client, site]))
    assert "COVERING INDEX events_client_browse" in plan
    f = Filter(clients=(client,), sites=(site,), log_types=("system",))
    migrations.upgrade(db)
    b = Browse("events", f, timeutil.UTC)
    assert [r["id"] for r in b.page(db, None, 5000)] == before and before
    assert b.count(db) == len(before)
    assert db.scalar("PRAGMA integrity_check") == "ok"
    db.close()
