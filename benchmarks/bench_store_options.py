"""What each way of shrinking the event store would save, and what it would slow: the evidence for issue 18's size.

For every secondary index of ``event_data``, a copy of the database without it: the bytes it holds
(``dbstat``) and every query of ``bench_plans.calls`` and the Patterns page's listing, timed on the
copy against the original (best of ``ROUNDS``), listing the ones at least 1.5x (and 10 ms) slower.
Then messages as template + parameters (CLP-style: digit runs out of the text, the rest a dictionary
entry): bytes saved per event and the encoding's cost per message in Python, on the stored messages.
Usage: ``python3 benchmarks/bench_store_options.py [FILE.db]`` (without a file: 200,000 generated
syslog lines imported through the CLI). The file given is only read; copies go to a temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_import import generate  # noqa: E402
from bench_plans import calls  # noqa: E402

from app.domain import timeutil  # noqa: E402
from app.domain.filters import Filter  # noqa: E402
from app.patterns.listing import listing  # noqa: E402
from app.store import events  # noqa: E402
from app.store.database import Database  # noqa: E402

ROUNDS = 3
# events_browse stays: queries name it (INDEXED BY), and every page walks it
INDEXES = ("events_pattern", "events_pattern_mix", "events_host", "events_sev_ts", "events_import")
SLOWER = 1.5
_DIGITS = re.compile(r"(\d+)")
_HEXY = re.compile(r"[a-fA-F]\d|\d[a-fA-F]")  # hashes and ids: one template each, so kept as text


def queries(db: Database) -> list[tuple[str, Callable[[], Any]]]:
    """bench_plans' queries, the Patterns page's listing and an event's context lines."""
    work: list[tuple[str, Callable[[], Any]]] = list(calls(db))
    pages = ((Filter(), "everything"), (Filter(since="7d"), "last 7 days"), (Filter(hours=(9, 10)), "hour 9-10"))
    for f, name in pages:
        work.append((f"patterns page: {name}", lambda f=f: listing(db, f, timeutil.UTC, "count", detail=True)))
    middle = events.get(db, int(db.scalar("SELECT max(id) / 2 FROM event_data") or 1))
    work.append(("context lines", lambda: events.context(db, middle or {})))
    return work


def timings(paths: list[Path]) -> list[dict[str, float]]:
    """Best wall time (ms) of every query on each file, the files taking turns (a busy box slows both alike)."""
    dbs = [Database.open(p) for p in paths]
    works = [queries(db) for db in dbs]
    best: list[dict[str, float]] = [{} for _ in paths]
    for _ in range(ROUNDS):
        for work, out in zip(works, best, strict=True):
            for name, call in work:
                t0 = time.perf_counter()
                call()
                out[name] = min(out.get(name, float("inf")), (time.perf_counter() - t0) * 1000)
    for db in dbs:
        db.close()
    return best


def index_bytes(path: Path) -> tuple[int, dict[str, int]]:
    conn = sqlite3.connect(path)
    n = int(conn.execute("SELECT count(*) FROM event_data").fetchone()[0])
    sizes = {str(k): int(v) for k, v in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")}
    conn.close()
    return n, sizes


def template_of(message: str) -> tuple[str, str] | None:
    """(template, parameters) of a message, or None where it stays as text."""
    parts = _DIGITS.split(message)
    if len(parts) == 1 or _HEXY.search(message):
        return None
    return "\x01".join(parts[0::2]), ",".join(parts[1::2])


def templates(path: Path) -> None:
    conn = sqlite3.connect(path)
    messages = [r[0] for r in conn.execute("SELECT message FROM event_data")]
    conn.close()
    t0 = time.perf_counter()
    seen: dict[str, int] = {}
    saved = 0
    for m in messages:
        got = template_of(m)
        if got is not None:
            seen[got[0]] = seen.get(got[0], 0) + 1
            saved += len(m.encode()) - len(got[1]) - 2  # the parameters and a template id instead of the text
    secs = time.perf_counter() - t0
    n = max(len(messages), 1)
    templated = sum(seen.values())
    print(f"message templates: {templated / n:.0%} of messages, {len(seen):,} templates,"
          f" {saved / n:.1f} B/event saved (of {sum(len(m.encode()) for m in messages) / n:.1f} B of text),"
          f" encoding {secs / n * 1e6:.2f} us/message in Python")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if len(sys.argv) > 1:
            source = Path(sys.argv[1])
        else:
            log, source = Path(tmp) / "o.log", Path(tmp) / "o.db"
            generate(log, 200_000)
            subprocess.run([sys.executable, "-m", "app", "--db", str(source), "--tz", "UTC", "import", str(log)],
                           env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        base = Path(tmp) / "base.db"
        shutil.copyfile(source, base)
        n, sizes = index_bytes(base)
        total = base.stat().st_size
        print(f"{n:,} events, {total / max(n, 1):.1f} B/event, load average {os.getloadavg()[0]:.2f}")
        for index in INDEXES:
            copy = Path(tmp) / "without.db"
            shutil.copyfile(base, copy)
            conn = sqlite3.connect(copy)
            conn.execute(f"DROP INDEX {index}")
            conn.close()
            before, after = timings([base, copy])
            slower = [f"{q} {before[q]:.0f}->{after[q]:.0f} ms" for q in before
                      if after[q] >= before[q] * SLOWER and after[q] - before[q] >= 10]
            print(f"without {index} (load {os.getloadavg()[0]:.1f}): -{sizes.get(index, 0) / max(n, 1):.1f} B/event;"
                  f" {len(slower)} queries slower: {'; '.join(slower) or '-'}")
            copy.unlink()
        templates(base)


if __name__ == "__main__":
    main()
