"""Running retention on its own once a day: from ``watch``'s loop and from the window's offer.

A run is due when the last real run (not a dry run) is a day old or more, or there
was none, and some event is past its policy. Scheduled runs archive into a new
time-stamped folder under the ``retention.archive_dir`` setting, else under
``<database>.archives`` beside the file, so nothing is purged without its archive.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

from app.domain import timeutil
from app.domain.jobs import Progress
from app.retention import run as runs
from app.retention.policy import applicable, cutoff
from app.store import retention as store, settings
from app.store.database import Database

log = logging.getLogger("issue_ledger.retention")
DAY = dt.timedelta(days=1)
CHECK_S = 3600.0  # how often watch looks whether a day has passed since the last run


def archive_root(db: Database) -> Path:
    chosen = settings.RETENTION_ARCHIVE_DIR.read(db)
    return Path(chosen) if chosen else Path(db.path).with_name(Path(db.path).name + ".archives")


def new_archive_dir(db: Database, now: dt.datetime) -> Path:
    """A fresh folder for one scheduled run, named by its time (UTC)."""
    return archive_root(db) / now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ran_recently(db: Database, now: dt.datetime) -> bool:
    last = store.last_run(db)
    return last is not None and timeutil.from_iso(last["started_at"]) > now - DAY


def due_count(db: Database, now: dt.datetime) -> int:
    """How many events are past their policy (open incidents' evidence included: an estimate for an offer)."""
    policies = runs.load_policies(db)
    total = 0
    for log_type, client, severity, _count, oldest in store.event_groups(db):
        policy = applicable(policies, log_type, client, severity)
        if policy is not None and oldest < cutoff(now, policy.days):
            total += len(store.due_ids(db, log_type, client, severity, cutoff(now, policy.days)))
    return total


def is_due(db: Database, now: dt.datetime | None = None) -> int:
    """Events a scheduled run would take now (0: not due, scheduled runs off, or it ran within the day)."""
    now = now or dt.datetime.now(dt.UTC)
    if not settings.RETENTION_AUTO.read(db):
        return 0
    return 0 if ran_recently(db, now) else due_count(db, now)


def run_if_due(db: Database, now: dt.datetime | None = None, progress: Progress | None = None) -> runs.RunResult | None:
    """The daily run: archive and purge what is due, or None when nothing is."""
    now = now or dt.datetime.now(dt.UTC)
    if not is_due(db, now):
        return None
    return runs.run(db, new_archive_dir(db, now), now, progress=progress)


class Daily:
    """``watch``'s daily retention on its clock: ``maybe_run`` looks at most every ``CHECK_S``."""

    def __init__(self, every_s: float = CHECK_S) -> None:
        self.every_s = every_s
        self.last = -every_s

    def maybe_run(self, db: Database) -> runs.RunResult | None:
        now = time.monotonic()
        if now - self.last < self.every_s:
            return None
        self.last = now
        try:
            return run_if_due(db)
        except Exception:  # a full disk or a locked file must not stop the collector; it tries again later
            log.warning("the daily retention run failed", exc_info=True)
            return None
