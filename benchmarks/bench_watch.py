"""Live collection speed: sustained lines/s through ``issue-ledger watch`` from 10 growing files.

A writer thread appends syslog lines (the shapes of ``bench_import``) to 10
files in a folder source, round robin, as fast as ``--rate`` allows (default: no
limit, so the collector is the bottleneck; the writer then keeps at most
``BACKLOG`` lines ahead of what is stored, so the files stay growing without
gigabytes piling up), for ``SECONDS``. A real ``watch`` process follows them.
The figure is the events stored per second over the writing window (read from
the database every 0.5 s), then how long the collector took to catch up after
the writer stopped, and the worst lag seen.
Usage: ``python3 benchmarks/bench_watch.py [SECONDS] [--rate LINES_PER_S]``.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_import import HOSTS, MONTHS, _stream
from precompile import compile_app

ROOT = Path(__file__).resolve().parents[1]
FILES = 10
BLOCK = 500  # lines per write
BACKLOG = 100_000  # unpaced, the writer waits while this many lines are written but not yet stored


def writer(folder: Path, seconds: float, rate: float | None, written: list[int], done: list[int],
           stop: threading.Event) -> None:
    """Append blocks of lines round robin until ``seconds`` have passed; ``written[0]`` counts them."""
    handles = [(folder / f"agent{n:02d}.log").open("a", encoding="utf-8") for n in range(FILES)]
    lines = [f"{MONTHS[11]} {1 + day % 28:2d} {h:02d}:{mi:02d}:{s:02d} {HOSTS[i % len(HOSTS)]} "
             f"{prog}[{1000 + i % 30000}]: {msg}\n" for i, day, h, mi, s, prog, msg, _r in _stream(50_000, 3)]
    started = time.perf_counter()
    at = 0
    while time.perf_counter() - started < seconds and not stop.is_set():
        fh = handles[(written[0] // BLOCK) % FILES]
        fh.write("".join(lines[at:at + BLOCK]))
        fh.flush()
        at = (at + BLOCK) % (len(lines) - BLOCK)
        written[0] += BLOCK
        while not rate and written[0] - done[0] > BACKLOG and time.perf_counter() - started < seconds:
            time.sleep(0.05)
        if rate:
            ahead = written[0] / rate - (time.perf_counter() - started)
            if ahead > 0:
                time.sleep(ahead)
    for fh in handles:
        fh.close()


def stored(db: Path) -> int:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        conn.close()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seconds = float(args[0]) if args else 20.0
    rate = float(sys.argv[sys.argv.index("--rate") + 1]) if "--rate" in sys.argv else None
    if rate:
        args = [a for a in args if a != sys.argv[sys.argv.index("--rate") + 1]]
    compile_app()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "logs", Path(tmp) / "bench.db"
        folder.mkdir()
        for n in range(FILES):  # a first line each, so the format is detected on a real line
            (folder / f"agent{n:02d}.log").write_text(f"{MONTHS[11]}  1 00:00:00 pbx01 sshd[1]: started\n")
        app = [sys.executable, "-m", "app", "--db", str(db), "--tz", "UTC"]
        subprocess.run([*app, "sources", "add", str(folder), "--glob", "*.log"], check=True, env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        watch = subprocess.Popen([*app, "watch"], env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        assert watch.stderr is not None
        watch.stderr.readline()
        print(f"load average before: {os.getloadavg()[0]:.2f} (other work on the box slows every figure)")
        written, done = [0], [0]
        stop = threading.Event()
        thread = threading.Thread(target=writer, args=(folder, seconds, rate, written, done, stop))
        t0 = time.perf_counter()
        thread.start()
        samples = []
        worst_lag = 0
        while thread.is_alive():
            time.sleep(0.5)
            n = done[0] = stored(db)
            samples.append((time.perf_counter() - t0, n))
            worst_lag = max(worst_lag, written[0] + FILES - n)
        wrote_s = time.perf_counter() - t0
        total = written[0] + FILES
        while stored(db) < total and time.perf_counter() - t0 < wrote_s + 600:
            time.sleep(0.2)
        caught_up = time.perf_counter() - t0 - wrote_s
        watch.send_signal(signal.SIGINT)
        watch.wait(60)
        (a_t, a_n), (b_t, b_n) = samples[len(samples) // 5], samples[-1]  # the first fifth is the warm-up
        print(f"{FILES} files, {written[0]:,} lines written in {wrote_s:.1f} s ({written[0] / wrote_s:,.0f} lines/s"
              f"{f', paced at {rate:,.0f}' if rate else ', unpaced'})")
        print(f"watch: {(b_n - a_n) / (b_t - a_t):,.0f} lines/s sustained (stored, from {a_t:.1f} s to {b_t:.1f} s); "
              f"{stored(db):,} of {total:,} stored; caught up {caught_up:.1f} s after the writer stopped; "
              f"worst lag {worst_lag:,} lines; exit {watch.returncode}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
