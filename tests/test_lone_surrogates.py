"""A lone surrogate (half an emoji, ``"\\ud83d"`` in JSON, or a non-UTF-8 byte in an argument) never fails a write.

It is stored as U+FFFD and, in an imported event, flagged like undecodable bytes; the rest of the file is kept.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from app.domain.vocab import FLAG_REPLACED
from app.store import audit
from app.store.database import Database

BAD = "bad \ud83d x"  # what json.loads makes of "bad \ud83d x"


def _events(db_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as con:
        return con.execute("SELECT line_no, message, host, flags FROM events ORDER BY line_no").fetchall()


def test_100000_line_json_file_keeps_every_line_and_flags_the_one_replaced(run_cli: Any, tmp_path: Path) -> None:
    log = tmp_path / "app.jsonl"
    with log.open("w", encoding="utf-8") as fh:
        for i in range(1, 100_001):
            message = "bad \\ud83d x" if i == 50_001 else f"request {i} served"
            fh.write(f'{{"time":"2026-11-01T10:{(i // 60) % 60:02d}:{i % 60:02d}Z","level":"info",'
                     f'"message":"{message}"}}\n')
    db_path = tmp_path / "l.db"
    r = run_cli("--db", db_path, "import", log)
    assert r.returncode == 0, r.stderr
    assert "100,000 events" in r.stdout and "0 rejected" in r.stdout
    rows = _events(db_path)
    assert len(rows) == 100_000
    flagged = [row for row in rows if row[3] & FLAG_REPLACED]
    assert flagged == [(50_001, "bad \ufffd x", None, flagged[0][3])]


def test_journal_export_with_lone_surrogates_in_message_and_host(run_cli: Any, tmp_path: Path) -> None:
    lines = [
        {"__REALTIME_TIMESTAMP": "1764583200000000", "PRIORITY": "6", "MESSAGE": "fine", "_HOSTNAME": "h1",
         "SYSLOG_IDENTIFIER": "sshd"},
        {"__REALTIME_TIMESTAMP": "1764583201000000", "PRIORITY": "3", "MESSAGE": BAD, "_HOSTNAME": "h\udc80",
         "SYSLOG_IDENTIFIER": "sshd"},
    ]
    log = tmp_path / "journal.json"
    log.write_text("".join(json.dumps(obj) + "\n" for obj in lines), encoding="ascii")  # escapes as \ud83d
    db_path = tmp_path / "j.db"
    r = run_cli("--db", db_path, "import", "--format", "journal", log)
    assert r.returncode == 0, r.stderr
    rows = _events(db_path)
    assert [(n, m, h, f & FLAG_REPLACED) for n, m, h, f in rows] == [
        (1, "fine", "h1", 0), (2, "bad \ufffd x", "h\ufffd", FLAG_REPLACED)]
    shown = run_cli("--db", db_path, "events", "-o", "json")
    assert shown.returncode == 0 and "bad \ufffd x" in json.loads(shown.stdout)[0]["message"]


def test_non_utf8_argument_is_refused_by_name_and_nothing_is_written(run_cli: Any, tmp_path: Path) -> None:
    db_path = tmp_path / "i.db"
    title = os.fsdecode(b"printer \xff\xfe down")  # the bytes a terminal in another encoding sends
    r = run_cli("--db", db_path, "incident", "add", "--title", title, "--type", "system", "--impact", "1",
                "--urgency", "1", "-o", "json")
    assert r.returncode == 2 and "--title: not valid UTF-8" in r.stderr and "Traceback" not in r.stderr
    assert not db_path.exists()
    assert run_cli("--db", db_path, "incident", "add", "--title", "printer down", "--type", "system",
                   "--impact", "1", "--urgency", "1").returncode == 0
    for option in ("--search", "--regex"):
        found = run_cli("--db", db_path, "incidents", option, os.fsdecode(b"\xff"), "-o", "json")
        assert found.returncode == 2 and f"{option}: not valid UTF-8" in found.stderr, found.stderr
    log = tmp_path / os.fsdecode(b"caf\xe9.log")  # a file name that is not UTF-8 still opens
    log.write_text("2026-03-01T10:00:00Z host app: started\n")
    imported = run_cli("--db", db_path, "import", log, "-o", "json")
    assert imported.returncode == 0, imported.stderr
    assert run_cli("--db", db_path, "verify").returncode == 0


def test_store_boundary_replaces_what_slipped_through(db: Database) -> None:
    """The safe net: execute, executemany (a list in a transaction, or any iterable) and the audit trail."""
    db.execute("CREATE TEMP TABLE t (s TEXT)")
    db.execute("INSERT INTO t VALUES (?)", (BAD,))
    db.execute("INSERT INTO t VALUES (:s)", {"s": BAD})
    with db.transaction():
        db.executemany("INSERT INTO t VALUES (?)", [("ok",), (BAD,)])
    db.executemany("INSERT INTO t VALUES (?)", ((s,) for s in ("ok", BAD)))
    assert [r[0] for r in db.execute("SELECT s FROM t")] == ["bad \ufffd x"] * 2 + ["ok", "bad \ufffd x"] * 2
    assert db.scalar("SELECT count(*) FROM t WHERE s = ?", (BAD,)) == 4
    audit.append(db, "update", "incident", "INC\udc80", old={"title": BAD}, new={"title": "fixed"})
    audit.append_many(db, [("update", "incident", 1, None, {"title": BAD})])
    assert audit.verify(db).ok


def test_formats_test_and_dry_run_show_the_replacement(run_cli: Any, tmp_path: Path) -> None:
    log = tmp_path / "app.jsonl"
    log.write_text('{"time":"2026-11-01T10:00:00Z","level":"info","message":"bad \\ud83d x"}\n', encoding="ascii")
    for output in ("table", "json"):
        r = run_cli("formats", "test", "json", log, "-o", output)
        assert r.returncode == 0, r.stderr
        assert "bad \ufffd x" in r.stdout
        dry = run_cli("--db", tmp_path / "d.db", "import", "--dry-run", "-o", output, log)
        assert dry.returncode == 0 and "Traceback" not in dry.stderr, dry.stderr
