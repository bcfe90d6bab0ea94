"""Migration 16 (the compact event store) on a file made by the previous release (schema 15).

The file holds generated events, incidents linked to them, saved views, settings and
the audit trail, plus hand-written rows whose raw text is absent, equal to the message
or unrelated to it, and times from year 1 and with odd milliseconds. After the upgrade
every event, incident and audit row reads back the same, through the store and the CLI.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.domain import timeutil
from app.domain.filters import Filter
from app.store import audit, events, incidents, migrations, views
from app.store.database import Database

PREVIOUS = 15
ODD_ROWS = [  # ts, severity, log_type, host, message, raw
    ("0001-01-01T00:00:00.000Z", 2, "system", None, "year one", None),
    ("1969-12-31T23:59:59.999Z", 3, "network", "", "before the epoch", "before the epoch"),
    ("2026-02-28T23:59:59.001Z", 4, "security", "fw-1", "login failed for bob",
     "Feb 28 23:59:59 fw-1 sshd[42]: login failed for bob (again)"),
    ("2026-03-01T00:00:00.123Z", 5, "error", "db-1", "disk full", "something else entirely"),
]


def _old_file(path: Path) -> None:
    from app.demo.generator import generate

    db = Database.open(path, migrate=False)
    migrations.upgrade(db, target=PREVIOUS)
    generate(db, events=1200, incidents=15, seed=7)
    with db.transaction():
        for ts, sev, typ, host, message, raw in ODD_ROWS:
            db.execute("INSERT INTO events (ts, severity, log_type, host, message, raw, client, flags, pattern_id)"
                       " VALUES (?, ?, ?, ?, ?, ?, 'Acme', 33, NULL)", (ts, sev, typ, host, message, raw))
        views.save(db, "night errors", Filter(min_severity="error", hours=(0, 1, 2)))
    db.close()


def _snapshot(db: Database) -> dict[str, Any]:
    """What the file holds, read with plain SQL that both schemas answer."""
    return {
        "events": db.rows("SELECT * FROM events ORDER BY id"),
        "incidents": db.rows("SELECT * FROM incidents ORDER BY id"),
        "links": db.rows("SELECT * FROM incident_events ORDER BY incident_id, event_id"),
        "audit": db.rows("SELECT * FROM audit_log ORDER BY id"),
        # Later migrations add notes of their own (redaction and scheduled retention off on an upgraded file).
        "settings": db.rows("SELECT * FROM settings WHERE key NOT IN"
                            " ('redaction.off_since_upgrade', 'retention.auto') ORDER BY key"),
        "failed": db.scalar("SELECT count(*) FROM events_fts WHERE events_fts MATCH 'failed'"),
    }


def test_every_row_reads_back_the_same_and_the_trail_verifies(tmp_path: Path) -> None:
    path = tmp_path / "release15.db"
    _old_file(path)
    db = Database.open(path, migrate=False)
    before = _snapshot(db)
    saved = [v.to_dict() for v in views.list_views(db)]
    assert audit.verify(db).ok
    migrations.upgrade(db)
    assert db.user_version == migrations.LATEST
    after = _snapshot(db)
    for key in before:
        assert after[key] == before[key], key
    assert [v.to_dict() for v in views.list_views(db)] == saved
    # ... and through the store's own reads, on the new layout
    zone = timeutil.get_zone("Asia/Manila")
    newest_first = sorted(before["events"], key=lambda r: (r["ts"], r["id"]), reverse=True)
    page = events.page(db, Filter(), zone, limit=5000)
    assert page == [{c: r[c] for c in events.PUBLIC_COLUMNS} for r in newest_first]
    assert events.count(db, Filter(search="failed"), zone) == before["failed"]
    errors = events.page(db, Filter(min_severity="error", hosts=("fw-1", "db-1")), zone, limit=50)
    assert [r["message"] for r in errors] == ["disk full", "login failed for bob"]
    for row in before["events"][:50] + before["events"][-len(ODD_ROWS):]:
        assert events.get(db, row["id"]) == row
    for inc in before["incidents"]:
        assert incidents.linked_event_ids(db, inc["id"]) == sorted(
            r["event_id"] for r in before["links"] if r["incident_id"] == inc["id"])
    assert audit.verify(db).ok
    assert db.scalar("PRAGMA integrity_check") == "ok"
    assert db.scalar("PRAGMA foreign_key_check") is None
    db.execute("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')")
    # the old table is gone; its text columns are dictionary ids now
    kinds = dict(db.execute("SELECT name, type FROM sqlite_master WHERE name IN ('events', 'event_data')"))
    assert kinds == {"events": "view", "event_data": "table"}
    assert db.scalar("SELECT count(*) FROM event_data WHERE raw_pre IS NULL AND raw_post IS NULL") > 0
    db.close()


def test_cli_json_is_the_same_after_the_upgrade(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    old = tmp_path / "old.db"
    _old_file(old)
    copy = tmp_path / "copy.db"
    src, dst = sqlite3.connect(old), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    # The previous release's reading, taken on the unconverted copy with the store's SQL of schema 15.
    with Database.open(copy, migrate=False) as db:
        expected = db.rows("SELECT id, ts, severity, host, message FROM events WHERE severity >= 4"
                           " ORDER BY ts DESC, id DESC LIMIT 20")
    out = run_cli("--db", str(old), "events", "--min-severity", "error", "--limit", "20", "-o", "json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    rows = got if isinstance(got, list) else got.get("events", got)
    assert [(r["id"], r["ts"], r["host"], r["message"]) for r in rows] == [
        (r["id"], r["ts"], r["host"], r["message"]) for r in expected]
    verify = run_cli("--db", str(old), "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_a_failed_upgrade_leaves_the_old_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.store.migrations import m0016_compact_events as m16

    path = tmp_path / "old.db"
    _old_file(path)
    with Database.open(path, migrate=False) as db:
        before = db.rows("SELECT * FROM events ORDER BY id")

    def cancelled(db: Database) -> None:
        raise KeyboardInterrupt  # the user pressed Cancel half-way

    monkeypatch.setattr(m16, "INDEXES", (*m16.INDEXES[:2], "SELECT cancelled()"))
    with Database.open(path, migrate=False) as db:
        db.conn.create_function("cancelled", 0, lambda: cancelled(db))
        with pytest.raises(sqlite3.Error):
            migrations.upgrade(db)
    with Database.open(path, migrate=False) as db:
        assert db.user_version == PREVIOUS
        assert db.scalar("SELECT type FROM sqlite_master WHERE name = 'events'") == "table"
        assert db.rows("SELECT * FROM events ORDER BY id") == before


@pytest.mark.parametrize("raw,message,host,component,pid", [
    ("Nov  3 14:05:09 web01 sshd[42]: login ok", "login ok", "web01", "sshd", 42),
    ("Nov 30 05:18:28 web01 sshd[42]: login ok", "login ok", "web01", "sshd", 42),  # the stamp is the event's time
    ("Nov 30 13:18:28 web01 sshd[42]: login ok", "login ok", "web01", "sshd", 42),  # ... in UTC+8
    ("Nov 30 11:03:28 web01 sshd[42]: login ok", "login ok", "web01", "sshd", 42),  # ... in UTC+5:45
    ("Nov 29 19:18:28 web01 sshd[42]: login ok", "login ok", "web01", "sshd", 42),  # ... in UTC-10
    ("Nov 30 05:18:28 web01 \x04sshd[42]: x", "x", "web01", "\x04sshd", 42),  # the stamp's mark in the text
    ("web web-agent[1]: x web", "x web", "web", "web-agent", 1),  # a host inside the component's name
    ("1 1[1]: 1", "1", "1", "1", 1),  # every field the same text
    ("host\x01 comp[7]: m", "m", "host\x01", "comp", 7),  # a mark already in the text: kept as it is
    ("no message here", "absent", "h", "c", 3),
    ("same", "same", None, None, None),
    (None, "no raw at all", "h", "c", 1),
])
def test_raw_text_reads_back_exactly(db: Database, raw: str | None, message: str, host: str | None,
                                     component: str | None, pid: int | None) -> None:
    row = ("2026-11-30T05:18:28.007Z", 3, "system", None, host, component, pid, None, message, raw,
           None, None, None, 1, 0)
    with db.transaction():
        events.insert_many(db, [row])
    got = db.rows("SELECT ts, host, component, pid, message, raw FROM events")
    assert got == [{"ts": row[0], "host": host, "component": component, "pid": pid, "message": message, "raw": raw}]


def test_syslog_prefixes_read_back_exactly_at_any_time_and_offset(db: Database) -> None:
    import datetime as dt
    import random

    rng = random.Random(16)
    rows, expected = [], []
    for line in range(400):
        ms = rng.randrange(-2_000_000_000_000, 4_000_000_000_000)
        when = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=ms)
        local = when + dt.timedelta(minutes=15 * rng.randrange(-48, 57))
        host, comp, pid = f"h{rng.randrange(5)}", rng.choice(["sshd", "CRON", "kernel"]), rng.randrange(1, 99999)
        raw = f"{local:%b} {local.day:2d} {local:%H:%M:%S} {host} {comp}[{pid}]: message {line}"
        rows.append((timeutil.to_iso(when), 2, "system", None, host, comp, pid, None, f"message {line}", raw,
                     None, None, None, line, 0))
        expected.append(raw)
    with db.transaction():
        events.insert_many(db, rows)
    assert [r[0] for r in db.execute("SELECT raw FROM events ORDER BY id")] == expected
    assert db.scalar("SELECT count(DISTINCT raw_pre) FROM event_data") < 200  # templates, not 400 prefixes


def test_cancel_during_the_upgrade_leaves_the_old_file_and_reports_steps(tmp_path: Path) -> None:
    from app.domain.jobs import Cancelled, Progress

    path = tmp_path / "old.db"
    _old_file(path)

    class Heard(Progress):
        def __init__(self, stop: bool) -> None:
            super().__init__()
            self.stop, self.steps = stop, []

        def report(self, done: int, total: int, text: str = "") -> None:
            self.steps.append((done, total, text))
            if self.stop:
                self.cancel()  # the user presses Cancel as soon as the conversion shows

    with Database.open(path, migrate=False) as db:
        before = db.rows("SELECT * FROM events ORDER BY id")
        assert migrations.pending(db) == [m.VERSION for m in migrations.MIGRATIONS if m.VERSION > PREVIOUS]
        with pytest.raises(Cancelled):
            migrations.upgrade(db, progress=Heard(stop=True))
    with Database.open(path, migrate=False) as db:
        assert db.user_version == PREVIOUS
        assert db.rows("SELECT * FROM events ORDER BY id") == before
        heard = Heard(stop=False)
        migrations.upgrade(db, progress=heard)
        assert db.user_version == migrations.LATEST and not migrations.pending(db)
        assert heard.steps[0][:2] == (0, len(heard.steps) // 2) and heard.steps[-1][0] == heard.steps[-1][1]
        assert "schema 16" in " ".join(s[2] for s in heard.steps)
        assert db.rows("SELECT * FROM events ORDER BY id") == before
