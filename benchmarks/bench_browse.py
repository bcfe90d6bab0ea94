"""Browsing speed on a 1,000,000-event demo database: pages, counts, FTS, jumps, UI stalls, RSS, CLI.

    python3 -m app --db /tmp/bench1m.db demo --events 1000000   # once (about a minute), then reuse
    python3 benchmarks/bench_browse.py [--db /tmp/bench1m.db]

Targets (issue 5): first page < 50 ms and count < 250 ms (medians) for any filter
combination; FTS first page < 100 ms; last row < 100 ms; the UI thread never
blocked > 100 ms while a filter is applied; RSS < 400 MB with the file open;
a filtered first page of 100 events through the CLI < 0.6 s as a whole process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGE = 256  # the table model's block size


def median_ms(fn, n: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def cases(db):  # type: ignore[no-untyped-def]
    """Filter combinations, broad and selective, with values read from the file."""
    from app.domain.filters import Filter

    def rare(column: str) -> str:
        return str(db.scalar(f"SELECT {column} FROM events GROUP BY {column} ORDER BY count(*) LIMIT 1"))

    host, comp, site, client = rare("host"), rare("component"), rare("site"), rare("client")
    end = db.scalar("SELECT max(ts) FROM events")
    return {
        "no filter": Filter(),
        "type network": Filter(log_types=("network",)),
        "types network+security": Filter(log_types=("network", "security")),
        "severity >= error": Filter(min_severity="error"),
        "severity set {debug,critical}": Filter(severities=("debug", "critical")),
        "last 24 h": Filter(since="24h"),
        "last 1 h": Filter(since="1h"),
        f"host {host}": Filter(hosts=(host,)),
        f"component {comp}": Filter(components=(comp,)),
        f"client {client}": Filter(clients=(client,)),
        f"site {site}": Filter(sites=(site,)),
        "network errors at a site, 7 d": Filter(log_types=("network",), min_severity="error", sites=(site,),
                                                since="7d"),
        "host + component": Filter(hosts=(host,), components=(comp,)),
        "host + critical": Filter(hosts=(host,), severities=("critical",)),
        "client + site + type + 30 d": Filter(clients=(client,), sites=(site,), log_types=("system",), since="30d"),
        "until 30 d ago (old rows)": Filter(until="30d"),
        "include 'timeout'": Filter(include=("timeout",)),
        "exclude 'session'": Filter(exclude=("session",)),
        "include 'timeout' + type network": Filter(include=("timeout",), log_types=("network",)),
        "include rare 'zzqx' (no match)": Filter(include=("zzqx",)),
        "include phrase 'DPD timeout'": Filter(include=("DPD timeout",)),
        "exclude 'session' + type + 7 d": Filter(exclude=("session",), log_types=("system",), since="7d"),
        "include + exclude + client": Filter(include=("timeout",), exclude=("DPD",), clients=(client,)),
        "include symbols '=>' (substring scan)": Filter(include=("=>",)),
        "FTS timeout": Filter(search="timeout"),
        "FTS phrase \"DPD timeout\"": Filter(search='"DPD timeout"'),
        "FTS prefix fail*": Filter(search="fail*"),
        "FTS a OR b NOT c": Filter(search="timeout OR refused NOT DPD"),
        "FTS + type + sev + 7 d": Filter(search="timeout", log_types=("network",), min_severity="warning",
                                         since="7d"),
        "FTS rare word": Filter(search="payments"),
    }, end


def bench_store(path: Path) -> list[str]:
    from app.domain import timeutil
    from app.store.browse import Browse, lean
    from app.store.database import Database

    db = lean(Database.open(path))  # as the window's workers open it
    filters, end = cases(db)
    now = timeutil.from_iso(end)
    zone = timeutil.UTC
    fails: list[str] = []
    print(f"{'filter':42s} {'rows':>9s} {'page':>8s} {'count':>8s} {'last':>8s} {'next':>8s}")
    for name, f in filters.items():
        b = Browse("events", f, zone, now=now)
        first = b.page(db, None, PAGE)
        page = median_ms(lambda: b.page(db, None, PAGE), 5)
        count = median_ms(lambda: b.count(db), 3)
        last = median_ms(lambda: b.page(db, None, PAGE, reverse=True), 3)
        nxt = median_ms(lambda: b.page(db, first[-1]["_key"], PAGE), 3) if len(first) == PAGE else 0.0
        n = b.count(db)
        page_target = 100 if f.search else 50
        flag = ""
        if page > page_target or count > 250 or last > 100:
            flag = "  <-- over target"
            fails.append(name)
        print(f"{name[:42]:42s} {n:9,d} {page:7.1f}ms {count:7.1f}ms {last:7.1f}ms {nxt:7.1f}ms{flag}")
    b = Browse("events", filters["no filter"], zone, now=now)
    anchors = median_ms(lambda: b.anchors(db, PAGE), 1)
    keys = b.anchors(db, PAGE)
    mid = median_ms(lambda: b.page(db, keys[len(keys) // 2], PAGE, inclusive=True), 5)
    print(f"sparse anchors for jumps (every {PAGE} rows, background): {anchors:.0f} ms; "
          f"row 500,000 from its anchor: {mid:.1f} ms")
    sev = Browse("events", filters["type network"], zone, "severity", now=now)
    print(f"sorted by severity, type network: first page {median_ms(lambda: sev.page(db, None, PAGE), 5):.1f} ms")
    db.close()
    return fails


def bench_timeline(path: Path) -> None:
    """The Events timeline's histogram (a worker thread's query) per zone: default window, all time, filtered."""
    from app.domain import timeutil
    from app.domain.filters import Filter
    from app.store import events as event_store
    from app.store.browse import lean
    from app.store.database import Database

    db = lean(Database.open(path))
    host = db.scalar("SELECT host FROM events GROUP BY host ORDER BY count(*) LIMIT 1")
    timelines = {"default window": (Filter(), False), "all time": (Filter(), True),
                 "type network": (Filter(log_types=("network",)), False), f"host {host}": (Filter(hosts=(host,)), True),
                 "regex timed? ?out": (Filter(regex=r"timed? ?out"), False)}
    for zone_name in ("Asia/Manila", "Asia/Kolkata", "Europe/London"):
        zone = timeutil.get_zone(zone_name)
        for name, (f, all_time) in timelines.items():
            h = event_store.histogram(db, f, zone, all_time=all_time)
            ms = median_ms(lambda f=f, all_time=all_time: event_store.histogram(db, f, zone, all_time=all_time),
                           1 if f.regex else 5)
            print(f"timeline {zone_name:14s} {name[:24]:24s} {ms:7.1f} ms ({len(h['counts'])} {h['size']} bars)")
    db.close()


def bench_gui(path: Path) -> None:
    """In its own process: the Events page on the file, UI-thread stalls while filters apply."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from app.domain import timeutil
    from app.domain.filters import Filter
    from app.store.database import Database
    from app.ui.pages.events import EventsPage
    from app.ui.session import Session

    app = QApplication([])
    db = Database.open(path)
    end = timeutil.from_iso(db.scalar("SELECT max(ts) FROM events"))
    day = timeutil.to_iso(end - dt.timedelta(days=1))
    session = Session(db, timeutil.UTC)
    page = EventsPage(session)
    page.resize(1400, 900)
    page.show()
    clock = QElapsedTimer()
    clock.start()
    gaps: list[int] = []
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)

    def spin_until(cond, timeout_s: float = 20.0) -> float:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        while not cond() and time.perf_counter() - start < timeout_s:
            app.processEvents()
            time.sleep(0.001)
        return (time.perf_counter() - start) * 1000

    model = page.model
    spin_until(lambda: model.total is not None and not model._pending)
    filters = [Filter(log_types=("network",)), Filter(min_severity="error", since=day), Filter(search="timeout"),
               Filter(include=("timeout",)), Filter(exclude=("session",), log_types=("system", "security")),
               Filter(search="fail*", min_severity="warning"), Filter()]
    apply_ms, first_ms, count_ms = [], [], []
    gaps.clear()
    for f in filters:
        start = time.perf_counter()
        session.set_filter(f)  # what the filter bar does
        apply_ms.append((time.perf_counter() - start) * 1000)
        first_ms.append(spin_until(lambda: model.rowCount() > 0 or model.total == 0) + apply_ms[-1])
        count_ms.append(spin_until(lambda: model.total is not None) + apply_ms[-1])
        spin_until(lambda: page.timeline.message == "" or page.timeline.message == "No events", 10)
    print(f"GUI: set_filter on the UI thread: max {max(apply_ms):.1f} ms; first rows on screen: median "
          f"{statistics.median(first_ms):.0f} ms, max {max(first_ms):.0f} ms; count shown: median "
          f"{statistics.median(count_ms):.0f} ms, max {max(count_ms):.0f} ms")
    print(f"GUI: longest UI-thread stall while applying {len(filters)} filters (5 ms timer): {max(gaps)} ms")
    gaps.clear()
    last_row = model.rowCount() - 1
    start = time.perf_counter()
    page.table.go_to_row(last_row)
    jump = spin_until(lambda: model.row(last_row, fetch=False) is not None) + (time.perf_counter() - start) * 0
    print(f"GUI: jump to the last row (row {last_row + 1:,}) loaded in {jump:.0f} ms")
    spin_until(lambda: model._anchors is not None)
    mid = last_row // 2
    page.table.go_to_row(mid)
    jump_mid = spin_until(lambda: model.row(mid, fetch=False) is not None)
    print(f"GUI: jump to the middle (row {mid + 1:,}) loaded in {jump_mid:.0f} ms; longest stall {max(gaps)} ms")
    with open("/proc/self/status") as fh:
        rss = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) // 1024
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"GUI: RSS with the 1M database open and browsed: {rss} MB now, {peak} MB peak")
    model.wait()


