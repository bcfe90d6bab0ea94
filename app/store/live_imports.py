"""The import record of a live source (a syslog listener): written to batch by batch, never ``running``.

A file import stays ``running`` and hidden until its last step; a listener's
events must show as they arrive, and a listener never ends, so its record is
``complete`` from the start (it never holds back other imports' turns) and each
batch adds its counts in the batch's own transaction. ``finished_at`` is the time
of the last batch.
"""

from __future__ import annotations

import json
from typing import Any

from app.domain import timeutil
from app.store.database import Database


def begin(db: Database, meta: dict[str, Any]) -> int:
    """A live source's import record (``file`` names it, e.g. ``udp://0.0.0.0:514``); inside the caller's
    transaction when there is one."""
    now = timeutil.now_iso()
    with db.transaction():
        cur = db.execute(
            "INSERT INTO imports (file, path, format, tz, log_type, client, site, options, status, started_at,"
            " finished_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'complete', ?, ?, ?)",
            (meta["file"], meta.get("path"), meta.get("format"), meta.get("tz"), meta.get("log_type"),
             meta.get("client"), meta.get("site"), json.dumps({**(meta.get("options") or {}), "live": True},
                                                                sort_keys=True, default=str),
             now, now, meta.get("actor")))
    return int(cur.lastrowid or 0)


def messages_so_far(db: Database, import_id: int) -> int:
    """Messages the record has counted: the next batch numbers its messages on from here."""
    return int(db.scalar("SELECT read_count FROM imports WHERE id = ?", (import_id,)) or 0)


def add_counts(db: Database, import_id: int, read: int, accepted: int, rejected: int) -> None:
    """One batch's counts onto the record; the caller owns the transaction (the batch's own)."""
    db.execute("UPDATE imports SET read_count = read_count + ?, accepted = accepted + ?, rejected = rejected + ?,"
               " finished_at = ? WHERE id = ?", (read, accepted, rejected, timeutil.now_iso(), import_id))
