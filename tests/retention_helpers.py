"""Many events fast for retention tests and the benchmark: direct store inserts in one transaction."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from typing import Any

from app.domain import timeutil
from app.domain.vocab import LOG_TYPES
from app.store import events, imports
from app.store.database import Database

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
NOW_ISO = "2026-12-01T12:00:00Z"
SPAN_DAYS = 400


def fill(db: Database, n: int, now: dt.datetime = NOW) -> None:
    """``n`` events spread over ``SPAN_DAYS`` days before ``now``, every log type, severity and two clients."""
    import_id = imports.begin(db, {"file": "generated.log", "sha256": "ab" * 32, "log_type": "application"})
    step = SPAN_DAYS * 86400 / n
    with db.transaction():
        events.insert_many(db, (
            (timeutil.to_iso(now - dt.timedelta(seconds=i * step + 1)), i % 6, LOG_TYPES[i % 7], None,
             f"host{i % 13}", "svc", None, None, f"event {i} user{i % 97} took {i % 1000} ms", f"raw {i}",
             "ACME" if i % 2 else None, None, import_id, i + 1, 0)
            for i in range(n)))


def expected_days(log_type: str, severity: int) -> int:
    """The default policies, written out independently of ``app.retention.policy``."""
    if log_type in ("security", "audit"):
        return 365
    return 14 if severity == 0 else 90


def due_where(now: dt.datetime = NOW) -> str:
    """SQL for the events the default policies purge at ``now`` (to count them independently)."""
    def before(days: int) -> str:
        return timeutil.to_iso(now - dt.timedelta(days=days))
    return (f"((log_type IN ('security', 'audit') AND ts < '{before(365)}') OR "
            f"(log_type NOT IN ('security', 'audit') AND severity = 0 AND ts < '{before(14)}') OR "
            f"(log_type NOT IN ('security', 'audit') AND severity > 0 AND ts < '{before(90)}'))")


def comparable(rows: list[dict[str, Any]]) -> list[str]:
    """Events as JSON without what differs between databases (row ids, import ids, pattern ids), sorted."""
    out = []
    for r in rows:
        out.append(json.dumps({k: v for k, v in r.items() if k not in ("id", "import_id", "pattern_id")},
                              sort_keys=True))
    return sorted(out)


def events_json(db: Database, where: str = "1") -> list[str]:
    from app.store.retention import ARCHIVE_COLUMNS

    cols = ", ".join(c for c in ARCHIVE_COLUMNS)
    return comparable(db.rows(f"SELECT {cols} FROM events WHERE {where}"))


def ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, proc.stderr
    return proc
