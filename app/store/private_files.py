"""Files that hold ledger data are created readable by their owner only (0600 on POSIX).

Created with the mode given to ``os.open`` rather than chmod-ed afterwards, so
there is no moment when another user could open them. Windows keeps its ACLs.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

OWNER_ONLY = 0o600


def create(path: Path) -> Path:
    """Create ``path`` empty and owner-only (replacing a leftover of the same name); a writer then opens it."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY))
    return path


def restrict(path: Path) -> None:
    """Make an existing file owner-only (for files SQLite creates itself, such as -wal and -shm)."""
    if os.name != "nt":
        with contextlib.suppress(OSError):
            os.chmod(path, OWNER_ONLY)


def overwrite(fd: int) -> None:
    """Overwrite an open file's bytes with zeros, best effort: copy-on-write file systems, SSD wear
    levelling, snapshots and backups may keep the old blocks all the same."""
    size = os.fstat(fd).st_size
    block = b"\0" * (1 << 20)
    done = 0
    while done < size:
        done += os.pwrite(fd, block[: min(len(block), size - done)], done)
    os.fsync(fd)
