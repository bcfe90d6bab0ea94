"""Done-when for live collection: 100,000 lines written while the file rotates twice and ``watch`` is killed.

A writer process appends numbered lines (each carrying the time it was
written) and rotates the file as logrotate does (``.1`` -> ``.2``, the file ->
``.1``, a new file). A real ``issue-ledger watch`` follows it; in the middle it
is killed with SIGKILL and started again. The test reads the database as the
lines arrive: at the end it must hold each line exactly once, each within 2 s of
being written. A second collector is refused while the first runs, and
``watch --once`` serves cron.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.store.database import Database
from tests.collect_helpers import add, lines, seqs

TOTAL = 100_000
ROTATE_AT = (33_000, 66_000)
KILL_AT = 50_000
LIMIT_S = 2.0
LINE = re.compile(r"seq=(\d+) written=([\d.]+)")

WRITER = r"""
import os, sys, time, datetime as dt
path, total, rotate_at = sys.argv[1], int(sys.argv[2]), {int(x) for x in sys.argv[3].split(",")}
per_chunk, pause = 100, 0.008
fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
seq = 0
while seq < total:
    now = time.time()
    stamp = dt.datetime.fromtimestamp(now, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    end = min(seq + per_chunk, total)
    cut = min([r for r in rotate_at if seq < r < end] or [end])
    os.write(fd, "".join(f"{stamp} pbx01 dialer[7]: error: trunk down seq={i} written={now:.3f}\n"
                         for i in range(seq, cut)).encode())
    seq = cut
    if seq in rotate_at:  # logrotate's rename rotation: .1 -> .2, the file -> .1, a new file
        os.close(fd)
        if os.path.exists(path + ".1"):
            os.rename(path + ".1", path + ".2")
        os.rename(path, path + ".1")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    time.sleep(pause)
os.close(fd)
"""


def _watch(db_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "app", "--db", str(db_path), "watch", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _started(proc: subprocess.Popen[str]) -> None:
    assert proc.stderr is not None
    first = proc.stderr.readline()
    assert first.startswith("watching 1 source"), first


class Arrivals:
    """Reads new events as they become visible and keeps, per sequence number, how late it arrived."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.last_id = 0
        self.delays: dict[int, float] = {}
        self.count = 0

    def look(self) -> None:
        rows = self.db.execute("SELECT id, message FROM events WHERE id > ? ORDER BY id", (self.last_id,)).fetchall()
        now = time.time()
        for event_id, message in rows:
            m = LINE.search(message)
            assert m, message
            self.delays.setdefault(int(m.group(1)), now - float(m.group(2)))
            self.last_id = event_id
            self.count += 1


def test_rotation_and_a_killed_collector_lose_and_repeat_nothing(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    db_path = tmp_path / "ledger.db"
    log = tmp_path / "dialer.log"
    log.touch()
    with Database.open(db_path) as db:
        add(db, log)
    watcher = _watch(db_path)
    _started(watcher)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(log), str(TOTAL), ",".join(map(str, ROTATE_AT))])
    killed = refused = False
    deadline = time.monotonic() + 50
    with Database.open(db_path) as db:
        seen = Arrivals(db)
        try:
            while seen.count < TOTAL and time.monotonic() < deadline:
                time.sleep(0.05)
                seen.look()
                if not refused and seen.count > 10_000:  # while it runs, a second collector is refused
                    second = run_cli("--db", db_path, "watch", "--once", timeout=30)
                    assert second.returncode == 1
                    assert f"another collector (pid {watcher.pid}) is already running" in second.stderr
                    refused = True
                if not killed and seen.count >= KILL_AT:
                    watcher.send_signal(signal.SIGKILL)
                    watcher.wait(10)
                    watcher = _watch(db_path)
                    _started(watcher)
                    killed = True
            assert writer.wait(30) == 0
            seen.look()
        finally:
            watcher.send_signal(signal.SIGTERM)
            _out, err = watcher.communicate(timeout=30)
            if writer.poll() is None:
                writer.kill()
        assert watcher.returncode == 0, err
        assert killed and refused
        stored = seqs(db)
        assert len(stored) == TOTAL and sorted(stored) == list(range(TOTAL))  # none lost, none twice
        assert stored == sorted(stored)  # and in the order written, across both rotations
        late = {s: d for s, d in seen.delays.items() if d > LIMIT_S}
        print(f"worst arrival {max(seen.delays.values()):.2f} s")
        assert not late, f"{len(late)} lines arrived later than {LIMIT_S} s, the worst {max(late.values()):.2f} s"
    assert sorted(p.name for p in tmp_path.glob("dialer.log*")) == ["dialer.log", "dialer.log.1", "dialer.log.2"]


def test_watch_once_reads_what_is_there_and_exits(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    db_path = tmp_path / "ledger.db"
    log = tmp_path / "dialer.log"
    log.write_text(lines(0, 40), encoding="utf-8")
    assert run_cli("--db", db_path, "sources", "add", log, "--client", "Acme").returncode == 0
    first = run_cli("--db", db_path, "watch", "--once")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "40 lines stored"
    with log.open("a", encoding="utf-8") as fh:
        fh.write(lines(40, 2))
    again = run_cli("--db", db_path, "watch", "--once")
    assert again.stdout.strip() == "2 lines stored"
    with Database.open(db_path) as db:
        assert seqs(db) == list(range(42))
        assert db.scalar("SELECT count(*) FROM events WHERE client = 'Acme'") == 42
    assert not (tmp_path / "ledger.db.collector.lock").read_text()  # released: no pid left behind
