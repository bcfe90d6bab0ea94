"""The window's writes, one at a time on a thread of their own.

A save first tries the lock without waiting, on the GUI connection (the usual
case: done at once). When a background import holds it (it commits in steps of
about a second), the save is queued here instead: it waits on this thread,
never on the GUI thread, and queued writes run one at a time in the order asked.
The work function gets that thread's own connection and must not touch widgets;
the caller's form stays open on failure so nothing typed is lost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.store.database import Database
from app.ui import workers

_local = threading.local()
POOL = "writes"


def _connection(path: Path) -> Database:
    """The write thread's connection to ``path``, opened once."""
    cache: dict[Path, Database] | None = getattr(_local, "dbs", None)
    if cache is None:
        cache = _local.dbs = {}
    if path not in cache:
        cache[path] = Database.open(path, migrate=False)
    return cache[path]


_pending = [0]  # writes queued and not yet finished


def pending() -> int:
    """Writes still queued: while there are any, a new write queues behind them (order is kept)."""
    return _pending[0]


def submit(path: Path, fn: Callable[[Database], Any], on_success: Callable[[Any], None],
           on_failure: Callable[[str, str], None]) -> workers.Task:
    """Queue ``fn(db)`` behind the window's other writes; the callbacks run on the GUI thread."""
    _pending[0] += 1
    task = workers.start(lambda _progress: fn(_connection(path)), on_success=on_success, on_failure=on_failure,
                         pool=workers.pool(POOL, 1))
    task.signals.finished.connect(_done)
    return task


def _done() -> None:
    _pending[0] -= 1
