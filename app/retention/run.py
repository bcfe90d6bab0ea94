"""A retention run: find what is due, archive it, purge it in batches, compact the file.

Order matters for what a cancel or a crash leaves. The archive is written and
closed, with its manifest, and audited (one ``archive`` row naming counts and the
manifest's SHA-256) before any event is deleted. Deletes then go in id order,
``BATCH`` ids per transaction, so the window's reads interleave and Cancel is
honoured between batches; every purged event is in the archive, and an archived
event not yet purged is simply still stored. The last step rewrites the manifest
with what was purged (``purge.through_id``: every archived id up to it is gone)
and writes one ``purge`` audit row naming the counts and the new manifest hash.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import __version__
from app.domain import timeutil
from app.domain.jobs import Progress, ProgressUpdate
from app.retention import archive
from app.retention.policy import Policy, applicable, cutoff, incidents_days
from app.retention.seal import Seal
from app.store import audit, cipher, retention as store, settings
from app.store.audit_heads import current_head
from app.store.database import Database

BATCH = 20_000  # ids per purge transaction: about a tenth of a second each


@dataclass
class RunResult:
    """What a run found and did; ``to_dict`` is ``retention run --output json``."""

    now: str
    dry_run: bool
    due: int = 0
    kept_as_evidence: int = 0
    archived: int = 0
    purged: int = 0
    state: str = "done"  # done, cancelled, dry-run, nothing-due
    by_policy: dict[str, int] = field(default_factory=dict)
    archive_dir: str | None = None
    manifest_sha256: str | None = None
    pages_freed: int = 0
    vacuum_needed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def load_policies(db: Database) -> list[Policy]:
    return [Policy.from_row(r) for r in store.policies(db)]


def plan(db: Database, now: dt.datetime) -> tuple[list[int], RunResult, list[Policy]]:
    """The ids due for purge (sorted), with the counts by policy; reads only."""
    policies = load_policies(db)
    result = RunResult(timeutil.to_iso(now), dry_run=True)
    protected = store.protected_ids(db, cutoff(now, incidents_days(policies)))
    due: list[int] = []
    for log_type, client, severity, _count, oldest in store.event_groups(db):
        policy = applicable(policies, log_type, client, severity)
        if policy is None:
            continue
        before = cutoff(now, policy.days)
        if oldest >= before:
            continue
        ids = store.due_ids(db, log_type, client, severity, before)
        kept = [i for i in ids if i in protected] if protected else []
        result.kept_as_evidence += len(kept)
        if kept:
            keep = set(kept)
            ids = [i for i in ids if i not in keep]
        due.extend(ids)
        if ids:
            result.by_policy[policy.label] = result.by_policy.get(policy.label, 0) + len(ids)
    due.sort()
    result.due = len(due)
    return due, result, policies


def run(db: Database, archive_dir: Path | None, now: dt.datetime | None = None, *, dry_run: bool = False,
        progress: Progress | None = None, batch: int = BATCH) -> RunResult:
    """Apply the policies as of ``now``: archive into ``archive_dir``, then purge; ``dry_run`` only counts.

    Cancel while archiving raises ``Cancelled`` (nothing was purged, the partial files are removed); while
    purging, the run stops after the current batch and returns with ``state`` "cancelled" and the manifest
    saying what went.
    """
    now = now or dt.datetime.now(dt.UTC)
    progress = progress or Progress()
    due, result, policies = plan(db, now)
    result.dry_run = dry_run
    if dry_run or not due:
        result.state = "dry-run" if dry_run else "nothing-due"
        return result
    if archive_dir is None:
        raise archive.ArchiveError("give the folder the events are archived to (--archive DIR)")
    result.archive_dir = str(Path(archive_dir).resolve())
    snapshot = [p.to_dict() for p in policies]
    writer = archive.ArchiveWriter(Path(archive_dir), seal=_seal(db))
    run_id = store.start_run(db, result.now, snapshot, result.archive_dir, dry_run=False)
    total = 2 * len(due)
    try:
        for start in range(0, len(due), batch):
            progress.check()
            result.archived += writer.add(store.archive_rows(db, due[start:start + batch]))
            progress.update(ProgressUpdate(result.archived, total, f"archived {result.archived:,} events",
                                           unit="events", events=result.archived))
    except BaseException:
        writer.discard()
        store.finish_run(db, run_id, "cancelled", result.to_dict(), None)
        raise
    files = writer.close()
    manifest = _manifest(db, result, snapshot, files, writer.seal)
    result.manifest_sha256 = archive.write_manifest(Path(archive_dir), manifest)
    with db.transaction():
        audit.append(db, "archive", "retention", result.archive_dir,
                     new={"events": result.archived, "files": len(files), "manifest_sha256": result.manifest_sha256,
                          "database": manifest["database"]["id"]})
    _purge(db, due, result, manifest, Path(archive_dir), run_id, progress, batch, total)
    _compact(db, result)  # a cancelled run compacts what it purged too
    return result


def _seal(db: Database) -> Seal | None:
    """An encrypted database's events stay encrypted in its archive, under its passphrase."""
    passphrase = cipher.passphrase_for(db.path) if db.encrypted else None
    return Seal.new(passphrase) if passphrase else None


