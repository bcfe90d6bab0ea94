"""Reading a database file's own bytes without dropping this process's SQLite locks.

POSIX record locks belong to a process and a file: closing *any* descriptor of
the file releases every lock the process holds on it, those of its open SQLite
connections included (SQLite's "How To Corrupt An SQLite Database File", 2.2).
Another process then believes nobody has the file open, and when it closes it
checkpoints and deletes the -wal and -shm files, so later writes of this
process's connections go into files nobody else can see. The header check on
open and the report's SHA-256 therefore read through one descriptor per file
that stays open for the life of the process, as SQLite does with the
descriptors it cannot close yet. Windows locks are per handle, so there a file
is simply opened and closed.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

BLOCK = 1 << 20
_held: dict[tuple[int, int], int] = {}  # (device, inode) -> a read-only descriptor, never closed
_open: set[tuple[int, int]] = set()  # (device, inode) of every database file this process has opened
_lock = threading.Lock()
SIDE_FILES = ("-wal", "-shm", "-journal")


def _key(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def register(path: Path) -> None:
    """Note that this process has ``path`` open as a database (``in_use`` then refuses to read it)."""
    key = _key(path)
    if key is not None:
        with _lock:
            _open.add(key)


def in_use(path: Path) -> bool:
    """``path`` is a database this process opened, or one of its -wal/-shm/-journal files.

    Such a file must not be read as a log: closing the descriptor afterwards
    would drop this process's locks on it.
    """
    name = path.name
    for suffix in SIDE_FILES:
        if name.endswith(suffix):
            path = path.with_name(name[: -len(suffix)])
            break
    key = _key(path)
    return key is not None and key in _open


def _descriptor(path: Path) -> int:
    info = os.stat(path)
    key = (info.st_dev, info.st_ino)
    with _lock:
        fd = _held.get(key)
        if fd is None:
            fd = os.open(path, os.O_RDONLY)
            opened = os.fstat(fd)
            # Replaced between stat and open: keep it under its own key (closing it would drop locks too).
            _held[(opened.st_dev, opened.st_ino)] = fd
        return fd


def read_head(path: Path, size: int = 100) -> bytes:
    """The first ``size`` bytes of ``path`` (the SQLite header is 100)."""
    if os.name == "nt":
        with open(path, "rb") as fh:
            return fh.read(size)
    return os.pread(_descriptor(path), size, 0)


def _blocks(path: Path) -> Iterator[bytes]:
    if os.name == "nt":
        with open(path, "rb") as fh:
            yield from iter(lambda: fh.read(BLOCK), b"")
        return
    fd, offset = _descriptor(path), 0
    while block := os.pread(fd, BLOCK, offset):
        yield block
        offset += len(block)


def sha256(path: Path) -> str:
    """SHA-256 of the file's bytes as they are on disk now (checkpoint first to include the WAL)."""
    digest = hashlib.sha256()
    for block in _blocks(path):
        digest.update(block)
    return digest.hexdigest()
