#!/usr/bin/env python3
"""What alert rules cost as events arrive, and a ``rules test`` replay, on demo data (issue 17, item 4).

    python3 benchmarks/bench_alerts.py [--events N] [--batch N]

Makes a demo database (its events labelled with patterns), then times ``evaluate_range`` over the newest
batch of events with no rule enabled (what every import and collector batch pays when nobody uses alerts),
with four enabled rules (count on a search, count on errors, spike, new pattern), and a replay of the count
rule over all the data. Medians of 5; the evaluation runs after a first one, as it does in use (cooldowns hold).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RUNS = 5


def _median(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    from app.alerts import engine, rules
    from app.demo.generator import generate
    from app.domain.alerts import Rule
    from app.domain.filters import Filter
    from app.patterns import backfill
    from app.store.database import Database

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "demo.db")
        generate(db, events=args.events, seed=1)
        backfill.fill(db)  # the demo's events get their patterns, as imports give them
        last = int(db.scalar("SELECT max(id) FROM events"))
        first = last - args.batch + 1
        idle = _median(lambda: engine.evaluate_range(db, first, last))
        for rule in (Rule("dpd", "count", 300, Filter(search="DPD timeout"), threshold=5, incident=True, impact=2,
                          urgency=1),
                     Rule("errors", "count", 300, Filter(min_severity="error"), threshold=3),
                     Rule("spike", "spike", 300, Filter(min_severity="warning"), threshold=5),
                     Rule("new", "new_pattern", 600)):
            rules.add(db, rule)
        fired = len(engine.evaluate_range(db, first, last))
        busy = _median(lambda: engine.evaluate_range(db, first, last))
        count_rule = rules.get(db, "errors")
        replays = engine.replay(db, count_rule)
        replay = _median(lambda: engine.replay(db, count_rule))
        db.close()
    print(f"{args.events:,} events, batch of {args.batch:,}: evaluate_range with no rule {idle * 1e6:.0f} µs; "
          f"with 4 rules {busy * 1000:.1f} ms (first run fired {fired}); replay of a count rule over all "
          f"events {replay:.2f} s ({len(replays)} firings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
