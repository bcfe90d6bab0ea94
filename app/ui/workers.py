"""Running long work off the GUI thread, with progress and cancel.

The call shape follows Anki's ``QueryOp``: give a function that takes a
``Progress`` and returns a result; get signals back on the GUI thread. The work
function must never touch widgets. Work on the database goes through
``app.ui.db_ops.DbOp``, which hands it a connection as well. Tests can run every
task inline, on the calling thread (``run_inline``).
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.domain.jobs import Cancelled, Progress, ProgressUpdate

log = logging.getLogger("issue_ledger.ui.workers")

T = TypeVar("T")


class TaskSignals(QObject):
    """Signals:
        progress(update): the work reported progress (a ``ProgressUpdate``: counts as fields).
        succeeded(result): the work returned.
        failed(message, details): the work raised; message first, traceback folded in details.
        cancelled(): the work stopped on request.
        finished(): always last.
    """

    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str, str)
    cancelled = Signal()
    finished = Signal()


class _SignalProgress(Progress):
    def __init__(self, signals: TaskSignals) -> None:
        super().__init__()
        self._signals = signals

    def report(self, done: int, total: int, text: str = "") -> None:
        self.update(ProgressUpdate(int(done), int(total), text))

    def update(self, update: ProgressUpdate) -> None:
        self.check()
        self._signals.progress.emit(update)


class Task(QRunnable, Generic[T]):
    """One piece of background work; ``succeeded`` carries its ``T``."""

    def __init__(self, fn: Callable[[Progress], T], name: str = "") -> None:
        super().__init__()
        self.fn = fn
        self.name = name or getattr(fn, "__qualname__", repr(fn))
        self.signals = TaskSignals()
        self.progress = _SignalProgress(self.signals)
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self.progress.cancel()

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # reported to the user, never swallowed
            log.exception("background task failed")
            self.signals.failed.emit(str(exc) or type(exc).__name__, traceback.format_exc())
        else:
            self.signals.succeeded.emit(result)
        self.signals.finished.emit()


_running: set[Task[Any]] = set()
_started = [0]  # tasks started so far (``settle`` watches it)
_inline = [False]  # tests: run every task at once on the calling thread


def start(
    fn: Callable[[Progress], T],
    *,
    parent: QObject | None,
    on_success: Callable[[T], None] | None = None,
    on_failure: Callable[[str, str], None] | None = None,
    on_progress: Callable[[ProgressUpdate], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
    pool: QThreadPool | None = None,
    name: str = "",
) -> Task[T]:
    """Start ``fn`` in the global pool (or ``pool``) and wire the callbacks.

    Work often outlives the widget that asked for it (a page closed, a window
    replaced by another database). Callbacks are therefore dropped once their
    ``parent`` is deleted; ``None`` says the callbacks touch no widget.
    """
    task: Task[T] = Task(fn, name)
    for signal, callback in ((task.signals.succeeded, on_success), (task.signals.failed, on_failure),
                             (task.signals.progress, on_progress), (task.signals.cancelled, on_cancel)):
        if callback is not None:
            signal.connect(_guarded(callback, parent))
    _running.add(task)
    _started[0] += 1
    task.signals.finished.connect(lambda: _running.discard(task))
    if _inline[0]:
        task.run()  # the signals are delivered at once: same thread
    else:
        (pool or QThreadPool.globalInstance()).start(task)
    return task


@contextlib.contextmanager
def run_inline() -> Iterator[None]:
    """Run every task started inside at once, on the calling thread (for tests, as Picard's FakeThreadPool)."""
    before = _inline[0]
    _inline[0] = True
    try:
        yield
    finally:
        _inline[0] = before


def _guarded(callback: Callable[..., None], parent: QObject | None) -> Callable[..., None]:
    if parent is None:
        return callback

    def call(*args: Any) -> None:
        if shiboken6.isValid(parent):
            callback(*args)
        else:
            log.debug("dropped a result for a deleted %s", type(parent).__name__)

    return call


_pools: dict[str, QThreadPool] = {}


def pool(name: str, threads: int = 1) -> QThreadPool:
    """A named pool of its own (e.g. one thread that serialises matplotlib work), waited for by ``wait_all``."""
    if name not in _pools:
        _pools[name] = QThreadPool()
        _pools[name].setMaxThreadCount(threads)
    return _pools[name]


def wait_all(timeout_ms: int = 30_000) -> bool:
    """Wait for background tasks (used at exit and by tests)."""
    done = all(p.waitForDone(timeout_ms) for p in list(_pools.values()))
    return QThreadPool.globalInstance().waitForDone(timeout_ms) and done


def settle(timeout_ms: int = 30_000, rounds: int = 20) -> bool:
    """Wait for the pools, deliver the results, and again while delivering started more work.

    For tests and shutdown paths that need a quiet process: ``wait_all`` alone
    returns while finished tasks' results are still queued, and a chart's data
    arriving then starts its drawing job.
    """
    from PySide6.QtCore import QCoreApplication

    for _ in range(rounds):
        started = _started[0]
        if not wait_all(timeout_ms):
            return False
        QCoreApplication.processEvents()
        if _started[0] == started:  # nothing delivered started more work
            return True
    return False


def running() -> list[str]:
    """What is still running (the work functions' names), for messages."""
    return sorted(t.name for t in _running)
