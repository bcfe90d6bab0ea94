"""SQL for imports, their rejected lines, bulk loading, and the import rules.

An import's ``imports`` row is committed first as ``running``; its events are
then committed in short steps (so other writers never wait long) and stay
invisible to every read (``app.store.visibility``) until the last short
transaction flips the status to ``complete`` with the final counts. So an import
is either whole or absent: a failed, cancelled or killed one has its rows removed
(``discard``, or ``recover_interrupted`` for a process that is gone).
Imports take turns (``wait_turn``), which keeps a running import's ids contiguous.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from app.domain import timeutil
from app.store import patterns
from app.store.database import Database, UserFacingStoreError, write_wait_seconds
from app.store.event_sql import stored_table
from app.store.settings import HOST_RULES, LOG_TYPE_RULES

BULK_MIN_ROWS = 50_000  # below this the trigger and indexes cost less than rebuilding them
FTS_BULK_HASH = 64 << 20  # FTS5 'hashsize' while building the full-text rows of a bulk load
FTS_DEFAULT_HASH = 1 << 20  # FTS5's own default
DISCARD_STEP = 20_000  # events removed per transaction when an unfinished import is cleared away
TURN_POLL_S = 0.2  # how often an import waiting for its turn looks again

PUBLIC = ("id", "file", "path", "size", "sha256", "format", "tz", "log_type", "client", "site", "status",
          "started_at", "finished_at", "read", "accepted", "continuation", "rejected", "message", "redacted")


def find_complete(db: Database, sha256: str) -> dict[str, Any] | None:
    rows = db.rows("SELECT id, file, started_at FROM imports WHERE sha256 = ? AND status = 'complete' "
                   "ORDER BY id LIMIT 1", (sha256,))
    return rows[0] if rows else None


def grown_from(db: Database, path: str, name: str, size: int,
               head: Callable[[int], str | None]) -> dict[str, Any] | None:
    """The latest complete import whose bytes are the head of this larger file: same path or same name first.

    ``head(n)`` gives the SHA-256 of the file's first ``n`` bytes (None when that cannot be a continuation).
    Returns the import with ``lines_before``, the lines of the file it and its own predecessors read.
    """
    rows = db.rows("SELECT id, file, path, size, sha256, read_count, options FROM imports WHERE status = 'complete'"
                   " AND size > 0 AND size < ? ORDER BY (path = ?) DESC, (file = ?) DESC, size DESC, id DESC"
                   " LIMIT 50", (size, path, name))
    hashes: dict[int, str | None] = {}
    for row in rows:
        n = int(row["size"])
        if n not in hashes:
            hashes[n] = head(n)
        if hashes[n] == row["sha256"]:
            options = json.loads(row["options"] or "{}")
            row["lines_before"] = int(options.get("lines_before") or 0) + int(row["read_count"] or 0)
            return row
    return None


def begin(db: Database, meta: dict[str, Any]) -> int:
    """Record a running import (committed at once) and return its id."""
    options = dict(meta.get("options") or {})
    options["owner"] = {"pid": os.getpid(), "host": socket.gethostname()}
    with db.transaction():
        cur = db.execute(
            "INSERT INTO imports (file, path, size, sha256, format, tz, log_type, client, site, options, status,"
            " started_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)",
            (meta["file"], meta.get("path"), meta.get("size"), meta.get("sha256"), meta.get("format"),
             meta.get("tz"), meta.get("log_type"), meta.get("client"), meta.get("site"),
             json.dumps(options, sort_keys=True, default=str), timeutil.now_iso(), meta.get("actor")))
    return int(cur.lastrowid or 0)


def finish(db: Database, import_id: int, status: str, counts: Sequence[int], message: str | None = None) -> None:
    """Final status and counts (read, accepted, continuation, rejected); inside the events' transaction."""
    read, accepted, continuation, rejected = counts
    db.execute("UPDATE imports SET status = ?, finished_at = ?, read_count = ?, accepted = ?, continuation = ?,"
               " rejected = ?, message = ? WHERE id = ?",
               (status, timeutil.now_iso(), read, accepted, continuation, rejected, message, import_id))


def insert_rejects(db: Database, rows: Iterable[Sequence[Any]]) -> None:
    """Rows of (import_id, line_no, reason, raw)."""
    db.executemany("INSERT INTO import_rejects (import_id, line_no, reason, raw) VALUES (?, ?, ?, ?)", rows)


