"""The two SQLite drivers: the standard library's, and SQLCipher's for encrypted files.

``sqlcipher3`` mirrors ``sqlite3`` but raises its own exception classes, so the
store catches the tuples below instead of ``sqlite3.Error`` alone: a locked or
damaged encrypted file must end in the same one-line message as a plain one.
SQLCipher is an optional extra (``issue-ledger[encryption]``); without it only
encrypted files are refused, with a line saying how to install it.
"""

from __future__ import annotations

import sqlite3
from types import ModuleType
from typing import Any

try:  # the wheels for Linux (sqlcipher3-binary) and for macOS/Windows (sqlcipher3-wheels) both install this
    from sqlcipher3 import dbapi2 as _cipher
except ImportError:  # pragma: no cover - depends on the installed extras
    _cipher = None

MISSING = ("encryption needs SQLCipher, which is not installed; install it with "
           "pip install 'issue-ledger[encryption]'")

Error: tuple[type[Exception], ...] = (sqlite3.Error,) + ((_cipher.Error,) if _cipher else ())
DatabaseError: tuple[type[Exception], ...] = (sqlite3.DatabaseError,) + ((_cipher.DatabaseError,) if _cipher else ())
OperationalError: tuple[type[Exception], ...] = (
    (sqlite3.OperationalError,) + ((_cipher.OperationalError,) if _cipher else ()))


def available() -> bool:
    """Whether this installation can read and write encrypted databases."""
    return _cipher is not None


def cipher() -> ModuleType:
    """SQLCipher's DB-API module; ``RuntimeError`` with the install hint when it is missing."""
    if _cipher is None:
        raise RuntimeError(MISSING)
    return _cipher


def is_error(exc: BaseException) -> bool:
    """An error of either driver (``except driver.Error`` in ``isinstance`` form)."""
    return isinstance(exc, Error)


def connection_types() -> tuple[type[Any], ...]:
    return (sqlite3.Connection,) + ((_cipher.Connection,) if _cipher else ())
