"""How fast SQLite alone can store a million parsed syslog lines, with less and less of the schema.

The import target (issue: 1,000,000 lines in 5 s, 200,000 lines/s) is checked
here against the store itself: the same rows the importer makes (parsed in this
process first, not timed) go into fresh files through ``executemany`` in one
transaction, in steps that each drop something the product needs:

1. ``schema``: the events table, its browse indexes and the full-text index, as
   ``Database.open`` creates them, built the way a bulk import does (rows, then
   the full-text rows, then the indexes), WAL journal;
2. ``no browse indexes``: rows and full-text index only;
3. ``no journal``: as 2, with the journal and fsync off (a crash corrupts the file);
4. ``bare floor``: as 3, with 64 KiB pages and foreign keys off.

SQLite runs all of this on one core; parsing can overlap on the second core, but
the writing cannot be split across cores within one database file.
Usage: ``python3 benchmarks/bench_sqlite_floor.py [LINES]``.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench_import import generate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BATCH = 20_000


def parsed_rows(log: Path) -> list[tuple[object, ...]]:
    """The rows the importer would insert for ``log``, in ``EVENT_COLUMNS`` order."""
    from app.ingest import engine, formats, lines
    from app.ingest.service import ImportOptions, _context, choose_format
    from app.ingest.sources import Source

    source = Source(log)
    options = ImportOptions()
    fmt, enc, sample = choose_format(source, options)
    parser = formats.make(fmt, _context(source, options, sample))
    rows: list[tuple[object, ...]] = []
    with source.open() as reader:
        engine.run_lines(parser, lines.iter_lines(reader.stream, enc), engine.Assign(1, parser.default_type),
                         engine.Sink(rows.extend, lambda _r: None))
    return rows


def schema(tmp: Path) -> tuple[list[str], list[str], str]:
    """The real DDL of a fresh database: (tables and FTS, browse indexes, the insert statement)."""
    from app.store.database import Database
    from app.store.events import _INSERT

    with Database.open(tmp / "schema.db") as db:
        tables = [r["sql"] for r in db.rows(
            "SELECT sql FROM sqlite_master WHERE name IN ('imports', 'events', 'events_fts') ORDER BY rowid")]
        indexes = [r["sql"] for r in db.rows(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL")]
    return tables, indexes, _INSERT


def store(path: Path, rows: list[tuple[object, ...]], tables: list[str], indexes: list[str], insert: str, *,
          journal: str = "WAL", page_size: int = 4096, foreign_keys: bool = True) -> dict[str, float]:
    """Seconds per step of one bulk load into a new file."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA page_size={page_size}")
    conn.execute(f"PRAGMA journal_mode={journal}")
    conn.execute(f"PRAGMA synchronous={'NORMAL' if journal == 'WAL' else 'OFF'}")
    conn.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cache_size=-65536")
    for sql in tables:
        conn.execute(sql)
    conn.execute("INSERT INTO imports (id, file, path, size, sha256, format, status, started_at) "
                 "VALUES (1, 'x', 'x', 0, 'x', 'syslog', 'running', '2026-01-01T00:00:00.000Z')")
    steps: dict[str, float] = {}
    t = time.perf_counter()
    conn.execute("BEGIN")
    for i in range(0, len(rows), BATCH):
        conn.executemany(insert, rows[i:i + BATCH])
    steps["rows"], t = time.perf_counter() - t, time.perf_counter()
    conn.execute("INSERT INTO events_fts(events_fts, rank) VALUES ('hashsize', ?)", (64 << 20,))
    conn.execute("INSERT INTO events_fts(rowid, message) SELECT id, message FROM events")
    steps["full-text"], t = time.perf_counter() - t, time.perf_counter()
    for sql in indexes:
        conn.execute(sql)
    steps["indexes"], t = time.perf_counter() - t, time.perf_counter()
    conn.execute("COMMIT")
    conn.close()
    steps["commit"] = time.perf_counter() - t
    return steps


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        log = tmp / "bench-syslog.log"
        generate(log, n)
        t = time.process_time()
        rows = parsed_rows(log)
        parse = time.process_time() - t
        tables, indexes, insert = schema(tmp)
        print(f"{n:,} lines parsed in {parse:.2f} s of CPU (not counted below); {len(indexes)} browse indexes; "
              f"load average {os.getloadavg()[0]:.2f}")
        cases = (
            ("schema", indexes, {}),
            ("no browse indexes", [], {}),
            ("no journal", [], {"journal": "OFF"}),
            ("bare floor", [], {"journal": "OFF", "page_size": 65536, "foreign_keys": False}),
        )
        for i, (label, idx, options) in enumerate(cases):
            cpu = time.process_time()
            steps = store(tmp / f"case{i}.db", rows, tables, idx, insert, **options)
            total = sum(steps.values())
            detail = ", ".join(f"{k} {v:.2f}" for k, v in steps.items())
            print(f"{label:<18} {total:5.2f} s wall, {time.process_time() - cpu:5.2f} s CPU "
                  f"({n / total:>9,.0f} rows/s): {detail}")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{tmp / f'case{i}.db'}{suffix}").unlink(missing_ok=True)
        print("target: 1,000,000 lines end to end in 5.0 s (200,000 lines/s), parsing included")


if __name__ == "__main__":
    main()
