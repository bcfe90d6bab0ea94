"""The window's writes, one at a time on a thread of their own.

A save first tries the lock without waiting, on the GUI connection (the usual
case: done at once). When a background import holds it (it commits in steps of
about a second), the save is queued here instead: it waits on this thread,
never on the GUI thread, and queued writes run one at a time in the order asked.
Each is a ``DbOp`` on the "writes" pool's single thread, which keeps one
connection for them; the work must not touch widgets, and the caller's form
stays open on failure so nothing typed is lost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject

from app.domain.jobs import Progress
from app.store.database import Database
from app.ui import workers
from app.ui.db_ops import DbOp, Kind

T = TypeVar("T")
POOL = "writes"

_pending = [0]  # writes queued and not yet finished
_lock = threading.Lock()


def pending() -> int:
    """Writes still queued: while there are any, a new write queues behind them (order is kept)."""
    return _pending[0]


def submit(parent: QObject | None, path: Path, fn: Callable[[Database], T], on_success: Callable[[T], None],
           on_failure: Callable[[str, str], None]) -> workers.Task[T]:
    """Queue ``fn(db)`` behind the window's other writes; the callbacks run on the GUI thread."""
    with _lock:
        _pending[0] += 1

    def write(db: Database, _progress: Progress) -> T:
        return fn(db)

    op = DbOp(parent, path, write, on_success=on_success, on_failure=on_failure, kind=Kind.PLAIN)
    return op.run_in_background(workers.pool(POOL, 1), finally_=_done)


def _done() -> None:
    """Runs on the writes thread once the write is over (stored or not), before its result is delivered.

    Counted there rather than on the task's ``finished`` signal: a signal from a task
    whose asker has gone (an editor closed on save) can be dropped, and a count that
    never comes down would queue every later save.
    """
    with _lock:
        _pending[0] -= 1
