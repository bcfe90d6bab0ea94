#!/usr/bin/env python3
"""The Patterns page's first paint: from asking for the page to its rows on screen, on demo data (issue 16).

    python3 benchmarks/bench_patterns_page.py [--events N] [--db FILE] [--tz ZONE]

Makes a demo database of 1,000,000 events by default (unless ``--db`` names one; the demo labels its events
as it writes them, ``patterns --rebuild`` then finds none left), then, in fresh off-screen processes, times
the page's one background query (``listing(..., detail=True)``) and the window's first paint of the page
(``show_page("patterns")`` until the table has its rows), with buckets in ``--tz``. Medians of 5. Target < 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5

PROBE = r"""
import json, sys, time
from pathlib import Path
from zoneinfo import ZoneInfo
from PySide6.QtWidgets import QApplication
from app.domain import timeutil
from app.domain.filters import Filter
from app.patterns.listing import listing
from app.store.database import Database
from app.ui.main_window import MainWindow
from app.ui.session import Session
from app.ui import workers
app = QApplication([])
db = Database.open(Path(sys.argv[1]))
zone = timeutil.UTC if sys.argv[2] == "UTC" else ZoneInfo(sys.argv[2])
t0 = time.perf_counter()
rows = listing(db, Filter(), zone, "count", detail=True)
query = time.perf_counter() - t0
window = MainWindow(Session(db, zone))
window.show()
workers.settle(60_000)
t0 = time.perf_counter()
page = window.show_page("patterns")
while page.model.rowCount() == 0:
    app.processEvents()
    time.sleep(0.001)
app.processEvents()
paint = time.perf_counter() - t0
print(json.dumps({"query": query, "paint": paint, "patterns": len(rows)}))
workers.settle(60_000)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--tz", default="UTC", help="the display zone the buckets follow (e.g. Asia/Manila)")
    parser.add_argument("--db", type=Path, help="an existing database (already labelled) instead of demo data")
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory() as tmp:
        env["XDG_CONFIG_HOME"] = env["XDG_STATE_HOME"] = tmp
        db = args.db or Path(tmp) / "demo.db"
        if args.db is None:
            app = [sys.executable, "-m", "app", "--db", str(db)]
            t0 = time.perf_counter()
            subprocess.run([*app, "demo", "--events", str(args.events), "--seed", "1"], check=True, cwd=ROOT,
                           env=env, stdout=subprocess.DEVNULL)
            print(f"{args.events:,} demo events made in {time.perf_counter() - t0:.0f} s", flush=True)
            subprocess.run([*app, "patterns", "--rebuild"], check=True, cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs = []
        for n in range(RUNS):  # a fresh settings folder each time: the window must not reopen on the page
            state = Path(tmp) / f"run{n}"
            run_env = {**env, "XDG_CONFIG_HOME": str(state), "XDG_STATE_HOME": str(state)}
            out = subprocess.run([sys.executable, "-c", PROBE, str(db), args.tz], check=True, cwd=ROOT, env=run_env,
                                 capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
    print(f"{runs[0]['patterns']} patterns; query median {statistics.median(r['query'] for r in runs):.3f} s, "
          f"first paint median {statistics.median(r['paint'] for r in runs):.3f} s "
          f"(runs: {', '.join(format(r['paint'], '.3f') for r in runs)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