def delete(db: Database, import_id: int) -> int:
    """Remove an import with its events and rejects; returns the events removed."""
    with db.transaction():
        table = stored_table(db)
        n = int(db.scalar(f"SELECT count(*) FROM {table} WHERE import_id = ?", (import_id,)))
        patterns.forget_import(db, import_id)
        db.execute(f"DELETE FROM {table} WHERE import_id = ?", (import_id,))
        db.execute("DELETE FROM import_rejects WHERE import_id = ?", (import_id,))
        db.execute("DELETE FROM imports WHERE id = ?", (import_id,))
    return n


def wait_turn(db: Database, import_id: int) -> None:
    """Wait until every import begun before this one has finished writing, then mark where this one's ids start.

    Imports write one at a time, oldest first, so a running import's events are
    all the ids from ``first_event`` up, which is what keeps them hidden. An
    import whose process is gone is cleared away on the way. Raises
    ``UserFacingStoreError`` after the writers' waiting limit.
    """
    deadline = time.monotonic() + write_wait_seconds()
    while True:
        recover_interrupted(db)
        with db.transaction():
            first = db.scalar("SELECT min(id) FROM imports WHERE status = 'running'")
            if first is None or int(first) >= import_id:
                db.execute("UPDATE imports SET options = json_set(coalesce(options, '{}'), '$.first_event',"
                           f" (SELECT coalesce(max(id), 0) + 1 FROM {stored_table(db)})) WHERE id = ?", (import_id,))
                return
        if time.monotonic() >= deadline:
            raise UserFacingStoreError(
                f"{db.path}: import #{first} was still writing after waiting {write_wait_seconds():g} s")
        db.notify_waiting()
        time.sleep(TURN_POLL_S)


def discard(db: Database, import_id: int) -> None:
    """Remove an unfinished import's events and rejects in short steps; its row stays (still hidden)."""
    table = stored_table(db)
    while True:
        with db.transaction():
            n = db.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE import_id = ? LIMIT ?)",
                           (import_id, DISCARD_STEP)).rowcount
            db.execute("DELETE FROM import_rejects WHERE id IN (SELECT id FROM import_rejects WHERE import_id = ?"
                       " LIMIT ?)", (import_id, DISCARD_STEP))
        if n < DISCARD_STEP:
            with db.transaction():
                db.execute("DELETE FROM import_rejects WHERE import_id = ?", (import_id,))
            return


def recover_interrupted(db: Database) -> list[int]:
    """Imports left ``running`` by a process that is gone become ``incomplete``; their ids.

    Their committed steps were never visible; they are removed here in short
    steps before the status changes, so nothing is ever half counted. The row
    stays so the user sees what to import again. A read-only file is left as it
    is: reading it must not need write access.
    """
    if db.read_only:
        return []
    me = socket.gethostname()
    stale = []
    for row in db.rows("SELECT id, options FROM imports WHERE status = 'running'"):
        owner = (json.loads(row["options"] or "{}") or {}).get("owner") or {}
        if owner.get("host") == me and _alive(int(owner.get("pid") or 0)):
            continue
        stale.append(int(row["id"]))
    for import_id in stale:
        discard(db, import_id)
        with db.transaction():
            db.execute("UPDATE imports SET status = 'incomplete', read_count = 0, accepted = 0,"
                       " continuation = 0, rejected = 0, finished_at = ?, message = ? WHERE id = ?",
                       (timeutil.now_iso(), "interrupted before it finished; nothing from it was kept. "
                        "Import the file again.", import_id))
    return stale


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def listing(db: Database, limit: int = 1000) -> list[dict[str, Any]]:
    rows = db.rows("SELECT id, file, path, size, sha256, format, tz, log_type, client, site, status, started_at,"
                   f" finished_at, read_count AS read, accepted, continuation, rejected, message, {_redacted(db)}"
                   " FROM imports ORDER BY id DESC LIMIT ?", (limit,))
    return [_with_redacted(r) for r in rows]


def _redacted(db: Database) -> str:
    """The ``redacted`` column, or NULL in a file held at a schema before it (17)."""
    return "redacted" if db.user_version >= 17 else "NULL AS redacted"


