"""Schema 3: an index on incidents' external ticket key.

Re-importing a ServiceNow or Jira export looks every key up to skip incidents
already in the file; without the index each lookup batch scans the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 3


def upgrade(db: Database) -> None:
    db.execute("CREATE INDEX IF NOT EXISTS incidents_external_key ON incidents(external_key)")
