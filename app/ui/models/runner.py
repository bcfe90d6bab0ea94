"""Where the table models run their SQL: a one-thread pool with a connection of its own.

Pages must come back in the order asked, so they share one thread; counts and
anchors (which can take a few hundred ms on millions of rows) use another so a
page is never queued behind a count.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool

from app.domain.jobs import Progress
from app.store.browse import lean
from app.store.database import Database
from app.ui import workers

_local = threading.local()


def connection(path: Path) -> Database:
    """This thread's connection to ``path`` (opened once per thread and file)."""
    cache: dict[Path, Database] | None = getattr(_local, "dbs", None)
    if cache is None:
        cache = _local.dbs = {}
    db = cache.get(path)
    if db is None:
        db = cache[path] = lean(Database.open(path, migrate=False))
    return db


class SqlRunner(QObject):
    """Two single-thread pools: ``pages`` (ordered, quick) and ``slow`` (counts, anchors)."""

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.pages = QThreadPool(self)
        self.pages.setMaxThreadCount(1)
        self.pages.setExpiryTimeout(-1)  # keep the thread (and its connection) for the model's life
        self.slow = QThreadPool(self)
        self.slow.setMaxThreadCount(1)
        self.slow.setExpiryTimeout(-1)

    def run(self, fn: Callable[[Database, Progress], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[str, str], None] | None = None, slow: bool = False,
            on_progress: Callable[[int, int, str], None] | None = None) -> workers.Task:
        path = self.path
        return workers.start(lambda progress: fn(connection(path), progress), on_success=on_success,
                             on_failure=on_failure, on_progress=on_progress, pool=self.slow if slow else self.pages)

    def wait(self, ms: int = 10_000) -> bool:
        return self.pages.waitForDone(ms) and self.slow.waitForDone(ms)
