"""Bringing archived events back, into the database they came from or another, without duplicates.

An event's identity is a SHA-256 over its time, log type, host, message, the
SHA-256 of the file it was imported from and its line number: what the event
*is*, not its row id (ids differ between databases). An archived event whose
identity is already stored is skipped, so restoring twice adds nothing, and an
event the purge kept (evidence, or a run cancelled midway) is not doubled. The
whole restore is one transaction with one ``restore`` audit row naming the counts
and the manifest hash; the archive is verified first and a damaged one is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.jobs import Progress, ProgressUpdate
from app.retention import archive
from app.store import audit, cipher, retention as store
from app.store.database import Database

BATCH = 20_000


def identity(row: dict[str, Any]) -> str:
    """The event's identity across databases (see the module docstring)."""
    parts = [row["ts"], row["log_type"], row.get("host"), row["message"], row.get("import_sha256"),
             row.get("line_no")]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class RestoreResult:
    archived: int = 0
    restored: int = 0
    already_present: int = 0
    manifest_sha256: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def restore(db: Database, folder: Path, progress: Progress | None = None,
            passphrase: str | None = None) -> RestoreResult:
    """Insert the archive's events that are not stored yet; all or nothing (Cancel rolls back).

    A sealed archive opens with ``passphrase``, else with the passphrase of ``db`` when it is encrypted
    (an archive goes back into the database it came from, most often).
    """
    progress = progress or Progress()
    passphrase = passphrase or (cipher.passphrase_for(db.path) if db.encrypted else None)
    manifest, problems = archive.verify(folder, passphrase)
    if problems:
        raise archive.ArchiveError(f"{folder}: the archive does not verify, nothing was restored: {problems[0]}")
    _, sha = archive.read_manifest(folder)
    seal = archive.seal_of(folder, manifest, passphrase)
    result = RestoreResult(manifest_sha256=sha)
    total = int(manifest.get("events") or 0)
    note = f"restored from the archive {Path(folder).resolve()} (manifest {sha[:12]})"
    seen: set[str] = set()
    if manifest.get("first_ts"):
        seen = {identity(r) for r in store.identity_rows_between(db, manifest["first_ts"], manifest["last_ts"])}
    imports: dict[tuple[Any, Any], int | None] = {}
    with db.transaction():
        pending: list[dict[str, Any]] = []
        for entry in manifest["files"]:
            for row in archive.read_lines(folder, entry, seal):
                result.archived += 1
                key = identity(row)
                if key in seen:
                    result.already_present += 1
                    continue
                seen.add(key)
                source = (row.get("import_id"), row.get("import_sha256"))
                if source not in imports:
                    imports[source] = store.import_for_restore(db, row, note)
                row["import_id"] = imports[source]
                pending.append(row)
                if len(pending) >= BATCH:
                    result.restored += store.insert_restored(db, pending)
                    pending.clear()
                    progress.check()
                    progress.update(ProgressUpdate(result.archived, total, f"restored {result.restored:,} events",
                                                   unit="events", events=result.restored))
        result.restored += store.insert_restored(db, pending)
        audit.append(db, "restore", "retention", str(Path(folder).resolve()),
                     new={"archived": result.archived, "restored": result.restored,
                          "already_present": result.already_present, "manifest_sha256": sha})
    return result
