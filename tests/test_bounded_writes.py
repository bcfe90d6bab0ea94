"""A long import commits in short steps, hidden until it is whole; other writers wait instead of failing.

Real processes on a real file: the import runs as ``python -m app import`` and
the other commands run while it writes.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

RunCli = Callable[..., "subprocess.CompletedProcess[str]"]
LINES = 300_000


def _write_log(path: Path, n: int, word: str = "line") -> Path:
    path.write_text("".join(f"Nov {1 + i // 86400 % 28:2d} {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} "
                            f"h{i % 7} app[{i % 999}]: {word} {i} token{i % 5}\n" for i in range(n)))
    return path


def _start_import(db_path: Path, log: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "app", "--db", str(db_path), "import", str(log)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _raw(db_path: Path, sql: str) -> int:
    """A count read past the app (hidden rows included), never waiting on a lock."""
    with sqlite3.connect(db_path, timeout=0.2) as conn:
        return int(conn.execute(sql).fetchone()[0])


def _running(db_path: Path) -> bool:
    return _raw(db_path, "SELECT count(*) FROM imports WHERE status = 'running'") > 0


def _wait_for_first_step(db_path: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    """Until some events of the running import are committed (readable past the app) while it still runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if db_path.exists() and _running(db_path) and _raw(db_path, "SELECT count(*) FROM events") > 0:
                return
        except sqlite3.Error:
            pass
        time.sleep(0.02)
    pytest.fail(f"no step of the import was committed while it ran (exit {proc.poll()})")


