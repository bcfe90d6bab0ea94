"""Writing an export so that no half file, and no file without its audit row, is ever left at the target.

The export goes to a hidden temporary name beside the target (``.NAME.PID.part``).
``publish`` then takes the database's write lock, writes the audit row, renames the
file into place (``os.replace`` is atomic on one file system) and commits: the file
and its audit row appear together or not at all. A ``.part`` left by a killed
export is removed by the next export to that folder (see ``leftovers``).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from app.domain.digest import sha256_file
from app.reports import leftovers
from app.store import audit_heads, private_files
from app.store.database import Database, UserFacingStoreError

log = logging.getLogger("issue_ledger.reports")




def temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.part")


def _checked(target: str | os.PathLike[str]) -> Path:
    final = Path(target)
    if final.is_dir():
        raise ValueError(f"{final}: is a folder; give a file name")
    if not final.parent.is_dir():
        raise ValueError(f"{final.parent}: no such folder")
    return final


@contextlib.contextmanager
def staged_output(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield the temporary path to write; whatever is still there when the block ends is removed.

    Stale ``.part`` files of dead exports in the target's folder are removed first.
    """
    final = _checked(target)
    leftovers.remove_stale_parts(final.parent)
    tmp = private_files.create(temporary_name(final))  # owner-only from the start, and so the export
    try:
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path; on success rename it to ``target``, on any error remove it (no audit row)."""
    final = _checked(target)
    with staged_output(final) as tmp:
        yield tmp
        os.replace(tmp, final)


def recorded_where(db: Database) -> str:
    """How an export's output line ends: where the file is recorded, or that it could not be."""
    if db.read_only:
        return "NOT recorded in the audit trail: the database is open read-only"
    return "recorded in the audit trail"


def publish(db: Database, tmp: Path, target: Path, record: Callable[[str], None]) -> str:
    """Rename ``tmp`` to ``target`` and write its audit row (``record(sha256)``) as one step; returns the hash.

    Inside one write transaction: the audit row is inserted, the file renamed,
    then the transaction commits. If the lock cannot be had, the row cannot be
    written or the commit fails, the file is taken back out (a file it replaced
    is put back) and the error names what happened. Once committed, the trail's
    head goes to the heads file beside the database, so ``verify`` can later tell
    a cut or recomputed chain; a head is never recorded for a row that did not commit.
    A database opened read-only cannot hold the row: the file is kept unrecorded (``recorded_where``).
    """
    sha = sha256_file(tmp)
    if db.read_only:  # an auditor's read-only copy: nothing can record the file there; the caller says so
        os.replace(tmp, target)
        return sha
    backup: Path | None = None
    renamed = False
    try:
        with db.transaction():
            record(sha)
            backup = _keep_old(target)
            os.replace(tmp, target)
            renamed = True
    except UserFacingStoreError as exc:
        _undo(target, backup, renamed)
        raise UserFacingStoreError(
            f"{target}: not written: the audit trail could not record it ({exc}); no file was kept") from exc
    except BaseException:
        _undo(target, backup, renamed)
        raise
    if backup is not None:
        with contextlib.suppress(OSError):
            backup.unlink()
    try:
        audit_heads.record_head(db, target.name)
    except OSError as exc:  # the file and its row stand; only the outside copy of the head is missing
        log.warning("%s: exported, but the audit head could not be added to the heads file: %s", target, exc)
    return sha


def _keep_old(target: Path) -> Path | None:
    """A hard link to the file about to be replaced, so a failed commit can put it back."""
    if not target.is_file():
        return None
    backup = target.with_name(f".{target.name}.{os.getpid()}.old.part")
    with contextlib.suppress(OSError):
        backup.unlink()
    try:
        os.link(target, backup)
    except OSError:  # a file system without hard links: the old file cannot be kept
        return None
    return backup


def _undo(target: Path, backup: Path | None, renamed: bool) -> None:
    with contextlib.suppress(OSError):
        if backup is not None:
            os.replace(backup, target)
        elif renamed:
            target.unlink()
