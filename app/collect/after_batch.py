"""What the collector does with each committed batch: give its events their patterns, then run the alert rules.

Patterns first, so "new pattern" rules see the batch's new patterns. The miner is
kept between batches and reloaded only when someone else (an import, the
backfill, another collector before this one) saved its state since, so a busy
source does not pay for loading the miner's state every fraction of a second.
While a file import is writing, a batch stays unlabelled: that import saves the
miner's state when it finishes, and ours would be overwritten; the next batch,
or ``issue-ledger patterns``, labels it (``app.patterns.backfill``).

Heartbeat rules ("no events for T") are evaluated on the collector's clock
(``tick``, every ``TICK_S``) rather than per batch: silence makes no batches.
"""

from __future__ import annotations

import logging
import time

from app.alerts import engine as alerts
from app.collect import hooks
from app.patterns.collect import Collector
from app.store import patterns as pattern_store
from app.store.database import Database

log = logging.getLogger("issue_ledger.collect")
TICK_S = 60.0


class Labeller:
    """The after-batch hook that gives a batch's events their pattern ids."""

    def __init__(self) -> None:
        self.collector: Collector | None = None
        self.saved_at: str | None = None

    def __call__(self, db: Database, _import_id: int, first: int, last: int) -> None:
        with db.transaction():
            if not pattern_store.available(db) or pattern_store.import_running(db):
                return
            rows = pattern_store.unmined(db, first - 1, last - first + 1)
            if not rows:
                return
            stamp = pattern_store.state_saved_at(db)
            if self.collector is None or stamp != self.saved_at:
                self.collector = Collector.load(db)
            label = self.collector.label
            pattern_store.set_patterns(db, [(label(r["message"] or "", r["ts"], r["severity"]), r["id"])
                                            for r in rows])
            self.collector.save(db)
            self.saved_at = pattern_store.state_saved_at(db)


def evaluate_rules(db: Database, _import_id: int, first: int, last: int) -> None:
    """The alert rules over the batch's events (one cheap query when no rule is enabled)."""
    alerts.evaluate_range(db, first, last)


class Ticker:
    """Heartbeat rules on the collector's clock: ``maybe_tick`` runs ``alerts.tick`` at most every ``TICK_S``."""

    def __init__(self, every_s: float = TICK_S) -> None:
        self.every_s = every_s
        self.last = 0.0

    def maybe_tick(self, db: Database) -> None:
        now = time.monotonic()
        if now - self.last < self.every_s:
            return
        self.last = now
        try:
            alerts.tick(db)
        except Exception:  # a broken rule must not stop the collector
            log.warning("heartbeat rules could not be evaluated", exc_info=True)


def install() -> list[hooks.AfterBatch]:
    """Register the collector's own after-batch work (patterns, then rules); returns the hooks, to unregister."""
    installed: list[hooks.AfterBatch] = [Labeller(), evaluate_rules]
    for hook in installed:
        hooks.register(hook)
    return installed
