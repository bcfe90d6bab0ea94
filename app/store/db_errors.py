"""What the store tells its callers when SQLite fails, and how long a writer waits for the lock.

Errors come in two kinds, as in qutebrowser's ``misc/sql.py``: the ones a user
can fix (not a database, newer version, disk full, locked, damaged, read-only)
raise ``UserFacingStoreError`` with a message fit for a dialog or one CLI line;
anything else is a bug.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from app.store import driver

log = logging.getLogger("issue_ledger.store")

WRITE_WAIT_ENV = "ISSUE_LEDGER_WRITE_WAIT"  # seconds a writer waits for the write lock before giving up
DEFAULT_WRITE_WAIT_S = 600.0  # imports commit in short steps, so a wait this long means something is stuck
WAITING = "waiting for another import to finish writing…"


def write_wait_seconds() -> float:
    """How long a writer waits for the lock: $ISSUE_LEDGER_WRITE_WAIT seconds, else 10 minutes."""
    try:
        return max(0.0, float(os.environ.get(WRITE_WAIT_ENV) or DEFAULT_WRITE_WAIT_S))
    except ValueError:
        return DEFAULT_WRITE_WAIT_S


def _log_wait(message: str) -> None:
    log.warning("%s", message)


_wait_notice: list[Callable[[str], None]] = [_log_wait]


def set_wait_notice(notice: Callable[[str], None]) -> None:
    """Where a writer says it is waiting for the lock (the CLI prints to stderr; the default logs)."""
    _wait_notice[0] = notice


def tell_waiting() -> None:
    """Say, where ``set_wait_notice`` chose, that a writer is waiting for another one."""
    _wait_notice[0](WAITING)


class StoreError(Exception):
    """A store failure that is a bug rather than something the user can fix."""


class UserFacingStoreError(StoreError):
    """A failure the user can act on; the message names the file."""


class DamagedDatabaseError(UserFacingStoreError):
    """SQLite found pages it did not write (overwritten, truncated): a finding for ``verify``, not a crash."""


class MissingDatabaseError(UserFacingStoreError):
    """The named database does not exist and the caller may not create one (a mistyped path)."""


class WriteBusy(UserFacingStoreError):
    """Another writer holds the lock and the caller asked not to wait (``transaction(wait=False)``)."""


_USER_FACING_CODES = {
    "SQLITE_FULL", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY",
    "SQLITE_CANTOPEN", "SQLITE_NOTADB", "SQLITE_CORRUPT", "SQLITE_IOERR", "SQLITE_PERM",
}


def is_damaged(exc: Exception) -> bool:
    """SQLite found pages that are not what it wrote: overwritten, truncated or garbled."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    return code.startswith("SQLITE_CORRUPT") or "malformed" in str(exc)


def is_busy(exc: Exception) -> bool:
    """Another connection holds the lock."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    return code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in str(exc)


def locked_error(path: Path, seconds: float | None = None) -> UserFacingStoreError:
    """The one line for a writer that waited as long as it may (``seconds``: a connection's own limit)."""
    if seconds is not None:
        return UserFacingStoreError(f"{path}: another writer still holds the database after waiting {seconds:g} s; "
                                    "nothing was written, try again")
    return UserFacingStoreError(
        f"{path}: another writer still holds the database after waiting {write_wait_seconds():g} s; "
        f"nothing was written (try again, or wait longer with {WRITE_WAIT_ENV}=SECONDS)")


def translate(exc: Exception, path: Path) -> Exception:
    """Map sqlite3 errors onto the user-fixable / bug split."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    kind = "_".join(code.split("_")[:2])
    if kind == "SQLITE_READONLY" or "readonly" in str(exc):
        return UserFacingStoreError(f"{path}: the database is read-only; nothing was changed ({exc})")
    if is_damaged(exc):
        return DamagedDatabaseError(f"{path}: the database file is damaged ({exc})")
    if kind in ("SQLITE_BUSY", "SQLITE_LOCKED") or "database is locked" in str(exc):
        return locked_error(path)
    if kind == "SQLITE_FULL" or code == "SQLITE_IOERR_WRITE":  # ENOSPC, or a file-size limit (EFBIG)
        return UserFacingStoreError(f"{path}: cannot write: the disk is full (or the file may grow no larger); "
                                    f"the unfinished change was rolled back ({exc})")
    if kind in _USER_FACING_CODES:
        return UserFacingStoreError(f"{path}: {exc}")
    if isinstance(exc, driver.OperationalError) and any(
        s in str(exc) for s in ("database is locked", "disk is full", "readonly")
    ):
        return UserFacingStoreError(f"{path}: {exc}")
    return exc