def bench_cli(path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    commands = {
        "events --type network --min-severity error --limit 100":
            ["events", "--type", "network", "--min-severity", "error", "--limit", "100"],
        "events --search timeout --site <site> --limit 100":
            ["events", "--search", "timeout", "--site", "Manila Site B", "--limit", "100"],
        "events --client <client> --component <c> --limit 100":
            ["events", "--client", "Initech Bank", "--component", "payments", "--limit", "100"],
        "events --type security --count": ["events", "--type", "security", "--count"],
        "events --exclude session --count": ["events", "--exclude", "session", "--count"],
    }
    for label, args in commands.items():
        times = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "app", "--db", str(path), *args], env=env, cwd=ROOT,
                           stdout=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - start)
        print(f"CLI: {label}: median {statistics.median(times):.2f} s (whole process)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench1m.db"))
    parser.add_argument("--part", choices=["all", "store", "timeline", "gui", "cli"], default="all")
    args = parser.parse_args()
    if not args.db.exists():
        print(f"making {args.db} (1,000,000 demo events)…", flush=True)
        subprocess.run([sys.executable, "-m", "app", "--db", str(args.db), "demo", "--events", "1000000"],
                       cwd=ROOT, check=True)
    fails: list[str] = []
    if args.part in ("all", "store"):
        fails = bench_store(args.db)
    if args.part in ("all", "timeline"):
        bench_timeline(args.db)
    if args.part == "gui":
        bench_gui(args.db)
    elif args.part == "all":
        subprocess.run([sys.executable, __file__, "--db", str(args.db), "--part", "gui"], check=True)
    if args.part in ("all", "cli"):
        bench_cli(args.db)
    if fails:
        print(f"over target: {', '.join(fails)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
