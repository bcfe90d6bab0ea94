"""Bytes per stored event: a generated syslog file imported through the CLI, then measured with ``dbstat``.

Prints the file size against the log's, bytes per event, and the split by table and
index (FTS5 shadow tables summed as ``events_fts``). ``--root DIR`` imports with another
checkout (e.g. the previous release) for a before/after in the same run.
Usage: ``python3 benchmarks/bench_store_size.py [LINES] [--root DIR]``
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_import import generate

ROOT = Path(__file__).resolve().parents[1]


def split(db: Path) -> tuple[int, dict[str, int]]:
    """(event count, bytes by table/index) for the events' tables and indexes, the rest summed as ``other``."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sizes: dict[str, int] = {}
    for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
        key = "events_fts" if name.startswith("events_fts") else name
        if not (key.startswith("event") or key in ("incident_events",)):
            key = "other"
        sizes[key] = sizes.get(key, 0) + int(size)
    n = int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    conn.close()
    return n, sizes


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    lines = int(args[0]) if args else 1_000_000
    root = Path(sys.argv[sys.argv.index("--root") + 1]).resolve() if "--root" in sys.argv else ROOT
    if root != ROOT:
        args = [a for a in args if Path(a).resolve() != root]
        lines = int(args[0]) if args else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "size.log"
        generate(log, lines)
        raw = log.stat().st_size
        db = Path(tmp) / "size.db"
        env = dict(os.environ, PYTHONPATH=str(root))
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "--db", str(db), "--tz", "UTC", "import", str(log)],
                       env=env, cwd=root, check=True, stdout=subprocess.DEVNULL)
        secs = time.perf_counter() - t0
        n, sizes = split(db)
        total = db.stat().st_size
        print(f"{root}: {lines:,} syslog lines ({raw / 1e6:.1f} MB) -> {n:,} events, import {secs:.1f} s")
        print(f"  file {total / 1e6:.1f} MB = {total / raw:.2f}x the log, {total / max(n, 1):.0f} bytes per event")
        for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
            print(f"  {name:28s} {size / 1e6:8.1f} MB  {size / max(n, 1):6.1f} B/event")


if __name__ == "__main__":
    main()
