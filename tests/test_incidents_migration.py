"""Migration 3 (index on incidents' external key) on a file that already holds incidents."""

from __future__ import annotations

from pathlib import Path

from app.store import incidents as store, migrations
from app.store.database import Database


def test_upgrade_keeps_incidents_and_indexes_the_key(tmp_path: Path) -> None:
    from app.demo.generator import generate

    previous = max(m.VERSION for m in migrations.MIGRATIONS if m.VERSION < 3)
    path = tmp_path / "old.db"
    db = Database.open(path, migrate=False)
    migrations.upgrade(db, target=previous)
    generate(db, events=500, incidents=40, seed=5)
    keys = {r[0]: r[1] for r in db.execute("SELECT external_key, number FROM incidents WHERE external_key IS NOT NULL")}
    db.close()

    db = Database.open(path)
    assert db.user_version >= 3
    plan = " ".join(r[3] for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT number FROM incidents WHERE external_key IN (?, ?)", ("a", "b")))
    assert "incidents_external_key" in plan
    assert keys and store.existing_external_keys(db, keys) == keys
    assert db.scalar("SELECT count(*) FROM incidents") == 40
    db.close()
