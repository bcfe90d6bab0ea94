"""Database-level settings (priority matrix, SLA policies, rules) stored as JSON values."""

from __future__ import annotations

import json
from typing import Any

from app.store.database import Database

_MISSING = object()


def get(db: Database, key: str, default: Any = None) -> Any:
    value = db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
    return default if value is None else json.loads(value)


def put(db: Database, key: str, value: Any) -> None:
    db.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value, sort_keys=True)),
    )