def _with_redacted(row: dict[str, Any]) -> dict[str, Any]:
    """``redacted`` as the object it stands for: kind → values replaced (empty when none were)."""
    row["redacted"] = json.loads(row["redacted"]) if row.get("redacted") else {}
    return row


def get(db: Database, import_id: int) -> dict[str, Any] | None:
    rows = db.rows("SELECT id, file, path, size, sha256, format, tz, log_type, client, site, status, started_at,"
                   " finished_at, read_count AS read, accepted, continuation, rejected, message, options,"
                   f" {_redacted(db)} FROM imports WHERE id = ?", (import_id,))
    return _with_redacted(rows[0]) if rows else None


def rejects(db: Database, import_id: int, limit: int = 10_000) -> list[dict[str, Any]]:
    return db.rows("SELECT line_no, reason, raw FROM import_rejects WHERE import_id = ? ORDER BY line_no, id"
                   " LIMIT ?", (import_id, limit))


@contextlib.contextmanager
def bulk_load(db: Database, expected_rows: int) -> Iterator[None]:
    """Inside the caller's transaction: for a big load, pause the FTS trigger and secondary indexes.

    They are rebuilt before the transaction commits (the FTS rows for the new
    ids in one statement), and a rollback restores them with everything else,
    so the database is never seen without them. Skipped when the table already
    holds more rows than are coming (rebuilding would cost more than it saves).
    """
    table = stored_table(db)
    existing = int(db.scalar(f"SELECT max(id) FROM {table}") or 0)
    if expected_rows < BULK_MIN_ROWS or existing > expected_rows:
        yield
        return
    first_new = existing
    ddl = db.rows("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL"
                  " AND ((type = 'index') OR (type = 'trigger' AND name = 'events_fts_ai'))", (table,))
    for item in ddl:
        db.execute(f"DROP {item['type'].upper()} {item['name']}")
    yield  # on an exception the caller's rollback restores the dropped trigger and indexes
    _index_text_after(db, first_new)
    for item in ddl:
        db.execute(item["sql"])


def _index_text_after(db: Database, first_new: int) -> None:
    """The full-text rows of every event after id ``first_new``, in one statement.

    FTS5 flushes its in-memory terms every ``hashsize`` bytes (1 MiB by default), each flush a
    segment to merge later; 64 MiB for this one statement cut the full-text build from
    1.8 s to 1.3 s per million rows. Set back at once, so later small writes stay small.
    """
    db.execute("INSERT INTO events_fts(events_fts, rank) VALUES ('hashsize', ?)", (FTS_BULK_HASH,))
    db.execute(f"INSERT INTO events_fts(rowid, message) SELECT id, message FROM {stored_table(db)} WHERE id > ?",
               (first_new,))
    db.execute("INSERT INTO events_fts(events_fts, rank) VALUES ('hashsize', ?)", (FTS_DEFAULT_HASH,))


@contextlib.contextmanager
def full_text_after(db: Database) -> Iterator[None]:
    """Inside the caller's transaction: index the new events' text in one statement at the end, not row by row.

    The full-text trigger is dropped for the block and put back before the
    transaction commits (a rollback restores it with everything else), so no
    other connection ever sees the table without it. One ``INSERT ... SELECT``
    per import step cut a 300,000-line import from 14 s to 7 s: the trigger's
    row-by-row inserts were half of the writing time.
    """
    first_new = int(db.scalar(f"SELECT coalesce(max(id), 0) FROM {stored_table(db)}"))
    ddl = db.rows("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = 'events_fts_ai'")
    for item in ddl:
        db.execute(f"DROP TRIGGER {item['name']}")
    yield  # on an exception the caller's rollback restores the trigger
    if ddl:
        _index_text_after(db, first_new)
        for item in ddl:
            db.execute(item["sql"])


def type_rules(db: Database) -> list[dict[str, str]] | None:
    """The saved log-type rules, or None for the defaults."""
    return LOG_TYPE_RULES.read(db)


def save_type_rules(db: Database, rules: list[dict[str, str]]) -> None:
    with db.transaction():
        LOG_TYPE_RULES.write(db, rules)


def host_rules(db: Database) -> list[dict[str, str]]:
    return HOST_RULES.read(db) or []


def save_host_rules(db: Database, rules: list[dict[str, str]]) -> None:
    with db.transaction():
        HOST_RULES.write(db, rules)
