"""Writing an export so that a cancelled or failed one never leaves a half file.

The export goes to a hidden temporary name beside the target and is renamed
over it only when complete (``os.replace`` is atomic on one file system).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.part")


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path; on success rename it to ``target``, on any error remove it."""
    final = Path(target)
    if final.is_dir():
        raise ValueError(f"{final}: is a folder; give a file name")
    if not final.parent.is_dir():
        raise ValueError(f"{final.parent}: no such folder")
    tmp = temporary_name(final)
    try:
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
