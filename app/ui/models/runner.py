"""Where the table models run their SQL: two one-thread pools, each thread with its own lean connection.

Pages must come back in the order asked, so they share one thread; counts and
anchors (which can take a few hundred ms on millions of rows) use another so a
page is never queued behind a count. The threads live as long as the model
(its pools are the model's children) and close their connections when they end.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, QThreadPool

from app.domain.jobs import Progress, ProgressUpdate
from app.store.database import Database
from app.ui import workers
from app.ui.db_ops import DbOp, Kind

T = TypeVar("T")


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

    def run(self, fn: Callable[[Database, Progress], T], on_success: Callable[[T], None],
            on_failure: Callable[[str, str], None] | None = None, slow: bool = False,
            on_progress: Callable[[ProgressUpdate], None] | None = None,
            parent: QObject | None = None) -> workers.Task[T]:
        """Run ``fn`` on this model's page (or ``slow``) thread; callbacks are dropped once ``parent`` is gone."""
        op = DbOp(parent or self, self.path, fn, on_success=on_success, on_failure=on_failure,
                  on_progress=on_progress, kind=Kind.LEAN)
        return op.run_in_background(self.slow if slow else self.pages)

    def wait(self, ms: int = 10_000) -> bool:
        return self.pages.waitForDone(ms) and self.slow.waitForDone(ms)
