"""SQL for followed sources and the follower's per-file memory (``sources``, ``source_files``).

A source's events all belong to its one ``imports`` row, made with the source
and marked ``complete`` at once: a followed source never has a hidden, running
import, so each committed batch is visible as soon as it commits. ``commit_batch``
writes a batch's events, rejects, counts and file offsets inside the caller's
transaction, which is what makes a kill at any moment lose and repeat nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.domain import timeutil
from app.store import audit, events as event_store, imports as import_store
from app.store.database import Database

KINDS = ("file", "folder", "udp", "tcp")
# From this many rows a batch indexes its text in one statement after its inserts, as an import step does:
# row by row, 2,000 lines took 1.2 s once the table held 60,000 (0.1 s in one statement).
FULL_TEXT_AFTER_ROWS = 200
RATE_SMOOTHING = 0.3  # weight of the newest batch in the lines/s figure
PUBLIC = ("id", "kind", "target", "glob", "format", "zone", "log_type", "client", "site", "enabled", "import_id",
          "lines", "rate", "last_line_at", "lag_bytes", "last_error", "last_error_at", "created_at")


@dataclass
class FileState:
    """Where one followed file was left: the row of ``source_files`` (id 0 until first stored)."""

    source_id: int
    path: str
    device: int
    inode: int
    fingerprint: str
    fp_len: int
    offset: int = 0
    line_no: int = 0
    size: int = 0
    pending: int = 0
    id: int = 0


def target(row: dict[str, Any]) -> str:
    """What a source reads, as the user typed it: a path, or ``udp://host:port``."""
    if row["kind"] in ("udp", "tcp"):
        return f"{row['kind']}://{row['host']}:{row['port']}"
    return str(row["path"])


def _new_import(db: Database, spec: dict[str, Any], actor: str | None) -> int:
    """The import row a source's events belong to: complete from the start, so every batch is visible at once."""
    now = timeutil.now_iso()
    name = os.path.basename(spec.get("path") or "") or target(spec)
    cur = db.execute(
        "INSERT INTO imports (file, path, size, sha256, format, tz, log_type, client, site, options, status,"
        " started_at, finished_at, actor) VALUES (?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, 'complete', ?, ?, ?)",
        (name, target(spec), spec.get("format"), spec.get("zone"), spec.get("log_type"), spec.get("client"),
         spec.get("site"), json.dumps({"follow": True, "source_id": spec.get("id")}), now, now, actor))
    return int(cur.lastrowid or 0)


def add(db: Database, spec: dict[str, Any], actor: str | None = None) -> int:
    """A new source with its import row, audited; ``spec`` holds the ``sources`` columns."""
    with db.transaction():
        import_id = _new_import(db, spec, actor)
        cur = db.execute(
            "INSERT INTO sources (kind, path, host, port, glob, format, zone, log_type, client, site, enabled,"
            " import_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (spec["kind"], spec.get("path"), spec.get("host"), spec.get("port"), spec.get("glob"), spec.get("format"),
             spec.get("zone"), spec.get("log_type"), spec.get("client"), spec.get("site"), import_id,
             timeutil.now_iso()))
        source_id = int(cur.lastrowid or 0)
        db.execute("UPDATE imports SET options = json_set(options, '$.source_id', ?) WHERE id = ?",
                   (source_id, import_id))
        audit.append(db, "create", "source", source_id, new={**spec, "import_id": import_id}, actor=actor)
    return source_id


def ensure_import(db: Database, row: dict[str, Any]) -> int:
    """The source's import id; a new import when the user removed the old one (``imports --remove``)."""
    if row.get("import_id"):
        return int(row["import_id"])
    with db.transaction():
        import_id = _new_import(db, row, None)
        db.execute("UPDATE sources SET import_id = ? WHERE id = ?", (import_id, row["id"]))
    row["import_id"] = import_id
    return import_id


def get(db: Database, source_id: int) -> dict[str, Any] | None:
    rows = db.rows("SELECT * FROM sources WHERE id = ?", (source_id,))
    return rows[0] if rows else None


def listing(db: Database) -> list[dict[str, Any]]:
    """Every source with its status, for ``sources list`` and the Sources page."""
    rows = db.rows("SELECT * FROM sources ORDER BY id")
    for row in rows:
        row["target"] = target(row)
        row["enabled"] = bool(row["enabled"])
    return rows


def enabled(db: Database) -> list[dict[str, Any]]:
    return db.rows("SELECT * FROM sources WHERE enabled = 1 ORDER BY id")


def remove(db: Database, source_id: int, actor: str | None = None) -> dict[str, Any]:
    """Forget a source and its files' offsets; its events stay, under its import. Returns the removed row."""
    with db.transaction():
        row = get(db, source_id)
        if row is None:
            raise KeyError(source_id)
        db.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        audit.append(db, "delete", "source", source_id, old={"target": target(row), "import_id": row["import_id"]},
                     actor=actor)
    return row


