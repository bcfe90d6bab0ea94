"""Chain heads recorded outside the database, so a rewritten or shortened trail is caught.

Anyone holding the file can drop the triggers, edit or cut rows and recompute
every hash: the chain then verifies on its own. Each export therefore appends
the trail's head (last row number and hash, after its own audit row) to a small
append-only text file beside the database, ``<db>.heads``, one line per export::

    2026-12-02T13:05:00Z<TAB>412<TAB><64 hex digits><TAB>weekly.xlsx

``verify`` compares the chain with those lines (or with one hash given by hand,
such as the head printed in a report). Copies of the file kept elsewhere make it
stronger still.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from app.domain import timeutil
from app.store.database import Database

_HASH = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class RecordedHead:
    """One line of a heads file (or a hash given by hand, with ``seq`` None)."""

    source: str  # "<file>, line N" or "--head", for findings
    seq: int | None
    hash: str
    exported: str = ""


def heads_path(db_path: Path) -> Path:
    """The heads file beside the database."""
    return db_path.with_name(db_path.name + ".heads")


def current_head(db: Database) -> tuple[int, str]:
    """The last audit row's number and hash ((0, "") for an empty trail)."""
    row = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, "")


def record_head(db: Database, file_name: str) -> Path:
    """Append the trail's head to the heads file; call after the export's own audit row has committed."""
    seq, digest = current_head(db)
    target = heads_path(Path(db.path))
    name = " ".join(str(file_name).split())  # one line per export, whatever the file is called
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)  # owner-only when new
    with open(fd, "a", encoding="utf-8") as fh:
        fh.write(f"{timeutil.now_iso()}\t{seq}\t{digest}\t{name}\n")
        fh.flush()
        os.fsync(fh.fileno())
    return target


def read_heads(path: Path) -> tuple[list[RecordedHead], list[str]]:
    """The heads in ``path``, and a finding for every line that is not one (naming the file and line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot read the heads file: {exc}"]
    heads: list[RecordedHead] = []
    problems: list[str] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 3 or not parts[1].isdigit() or not _HASH.match(parts[2]):
            problems.append(f"{path}, line {n}: not a recorded head (time, row, hash, file)")
            continue
        heads.append(RecordedHead(f"{path}, line {n}", int(parts[1]), parts[2], parts[3] if len(parts) > 3 else ""))
    return heads, problems


def given_head(digest: str) -> RecordedHead:
    return RecordedHead("--head", None, digest.strip().lower())


def compare(db: Database, heads: list[RecordedHead]) -> list[str]:
    """Findings for recorded heads the chain no longer holds: a shorter chain (truncation) or another hash (rewrite)."""
    last, _ = current_head(db)
    findings: list[str] = []
    for h in heads:
        what = f" (recorded after exporting {h.exported})" if h.exported else ""
        if h.seq is None:
            if db.scalar("SELECT count(*) FROM audit_log WHERE hash = ?", (h.hash,)) == 0:
                findings.append(f"{h.source}: head {h.hash} is not in the audit trail; it was rewritten or cut")
            continue
        stored = db.scalar("SELECT hash FROM audit_log WHERE id = ?", (h.seq,))
        if stored is None:
            findings.append(f"{h.source}: the trail ends at row {last} but row {h.seq} was recorded{what}; "
                            f"rows were removed (truncated)")
        elif stored != h.hash:
            findings.append(f"{h.source}: row {h.seq} no longer has the hash recorded{what}; "
                            f"the trail was rewritten")
    return findings
