"""Database work off the GUI thread: the one shape every background read and write takes.

Modelled on Anki's ``QueryOp``/``CollectionOp`` and napari's typed workers::

    DbOp(self, session.db_path, lambda db, progress: stats.quick_counts(db),
         on_success=self._show_counts).run_in_background()

The operation runs in a worker with that thread's connection (``app.ui.connections``)
and a ``Progress``; its typed result comes back to ``on_success`` on the GUI
thread. ``on_failure(message, details)``, ``on_cancel()`` and
``on_progress(update)`` (a ``ProgressUpdate``) likewise. The operation must never touch
widgets, and must not close the connection it is handed. Callbacks are dropped
once ``parent`` is deleted: work often outlives the page that asked for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, QThreadPool

from app.domain.jobs import Progress, ProgressUpdate
from app.store.database import Database
from app.ui import connections, workers
from app.ui.connections import Kind

T = TypeVar("T")

__all__ = ["DbOp", "Kind"]


class DbOp(Generic[T]):
    """One background operation on the database at ``path``, returning ``T``."""

    def __init__(
        self,
        parent: QObject | None,
        path: Path,
        op: Callable[[Database, Progress], T],
        *,
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[str, str], None] | None = None,
        on_progress: Callable[[ProgressUpdate], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        kind: Kind = Kind.FULL,
    ) -> None:
        self.parent = parent
        self.path = path
        self.op = op
        self.on_success = on_success
        self.on_failure = on_failure
        self.on_progress = on_progress
        self.on_cancel = on_cancel
        self.kind = kind

    def run_in_background(self, pool: QThreadPool | None = None,
                          finally_: Callable[[], None] | None = None) -> workers.Task[T]:
        """Queue the operation in ``pool`` (the global one by default); the task can be cancelled.

        ``finally_`` runs on the worker thread once the operation is over, however it ended.
        """
        path, kind, op = self.path, self.kind, self.op

        def work(progress: Progress) -> T:
            try:
                with connections.borrowed(path, kind) as db:
                    return op(db, progress)
            finally:
                if finally_ is not None:
                    finally_()

        return workers.start(work, parent=self.parent, on_success=self.on_success, on_failure=self.on_failure,
                             on_progress=self.on_progress, on_cancel=self.on_cancel, pool=pool,
                             name=getattr(op, "__qualname__", repr(op)))
