"""The store: opening, refusing foreign files, migrations, transactions, the audit chain."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils

from app.domain.jobs import Progress
from app.store import audit, migrations
from app.store.database import Database, UserFacingStoreError


def test_new_database_has_the_schema(db: Database) -> None:
    assert db.user_version == migrations.LATEST
    tables = set(sqlite_utils.Database(db.conn).table_names())
    for name in ("event_data", "event_names", "imports", "import_rejects", "incidents", "incident_events",
                 "audit_log", "settings", "events_fts", "incidents_fts"):
        assert name in tables
    # Events are read through views with the old table's columns (schema 16 stores them compactly).
    assert {"events", "event_rows"} <= set(sqlite_utils.Database(db.conn).view_names())
    assert db.scalar("PRAGMA journal_mode") == "wal"
    assert db.scalar("PRAGMA foreign_keys") == 1
    indexes = {i.name for i in sqlite_utils.Database(db.conn)["event_data"].indexes}
    assert {"events_browse", "events_sev_ts", "events_host", "events_import"} <= indexes


def test_each_migration_applies_from_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "steps.db"
    db = Database.open(path, migrate=False)
    assert db.user_version == 0
    for mod in migrations.MIGRATIONS:
        before = db.user_version
        assert migrations.upgrade(db, target=mod.VERSION) == mod.VERSION
        assert db.user_version == mod.VERSION > before
    db.close()
    # Re-opening a current file changes nothing, and it holds what a new file holds, as written.
    again = Database.open(path)
    fresh = Database.open(tmp_path / "fresh.db")
    assert again.user_version == migrations.LATEST
    assert _schema(again) == _schema(fresh)
    again.close()
    fresh.close()


def _schema(db: Database) -> list[str]:
    """Every table, index and trigger as its SQL text, as sqlite-utils reads it; SQLite's statistics left out."""
    text = sqlite_utils.Database(db.conn, recursive_triggers=False, execute_plugins=False).schema
    return [line for line in text.splitlines() if not line.startswith("CREATE TABLE sqlite_stat")]


def test_text_file_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"shopping list\n")
    with pytest.raises(UserFacingStoreError, match="not an Issue Ledger database"):
        Database.open(path)
    assert path.read_bytes() == b"shopping list\n"


def test_other_sqlite_file_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(UserFacingStoreError, match="another SQLite file"):
        Database.open(path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused_and_left_unchanged(db_path: Path) -> None:
    Database.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version={migrations.LATEST + 5}")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(UserFacingStoreError, match="newer Issue Ledger"):
        Database.open(db_path)
    assert db_path.read_bytes() == before


def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction():
        db.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
        with db.transaction():  # nested joins the outer one
            db.execute("INSERT INTO settings (key, value) VALUES ('b', '2')")
        raise RuntimeError("boom")
    assert db.scalar("SELECT count(*) FROM settings") == 0


def test_audit_chain_verifies_and_names_a_tampered_row(db: Database) -> None:
    for i in range(5):
        audit.append(db, "create", "incident", f"INC-{i}", new={"i": i})
    status = audit.verify(db)
    assert status.ok and status.count == 5
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 3")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.conn.execute("DELETE FROM audit_log WHERE id = 3")
    # An attacker with the file drops the trigger first; verification still catches it.
    db.conn.execute("DROP TRIGGER audit_log_no_update")
    db.conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 3")
    broken = audit.verify(db)
    assert not broken.ok and broken.broken_id == 3


def _memory_pragmas(db: Database) -> tuple[int, int, int]:
    return tuple(int(db.scalar(f"PRAGMA {name}")) for name in ("mmap_size", "cache_size", "temp_store"))  # type: ignore[return-value]


def test_lean_bounds_sqlite_memory_for_one_job_and_puts_the_connection_back(db: Database) -> None:
    browsing = _memory_pragmas(db)
    assert browsing == (268435456, -65536, 2)  # mapped reads, 64 MB cache, sorts in memory
    with db.lean(cache_size=-32000):
        assert _memory_pragmas(db) == (0, -32000, 1)  # unmapped, the cache asked for, sorts spill to a file
    assert _memory_pragmas(db) == browsing
    with db.transaction(), db.lean():
        assert _memory_pragmas(db) == (0, -16000, 2)  # temporary storage cannot move inside a transaction
    assert _memory_pragmas(db) == browsing


def test_an_import_runs_lean_and_leaves_the_connection_as_it_was(db: Database, tmp_path: Path) -> None:
    from app.ingest.service import ImportOptions, import_paths

    log = tmp_path / "auth.log"
    log.write_text("Jun 14 15:16:01 combo sshd[19939]: Accepted password for agent1\n" * 50, encoding="utf-8")
    seen: list[tuple[int, int, int]] = []
    import_paths(db, [log], ImportOptions(), progress=_Recorder(lambda: seen.append(_memory_pragmas(db))))
    assert seen and all(s[0] == 0 and s[2] == 1 for s in seen)  # while rows went in: unmapped, sorts on disk
    assert _memory_pragmas(db) == (268435456, -65536, 2)


class _Recorder(Progress):
    """Runs ``probe`` at every progress report: on the import's own thread, mid-import."""

    def __init__(self, probe: Callable[[], None]) -> None:
        super().__init__()
        self.probe = probe

    def report(self, done: int, total: int, text: str = "") -> None:
        self.probe()
