"""Encrypted databases: which file needs a key, the key per path, and opening with it.

The passphrase is held in memory only, per database path, for this process
(``remember``): every connection of the CLI, the window's threads, the data
watcher and the exports goes through ``Database.open``, which asks here. It is
never written to disk, settings, logs or audit rows.
"""

from __future__ import annotations

import os
import threading
import urllib.parse
from pathlib import Path
from typing import Any

from app.store import dbfile, driver
from app.store.db_errors import UserFacingStoreError

PASSPHRASE_ENV = "ISSUE_LEDGER_PASSPHRASE"
SQLITE_HEADER = b"SQLite format 3\x00"

_keys: dict[str, str] = {}
_lock = threading.Lock()


class PassphraseNeeded(UserFacingStoreError):
    """The file is encrypted and no passphrase was given for it."""


class WrongPassphrase(UserFacingStoreError):
    """The passphrase given does not open the file (which was left untouched)."""


class EncryptionUnavailable(UserFacingStoreError):
    """SQLCipher is not installed, so an encrypted file cannot be opened or made."""


def _name(path: str | os.PathLike[str]) -> str:
    return str(Path(path).resolve())


def remember(path: str | os.PathLike[str], passphrase: str) -> None:
    """Use ``passphrase`` for every connection this process opens to ``path`` ("" forgets it)."""
    with _lock:
        if passphrase:
            _keys[_name(path)] = passphrase
        else:
            _keys.pop(_name(path), None)


def forget(path: str | os.PathLike[str]) -> None:
    remember(path, "")


def passphrase_for(path: str | os.PathLike[str]) -> str | None:
    with _lock:
        return _keys.get(_name(path))


def is_encrypted(path: Path) -> bool:
    """Whether ``path`` looks like an SQLCipher file: not an SQLite header, and whole pages of random bytes.

    A text file or any other format is not taken for one: its first bytes are
    mostly printable, or its size is not a whole number of 512-byte pages.
    """
    try:
        size = path.stat().st_size
        head = dbfile.read_head(path, 16)
    except OSError:
        return False
    if not size or head == SQLITE_HEADER or size % 512:
        return False
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in head)
    return printable < len(head)


def require() -> Any:
    """The SQLCipher module, or a clear ``EncryptionUnavailable``."""
    try:
        return driver.cipher()
    except RuntimeError as exc:
        raise EncryptionUnavailable(str(exc)) from None


def quote(passphrase: str) -> str:
    """``passphrase`` as an SQL string literal (PRAGMA key takes no parameters)."""
    return "'" + passphrase.replace("'", "''") + "'"


def keyed(conn: Any, passphrase: str) -> Any:
    """Give a new SQLCipher connection its key, quietly (SQLCipher logs failed pages to stderr otherwise)."""
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = {quote(passphrase)}")
    return conn


def connect(path: Path, passphrase: str, *, read_only: bool = False, **kwargs: Any) -> Any:
    """An SQLCipher connection to ``path`` with its key (read-only through a URI when asked)."""
    sqlcipher = require()
    if read_only:
        uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
        conn = sqlcipher.connect(uri, uri=True, **kwargs)
    else:
        conn = sqlcipher.connect(str(path), **kwargs)
    return keyed(conn, passphrase)


def check(path: Path, passphrase: str) -> None:
    """Refuse a wrong passphrase before anything writes: read the schema through a read-only connection."""
    conn = connect(path, passphrase, read_only=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except driver.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB" or "not a database" in str(exc):
            raise WrongPassphrase(f"wrong passphrase for {path}; the file was left unchanged") from None
        raise
    finally:
        conn.close()
