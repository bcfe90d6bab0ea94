"""Shared by the knowledge-base tests: syslog lines of a recurring dialer problem, imported as a user would."""

from __future__ import annotations

from pathlib import Path

from app.domain import timeutil
from app.store.database import Database


def import_lines(db: Database, path: Path, lines: list[str]) -> list[int]:
    """Import syslog lines (December 2026, UTC); the new events' ids, oldest first."""
    from app.ingest.service import ImportOptions, import_paths

    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = int(db.scalar("SELECT coalesce(max(id), 0) FROM events"))
    [result] = import_paths(db, [path], ImportOptions(zone=timeutil.UTC, year=2026))
    assert result.ok, result.message
    return [r[0] for r in db.execute("SELECT id FROM events WHERE id > ? ORDER BY ts, id", (before,))]


def dpd_lines(day: int, count: int, base: int = 0) -> list[str]:
    """``count`` dialer DPD timeouts on ``day``, their trunk and peer numbers varying."""
    return [f"Dec {day:2d} 10:{i:02d}:00 dialer0{1 + i % 2} asterisk[311]: DPD timeout on trunk {base + i} "
            f"peer 10.2.{base}.{i + 4}" for i in range(count)]


def ssh_lines(day: int) -> list[str]:
    """Three unrelated sshd logins on ``day``."""
    return [f"Dec {day:2d} 11:00:0{i} ws01 sshd[9]: Accepted publickey for agent{i} from 10.0.0.{i} port 22 ssh2"
            for i in range(3)]