class LockWatch(threading.Thread):
    """The longest stretch during which no other connection could take the write lock."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(daemon=True)
        self.db_path, self.longest, self.stop = db_path, 0.0, threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(self.db_path, isolation_level=None, timeout=0)
        since = None
        while not self.stop.is_set():
            now = time.monotonic()
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                since = None
            except sqlite3.OperationalError:
                since = since or now
                self.longest = max(self.longest, now - since)
            time.sleep(0.005)
        conn.close()


@pytest.mark.slow
def test_writers_and_readers_during_a_long_import(run_cli: RunCli, new_db_path: Path, tmp_path: Path) -> None:
    db_path = new_db_path
    big = _write_log(tmp_path / "big.log", LINES)
    small = _write_log(tmp_path / "small.log", 50, "other")
    assert run_cli("--db", db_path, "stats").returncode == 0  # the database exists before the import starts
    watch = LockWatch(db_path)
    watch.start()
    proc = _start_import(db_path, big)
    try:
        _wait_for_first_step(db_path, proc)
        seen = run_cli("--db", db_path, "events", "--count")
        searched = run_cli("--db", db_path, "events", "--count", "--search", "token3")
        exported = run_cli("--db", db_path, "export", "events", tmp_path / "events.csv")
        reported = run_cli("--db", db_path, "report", tmp_path / "audit.xlsx")
        added = run_cli("--db", db_path, "incident", "add", "--title", "Floor B headsets drop", "--type", "network",
                        "--impact", "2", "--urgency", "2")
        second = _start_import(db_path, small)  # waits for its turn: imports write one at a time
        during = proc.poll() is None and _running(db_path)  # every command above ran while it was writing
        _second_out, second_err = second.communicate(timeout=120)
        _out, err = proc.communicate(timeout=120)
    finally:
        watch.stop.set()
        if proc.poll() is None:
            proc.kill()
    watch.join()
    assert during, "the import ended before the other commands ran"
    assert (seen.returncode, seen.stdout.strip()) == (0, "0"), seen.stderr  # no partial import is visible
    assert (searched.returncode, searched.stdout.strip()) == (0, "0"), searched.stderr
    assert exported.returncode == 0 and "Traceback" not in exported.stderr, exported.stderr
    assert "token" not in (tmp_path / "events.csv").read_text(encoding="utf-8-sig")  # nothing of the running import
    assert reported.returncode == 0 and (tmp_path / "audit.xlsx").stat().st_size > 0, reported.stderr
    assert added.returncode == 0 and "Traceback" not in added.stderr, added.stderr
    assert added.stderr.count("waiting for another import to finish writing") <= 1, added.stderr
    assert second.returncode == 0 and "Traceback" not in second_err, second_err
    assert second_err.count("waiting for another import to finish writing") == 1, second_err
    assert proc.returncode == 0, err
    assert watch.longest < 3.0, f"the import held the write lock for {watch.longest:.1f} s at a stretch"
    assert run_cli("--db", db_path, "events", "--count").stdout.strip() == str(LINES + 50)
    incidents = json.loads(run_cli("--db", db_path, "incidents", "-o", "json").stdout)
    assert [i["title"] for i in incidents] == ["Floor B headsets drop"]  # what was typed is kept
    imports = json.loads(run_cli("--db", db_path, "imports", "-o", "json").stdout)
    assert sorted((i["file"], i["status"], i["accepted"]) for i in imports) == [
        ("big.log", "complete", LINES), ("small.log", "complete", 50)]


@pytest.mark.slow
def test_killed_after_a_committed_step_leaves_nothing_visible(run_cli: RunCli, db_path: Path, tmp_path: Path) -> None:
    big = _write_log(tmp_path / "big.log", LINES)
    proc = _start_import(db_path, big)
    try:
        _wait_for_first_step(db_path, proc)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert _raw(db_path, "SELECT count(*) FROM events") > 0  # a step was committed before the kill
    assert run_cli("--db", db_path, "events", "--count").stdout.strip() == "0"
    assert run_cli("--db", db_path, "events", "--count", "--search", "token3").stdout.strip() == "0"
    stats = json.loads(run_cli("--db", db_path, "stats", "-o", "json").stdout)
    assert stats["events"] == 0
    again = run_cli("--db", db_path, "import", big)
    assert again.returncode == 0, again.stderr
    assert run_cli("--db", db_path, "events", "--count").stdout.strip() == str(LINES)
    assert _raw(db_path, "SELECT count(*) FROM events") == LINES  # the killed import's steps are gone
    assert _raw(db_path, "SELECT count(DISTINCT line_no) FROM events") == LINES
    assert _raw(db_path, "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'token3'") == LINES // 5
    imports = json.loads(run_cli("--db", db_path, "imports", "-o", "json").stdout)
    assert sorted(i["status"] for i in imports) == ["complete", "incomplete"]


@pytest.mark.parametrize("command", [
    ("incident", "add", "--title", "Queue stuck", "--type", "network", "--impact", "1", "--urgency", "1"),
    ("import-rules", "--add-host", "fl2-*", "--client", "Acme"),
])
def test_a_writer_that_waits_too_long_says_so_in_one_line(run_cli: RunCli, new_db_path: Path,
                                                          command: tuple[str, ...]) -> None:
    db_path = new_db_path
    assert run_cli("--db", db_path, "stats").returncode == 0
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer that keeps the lock past the limit
    try:
        started = time.monotonic()
        r = run_cli("--db", db_path, *command, env={"ISSUE_LEDGER_WRITE_WAIT": "1"})
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines[0] == "waiting for another import to finish writing…", r.stderr
    assert len(lines) == 2 and lines[1].startswith("Error: ") and "nothing was written" in lines[1], r.stderr
    assert waited < 8  # the limit set, not SQLite's old 10 s


def test_a_running_imports_steps_move_nothing_a_reader_sees(db: Any) -> None:
    """Counts, search and the window's change marks stay put until the import's last commit."""
    from app.domain import timeutil
    from app.domain.filters import Filter
    from app.store import events as event_store, imports as store, stats

    zone = timeutil.UTC
    marks = stats.change_marks(db)
    import_id = store.begin(db, {"file": "step.log"})
    store.wait_turn(db, import_id)
    begun = stats.change_marks(db)
    row = ("2026-11-29T10:00:00.000Z", 3, "system", "err", "h1", "app", 1, None, "vpn tunnel down", "raw", None, None,
           import_id, 1, 0)
    with db.transaction():  # one committed step
        event_store.insert_many(db, [row, (*row[:13], 2, 0)])
    assert stats.change_marks(db) == begun and begun[0] == marks[0]
    assert event_store.count(db, Filter(), zone) == 0 and event_store.count(db, Filter(search="vpn"), zone) == 0
    assert stats.summary(db)["events"] == 0 and stats.quick_counts(db) == (0, 0) and stats.is_empty(db)
    with db.transaction():
        store.finish(db, import_id, "complete", (2, 2, 0, 0))
    assert stats.change_marks(db)[0] > marks[0]
    assert event_store.count(db, Filter(), zone) == 2 and event_store.count(db, Filter(search="vpn"), zone) == 2
