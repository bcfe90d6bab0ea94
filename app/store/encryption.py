"""Encrypting or decrypting a whole database file: copy, verify, replace, wipe the old bytes.

``sqlcipher_export`` writes every table, index, trigger and full-text index into
a new file with the new key (or none). The copy is checked (SQLite's integrity
check and the same numbers of events, incidents and audit rows) before it
atomically replaces the original; the original's bytes are then overwritten
with zeros, which is best effort (see ``private_files.overwrite``).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.store import audit, cipher, driver, private_files
from app.store.database import APPLICATION_ID, Database, UserFacingStoreError

COUNTED = ("events", "incidents", "audit_log")


@dataclass(frozen=True)
class Rewritten:
    """What ``rewrite`` did: the file, whether it is now encrypted, and the rows it carried over."""

    path: Path
    encrypted: bool
    counts: dict[str, int]
    wiped: bool  # the old bytes were overwritten (best effort)

    def to_dict(self) -> dict[str, object]:
        return {"file": str(self.path), "encrypted": self.encrypted, "counts": self.counts, "wiped": self.wiped}


def counts(db: Database) -> dict[str, int]:
    return {table: int(db.scalar(f"SELECT count(*) FROM {table}")) for table in COUNTED}


def rewrite(path: Path, new_passphrase: str | None, change: bool = False) -> Rewritten:
    """Encrypt ``path`` with ``new_passphrase`` (None: decrypt it); its current key must be remembered.

    ``change`` re-encrypts an encrypted file under a new passphrase (a leaver knew the old one):
    the same copy, check and replace, so the old key opens nothing afterwards.
    """
    sqlcipher = cipher.require()
    old_passphrase = cipher.passphrase_for(path) if cipher.is_encrypted(path) else None
    if change:
        if old_passphrase is None or not new_passphrase:
            raise UserFacingStoreError(f"{path}: the database is not encrypted; nothing was changed")
        if new_passphrase == old_passphrase:
            raise UserFacingStoreError(f"{path}: the new passphrase is the current one; nothing was changed")
    elif (old_passphrase is None) == (new_passphrase is None):
        state = "already encrypted" if old_passphrase else "not encrypted"
        raise UserFacingStoreError(f"{path}: the database is {state}; nothing was changed")
    with Database.open(path, create=False) as db:  # a wrong passphrase or foreign file stops here
        version = db.user_version
    tmp = private_files.create(path.with_name(f".{path.name}.{os.getpid()}.rewrite"))
    try:
        src = sqlcipher.connect(str(path), isolation_level=None, timeout=1.0)
        try:
            if old_passphrase:
                cipher.keyed(src, old_passphrase)
            _alone(src, path)
            src.execute("ATTACH DATABASE ? AS target KEY ?", (str(tmp), new_passphrase or ""))
            src.execute("BEGIN EXCLUSIVE")
            before = {t: int(src.execute(f"SELECT count(*) FROM main.{t}").fetchone()[0]) for t in COUNTED}
            src.execute("SELECT sqlcipher_export('target')")
            src.execute(f"PRAGMA target.user_version = {int(version)}")
            src.execute(f"PRAGMA target.application_id = {APPLICATION_ID}")
            src.execute("COMMIT")
            src.execute("DETACH DATABASE target")
            src.execute("BEGIN EXCLUSIVE")  # nobody writes to the original until the copy has replaced it
            _check_copy(tmp, new_passphrase, before, path)
            wiped = _replace(tmp, path)
        finally:
            src.close()
    except driver.Error as exc:
        raise UserFacingStoreError(f"{path}: could not write the new copy ({exc}); the database is unchanged") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
        cipher.forget(tmp)
    cipher.remember(path, new_passphrase or "")
    with Database.open(path, create=False) as db:
        action = "rekey" if change else "encrypt" if new_passphrase else "decrypt"
        audit.append(db, action, "database", path.name, new={"encrypted": bool(new_passphrase), **before})
    return Rewritten(path, bool(new_passphrase), before, wiped)


def _alone(src: Any, path: Path) -> None:
    """Leave WAL mode (which checkpoints it into the file), possible only while no other program has it open.

    A window or an import that kept it open would go on writing into the replaced file and lose it.
    """
    try:
        src.execute("PRAGMA journal_mode=DELETE").fetchone()
    except driver.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise UserFacingStoreError(f"{path}: open in another program (the window, an import, watch); close it "
                                   "and try again. Nothing was changed") from None


def _replace(tmp: Path, path: Path) -> bool:
    """Put the checked copy in place, then overwrite the original's bytes; whether that overwrite happened."""
    fd = os.open(path, os.O_RDWR)
    try:
        os.replace(tmp, path)
        for suffix in ("-wal", "-shm", "-journal"):  # the original's; the copy has none yet
            with contextlib.suppress(OSError):
                path.with_name(path.name + suffix).unlink()
        return _wipe(fd)
    finally:
        os.close(fd)


def _check_copy(tmp: Path, passphrase: str | None, before: dict[str, int], path: Path) -> None:
    """The copy opens with the new key, is sound, and holds every row the original did."""
    cipher.remember(tmp, passphrase or "")
    with Database.open(tmp, create=False, migrate=False) as copy:
        sound = [str(r[0]) for r in copy.execute("PRAGMA integrity_check")]
        after = counts(copy)
    if sound != ["ok"] or after != before:
        raise UserFacingStoreError(f"{path}: the new copy did not match ({'; '.join(sound)}; {after} vs {before}); "
                                   "the database is unchanged")


def _wipe(fd: int) -> bool:
    try:
        private_files.overwrite(fd)
    except OSError:
        return False
    return True
