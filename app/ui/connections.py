"""Where background work gets its database connection: one per worker thread, closed when the thread ends.

A connection is opened on a thread's first use of a file and kept for the
thread's later work (a page, a count, a save), so a busy pool does not reopen
the file per task. Between operations a kept connection with the usual settings
unmaps the file and frees its page cache, so it holds no more memory than a
closed one did. When the thread ends (a pool's idle expiry, the pool
deleted with its model, ``waitForDone`` at exit or in tests) the thread closes
its connections itself, right before it stops: none outlives its thread.

Work run inline on the GUI thread (tests) borrows a connection for that one
operation only, so the GUI thread never keeps one from here.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt, QThread

from app.store.database import Database

log = logging.getLogger("issue_ledger.ui.connections")


class Kind(enum.Enum):
    """How a connection is opened (each thread keeps one per file and kind)."""

    FULL = "full"  # as ``Database.open(path)``: the usual cache and memory map
    PLAIN = "plain"  # no migration check: the window's writes and its change watcher
    LEAN = "lean"  # no memory map, a small page cache: table pages, counts, details


_lock = threading.Lock()
_by_thread: dict[int, dict[tuple[Path, Kind], Database]] = {}


def _open(path: Path, kind: Kind) -> Database:
    if kind is Kind.LEAN:
        from app.store.browse import lean  # in the worker: the window's first paint does not wait for it

        return lean(Database.open(path, migrate=False))
    if kind is Kind.PLAIN:
        return Database.open(path, migrate=False)
    return Database.open(path)


@contextlib.contextmanager
def borrowed(path: Path, kind: Kind = Kind.FULL) -> Iterator[Database]:
    """This thread's connection for one operation; dropped (and reopened next time) when the operation fails.

    A failure may have come from the connection itself (a file replaced, a disk
    error), so the next operation starts on a fresh one, as it always did.
    """
    if threading.current_thread() is threading.main_thread():
        with _open(path, kind) as db:  # inline (tests): this operation's own, closed after it
            yield db
        return
    db = connection(path, kind)
    kept_light = kind is not Kind.LEAN  # a lean one holds no map and a small cache anyway
    try:
        if kept_light:
            db.wake()
        yield db
    except BaseException as exc:
        from app.domain.jobs import Cancelled

        if not isinstance(exc, Cancelled):
            close_here(path, kind)
            raise
        _rest(db, path, kind, kept_light)
        raise
    _rest(db, path, kind, kept_light)


def _rest(db: Database, path: Path, kind: Kind, kept_light: bool) -> None:
    """Between operations a kept connection holds no more memory than a closed one did."""
    if not kept_light:
        return
    try:
        db.rest()
    except Exception:  # a connection that cannot rest is not kept: the next operation opens a fresh one
        log.exception("resting the connection to %s failed", path)
        close_here(path, kind)


def connection(path: Path, kind: Kind = Kind.FULL) -> Database:
    """This worker thread's connection to ``path`` (opened on first use, closed when the thread ends)."""
    ident = threading.get_ident()
    with _lock:
        mine = _by_thread.get(ident)
    if mine is None:
        mine = {}
        QThread.currentThread().finished.connect(functools.partial(_thread_ended, ident),
                                                 Qt.ConnectionType.DirectConnection)
        with _lock:
            _by_thread[ident] = mine
    db = mine.get((path, kind))
    if db is None:
        db = mine[(path, kind)] = _open(path, kind)
    return db


def close_here(path: Path, kind: Kind | None = None) -> None:
    """Close this thread's connections to ``path`` now (a watcher that stops, a failed operation)."""
    with _lock:
        mine = _by_thread.get(threading.get_ident(), {})
        keys = [key for key in mine if key[0] == path and (kind is None or key[1] is kind)]
        closing = [mine.pop(key) for key in keys]
    for db in closing:
        _close(db)


def open_count(path: Path | None = None) -> int:
    """How many connections worker threads hold now, to ``path`` or to any file.

    Tests check that none outlives its thread; naming the file keeps other tests'
    threads, still alive in a shared pool, out of the count.
    """
    with _lock:
        return sum(1 for mine in _by_thread.values() for key in mine if path is None or key[0] == path)


def _thread_ended(ident: int) -> None:
    """Runs in the ending thread itself, right before it stops."""
    with _lock:
        mine = _by_thread.pop(ident, {})
    for db in mine.values():
        _close(db)


def _close(db: Database) -> None:
    try:
        db.close()
    except Exception:  # a thread ending must not fail; SQLite recovers the file when next opened
        log.exception("closing %s failed", db.path)
