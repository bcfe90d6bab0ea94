"""Noticing what other processes write to the open database: the CLI, another window.

SQLite's ``PRAGMA data_version`` changes on a connection each time another
connection commits, so it must be read on one connection that stays open: the
watcher's one worker thread keeps it (``app.ui.connections``) until the watcher
stops or the thread ends.
A timer asks every ``POLL_MS``; the GUI thread never waits, and at most one
question is in flight, so a slow disk never queues them.

A commit is reported only when it changed what the pages show
(``app.store.stats.change_marks``): closing a connection may run ``PRAGMA
optimize``, which commits planner statistics and would otherwise reload every
page after each background query.

This window's own writes (imports, edits, demo data) also come from other
connections, and already announce themselves with ``Session.data_changed``:
``absorb`` takes the counter as it stands after such a write without
reporting it again, so the pages do not reload twice.

Signals:
    changed(): another connection committed since the last look.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from app.store.database import Database
from app.ui import connections, workers
from app.ui.db_ops import DbOp, Kind

log = logging.getLogger("issue_ledger.ui.data_watch")

POLL_MS = 500  # a write shows within about a second (the task asks for 2 s at most)


def _pool() -> QThreadPool:
    """One thread for every watcher: it keeps their connections open between looks (it never expires)."""
    pool = workers.pool("data-version", 1)
    pool.setExpiryTimeout(-1)
    return pool


class DataWatcher(QObject):
    changed = Signal()

    def __init__(self, path: Path, parent: QObject | None = None, interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.path = path
        self._version: int | None = None
        self._marks: tuple[int, ...] | None = None  # newest row ids when the counter last moved
        self._task: workers.Task[Any] | None = None
        self._absorb = False  # the next answer is the baseline after our own write
        self._again = False  # ask once more as soon as the answer in flight arrives
        self._reporting = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.look)

    def start(self) -> None:
        self.timer.start()
        self.look()

    def stop(self) -> None:
        """Stop looking and close the connection (in its thread, after any question in flight)."""
        self.timer.stop()
        path = self.path
        workers.start(lambda _progress: connections.close_here(path, Kind.PLAIN), parent=None, pool=_pool())

    @property
    def watching(self) -> bool:
        return self.timer.isActive()

    def absorb(self) -> None:
        """Our own write was announced: take the counter as it is now, without reporting it."""
        if self._reporting or self._version is None:
            return
        self._absorb = True
        if self._task is None:
            self.look()
        else:
            self._again = True

    def look(self) -> None:
        """Ask for the counter in the watcher's thread (skipped while the last question is unanswered)."""
        if self._task is not None:
            return
        known = self._version

        def ask(db: Database, _progress: Any) -> tuple[int, tuple[int, ...] | None]:
            from app.store import stats

            version = stats.data_version(db)
            return version, (stats.change_marks(db) if version != known else None)

        absorbing = self._absorb
        self._absorb = False
        self._task = DbOp(self, self.path, ask, on_success=lambda answer: self._answered(*answer, absorbing),
                          on_failure=self._failed, kind=Kind.PLAIN).run_in_background(_pool())

    def _answered(self, version: int, marks: tuple[int, ...] | None, absorbing: bool) -> None:
        self._task = None
        self._version = version
        if marks is not None:
            seen, self._marks = self._marks, marks
            if seen is not None and marks != seen and not absorbing:
                log.info("%s changed outside this window: reloading", self.path.name)
                self._reporting = True
                try:
                    self.changed.emit()
                finally:
                    self._reporting = False
        if self._again:
            self._again = False
            self.look()

    def _failed(self, message: str, _details: str) -> None:
        """A locked or vanished file: try again at the next tick (the pages report their own errors)."""
        self._task = None
        log.warning("could not check %s for changes: %s", self.path.name, message)
