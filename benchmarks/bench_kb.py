#!/usr/bin/env python3
"""The knowledge base on demo data: suggestions for an event, article search, and the report's Patterns sheet facts.

    python3 benchmarks/bench_kb.py [--events N]

Makes a demo database, labels its events with ``patterns --rebuild``, resolves an incident on each of the
ten busiest patterns and drafts an article from each, then times (medians): ``suggest_for_event`` on an event
of the busiest pattern (what ``kb suggest`` and the Knowledge page ask), ``kb search`` for an address, and
gathering the Patterns sheet's rows for the whole period (what every Excel report now adds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain import timeutil  # noqa: E402
from app.domain.filters import Filter  # noqa: E402
from app.store.database import Database  # noqa: E402

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=timeutil.UTC)


def _median(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _prepare(db: Database) -> int:
    """Fixed incidents and drafted articles on the ten busiest patterns; an event of the busiest."""
    from app.incidents import service as svc
    from app.kb.draft import draft_from_incident

    top = [r[0] for r in db.execute("SELECT pattern_id FROM events WHERE pattern_id IS NOT NULL"
                                    " GROUP BY 1 ORDER BY count(*) DESC LIMIT 10")]
    for pid in top:
        ids = [r[0] for r in db.execute("SELECT id FROM events WHERE pattern_id = ? LIMIT 20", (pid,))]
        number = svc.create(db, {"title": f"Pattern {pid} trouble", "log_type": "system", "impact": 2,
                                 "urgency": 2}, event_ids=ids)["number"]
        svc.update(db, number, {"root_cause": "a cause"})
        svc.transition(db, number, "resolved", resolution_code="fixed", notes="steps 10.20.30.40")
        draft_from_incident(db, number)
    return int(db.scalar("SELECT max(id) FROM events WHERE pattern_id = ?", (top[0],)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000)
    args = parser.parse_args()
    from app.kb import articles
    from app.kb.suggest import suggest_for_event
    from app.reports.context import ReportContext
    from app.reports.pattern_rows import top_patterns

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_CONFIG_HOME": tmp, "XDG_STATE_HOME": tmp}
        path = Path(tmp) / "demo.db"
        app = [sys.executable, "-m", "app", "--db", str(path)]
        subprocess.run([*app, "demo", "--events", str(args.events), "--seed", "1", "--end", NOW.isoformat()],
                       check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        subprocess.run([*app, "patterns", "--rebuild"], check=True, cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with Database.open(path) as db:
            event = _prepare(db)
            found = suggest_for_event(db, event)
            suggest = _median(lambda: suggest_for_event(db, event), 20)
            search = _median(lambda: articles.listing(db, "10.20.30.40"), 20)
            ctx = ReportContext(db=db, filter=Filter(), zone=timeutil.UTC, now=NOW, actor="bench")
            sheet = _median(lambda: top_patterns(ctx), 5)
            rows = len(top_patterns(ctx).rows)
    print(f"{args.events:,} events: suggest {suggest * 1000:.1f} ms ({len(found['articles'])} article(s), "
          f"{len(found['incidents'])} incident(s)); search {search * 1000:.1f} ms; "
          f"Patterns sheet facts ({rows} rows) {sheet:.3f} s  (medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
