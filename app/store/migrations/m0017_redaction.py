"""Schema 17: PII redaction at import: its rules, per-client switches, the keyed hash's secret, per-import counts.

Built-in rules are seeded by name (their patterns and validators are the app's,
``app.domain.redaction``; only the switch is stored). A database created by this
version gets them on (the IP rules off, as operational data); a database that existed
before gets them all off and a note in ``settings`` (``redaction.off_since_upgrade``), so
that imports into a file an auditor already knows do not change silently: ``imports`` and
``redaction list`` say so until a rule is switched on.

The secret of the keyed hash is a table of its own, not a setting: reports export settings'
effects, never this table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain import timeutil
from app.domain.redaction import BUILTIN_RULES

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 17


def upgrade(db: Database) -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS redaction_rules ("
        " id INTEGER PRIMARY KEY,"
        " name TEXT NOT NULL UNIQUE,"
        " kind TEXT NOT NULL,"  # what the per-import counts are keyed by
        " pattern TEXT NOT NULL DEFAULT '',"  # '' for a built-in: its pattern is the app's
        " replacement TEXT NOT NULL,"
        " region TEXT,"  # phone rules: numbers written without +country code are read as this region's
        " builtin INTEGER NOT NULL DEFAULT 0,"
        " enabled INTEGER NOT NULL DEFAULT 1,"
        " created_at TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS redaction_client_rules ("
        " rule_id INTEGER NOT NULL REFERENCES redaction_rules(id) ON DELETE CASCADE,"
        " client TEXT NOT NULL,"
        " enabled INTEGER NOT NULL,"
        " PRIMARY KEY (rule_id, client)) WITHOUT ROWID"
    )
    db.execute("CREATE TABLE IF NOT EXISTS redaction_secret ("
               " id INTEGER PRIMARY KEY CHECK (id = 1),"
               " secret BLOB NOT NULL)")
    db.execute("INSERT OR IGNORE INTO redaction_secret (id, secret) VALUES (1, randomblob(32))")
    columns = {r[1] for r in db.execute("PRAGMA table_info(imports)")}
    if "redacted" not in columns:
        db.execute("ALTER TABLE imports ADD COLUMN redacted TEXT")  # JSON {kind: count}; NULL: nothing redacted
    fresh = getattr(db, "created_now", False)
    now = timeutil.now_iso()
    db.executemany(
        "INSERT OR IGNORE INTO redaction_rules (name, kind, pattern, replacement, region, builtin, enabled, created_at)"
        " VALUES (?, ?, '', ?, NULL, 1, ?, ?)",
        [(r.name, r.kind, r.replacement, int(fresh and r.enabled), now) for r in BUILTIN_RULES])
    if not fresh:
        db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('redaction.off_since_upgrade', 'true')")