def set_enabled(db: Database, source_id: int, on: bool, actor: str | None = None) -> bool:
    """Enable or disable; False when there is no such source."""
    with db.transaction():
        row = get(db, source_id)
        if row is None:
            return False
        if bool(row["enabled"]) != on:
            db.execute("UPDATE sources SET enabled = ? WHERE id = ?", (int(on), source_id))
            audit.append(db, "update", "source", source_id, old={"enabled": bool(row["enabled"])},
                         new={"enabled": on}, actor=actor)
    return True


def record_error(db: Database, source_id: int, message: str | None) -> None:
    """Set (or clear, with None) the error shown on the source; written only when it changes."""
    with db.transaction():
        db.execute("UPDATE sources SET last_error = ?, last_error_at = CASE WHEN ? IS NULL THEN last_error_at"
                   " ELSE ? END WHERE id = ? AND last_error IS NOT ?",
                   (message, message, timeutil.now_iso(), source_id, message))


def set_lag(db: Database, source_id: int, lag: int) -> None:
    with db.transaction():
        db.execute("UPDATE sources SET lag_bytes = ? WHERE id = ? AND lag_bytes != ?", (lag, source_id, lag))


def set_format(db: Database, import_id: int, fmt: str) -> None:
    """The format detected on the source's first bytes, kept on its import."""
    with db.transaction():
        db.execute("UPDATE imports SET format = ? WHERE id = ? AND format IS NOT ?", (fmt, import_id, fmt))


def files(db: Database, source_id: int) -> list[FileState]:
    rows = db.rows("SELECT id, source_id, path, device, inode, fingerprint, fp_len, offset, line_no, size, pending"
                   " FROM source_files WHERE source_id = ?", (source_id,))
    return [FileState(**r) for r in rows]


def save_file(db: Database, state: FileState) -> None:
    """Insert or update one file's row; the caller owns the transaction."""
    now = timeutil.now_iso()
    if state.id:
        db.execute("UPDATE source_files SET path = ?, device = ?, inode = ?, fingerprint = ?, fp_len = ?, offset = ?,"
                   " line_no = ?, size = ?, pending = ?, updated_at = ? WHERE id = ?",
                   (state.path, state.device, state.inode, state.fingerprint, state.fp_len, state.offset,
                    state.line_no, state.size, state.pending, now, state.id))
        return
    db.execute("DELETE FROM source_files WHERE source_id = ? AND device = ? AND inode = ?",
               (state.source_id, state.device, state.inode))  # an inode used again by a new file
    cur = db.execute("INSERT INTO source_files (source_id, path, device, inode, fingerprint, fp_len, offset, line_no,"
                     " size, pending, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (state.source_id, state.path, state.device, state.inode, state.fingerprint, state.fp_len,
                      state.offset, state.line_no, state.size, state.pending, now))
    state.id = int(cur.lastrowid or 0)


def forget_file(db: Database, state: FileState) -> None:
    if state.id:
        with db.transaction():
            db.execute("DELETE FROM source_files WHERE id = ?", (state.id,))


def extend_event(db: Database, event_id: int, text: str) -> None:
    """Continuation lines that came in a later batch than their event: appended to its message and raw text."""
    db.execute("UPDATE events SET message = message || ?, raw = raw || ? WHERE id = ?", (text, text, event_id))


def commit_batch(db: Database, source_id: int, import_id: int, rows: Sequence[Sequence[Any]],
                 rejects: Sequence[Sequence[Any]], counts: Sequence[int], states: Sequence[FileState],
                 seconds: float) -> tuple[int, int]:
    """Store one batch inside the caller's transaction; returns the first and last new event ids (0, 0 if none).

    ``counts`` are the batch's (read, accepted, continuation, rejected); the
    import's totals and the source's lines and rate grow by them, and each
    file's offset moves to the end of what the batch holds.
    """
    before = int(db.scalar("SELECT coalesce(max(id), 0) FROM event_data"))
    if len(rows) >= FULL_TEXT_AFTER_ROWS:
        with import_store.full_text_after(db):
            event_store.insert_many(db, rows)
    elif rows:
        event_store.insert_many(db, rows)
    if rejects:
        import_store.insert_rejects(db, rejects)
    after = int(db.scalar("SELECT coalesce(max(id), 0) FROM event_data")) if rows else before
    read, accepted, continuation, rejected = counts
    db.execute("UPDATE imports SET read_count = coalesce(read_count, 0) + ?, accepted = coalesce(accepted, 0) + ?,"
               " continuation = coalesce(continuation, 0) + ?, rejected = coalesce(rejected, 0) + ?, finished_at = ?"
               " WHERE id = ?", (read, accepted, continuation, rejected, timeutil.now_iso(), import_id))
    rate = read / seconds if seconds > 0 else 0.0
    db.execute("UPDATE sources SET lines = lines + ?, rate = rate * ? + ? * ?, last_line_at = ? WHERE id = ?",
               (read, 1 - RATE_SMOOTHING, RATE_SMOOTHING, rate, timeutil.now_iso(), source_id))
    for state in states:
        save_file(db, state)
    return (before + 1, after) if after > before else (0, 0)
