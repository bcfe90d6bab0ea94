"""Schema 14: sources that are followed (files, folders, syslog listeners) and where each file was left.

A source owns one ``imports`` row (``import_id``) that all of its events belong
to, whatever batch or file they came in. ``source_files`` is the follower's
memory, as Filebeat's registry: per file its device and inode, a fingerprint of
its first bytes (so a renamed or copied file is recognised), the byte offset of
the first line not yet stored, and the partial last line's bytes seen so far.
The offset is written in the same transaction as the events it covers, so a
process killed at any moment neither loses nor repeats a line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 14


def upgrade(db: Database) -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS sources ("
        " id INTEGER PRIMARY KEY,"
        " kind TEXT NOT NULL CHECK (kind IN ('file', 'folder', 'udp', 'tcp')),"
        " path TEXT,"  # file or folder (absolute)
        " host TEXT,"  # udp/tcp: the address to bind
        " port INTEGER,"
        " glob TEXT,"  # folder: which files to follow
        " format TEXT,"  # NULL: detected once on the first bytes
        " zone TEXT,"
        " log_type TEXT,"
        " client TEXT,"
        " site TEXT,"
        " enabled INTEGER NOT NULL DEFAULT 1,"
        " import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,"
        " created_at TEXT NOT NULL,"
        " last_error TEXT,"
        " last_error_at TEXT,"
        " lines INTEGER NOT NULL DEFAULT 0,"  # lines stored so far
        " rate REAL NOT NULL DEFAULT 0,"  # lines per second, smoothed over the last batches
        " last_line_at TEXT,"  # UTC time the last batch was committed
        " lag_bytes INTEGER NOT NULL DEFAULT 0)"  # bytes seen on disk but not yet stored, at the last look
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS source_files ("
        " id INTEGER PRIMARY KEY,"
        " source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
        " path TEXT NOT NULL,"  # where it was last seen
        " device INTEGER NOT NULL,"
        " inode INTEGER NOT NULL,"
        " fingerprint TEXT NOT NULL,"  # SHA-256 of the first fp_len bytes
        " fp_len INTEGER NOT NULL,"
        " offset INTEGER NOT NULL DEFAULT 0,"  # bytes stored (always at a line start)
        " line_no INTEGER NOT NULL DEFAULT 0,"  # lines stored from this file
        " size INTEGER NOT NULL DEFAULT 0,"  # size at the last look
        " pending INTEGER NOT NULL DEFAULT 0,"  # bytes of a partial last line waiting for its newline
        " updated_at TEXT NOT NULL,"
        " UNIQUE (source_id, device, inode))"
    )
