#!/usr/bin/env python3
"""Retention on generated events: archive and purge rate, archive size per million, restore rate, space returned.

    python3 benchmarks/bench_retention.py [--events N]

Fills a new database with N events spread over 400 days (direct store inserts, every log type and severity),
then runs the default policies as of 2026-12-01 into an archive, verifies it, and restores it into a fresh file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from app.retention import archive, restore, run  # noqa: E402
from app.store.database import Database  # noqa: E402
from retention_helpers import NOW, fill  # noqa: E402


def _size(db: Database) -> int:
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(db.path).stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    n = parser.parse_args().events
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = Database.open(folder / "ledger.db")
        t0 = time.perf_counter()
        fill(db, n)
        print(f"filled {n:,} events in {time.perf_counter() - t0:.1f} s")
        before = _size(db)
        t0 = time.perf_counter()
        result = run.run(db, folder / "archive", NOW)
        took = time.perf_counter() - t0
        after = _size(db)
        gz = sum(p.stat().st_size for p in (folder / "archive").rglob("*.jsonl.gz"))
        print(f"retention run: {result.purged:,} events archived and purged in {took:.1f} s "
              f"({result.purged / took:,.0f} events/s, compaction included)")
        print(f"archive: {gz / 1e6:.1f} MB for {result.archived:,} events = "
              f"{gz / result.archived * 1e6 / 1e6:.1f} MB per million events")
        print(f"database file: {before / 1e6:.0f} MB before, {after / 1e6:.0f} MB after "
              f"({result.pages_freed:,} pages returned)")
        t0 = time.perf_counter()
        problems = archive.verify(folder / "archive")[1]
        print(f"archive verify: {time.perf_counter() - t0:.1f} s, {len(problems)} problems")
        fresh = Database.open(folder / "fresh.db")
        t0 = time.perf_counter()
        back = restore.restore(fresh, folder / "archive")
        took = time.perf_counter() - t0
        print(f"restore into a fresh file: {back.restored:,} events in {took:.1f} s ({back.restored / took:,.0f}/s)")
        db.close()
        fresh.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
