"""One collector per database: an exclusive lock on ``<db>.collector.lock`` with the holder's pid inside.

The lock is the operating system's (``fcntl.flock`` or ``msvcrt.locking``), so it
goes away with the process, even after ``kill -9``; the pid in the file is only
there to name the holder in the refusal.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO


class CollectorBusy(Exception):
    """Another process already collects into this database; the message names its pid."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".collector.lock")


class CollectorLock:
    """Held from ``acquire`` until ``release`` (or the process ends)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise ``CollectorBusy`` naming the holder."""
        handle = open(self.path, "a+", encoding="ascii")  # noqa: SIM115 - held for the collector's life
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise CollectorBusy(f"another collector (pid {holder}) is already running for {self.db_path}; "
                                "stop it first (only one may collect per database)") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            _unlock(self._file)
            self._file.close()
            self._file = None

    def __enter__(self) -> CollectorLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
