#!/usr/bin/env python3
"""Start-up and theme figures: how soon the window is usable, and what a theme switch costs.

    python3 benchmarks/bench_startup.py [--events N]

Each figure is the median of a few runs in fresh processes (off screen), on a demo
database made once: command-line start (``--version``), the window up with its
counts in the status bar, a light→dark→light switch with the dashboard showing,
and the frozen program's ``--version`` when dist/issue-ledger/ exists.
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

from precompile import compile_app

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5

WINDOW_PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from PySide6.QtWidgets import QApplication
from app.ui.application import WindowManager, make_app
from app.ui import startup, theme
t_import = time.perf_counter()
app = make_app()
path, zone = startup.resolve(Path(sys.argv[1]), None, startup.prepare(app))
manager = WindowManager(zone)
manager.open(path)
window = manager.window
app.processEvents()
t_shown = time.perf_counter()
while "events" not in window.counts_label.text():
    app.processEvents()
    time.sleep(0.002)
t_counts = time.perf_counter()
manager_theme = theme.manager()
start = time.perf_counter()
manager_theme.set_choice("dark"); app.processEvents()
manager_theme.set_choice("light"); app.processEvents()
t_theme = (time.perf_counter() - start) / 2
print(json.dumps({"imports": t_import - t0, "shown": t_shown - t0, "counts": t_counts - t0, "theme": t_theme}))
import os; os._exit(0)
"""


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.0f} ms"


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50_000)
    args = parser.parse_args()
    compile_app()  # children start as an installed copy does, bytecode ready
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": f"{tmp}/config",
               "XDG_STATE_HOME": f"{tmp}/state", "PYTHONPATH": str(ROOT)}
        db = Path(tmp) / "bench.db"
        subprocess.run([sys.executable, "-m", "app", "--db", str(db), "demo", "--events", str(args.events),
                        "--end", "2026-11-30T12:00:00Z"], env=env, check=True, capture_output=True, cwd=ROOT)
        cli = [timed([sys.executable, "-m", "app", "--version"], env) for _ in range(RUNS)]
        print(f"issue-ledger --version (python -m app): {median_ms(cli)}")
        probes = []
        for _ in range(RUNS):
            out = subprocess.run([sys.executable, "-c", WINDOW_PROBE, str(db)], env=env, check=True,
                                 capture_output=True, text=True, cwd=ROOT).stdout
            probes.append(json.loads(out.strip().splitlines()[-1]))
        for key, label in (("imports", "GUI modules imported"), ("shown", "window shown (dashboard built)"),
                           ("counts", "status-bar counts in"),
                           ("theme", "one theme switch with the dashboard open, until control returns")):
            print(f"{label} ({args.events:,} events): {median_ms([p[key] for p in probes])}")
        frozen = ROOT / "dist" / "issue-ledger" / ("issue-ledger.exe" if os.name == "nt" else "issue-ledger")
        if frozen.exists():
            runs = [timed([str(frozen), "--version"], env) for _ in range(RUNS)]
            print(f"frozen issue-ledger --version: {median_ms(runs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
