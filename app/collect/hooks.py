"""What runs after every committed batch of a followed source: a plain module-level registry.

Alert rules register here (``register(fn)``); the collector calls each hook as
``fn(db, import_id, first_event_id, last_event_id)`` after the batch's
transaction has committed, on the collector's own thread and connection. A hook
that raises is logged and skipped: it never stops collection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.store.database import Database

log = logging.getLogger("issue_ledger.collect")

AfterBatch = Callable[[Database, int, int, int], None]
AFTER_BATCH: list[AfterBatch] = []


def register(hook: AfterBatch) -> AfterBatch:
    """Add ``hook`` (once); returns it, so it can decorate a function."""
    if hook not in AFTER_BATCH:
        AFTER_BATCH.append(hook)
    return hook


def unregister(hook: AfterBatch) -> None:
    if hook in AFTER_BATCH:
        AFTER_BATCH.remove(hook)


def after_batch(db: Database, import_id: int, first_event_id: int, last_event_id: int) -> None:
    """Call every registered hook for the events ``first_event_id``..``last_event_id`` of ``import_id``."""
    for hook in list(AFTER_BATCH):
        try:
            hook(db, import_id, first_event_id, last_event_id)
        except Exception:  # a broken rule must not stop the collector
            log.exception("after-batch hook %r failed", hook)