def _manifest(db: Database, result: RunResult, snapshot: list[dict[str, Any]],
              files: list[dict[str, Any]], seal: Seal | None = None) -> dict[str, Any]:
    head_row, head_hash = current_head(db)
    return {**({"sealed": seal.describe()} if seal else {}),
        "format": archive.FORMAT, "version": 1, "app_version": __version__,
        "database": {"id": database_id(db), "file": Path(db.path).name},
        "created_at": timeutil.now_iso(), "now": result.now, "policy": snapshot,
        "audit_head": {"row": head_row, "hash": head_hash},
        "events": result.archived, "kept_as_evidence": result.kept_as_evidence,
        "first_ts": min((f["first_ts"] for f in files), default=None),
        "last_ts": max((f["last_ts"] for f in files), default=None),
        "files": files, "purge": {"state": "pending", "purged": 0, "through_id": None},
    }


def _purge(db: Database, due: list[int], result: RunResult, manifest: dict[str, Any], folder: Path, run_id: int,
           progress: Progress, batch: int, total: int) -> None:
    through: int | None = None
    cancelled = False
    for start in range(0, len(due), batch):
        if progress.cancelled:
            cancelled = True
            break
        ids = due[start:start + batch]
        with db.transaction():
            result.purged += store.delete_events_batch(db, ids)
        through = ids[-1]
        progress.update(ProgressUpdate(result.archived + result.purged, total, f"purged {result.purged:,} events",
                                       unit="events", events=result.purged))
    result.state = "cancelled" if cancelled else "done"
    manifest["purge"] = {"state": "complete" if not cancelled else "cancelled", "purged": result.purged,
                         "through_id": through, "finished_at": timeutil.now_iso()}
    result.manifest_sha256 = archive.write_manifest(folder, manifest)
    with db.transaction():
        audit.append(db, "purge", "retention", result.archive_dir,
                     new={"purged": result.purged, "archived": result.archived, "kept_as_evidence":
                          result.kept_as_evidence, "state": result.state, "manifest_sha256": result.manifest_sha256})
        store.finish_run(db, run_id, result.state, result.to_dict(), result.manifest_sha256)


def _compact(db: Database, result: RunResult) -> None:
    """Return the freed pages to the file system when the file allows it; else say a VACUUM is needed."""
    if store.space(db)["auto_vacuum"] == 2:
        result.pages_freed = store.incremental_vacuum(db)
    else:
        result.vacuum_needed = True


def database_id(db: Database) -> str:
    """This database's id, made (and audited) on first use."""
    value = settings.DATABASE_ID.read(db)
    if value:
        return value
    value = uuid.uuid4().hex
    with db.transaction():
        settings.DATABASE_ID.write(db, value)
        audit.append(db, "update", "settings", settings.DATABASE_ID.key, old=None, new=value)
    return value
