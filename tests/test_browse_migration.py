"""Migration 4 (the covering browse index) on a file that already holds events."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from app.domain import timeutil
from app.domain.filters import Filter
from app.store import migrations
from app.store.browse import Browse
from app.store.database import Database


def test_upgrade_from_previous_version_keeps_rows_and_adds_index(tmp_path: Path) -> None:
    from app.demo.generator import generate

    previous = max(m.VERSION for m in migrations.MIGRATIONS if m.VERSION < 4)
    path = tmp_path / "old.db"
    db = Database.open(path, migrate=False)
    migrations.upgrade(db, target=previous)
    generate(db, events=1500, seed=3)
    before = [r[0] for r in db.execute("SELECT id FROM events WHERE site = 'Manila Site B' ORDER BY ts DESC, id DESC")]
    db.close()

    db = Database.open(path, migrate=False)
    migrations.upgrade(db, target=4)  # this migration's own result; schema 16 then moves events to event_data
    indexes = {i.name: i.columns for i in sqlite_utils.Database(db.conn)["events"].indexes}
    assert indexes["events_browse"] == ["ts", "id", "log_type", "severity", "client", "site", "host", "component"]
    migrations.upgrade(db)
    b = Browse("events", Filter(sites=("Manila Site B",)), timeutil.UTC)
    assert [r["id"] for r in b.page(db, None, 5000)] == before and before
    assert db.scalar("PRAGMA integrity_check") == "ok"
    db.close()
