"""Running every enabled source in one process: the loop behind ``issue-ledger watch`` (and, later, the window).

``Runner(db).run()`` takes the database's collector lock, starts the sources,
and polls them every ``POLL_S`` until ``stop()`` (safe from a signal handler or
another thread): a stop lets the batch in hand commit, then closes everything.
``once=True`` reads what the files hold now (partial last lines wait for the
next run, unless their file has been still for the partial timeout) and returns,
for cron. Sources added, removed, enabled or disabled while it runs are picked
up within ``RELOAD_S``. One source failing (missing file, port in use, a format
that cannot be followed) shows its error on the source; the others carry on.

Public API for callers (CLI, window): ``Runner``, ``Runner.run`` (takes the lock,
loops, closes), ``Runner.stop``; or, driven by the caller's own timer,
``reload`` + ``pass_once`` + ``close`` (the caller then holds ``CollectorLock``
itself, and calls ``after_batch.install()`` and a ``Ticker`` as ``run`` does);
``CollectorBusy`` (from ``app.collect.lock``); and ``app.collect.hooks.register``
for code that reacts to each committed batch.
The ``Database`` must be used only by the thread that runs the collector (a
window gives it a worker thread and a connection of its own; its batches are
short, so the window's own writes wait at most one batch).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from app.collect import after_batch, hooks
from app.collect.lock import CollectorBusy, CollectorLock
from app.collect.network import NetworkSource, ReceiverUnavailable
from app.collect.reader import FileSource
from app.retention.schedule import Daily
from app.store import sources as store
from app.store.database import Database, UserFacingStoreError

log = logging.getLogger("issue_ledger.collect")
POLL_S = 0.2
RELOAD_S = 2.0
DRAIN_ROUNDS = 1000  # ``--once`` stops after this many full passes even if a writer keeps pace with it
__all__ = ["CollectorBusy", "Runner"]


class Runner:
    """The collector: every enabled source of one database, on the calling thread."""

    def __init__(self, db: Database, once: bool = False, say: Callable[[str], None] | None = None) -> None:
        self.db = db
        self.once = once
        self.say = say or (lambda _text: None)  # one-line notices (a source that failed to start)
        self.sources: dict[int, FileSource | NetworkSource] = {}
        self.stopping = threading.Event()
        self.stored = 0
        self._loaded_at = 0.0
        self.ticker = after_batch.Ticker()
        self.retention = Daily()  # due retention policies, once a day

    def stop(self) -> None:
        """Ask the loop to end after the batch in hand."""
        self.stopping.set()

    def run(self) -> int:
        """Collect until ``stop`` (or one pass with ``once``); returns the lines stored. Raises ``CollectorBusy``."""
        lock = CollectorLock(self.db.path)
        lock.acquire()
        installed = after_batch.install()
        try:
            self.reload()
            if self.once:
                self.pass_once(drain=True)
                self.ticker.maybe_tick(self.db)
                return self.stored
            while not self.stopping.is_set():
                started = time.monotonic()
                if started - self._loaded_at >= RELOAD_S:
                    self.reload()
                busy = self.pass_once()
                self.ticker.maybe_tick(self.db)
                self._retain()
                if not busy:
                    self.stopping.wait(max(POLL_S - (time.monotonic() - started), 0.0))
            return self.stored
        finally:
            for hook in installed:
                hooks.unregister(hook)
            self.close()
            lock.release()

    def _retain(self) -> None:
        done = self.retention.maybe_run(self.db)
        if done is not None:
            self.say(f"retention: archived and purged {done.purged:,} events into {done.archive_dir}")

    def pass_once(self, drain: bool = False) -> bool:
        """One look at every source; with ``drain``, look again until nothing more comes. True if anything came."""
        came = False
        for _round in range(DRAIN_ROUNDS if drain else 1):
            stored = 0
            for source in list(self.sources.values()):
                if self.stopping.is_set() and not drain:
                    break
                stored += self._pass(source)
            self.stored += stored
            came = came or stored > 0
            if stored == 0 or self.stopping.is_set():
                break
        return came

    def _pass(self, source: FileSource | NetworkSource) -> int:
        try:
            return source.pass_(self.db)
        except UserFacingStoreError as exc:  # the database is locked or full: this batch waits for the next pass
            self.say(str(exc))
            return 0
        except Exception as exc:  # one source's fault must not stop the others
            log.warning("source #%s failed", source.id, exc_info=not isinstance(exc, OSError))
            message = f"source #{source.id}: {exc or type(exc).__name__}"
            self.say(message)
            with contextlib.suppress(UserFacingStoreError):
                store.record_error(self.db, source.id, message)
            return 0

    def reload(self) -> None:
        """Match the running sources to the enabled rows: start new ones, close removed or disabled ones."""
        self._loaded_at = time.monotonic()
        rows = {int(r["id"]): r for r in store.enabled(self.db)}
        for source_id in [i for i in self.sources if i not in rows]:
            self.sources.pop(source_id).close()
        for source_id, row in rows.items():
            if source_id in self.sources:
                continue
            source = self._start(row)
            if source is not None:
                self.sources[source_id] = source

    def _start(self, row: dict[str, Any]) -> FileSource | NetworkSource | None:
        store.ensure_import(self.db, row)
        if row["kind"] in ("file", "folder"):
            return FileSource(self.db, row)
        net = NetworkSource(self.db, row)
        try:
            net.start(self.db)
        except (ReceiverUnavailable, OSError) as exc:
            self.say(f"source #{row['id']} ({store.target(row)}): {exc}")
            return None  # retried at the next reload
        return net

    def close(self) -> None:
        for source in self.sources.values():
            source.close()
        self.sources.clear()
