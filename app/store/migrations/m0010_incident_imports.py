"""Schema 10: a record of each incident import, with the rows it left out.

An import run with ``--skip-invalid`` (or the dialog's "Skip rejected rows")
writes the good rows and keeps every rejected one here, with its line, the
field at fault, the reason and the row as read, so nothing silently disappears.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 10


def upgrade(db: Database) -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS incident_imports ("
        " id INTEGER PRIMARY KEY,"
        " file TEXT NOT NULL,"
        " path TEXT,"
        " sha256 TEXT,"
        " kind TEXT,"
        " options TEXT,"  # JSON of the mapping used
        " started_at TEXT NOT NULL,"
        " finished_at TEXT,"
        " read_count INTEGER NOT NULL DEFAULT 0,"
        " created INTEGER NOT NULL DEFAULT 0,"
        " updated INTEGER NOT NULL DEFAULT 0,"
        " skipped INTEGER NOT NULL DEFAULT 0,"
        " rejected INTEGER NOT NULL DEFAULT 0,"
        " first_number TEXT,"
        " last_number TEXT,"
        " actor TEXT)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS incident_import_rejects ("
        " id INTEGER PRIMARY KEY,"
        " import_id INTEGER NOT NULL REFERENCES incident_imports(id) ON DELETE CASCADE,"
        " line_no INTEGER,"
        " key TEXT,"
        " field TEXT,"
        " reason TEXT NOT NULL,"
        " raw TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS incident_import_rejects_import"
               " ON incident_import_rejects(import_id, line_no)")
