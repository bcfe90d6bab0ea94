"""The window collects while it is open: the sources' runner on a thread of its own, one collector per database.

A ``QThread`` opens its own connection (the runner's ``Database`` must stay on the
thread that runs it), takes the database's ``CollectorLock`` and loops as
``Runner.run`` does (``reload`` / ``pass_once`` / heartbeat ``Ticker``). It starts
only when an enabled source exists, so an idle window does not keep
``issue-ledger watch`` out. When ``watch`` (or another window) holds the lock the
window does not collect and says who does, and looks again every ``RETRY_S``.
With no enabled source it looks again when the data changes (a source added here
or by the CLI). ``stop`` (window closing) lets the batch in hand commit, releases
the lock and closes the connection, so ``watch`` can carry on.

Signals:
    state_changed(str, int): "collecting", "busy" (with the holder's pid), "idle" (no enabled source),
        "off" (turned off in Settings) or "failed"; pid 0 when none applies.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QThread, QTimer, Signal

from app.collect import after_batch, hooks
from app.collect.lock import CollectorBusy, CollectorLock, lock_path
from app.collect.runner import POLL_S, RELOAD_S, Runner
from app.store import sources as store
from app.store.database import Database

log = logging.getLogger("issue_ledger.ui.collector")
RETRY_S = 5.0  # while another process collects, look again this often
STOP_WAIT_MS = 15_000  # closing waits at most this long for the batch in hand
_LIVE: set[QThread] = set()  # collector threads still running, kept alive until they finish


def holder_pid(db_path: Path) -> int:
    """The pid written in the lock file by whoever collects (0 when unreadable)."""
    try:
        text = lock_path(db_path).read_text(encoding="ascii").strip()
    except OSError:
        return 0
    return int(text) if text.isdigit() else 0


def status_text(state: str, pid: int) -> str:
    """What the Sources page says about who collects."""
    if state == "collecting":
        return "Collecting in this window"
    if state == "busy":
        if pid == os.getpid():
            return "Collected by another window of this program"
        return f"Collected by `issue-ledger watch` (pid {pid})" if pid else "Collected by another process"
    if state == "off":
        return "Not collecting (collection in the window is off in Settings)"
    if state == "failed":
        return "Not collecting (the collector stopped on an error; see the log)"
    return "Not collecting"


class _CollectorThread(QThread):
    """The runner's loop on this thread; ``outcome`` says how it began (or why it did not)."""

    began = Signal(str, int)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.runner: Runner | None = None
        self.stop_asked = False

    def stop(self) -> None:
        self.stop_asked = True
        if self.runner is not None:
            self.runner.stop()

    def run(self) -> None:
        try:
            self._run()
        except Exception:  # the window must live on; the page says collection stopped
            log.exception("the window's collector failed")
            self.began.emit("failed", 0)

    def _run(self) -> None:
        db = Database.open(self.path, migrate=False)
        lock = CollectorLock(self.path)
        try:
            if not store.enabled(db) or self.stop_asked:  # nothing to follow: leave the lock to ``watch``
                self.began.emit("idle", 0)
                return
            try:
                lock.acquire()
            except CollectorBusy:
                self.began.emit("busy", holder_pid(self.path))
                return
            try:
                self._loop(db)
            finally:
                lock.release()
        finally:
            db.close()

    def _loop(self, db: Database) -> None:
        """``Runner.run``'s loop, with the lock already held here."""
        runner = self.runner = Runner(db, say=lambda text: log.warning("collect: %s", text))
        if self.stop_asked:
            return
        installed = after_batch.install()
        self.began.emit("collecting", os.getpid())
        try:
            loaded = 0.0
            while not runner.stopping.is_set():
                started = time.monotonic()
                if started - loaded >= RELOAD_S:
                    runner.reload()
                    loaded = started
                busy = runner.pass_once()
                runner.ticker.maybe_tick(db)
                if not busy:
                    runner.stopping.wait(max(POLL_S - (time.monotonic() - started), 0.0))
        finally:
            for hook in installed:
                hooks.unregister(hook)
            runner.close()


class WindowCollector(QObject):
    """Starts, retries and stops the window's collector; the GUI thread never waits except at close."""

    state_changed = Signal(str, int)

    def __init__(self, path: Path, parent: QObject | None = None, enabled: bool = True) -> None:
        super().__init__(parent)
        self.path = path
        self.enabled = enabled
        self.state = "idle" if enabled else "off"
        self.pid = 0
        self._thread: _CollectorThread | None = None
        self.retry = QTimer(self)
        self.retry.setInterval(int(RETRY_S * 1000))
        self.retry.timeout.connect(self.start)

    @property
    def collecting(self) -> bool:
        return self.state == "collecting"

    def start(self) -> None:
        """Try to collect now (no-op while a try or a collection is under way, or when turned off)."""
        if not self.enabled or (self._thread is not None and self._thread.isRunning()):
            return
        # No parent: if the window is deleted while the thread still opens the file (an encrypted one takes a
        # while) or commits its batch, the thread is asked to stop and ends on its own, never destroyed running.
        thread = self._thread = _CollectorThread(self.path)
        _LIVE.add(thread)
        thread.began.connect(self._began)
        thread.finished.connect(lambda: self._ended(thread))
        thread.finished.connect(lambda: _LIVE.discard(thread))
        thread.finished.connect(thread.deleteLater)
        self.destroyed.connect(lambda *_a: thread.stop())
        thread.start()

    def nudge(self) -> None:
        """The data changed (a source added, by this window or the CLI): look again if not collecting yet."""
        if self.state in ("idle", "failed"):
            self.start()

    def set_enabled(self, on: bool) -> None:
        """The Settings switch: off stops collecting now; on tries at once."""
        self.enabled = on
        if on:
            self._set("idle", 0)
            self.start()
        else:
            self.stop()
            self._set("off", 0)

    def stop(self, wait_ms: int = STOP_WAIT_MS) -> bool:
        """Stop collecting, the batch in hand committed; True once the thread has ended (lock released)."""
        self.retry.stop()
        thread = self._thread
        if thread is None:
            return True
        thread.stop()
        done = thread.wait(wait_ms)
        if done:
            self._thread = None
        return done

    def _began(self, state: str, pid: int) -> None:
        if not shiboken6.isValid(self):
            return
        self._set(state, pid)
        if state == "busy" and self.enabled:  # take over once ``watch`` ends
            self.retry.start()
        elif state == "collecting":
            self.retry.stop()

    def _ended(self, thread: _CollectorThread) -> None:
        if not shiboken6.isValid(self):  # the window went first; the thread only had to finish
            return
        if self._thread is thread:
            self._thread = None
        if self.state == "collecting" and not thread.stop_asked:  # it ended by itself: say so, try again later
            self._set("failed", 0)
            self.retry.start()

    def _set(self, state: str, pid: int) -> None:
        if (state, pid) != (self.state, self.pid):
            self.state, self.pid = state, pid
            self.state_changed.emit(state, pid)
