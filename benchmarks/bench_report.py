"""Excel report speed and memory.

Targets (issue 7):
* exporting 100,000 events and 5,000 incidents runs at >= 80 % of the rows/s that
  bare openpyxl write-only mode reaches writing the same rows in the same run;
* peak memory stays under 300 MB exporting 1,000,000 events (measured in a
  fresh subprocess as its peak RSS, VmHWM from /proc/self/status; Linux only).

The baseline gets the finished cell values ready in memory (not timed) and only
appends them to two write-only sheets and saves; the export is timed whole:
SQL, conversion, neutralisation, styles, all five sheets, hashing and the audit row.

    python3 benchmarks/bench_report.py [--events N] [--incidents N] [--million-events N] [--skip-million]
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.demo.generator import generate
from app.domain import timeutil
from app.domain.filters import Filter
from app.store.database import Database

END = dt.datetime(2026, 11, 30, 12, 0, tzinfo=timeutil.UTC)
ZONE = timeutil.get_zone("Asia/Manila")


def make_db(path: Path, events: int, incidents: int) -> float:
    started = time.perf_counter()
    with Database.open(path) as db:
        generate(db, events=events, incidents=incidents, seed=3, end=END)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def baseline_rows(db: Database) -> tuple[list[tuple[object, ...]], list[list[object]]]:
    """The Events and Incidents sheets' final values, computed the same way the export does."""
    from app.domain.vocab import SEVERITIES
    from app.reports.context import ReportContext
    from app.reports.facts import gather
    from app.reports.safety import excel_text
    from app.reports.sheets_incidents import incident_fields, incident_values
    from app.store import report_queries

    ctx = ReportContext(db=db, filter=Filter(), zone=ZONE, now=END, actor="bench")
    facts = gather(ctx, "0" * 64)
    fields = incident_fields(facts)
    incidents = [incident_values(ctx, r, fields) for r in facts.incidents]

    def t(v: str | None) -> str | None:
        return None if v is None else excel_text(v)

    stream = report_queries.iter_events(db, Filter(), ZONE, END)
    events = [
        (i, ctx.local(ts), lt, SEVERITIES[s], t(rl), t(h), t(c), pid, t(code), excel_text(m), t(cl), t(si), imp, ln)
        for (i, ts, lt, s, rl, h, c, pid, code, m, cl, si, imp, ln) in stream
    ]
    return events, incidents


def bare_openpyxl(out: Path, events: list[tuple[object, ...]], incidents: list[list[object]]) -> tuple[float, float]:
    from openpyxl import Workbook

    started, cpu = time.perf_counter(), time.process_time()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Incidents")
    for row in incidents:
        ws.append(row)
    ws = wb.create_sheet("Events")
    for row in events:
        ws.append(row)
    wb.save(out)
    return time.perf_counter() - started, time.process_time() - cpu


def ours(db: Database, out: Path) -> tuple[float, float]:
    from app.reports.workbook import export_workbook

    started, cpu = time.perf_counter(), time.process_time()
    export_workbook(db, out, Filter(), ZONE, now=END, actor="bench")
    return time.perf_counter() - started, time.process_time() - cpu


_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from app.domain import timeutil
from app.domain.filters import Filter
from app.reports.workbook import export_workbook
from app.store.database import Database
with Database.open({db!r}) as db:
    started = time.perf_counter()
    r = export_workbook(db, {out!r}, Filter(), timeutil.get_zone("Asia/Manila"), actor="bench")
    took = time.perf_counter() - started
# VmHWM is this process's own peak; ru_maxrss would start from the parent's size at fork
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(r.events, r.incidents, round(took, 1), hwm // 1024, r.sheets)
"""


def million(folder: Path, n: int) -> None:
    db_path = folder / "million.db"
    print(f"\nmaking {n:,} events for the memory test…", flush=True)
    took = make_db(db_path, n, 200)
    print(f"  generated in {took:.0f} s")
    code = _CHILD.format(root=str(Path(__file__).resolve().parents[1]), db=str(db_path), out=str(folder / "m.xlsx"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    events, incidents, seconds, rss_mb, sheets = result.stdout.strip().split(" ", 4)
    size = (folder / "m.xlsx").stat().st_size / 1e6
    print(f"export of {int(events):,} events + {incidents} incidents: {seconds} s, peak RSS {rss_mb} MB "
          f"(target < 300 MB), {size:.0f} MB file, sheets {sheets}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=5_000)
    parser.add_argument("--million-events", type=int, default=1_000_000)
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--repeat", type=int, default=2, help="best of N runs for each side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db_path = folder / "bench.db"
        took = make_db(db_path, args.events, args.incidents)
        print(f"database: {args.events:,} events, {args.incidents:,} incidents (generated in {took:.1f} s)")
        with Database.open(db_path) as db:
            events, incidents = baseline_rows(db)
            rows = len(events) + len(incidents)
            # interleaved, best of N each, so a busy machine hurts both sides alike
            bare_runs, our_runs = [], []
            for _ in range(args.repeat):
                bare_runs.append(bare_openpyxl(folder / "bare.xlsx", events, incidents))
                our_runs.append(ours(db, folder / "ours.xlsx"))
        for label, index in (("wall clock", 0), ("CPU time", 1)):
            bare = min(r[index] for r in bare_runs)
            full = min(r[index] for r in our_runs)
            bare_rate, our_rate = rows / bare, rows / full
            print(f"[{label}] bare openpyxl write-only: {bare:.2f} s, {bare_rate:,.0f} rows/s; "
                  f"issue-ledger report: {full:.2f} s, {our_rate:,.0f} rows/s; "
                  f"ratio {100 * our_rate / bare_rate:.0f} % (target >= 80 %)")
        print("(the report also writes the Summary, the audit trail, the charts, hashes the database and the "
              "workbook and appends an audit row; the baseline writes only the events and incidents rows)")
        if not args.skip_million:
            million(folder, args.million_events)


if __name__ == "__main__":
    main()
