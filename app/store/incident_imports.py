"""SQL for the incident-import record: one row per import, with the rows it rejected.

Written inside the import's own transaction, so the record exists exactly when
the incidents it describes do.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from app.store.database import Database

PUBLIC = ("id", "file", "path", "sha256", "kind", "started_at", "finished_at", "read", "created", "updated",
          "skipped", "rejected", "first_number", "last_number", "actor")
_SELECT = ("SELECT id, file, path, sha256, kind, started_at, finished_at, read_count AS read, created, updated,"
           " skipped, rejected, first_number, last_number, actor FROM incident_imports")


def record(db: Database, meta: dict[str, Any], rejects: Iterable[Sequence[Any]]) -> int:
    """Insert the import and its rejects (line, key, field, reason, raw); returns the import's id."""
    cur = db.execute(
        "INSERT INTO incident_imports (file, path, sha256, kind, options, started_at, finished_at, read_count,"
        " created, updated, skipped, rejected, first_number, last_number, actor)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (meta["file"], meta.get("path"), meta.get("sha256"), meta.get("kind"),
         json.dumps(meta.get("options") or {}, sort_keys=True, default=str), meta["started_at"],
         meta.get("finished_at"), meta.get("read", 0), meta.get("created", 0), meta.get("updated", 0),
         meta.get("skipped", 0), meta.get("rejected", 0), meta.get("first"), meta.get("last"), meta.get("actor")))
    import_id = int(cur.lastrowid or 0)
    db.executemany("INSERT INTO incident_import_rejects (import_id, line_no, key, field, reason, raw)"
                   " VALUES (?, ?, ?, ?, ?, ?)", ((import_id, *r) for r in rejects))
    return import_id


def listing(db: Database, limit: int = 1000) -> list[dict[str, Any]]:
    return db.rows(_SELECT + " ORDER BY id DESC LIMIT ?", (limit,))


def get(db: Database, import_id: int) -> dict[str, Any] | None:
    rows = db.rows(_SELECT + " WHERE id = ?", (import_id,))
    return rows[0] if rows else None


def rejects(db: Database, import_id: int, limit: int = 10_000) -> list[dict[str, Any]]:
    return db.rows("SELECT line_no, key, field, reason, raw FROM incident_import_rejects WHERE import_id = ?"
                   " ORDER BY line_no, id LIMIT ?", (import_id, limit))
