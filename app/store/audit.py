"""The append-only, hash-chained audit trail.

Each row's hash is SHA-256 over the previous row's hash and the canonical JSON of
the row, so changing or removing any row breaks every hash after it. Triggers in
the schema refuse UPDATE and DELETE; ``verify`` re-walks the chain. With a key
(``app.store.audit_key``) the hash is an HMAC, which nobody without the key can recompute.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from app.domain import timeutil
from app.domain.text import scrub
from app.store import audit_key
from app.store.database import Database

GENESIS = "0" * 64


def current_actor() -> str:
    """The OS user: who did it, as an auditor will read it."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - getuser raises assorted errors without a login name
        return "unknown"


def _canonical(row: dict[str, Any]) -> str:
    keys = ("id", "ts", "actor", "action", "entity", "entity_id", "old", "new")
    return json.dumps({k: row[k] for k in keys}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _json(value: Any) -> str | None:
    """A value as the trail stores it; a lone surrogate becomes U+FFFD first, so the hash covers what is stored."""
    return None if value is None else scrub(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))


def row_hash(prev_hash: str, row: dict[str, Any], key: bytes | None = None) -> str:
    return audit_key.digest(key, prev_hash + _canonical(row))


def append(
    db: Database,
    action: str,
    entity: str,
    entity_id: str | int | None,
    old: Any = None,
    new: Any = None,
    actor: str | None = None,
    ts: str | None = None,
) -> dict[str, Any]:
    """Write one audit row inside the caller's transaction (or a new one)."""
    with db.transaction():
        last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        prev_id, prev_hash = (last[0], last[1]) if last else (0, GENESIS)
        key = audit_key.signer_for_append(db, prev_id + 1)
        row = {
            "id": prev_id + 1,
            "ts": ts or timeutil.now_iso(),
            "actor": scrub(actor or current_actor()),
            "action": action,
            "entity": entity,
            "entity_id": None if entity_id is None else scrub(str(entity_id)),
            "old": _json(old),
            "new": _json(new),
        }
        row["prev_hash"] = prev_hash
        row["hash"] = row_hash(prev_hash, row, key)
        db.execute(
            "INSERT INTO audit_log (id, ts, actor, action, entity, entity_id, old, new, prev_hash, hash)"
            " VALUES (:id, :ts, :actor, :action, :entity, :entity_id, :old, :new, :prev_hash, :hash)",
            row,
        )
    return row


def append_many(db: Database, entries: Iterable[tuple[str, str, str | int | None, Any, Any]],
                actor: str | None = None, ts: str | None = None) -> int:
    """Write (action, entity, entity_id, old, new) rows in order, chained like ``append``; returns how many.

    One read of the chain's head and one batched insert: an import of 100,000
    rows writes as many audit rows, and a look-up per row would cost most of it.
    """
    who, when = scrub(actor or current_actor()), ts or timeutil.now_iso()
    with db.transaction():
        last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        state = _Head(last[0] if last else 0, last[1] if last else GENESIS)
        key = audit_key.signer_for_append(db, state.id + 1)

        def rows() -> Iterator[dict[str, Any]]:
            for action, entity, entity_id, old, new in entries:
                row: dict[str, Any] = {
                    "id": state.id + 1, "ts": when, "actor": who, "action": action, "entity": entity,
                    "entity_id": None if entity_id is None else scrub(str(entity_id)),
                    "old": _json(old),
                    "new": _json(new),
                    "prev_hash": state.hash,
                }
                row["hash"] = row_hash(state.hash, row, key)
                state.id, state.hash = row["id"], row["hash"]
                yield row

        before = state.id
        db.executemany(
            "INSERT INTO audit_log (id, ts, actor, action, entity, entity_id, old, new, prev_hash, hash)"
            " VALUES (:id, :ts, :actor, :action, :entity, :entity_id, :old, :new, :prev_hash, :hash)",
            rows(),
        )
    return state.id - before


@dataclass
class _Head:
    """The chain's last row while a batch is appended: the generator moves it on row by row."""

    id: int
    hash: str


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    count: int
    head: str
    broken_id: int | None = None
    reason: str = ""
    keyed_from: int | None = None  # the first row sealed with a key (None: an unkeyed trail)
    unchecked: bool = False  # keyed rows whose hashes could not be checked for want of the key

    def describe(self) -> str:
        if self.ok:
            sealed = f", keyed from row {self.keyed_from}" if self.keyed_from else ""
            return f"audit trail intact: {self.count} rows{sealed}, head {self.head}"
        if self.broken_id is not None:
            return f"audit trail broken at row {self.broken_id}: {self.reason}"
        if self.unchecked:
            return f"audit trail not checked: {self.reason}"
        return f"audit trail not protected: {self.reason}"


