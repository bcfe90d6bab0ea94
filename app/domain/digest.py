"""SHA-256 of a file, read in 1 MiB blocks: what exports, backups, archives and imports record of a file."""

from __future__ import annotations

import hashlib
import os


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The file's SHA-256 as hex, without holding the file in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
