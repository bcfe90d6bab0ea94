"""Parsing in a second process gives exactly what parsing in this one gives; cancel and failures stay clean."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.domain import timeutil
from app.domain.jobs import Progress
from app.ingest import engine, parallel
from app.ingest.service import ImportOptions, import_paths
from app.store import imports as store
from app.store.database import Database

COLUMNS = ("ts, severity, log_type, raw_level, host, component, pid, event_code, message, raw, client, site,"
           " line_no, flags")


def _opts(**kw: Any) -> ImportOptions:
    return ImportOptions(zone=timeutil.get_zone("Europe/Paris"), year=2026, force=True, **kw)


def _write_log(path: Path, n: int) -> None:
    """Events, continuation lines, rejects (no such date) and a cp1252 line, in one syslog file."""
    out = bytearray()
    for i in range(n):
        prog = ("sshd", "kernel", "crm", "sudo")[i % 4]
        out += f"Nov {1 + i // 3600 % 28:2d} {i // 60 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} " \
               f"ws{i % 9} {prog}[{i}]: line {i} word{i % 11} eth0 Link is Up failed\n".encode()
        if i % 97 == 0:
            out += b"    at com.example.Trace(Trace.java:1)\n"
        if i % 389 == 0:
            out += b"Feb 30 10:00:00 ws1 app: no such day\n"
        if i % 1009 == 0:
            out += b"Nov  2 10:00:00 ws1 app: caf\xe9 in cp1252\n"
    path.write_bytes(b"garbage before any event\n" + bytes(out))


def _events(db: Database, import_id: int | None) -> list[tuple[Any, ...]]:
    return [tuple(r.values()) for r in db.rows(f"SELECT {COLUMNS} FROM events WHERE import_id = ? ORDER BY line_no",
                                               (import_id,))]


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 700 rows and the bulk path from 1,000 rows, so a small file takes every big-file path."""
    monkeypatch.setattr(engine, "BATCH", 700)
    monkeypatch.setattr(store, "BULK_MIN_ROWS", 1000)


def test_same_events_rejects_and_counts_either_way(db: Database, tmp_path: Path, small: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "big.log"
    _write_log(f, 6_000)
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def spy(*a: Any, **kw: Any) -> subprocess.Popen[bytes]:
        started.append(real_popen(*a, **kw))
        return started[-1]

    monkeypatch.setattr(parallel.subprocess, "Popen", spy)
    monkeypatch.setattr(parallel, "MIN_BYTES", 1 << 60)
    [here] = import_paths(db, [f], _opts())
    assert not started  # parsed in this process
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    ticks: list[int] = []

    class Ticks(Progress):
        def report(self, done: int, total: int, text: str = "") -> None:
            ticks.append(done)

    [there] = import_paths(db, [f], _opts(), progress=Ticks())
    assert len(started) == 1 and started[0].poll() == 0  # parsed in a child that finished cleanly
    assert here.ok and there.ok
    assert (there.read, there.accepted, there.continuation, there.rejected) == \
        (here.read, here.accepted, here.continuation, here.rejected)
    assert there.read == there.accepted + there.continuation + there.rejected
    assert here.continuation > 0 and here.rejected > 1
    assert _events(db, there.import_id) == _events(db, here.import_id)
    assert any(row[-1] for row in _events(db, there.import_id))  # the cp1252 line is flagged
    assert store.rejects(db, there.import_id) == store.rejects(db, here.import_id)
    assert len(ticks) > 5 and ticks == sorted(ticks) and 0 < ticks[0] <= f.stat().st_size  # progress went on
    words = db.scalar("SELECT count(*) FROM events_fts WHERE events_fts MATCH 'word3'")
    assert words == 2 * len([i for i in range(6_000) if i % 11 == 3])
    db.execute("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')")
    assert db.scalar("PRAGMA integrity_check") == "ok"


def test_cancel_stops_the_child_and_keeps_nothing(db: Database, tmp_path: Path, small: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "big.log"
    _write_log(f, 8_000)
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen
    monkeypatch.setattr(parallel.subprocess, "Popen",
                        lambda *a, **kw: started.append(real_popen(*a, **kw)) or started[-1])
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    before = db.scalar("SELECT count(*) FROM sqlite_master")

    class CancelSoon(Progress):
        def report(self, done: int, total: int, text: str = "") -> None:
            self.cancel()

    [r] = import_paths(db, [f], _opts(), progress=CancelSoon())
    assert r.status == "cancelled"
    assert len(started) == 1 and started[0].returncode is not None  # the child is gone, not left running
    assert db.scalar("SELECT count(*) FROM events") == 0
    assert db.scalar("SELECT count(*) FROM imports") == 0
    assert db.scalar("SELECT count(*) FROM sqlite_master") == before


def test_a_child_that_dies_fails_the_file_alone(db: Database, tmp_path: Path, small: None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "big.log"
    _write_log(f, 3_000)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(parallel.sys, "executable", "/bin/false")  # a "Python" that exits at once
    before = db.scalar("SELECT count(*) FROM sqlite_master")
    [r] = import_paths(db, [f], _opts())
    assert r.status == "failed" and "parsing process ended unexpectedly" in r.message
    assert "nothing was kept" in r.message
    assert db.scalar("SELECT count(*) FROM events") == 0
    assert store.get(db, r.import_id)["status"] == "failed"  # type: ignore[index]
    assert db.scalar("SELECT count(*) FROM sqlite_master") == before  # indexes and trigger are back
    monkeypatch.undo()
    [again] = import_paths(db, [f], _opts())
    assert again.ok and again.read == again.accepted + again.continuation + again.rejected


def test_small_files_and_frozen_builds_parse_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from app.ingest import formats
    from app.ingest.clock import Clock
    from app.ingest.formats.base import ParseContext

    parser = formats.make("syslog", ParseContext(clock=Clock(timeutil.UTC, 2026, dt.datetime.now(dt.UTC))))
    assert parallel.worth_it(parser, parallel.MIN_BYTES)
    assert not parallel.worth_it(parser, parallel.MIN_BYTES - 1)
    monkeypatch.setattr(parallel.sys, "frozen", True, raising=False)  # a PyInstaller build has no ``python -c``
    assert not parallel.worth_it(parser, parallel.MIN_BYTES)
