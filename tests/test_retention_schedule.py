"""Retention on its own: ``watch`` runs due policies once a day, into a time-stamped archive beside the database."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from app.collect.runner import Runner
from app.retention import archive, schedule
from app.store.database import Database
from retention_helpers import NOW, fill


def test_a_due_policy_runs_once_a_day(db_path: Path) -> None:
    with Database.open(db_path) as db:
        fill(db, 3_000)
        assert schedule.is_due(db, NOW) > 0
        done = schedule.run_if_due(db, NOW)
        assert done is not None and done.purged > 0
        assert Path(done.archive_dir or "").parent == db_path.with_name(db_path.name + ".archives")
        assert archive.verify(Path(done.archive_dir or ""))[1] == []
        assert schedule.is_due(db, NOW) == 0  # within the day: not again


def test_watch_runs_due_retention_on_its_clock(db_path: Path) -> None:
    with Database.open(db_path) as db:
        fill(db, 3_000)  # spread over the 400 days before 2026-12-01: some are past 90 days whatever today is
    db = Database.open(db_path)
    runner = Runner(db)
    thread = threading.Thread(target=runner.run)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not list(db_path.parent.glob("*.archives/*/manifest.json")):
            time.sleep(0.1)
    finally:
        runner.stop()
        thread.join(10)
    manifests = list(db_path.parent.glob("*.archives/*/manifest.json"))
    assert len(manifests) == 1
    with Database.open(db_path) as check:
        assert check.scalar("SELECT count(*) FROM retention_runs WHERE state = 'done'") == 1
