"""Opening the file itself: which driver and key, read-only or not, and owner-only when new.

``Database.open`` decides what to do; these do it. Split from ``database`` so each stays one concern.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any

from app.store import cipher, dbfile
from app.store.db_errors import UserFacingStoreError, write_wait_seconds

_asked_read_only: set[str] = set()


def ask_read_only(path: str | os.PathLike[str], on: bool = True) -> None:
    """Open ``path`` read-only in this process from now on (an auditor's view: ``--read-only``, File ▸ Open
    read-only…), whether or not the file could be written; ``on=False`` lifts it."""
    name = str(Path(path).resolve())
    if on:
        _asked_read_only.add(name)
    else:
        _asked_read_only.discard(name)


def read_only_asked(path: str | os.PathLike[str]) -> bool:
    return str(Path(path).resolve()) in _asked_read_only


def check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before sqlite3 touches it (read without dropping our locks)."""
    try:
        head = dbfile.read_head(path, 16)
    except OSError as exc:
        raise UserFacingStoreError(f"{path}: cannot read: {exc.strerror}") from exc
    if head != b"SQLite format 3\x00":
        raise UserFacingStoreError(f"{path}: not an Issue Ledger database (not an SQLite file); it was left unchanged")


def key_for_existing(path: Path, passphrase: str | None) -> str | None:
    """The key to open ``path`` with (None: a plain file), refusing a missing or wrong passphrase untouched."""
    if not cipher.is_encrypted(path):
        check_header(path)
        return None
    if passphrase is None:
        raise cipher.PassphraseNeeded(
            f"{path}: the database is encrypted; give its passphrase with --passphrase-env VAR or "
            f"${cipher.PASSPHRASE_ENV} (the file was left unchanged)")
    cipher.check(path, passphrase)
    return passphrase


def connect(path: Path, passphrase: str | None, read_only: bool) -> Any:
    if passphrase is not None:
        return cipher.connect(path, passphrase, read_only=read_only, isolation_level=None,
                              check_same_thread=False, timeout=write_wait_seconds())
    if read_only:
        return connect_read_only(path)
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=write_wait_seconds())


def create_private(path: Path) -> None:
    """Create the new database file readable and writable by its owner only (0600 on POSIX)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserFacingStoreError(f"{path}: cannot create the folder: {exc.strerror}") from exc
    if os.name == "nt" or path.exists():
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass  # another process created it first: SQLite opens theirs
    except OSError as exc:
        raise UserFacingStoreError(f"{path}: cannot create: {exc.strerror}") from exc


def make_private(path: Path) -> None:
    """Owner-only -wal and -shm files too (SQLite copies the database's mode; this makes sure)."""
    if os.name == "nt":
        return
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.chmod(path.with_name(path.name + suffix), 0o600)


def writable(path: Path) -> bool:
    """Whether SQLite could write ``path`` and create its -wal and -shm files next to it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection; without write access to the folder the file is read as immutable.

    A WAL file needs its -shm file, which SQLite cannot create in a read-only folder. Read as
    immutable it needs none, but changes still in a -wal file would then be skipped: that case
    is refused rather than showing the ledger without them.
    """
    uri = "file:" + urllib.parse.quote(str(path.resolve()))
    conn = sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None, check_same_thread=False, timeout=10.0)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_CANTOPEN":
            raise
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise UserFacingStoreError(
            f"{path}: read-only, and its latest changes are still in {wal.name}, which cannot be read without "
            "write access to the folder; copy both files to a writable folder")
    return sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, isolation_level=None, check_same_thread=False)
