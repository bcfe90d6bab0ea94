"""The query plan of every statement the Events page, its filters, counts, facets and charts run.

Runs the store's own calls on a database (``python3 benchmarks/bench_plans.py FILE.db``),
records each SELECT as SQLite executed it (values expanded), and prints its
``EXPLAIN QUERY PLAN`` with the time it took: the evidence for the indexes of schema 16.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain import timeutil  # noqa: E402
from app.domain.filters import Filter  # noqa: E402
from app.store import events, facets, time_counts  # noqa: E402
from app.store.browse import Browse  # noqa: E402
from app.store.database import Database  # noqa: E402

ZONE = timeutil.get_zone("Asia/Manila")


def calls(db: Database) -> list[tuple[str, Callable[[], Any]]]:
    host = db.scalar("SELECT name FROM event_names WHERE id = (SELECT host_id FROM event_data LIMIT 1)")
    filters = {
        "everything": Filter(),
        "host + warning": Filter(hosts=(host,), min_severity="warning"),
        "error, last 7 days": Filter(min_severity="error", since="7d"),
        "component sshd": Filter(components=("sshd",)),
        "search publickey": Filter(search="publickey"),
        "search an address": Filter(search="10.1.20.30"),
        "type + client": Filter(log_types=("security",), clients=("Acme",)),
        "hour 9-10": Filter(hours=(9, 10)),
    }
    out: list[tuple[str, Callable[[], Any]]] = []
    for name, f in filters.items():
        b = Browse("events", f, ZONE)
        out.append((f"first page: {name}", lambda b=b: b.page(db, None, 100)))
        out.append((f"count: {name}", lambda b=b: b.count(db)))
        out.append((f"histogram: {name}", lambda f=f: events.histogram(db, f, ZONE)))
    out.append(("severity sort", lambda: Browse("events", Filter(), ZONE, "severity").page(db, None, 100)))
    for facet in ("host", "severity", "log_type"):
        out.append((f"facet {facet}", lambda facet=facet: facets.facet_counts(db, "events", facet, Filter(), ZONE)))
    end = timeutil.from_iso(str(db.scalar("SELECT ts FROM events ORDER BY id DESC LIMIT 1")))
    for by in ("severity", "type", "client"):
        out.append((f"trend by {by}", lambda by=by: time_counts.bucket_counts(
            db, Filter(), ZONE, "hour", end - timeutil.dt.timedelta(days=7), end, by)))
    return out


def main() -> None:
    db = Database.open(Path(sys.argv[1]))
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    for name, call in calls(db):
        seen.clear()
        t0 = time.perf_counter()
        call()
        ms = (time.perf_counter() - t0) * 1000
        print(f"== {name}: {ms:.0f} ms")
        for sql in [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]:
            db.conn.set_trace_callback(None)
            try:
                plan = [r[3] for r in db.conn.execute("EXPLAIN QUERY PLAN " + sql)]
            except Exception as exc:  # noqa: BLE001 - a statement that needs the connection's functions
                plan = [f"(not explained: {exc})"]
            db.conn.set_trace_callback(seen.append)
            print("   " + sql[:160].replace("\n", " ") + ("..." if len(sql) > 160 else ""))
            for line in plan:
                print("      " + line)


if __name__ == "__main__":
    main()
