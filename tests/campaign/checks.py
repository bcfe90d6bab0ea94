"""The checks after every campaign step: database integrity, ``verify``, exact counts, no unaudited file.

They read the database file with plain ``sqlite3`` (read-only), the way an
auditor's own tool would; only which events a reader may see comes from the app
(``app.store.visibility``: none of an import still running).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from app.store.visibility import visible  # the README's rule: a running import's events are hidden from every read
from tests.campaign import procs
from tests.campaign.record import Campaign


def _read(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def database(campaign: Campaign, db: Path, step: str) -> None:
    """``PRAGMA integrity_check`` is ok and ``verify`` exits 0 (audit chain intact, triggers in place)."""
    integrity = [r[0] for r in _read(db, "PRAGMA integrity_check")]
    campaign.check(integrity == ["ok"], f"{step}: integrity_check says {integrity[:3]}")
    out = procs.run(campaign, db, "verify")
    campaign.check(out.returncode == 0, f"{step}: verify exited {out.returncode}: {out.stdout.strip()} "
                                        f"{out.stderr.strip()[-300:]}")


def event_count(db: Path, hidden_too: bool = False) -> int:
    """Events a reader sees (a running import's are hidden until it completes), or every row stored."""
    where = "" if hidden_too else f" WHERE {visible()}"
    return int(_read(db, f"SELECT count(*) FROM events{where}")[0][0])  # type: ignore[arg-type]


def events_by_import(db: Path, file_sha: str) -> list[tuple[int, str, int]]:
    """(import id, status, events visible) for every import of the file with this SHA-256."""
    return [(int(i), str(s), int(n)) for i, s, n in _read(  # type: ignore[call-overload]
        db, f"SELECT i.id, i.status, (SELECT count(*) FROM events e WHERE e.import_id = i.id AND {visible('e')})"
            " FROM imports i WHERE i.sha256 = ? ORDER BY i.id", (file_sha,))]


def killed_import(campaign: Campaign, db: Path, log: Path, lines: int, step: str) -> int:
    """Each import of ``log`` shows none of its events or all of them; returns how many are visible."""
    seen = events_by_import(db, sha256(log))
    for import_id, status, n in seen:
        campaign.check(n in (0, lines), f"{step}: import #{import_id} ({status}) shows {n:,} of {lines:,} events")
        campaign.check((n == lines) == (status == "complete"),
                       f"{step}: import #{import_id} is {status} with {n:,} events")
    visible = sum(n for _i, _s, n in seen)
    campaign.check(visible in (0, lines), f"{step}: {visible:,} events of {log.name} visible (0 or {lines:,})")
    campaign.events_checked += visible
    return visible


def exported(db: Path) -> dict[str, set[str]]:
    """SHA-256 -> the paths the audit trail's export rows name for it."""
    out: dict[str, set[str]] = {}
    for (new,) in _read(db, "SELECT new FROM audit_log WHERE action = 'export'"):
        row = json.loads(str(new))
        out.setdefault(str(row.get("sha256")), set()).add(str(row.get("path")))
    return out


def export_folder(campaign: Campaign, db: Path, folder: Path, step: str, parts_allowed: bool) -> None:
    """Every file at its final name has an audit row with its SHA-256 and path; .part files only when allowed."""
    audited = exported(db)
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".part"):
            campaign.check(parts_allowed, f"stray {path.name} is still there after a later export into the folder")
            continue
        campaign.files_checked += 1
        paths = audited.get(sha256(path), set())
        campaign.check(str(path.resolve()) in paths,
                       f"{step}: {path.name} ({path.stat().st_size:,} bytes) has no audit row with its SHA-256")
