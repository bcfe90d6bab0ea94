"""Patterns for events imported before patterns existed: mined in short batches, with progress.

Each batch loads the miner's state, labels its events and saves the state in one
transaction, so two runs (or a run and a later import) continue one set of ids.
It waits while an import is writing: that import saves the miner's state when it
finishes, and a batch saved meanwhile would be overwritten.
"""

from __future__ import annotations

import time

from app.domain.jobs import Progress, ProgressUpdate
from app.patterns.collect import Collector
from app.store import patterns as store
from app.store.database import Database, UserFacingStoreError, write_wait_seconds

BATCH = 20_000
POLL_S = 0.25


def pending(db: Database) -> int:
    """Visible events that have no pattern yet."""
    return store.unmined_count(db)


def fill(db: Database, progress: Progress | None = None) -> int:
    """Give every visible event without a pattern its pattern; returns how many were labelled."""
    total = pending(db)
    done, after = 0, 0
    while True:
        with db.transaction():
            if store.import_running(db):
                batch = None
            else:
                batch = store.unmined(db, after, BATCH)
                if batch:
                    collector = Collector.load(db)
                    store.set_patterns(db, [(collector.label(r["message"] or "", r["ts"], r["severity"]), r["id"])
                                            for r in batch])
                    collector.save(db)
        if batch is None:
            _wait_for_import(db)
            continue
        if not batch:
            return done
        done += len(batch)
        after = int(batch[-1]["id"])
        if progress is not None:
            progress.update(ProgressUpdate(done, max(total, done), f"{done:,} of {total:,} events given patterns",
                                           unit="events"))
            progress.check()


def _wait_for_import(db: Database) -> None:
    deadline = time.monotonic() + write_wait_seconds()
    while store.import_running(db):
        if time.monotonic() >= deadline:
            raise UserFacingStoreError(
                f"{db.path}: an import was still writing after waiting {write_wait_seconds():g} s")
        time.sleep(POLL_S)
