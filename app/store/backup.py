"""An online backup of the open database, with a manifest to check it by.

SQLite's backup API copies pages while other processes go on writing: the
source connection holds one read transaction for the whole copy, so the pages
come from one snapshot (WAL lets writers carry on) and the copy never restarts.
An encrypted database is backed up encrypted with the same key (SQLCipher
copies pages as they are). The manifest, ``OUT.manifest.json``, holds the
copy's SHA-256, size, counts, schema version and audit-chain head; one audit
row in the database names the file and its hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.domain import timeutil
from app.store import audit, cipher, driver, private_files
from app.store.audit_heads import current_head
from app.store.database import Database, UserFacingStoreError

PAGES_PER_STEP = 4096  # 16 MB of 4 KB pages between progress reports


@dataclass(frozen=True)
class BackupManifest:
    """What ``OUT.manifest.json`` says about a backup."""

    file: str
    sha256: str
    size: int
    events: int
    incidents: int
    schema_version: int
    audit_head_row: int
    audit_head_hash: str
    encrypted: bool
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest.json")


def backup(db: Database, out: Path, progress: Callable[[int, int], None] | None = None) -> BackupManifest:
    """Copy ``db`` into ``out`` (replaced atomically), write its manifest and audit row; ``progress(done, total)``."""
    out = Path(out)
    if out.is_dir() or not out.parent.is_dir():
        raise UserFacingStoreError(f"{out}: give a file name in an existing folder")
    if out.exists() and out.resolve() == Path(db.path).resolve():
        raise UserFacingStoreError(f"{out}: is the database itself; give another file")
    passphrase = cipher.passphrase_for(db.path) if db.encrypted else None
    tmp = private_files.create(out.with_name(f".{out.name}.{os.getpid()}.part"))
    try:
        _copy(db, tmp, passphrase, progress)
        manifest = _describe(tmp, out, passphrase)
        os.replace(tmp, out)
    except driver.Error as exc:
        raise UserFacingStoreError(f"{out}: the backup failed ({exc}); no file was written") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
        cipher.forget(tmp)
    _write_manifest(manifest, manifest_path(out))
    audit.append(db, "backup", "database", out.name, new={"file": str(out.resolve()), "sha256": manifest.sha256,
                                                         "size": manifest.size})
    return manifest


def _copy(db: Database, tmp: Path, passphrase: str | None,
          progress: Callable[[int, int], None] | None) -> None:
    target = cipher.connect(tmp, passphrase, isolation_level=None) if passphrase else sqlite3.connect(
        tmp, isolation_level=None)
    try:
        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        with db.lean():
            db.execute("BEGIN")  # one snapshot for the whole copy: other writers never restart it
            try:
                db.scalar("SELECT count(*) FROM sqlite_master")
                db.conn.backup(target, pages=PAGES_PER_STEP, progress=step)
            finally:
                db.execute("COMMIT")
        target.execute("PRAGMA journal_mode=DELETE")  # a single file, whatever mode the source had
    finally:
        target.close()
    private_files.restrict(tmp)


def _describe(tmp: Path, out: Path, passphrase: str | None) -> BackupManifest:
    """The manifest, read from the copy itself (the source may have moved on since its snapshot)."""
    if passphrase:
        cipher.remember(tmp, passphrase)
    with Database.open(tmp, create=False, migrate=False) as copy:
        found = [str(r[0]) for r in copy.execute("PRAGMA quick_check")]
        if found != ["ok"]:
            raise UserFacingStoreError(f"{out}: the copy failed SQLite's check ({'; '.join(found)}); not kept")
        copy.execute("PRAGMA journal_mode=DELETE")
        seq, digest = current_head(copy)
        events = int(copy.scalar("SELECT count(*) FROM events"))
        incidents = int(copy.scalar("SELECT count(*) FROM incidents"))
        version = copy.user_version
    return BackupManifest(str(out.name), _sha256(tmp), tmp.stat().st_size, events, incidents, version,
                          seq, digest, passphrase is not None, timeutil.now_iso())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_manifest(manifest: BackupManifest, path: Path) -> None:
    tmp = private_files.create(path.with_name(f".{path.name}.{os.getpid()}.part"))
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(manifest.to_dict(), fh, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
