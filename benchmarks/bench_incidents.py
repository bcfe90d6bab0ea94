"""Incident speed: SLA figures over many incidents, importing a large sheet, verifying the audit chain.

    python3 benchmarks/bench_incidents.py [--incidents 20000] [--rows 10000]

Everything runs on throwaway files in a temp folder.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    print(f"{label}: {(time.perf_counter() - start) * 1000:,.0f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    from app.analysis import sla
    from app.demo.generator import generate
    from app.domain import sla as rules
    from app.domain.filters import Filter
    from app.incidents.service import save_policies
    from app.ingest.incidents.apply import apply_plan, plan_file
    from app.ingest.incidents.plan import ImportOptions
    from app.store import audit
    from app.store.database import Database

    end = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "bench.db")
        timed(f"demo data with {args.incidents:,} incidents",
              lambda: generate(db, events=2000, incidents=args.incidents, end=end))
        rows = timed("incident_sla_rows, 24x7", lambda: sla.incident_sla_rows(db, Filter(), dt.UTC, end))
        print(f"  {len(rows):,} rows")
        save_policies(db, rules.SlaPolicies.from_dict({
            "calendars": [{"name": "office", "zone": "Asia/Manila", "days": ["mon", "tue", "wed", "thu", "fri"],
                           "hours": "08:00-18:00", "holidays": ["2026-11-01", "2026-11-30"]}],
            "default_calendar": "office"}))
        timed("incident_sla_rows, business hours in Manila",
              lambda: sla.incident_sla_rows(db, Filter(), dt.UTC, end))
        timed("summarize by priority (business hours)",
              lambda: sla.summarize(db, Filter(), dt.UTC, "priority", end))

        sheet = Path(tmp) / "log.csv"
        rng = random.Random(3)
        with sheet.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["Ticket No", "Date Reported", "Issue", "Account", "Site", "Priority", "Status", "Resolved"])
            for i in range(args.rows):
                opened = end - dt.timedelta(minutes=rng.randint(60, 60 * 24 * 90))
                resolved = opened + dt.timedelta(minutes=rng.randint(5, 3000))
                w.writerow([f"B-{i}", opened.strftime("%d/%m/%Y %H:%M"), f"Issue {i}", "Acme", "Cebu",
                            f"P{rng.randint(1, 4)}", "Resolved", resolved.strftime("%d/%m/%Y %H:%M")])
        plan = timed(f"plan (dry run) of a {args.rows:,}-row CSV", lambda: plan_file(db, sheet, ImportOptions()))
        timed(f"apply {len(plan.incidents):,} incidents in one transaction", lambda: apply_plan(db, plan))
        count = db.scalar("SELECT count(*) FROM audit_log")
        status = timed(f"verify the audit chain ({count:,} rows)", lambda: audit.verify(db))
        assert status.ok
        from app.analysis import integrity

        report = timed(f"verify everything: chain, triggers, {args.incidents + args.rows:,} incidents replayed",
                       lambda: integrity.check(db))
        assert report.ok, report.findings()[:3]
        db.close()


if __name__ == "__main__":
    main()
