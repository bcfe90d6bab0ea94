"""A writer thread: SQLite inserts run while the next batch is parsed.

sqlite3 releases the GIL while a statement steps, so on two cores parsing and
the B-tree work overlap. The thread only ever touches the connection while the
parsing thread is inside the import loop, and ``close`` joins it before the
caller commits or rolls back.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

_STOP = object()


class BatchWriter:
    """Runs ``write_events``/``write_rejects`` on a thread, at most ``depth`` batches behind."""

    def __init__(self, write_events: Callable[[Any], Any], write_rejects: Callable[[Any], Any], depth: int = 3) -> None:
        self._writers = {"e": write_events, "r": write_rejects}
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._abort = False
        self._thread = threading.Thread(target=self._run, name="issue-ledger-import-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if self._abort or self._error is not None:
                continue
            kind, rows = item
            try:
                self._writers[kind](rows)
            except BaseException as exc:  # noqa: BLE001 - handed back to the parsing thread
                self._error = exc

    def _check(self) -> None:
        if self._error is not None:
            raise self._error

    def events(self, rows: Any) -> None:
        self._check()
        self._queue.put(("e", rows))

    def rejects(self, rows: Any) -> None:
        self._check()
        self._queue.put(("r", rows))

    def close(self, abort: bool = False) -> None:
        """Wait for every queued batch (or drop them when aborting); re-raise a write error."""
        self._abort = abort
        self._queue.put(_STOP)
        self._thread.join()
        if not abort:
            self._check()