def verify(db: Database, key: bytes | None = None) -> ChainStatus:
    """Re-walk the chain and name the first row that breaks it.

    Keyed rows are checked with ``key``; without it (or with another key) only
    their links are, and the status says the trail could not be checked.
    """
    sealed = audit_key.sealing(db)
    keyed_from = sealed.from_id if sealed else None
    cannot = ""
    if sealed and key is None:
        cannot = (f"the trail is keyed from row {sealed.from_id} and no key was given "
                  f"(set {audit_key.KEY_ENV} or {audit_key.KEY_FILE_ENV}, or pass --key-file)")
    elif sealed and audit_key.fingerprint(key or b"") != sealed.fingerprint:
        cannot = (f"the key given is not this trail's key (fingerprint {audit_key.fingerprint(key or b'')}, "
                  f"the trail's is {sealed.fingerprint})")
    prev = GENESIS
    expected_id = 1
    count = 0
    cur = db.execute(
        "SELECT id, ts, actor, action, entity, entity_id, old, new, prev_hash, hash FROM audit_log ORDER BY id"
    )
    names = [d[0] for d in cur.description]
    for values in cur:
        row = dict(zip(names, values))
        if row["id"] != expected_id:
            return ChainStatus(False, count, prev, row["id"], f"row {expected_id} is missing", keyed_from)
        if row["prev_hash"] != prev:
            return ChainStatus(False, count, prev, row["id"], "previous-hash link does not match", keyed_from)
        keyed = keyed_from is not None and row["id"] >= keyed_from
        if not (keyed and cannot) and row_hash(prev, row, key if keyed else None) != row["hash"]:
            why = "contents do not match its keyed hash" if keyed else "contents do not match its hash"
            return ChainStatus(False, count, prev, row["id"], why, keyed_from)
        prev = row["hash"]
        expected_id += 1
        count += 1
    guard = unguarded(db)
    if guard:
        return ChainStatus(False, count, prev, None, guard, keyed_from)
    if cannot:
        return ChainStatus(False, count, prev, None, cannot, keyed_from, unchecked=True)
    return ChainStatus(True, count, prev, keyed_from=keyed_from)


GUARDS = {  # trigger -> the statement it must run: rows of the trail are never changed or removed
    "audit_log_no_update": "BEFORE UPDATE ON audit_log",
    "audit_log_no_delete": "BEFORE DELETE ON audit_log",
}


def unguarded(db: Database) -> str:
    """Why the append-only triggers no longer guard the trail ("" when both stand as the schema made them).

    Dropping them is how rows get changed or removed behind the app's back, so their
    absence is itself a finding, even while every remaining hash still matches.
    """
    found = {name: " ".join(str(sql).split()) for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")}
    problems = []
    for name, when in GUARDS.items():
        sql = found.get(name)
        if sql is None:
            problems.append(f"trigger {name} is missing")
        elif when not in sql or "RAISE(ABORT" not in sql.replace(" (", "("):
            problems.append(f"trigger {name} was changed")
    return "; ".join(problems) + ("; rows could have been changed or removed without a trace" if problems else "")


def entity_changes(db: Database, entity: str) -> Iterator[tuple[int, str, str | None, Any, Any]]:
    """(row, action, entity_id, old, new) of one kind of thing, oldest first, JSON decoded (for replaying it)."""
    for seq, action, entity_id, old, new in db.execute(
            "SELECT id, action, entity_id, old, new FROM audit_log WHERE entity = ? ORDER BY id", (entity,)):
        yield seq, action, entity_id, _decoded(old), _decoded(new)


def _decoded(text: str | None) -> Any:
    try:
        return None if text is None else json.loads(text)
    except ValueError:
        return text


def quick_check(db: Database) -> list[str]:
    """SQLite's own page-level check of the file (["ok"] when sound)."""
    return [str(r[0]) for r in db.execute("PRAGMA quick_check")]


AUDIT_COLUMNS: tuple[str, ...] = ("id", "ts", "actor", "action", "entity", "entity_id", "old", "new", "hash")


def history(db: Database, entity: str, entity_id: str | int) -> list[dict[str, Any]]:
    """One thing's audit rows, oldest first (an incident's History tab)."""
    return db.rows(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id",
                   (entity, str(entity_id)))


def search(
    db: Database,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    actor: str | None = None,
    text: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """Audit rows matching every given condition, newest first (the Audit trail page)."""
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (("entity", entity), ("entity_id", entity_id), ("action", action), ("actor", actor)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if since:
        clauses.append("ts >= ?")
        params.append(since)
    if until:
        clauses.append("ts < ?")
        params.append(until)
    if text:
        clauses.append("(coalesce(entity_id, '') || ' ' || coalesce(old, '') || ' ' || coalesce(new, '')) LIKE ?"
                       " ESCAPE '\\'")
        params.append("%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    where = " AND ".join(clauses) or "1"
    return db.rows(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log WHERE {where} ORDER BY id DESC LIMIT ?",
                   [*params, int(limit)])


def distinct_values(db: Database, column: str) -> list[str]:
    """The actions, entities or actors present, for filter choices."""
    if column not in ("action", "entity", "actor"):
        raise ValueError(f"column: {column!r} cannot be listed")
    return [r[0] for r in db.execute(f"SELECT DISTINCT {column} FROM audit_log ORDER BY 1")]
