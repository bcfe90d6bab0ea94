"""Settings kept in the database, declared in one registry (Picard's ``Option``: key, default, type, version).

These settings travel with the file and apply to everyone who opens it (the
workstation's own preferences are in ``app.ui.preferences``). Each is declared
here once, so a newcomer sees every key the ``settings`` table can hold, and a
key cannot be misspelt in one of the modules that use it. Values are stored as
JSON text (sorted keys); keys and stored values are the ones databases made
before this registry hold.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from app.store.database import Database

T = TypeVar("T")


@dataclass(frozen=True)
class Option(Generic[T]):
    """One setting: its key in the ``settings`` table, what an unset key reads as, and the JSON type stored.

    ``version`` is the shape of the stored value: a change of shape bumps it and
    brings its upgrade, in a migration (``app.store.migrations``), so that older
    databases keep reading.
    """

    key: str
    default: T
    type: type
    version: int = 1
    doc: str = ""

    def stored(self, db: Database) -> Any:
        """The value as stored, or None when the key is unset (what an audit row records as the old value)."""
        value = db.scalar("SELECT value FROM settings WHERE key = ?", (self.key,))
        return None if value is None else json.loads(value)

    def read(self, db: Database) -> T:
        """The stored value, else (no row, or a stored null) a fresh copy of the default."""
        value = self.stored(db)
        return copy.deepcopy(self.default) if value is None else value  # type: ignore[no-any-return]

    def write(self, db: Database, value: T) -> None:
        """Store the value (inside the caller's transaction); a value of another type is a bug, refused."""
        if not isinstance(value, self.type):
            raise TypeError(f"setting {self.key!r}: expected {self.type.__name__}, got {type(value).__name__}")
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (self.key, json.dumps(value, sort_keys=True)),
        )


PRIORITY_MATRIX: Option[dict[str, dict[str, int]] | None] = Option(
    "priority_matrix", None, dict,
    doc="Impact × urgency → P1-P4, as {'1': {'1': 1, ...}}; unset: app.domain.priority.DEFAULT_MATRIX.")
SLA_POLICIES: Option[dict[str, Any] | None] = Option(
    "sla_policies", None, dict,
    doc="Calendars and targets (app.domain.sla.SlaPolicies.to_dict); unset: the built-in policies.")
INCIDENT_NUMBER_FLOOR: Option[int] = Option(
    "incident_number_floor", 0, int,
    doc="The highest incident number ever deleted, so that a number is never handed out twice.")
INCIDENT_IMPORT_PROFILES: Option[dict[str, dict[str, Any]]] = Option(
    "incident_import_profiles", {}, dict,
    doc="Saved incident-sheet mappings by name (app.ingest.incidents.plan.ImportOptions.to_dict).")
LOG_TYPE_RULES: Option[list[dict[str, str]] | None] = Option(
    "ingest.log_type_rules", None, list,
    doc="Rules that name an imported file's log type; unset: app.ingest.rules.DEFAULT_TYPE_RULES.")
HOST_RULES: Option[list[dict[str, str]]] = Option(
    "ingest.host_rules", [], list,
    doc="Rules that take a host name from an imported file's path.")
SAVED_VIEWS: Option[dict[str, dict[str, Any]]] = Option(
    "saved_views", {}, dict,
    doc="Named filters shared by the team, by name (app.store.views).")
AUDIT_CHAIN_KEY: Option[dict[str, Any] | None] = Option(
    "audit_chain_key", None, dict,
    doc="From which audit row the trail is keyed, and the key's fingerprint; unset: an unkeyed trail.")
REDACTION_KEYED_HASH: Option[bool] = Option(
    "redaction.keyed_hash", False, bool,
    doc="Redaction markers carry a keyed hash of the value ([card:3f9a1c2b]) instead of the bare marker.")
REDACTION_OFF_SINCE_UPGRADE: Option[bool] = Option(
    "redaction.off_since_upgrade", False, bool,
    doc="Set on a database made before redaction: its rules were seeded off; cleared when one is switched on.")
DATABASE_ID: Option[str | None] = Option(
    "database_id", None, str,
    doc="A random id given on the first retention archive, so an archive names the database it came from.")
RETENTION_AUTO: Option[bool] = Option(
    "retention.auto", True, bool,
    doc="Due retention runs start by themselves (watch daily, the window's offer); off on files made before "
        "retention, so an upgrade never starts purging unasked.")
RETENTION_ARCHIVE_DIR: Option[str | None] = Option(
    "retention.archive_dir", None, str,
    doc="Where scheduled retention runs (watch, the window) write archives; unset: <database>.archives beside it.")


def _registry(*options: Option[Any]) -> dict[str, Option[Any]]:
    out: dict[str, Option[Any]] = {}
    for option in options:
        if option.key in out:
            raise ValueError(f"setting {option.key!r} is declared twice")
        out[option.key] = option
    return out


OPTIONS: dict[str, Option[Any]] = _registry(
    PRIORITY_MATRIX, SLA_POLICIES, INCIDENT_NUMBER_FLOOR, INCIDENT_IMPORT_PROFILES, LOG_TYPE_RULES, HOST_RULES,
    SAVED_VIEWS, AUDIT_CHAIN_KEY, REDACTION_KEYED_HASH, REDACTION_OFF_SINCE_UPGRADE, DATABASE_ID,
    RETENTION_ARCHIVE_DIR, RETENTION_AUTO,
)
