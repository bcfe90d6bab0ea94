"""Rows of the connections, outbox and ticket_links tables (schema 18): SQL only, no HTTP, no secrets."""

from __future__ import annotations

from typing import Any

from app.store.database import Database

CONNECTION_COLUMNS: tuple[str, ...] = (
    "name", "kind", "base_url", "project", "user", "auth", "secret_env", "mapping", "created_at", "updated_at")
OUTBOX_COLUMNS: tuple[str, ...] = (
    "id", "connection", "incident", "operation", "payload", "idempotency_key", "state", "attempts",
    "next_attempt_at", "last_status", "last_error", "created_at", "updated_at")
LINK_COLUMNS: tuple[str, ...] = (
    "incident", "connection", "remote_id", "external_key", "external_url", "remote_status", "remote_assignee",
    "pushed_audit_id", "pushed_hash", "pulled_at", "created_at", "updated_at")


def insert_connection(db: Database, row: dict[str, Any]) -> None:
    cols = [c for c in CONNECTION_COLUMNS if c in row]
    db.execute(f"INSERT INTO connections ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
               [row[c] for c in cols])


def connection(db: Database, name: str) -> dict[str, Any] | None:
    rows = db.rows(f"SELECT {', '.join(CONNECTION_COLUMNS)} FROM connections WHERE name = ?", (name,))
    return rows[0] if rows else None


def connections(db: Database) -> list[dict[str, Any]]:
    return db.rows(f"SELECT {', '.join(CONNECTION_COLUMNS)} FROM connections ORDER BY name")


def delete_connection(db: Database, name: str) -> None:
    db.execute("DELETE FROM connections WHERE name = ?", (name,))


def add_outbox(db: Database, row: dict[str, Any]) -> int:
    cols = [c for c in OUTBOX_COLUMNS if c in row and c != "id"]
    cur = db.execute(f"INSERT INTO outbox ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                     [row[c] for c in cols])
    return int(cur.lastrowid or 0)


def outbox_row(db: Database, outbox_id: int) -> dict[str, Any] | None:
    rows = db.rows(f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM outbox WHERE id = ?", (outbox_id,))
    return rows[0] if rows else None


def outbox_rows(db: Database, states: tuple[str, ...] = (), incident: str | None = None) -> list[dict[str, Any]]:
    clauses, params = ["1"], []
    if states:
        clauses.append(f"state IN ({', '.join('?' * len(states))})")
        params += list(states)
    if incident:
        clauses.append("incident = ?")
        params.append(incident)
    return db.rows(f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM outbox WHERE {' AND '.join(clauses)} ORDER BY id",
                   params)


def due_outbox(db: Database, now: str, only: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    """Pending rows whose time has come, oldest first (``only``: these ids, due or not)."""
    if only:
        return db.rows(f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM outbox WHERE state = 'pending'"
                       f" AND id IN ({', '.join('?' * len(only))}) ORDER BY id", list(only))
    return db.rows(f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM outbox WHERE state = 'pending'"
                   " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id", (now,))


def set_outbox(db: Database, outbox_id: int, changes: dict[str, Any]) -> None:
    cols = [c for c in changes if c in OUTBOX_COLUMNS and c != "id"]
    db.execute(f"UPDATE outbox SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
               [changes[c] for c in cols] + [outbox_id])


def claim_outbox(db: Database, outbox_id: int, now: str) -> bool:
    """Mark a pending row as being sent (one more attempt); False when another sender took it first."""
    cur = db.execute("UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?"
                     " WHERE id = ? AND state = 'pending'", (now, outbox_id))
    return cur.rowcount == 1


def delete_outbox(db: Database, outbox_id: int) -> int:
    return int(db.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,)).rowcount)


def link(db: Database, incident: str, connection_name: str) -> dict[str, Any] | None:
    rows = db.rows(f"SELECT {', '.join(LINK_COLUMNS)} FROM ticket_links WHERE incident = ? AND connection = ?",
                   (incident, connection_name))
    return rows[0] if rows else None


def links(db: Database, incident: str | None = None) -> list[dict[str, Any]]:
    if incident:
        return db.rows(f"SELECT {', '.join(LINK_COLUMNS)} FROM ticket_links WHERE incident = ? ORDER BY connection",
                       (incident,))
    return db.rows(f"SELECT {', '.join(LINK_COLUMNS)} FROM ticket_links ORDER BY incident, connection")


def save_link(db: Database, incident: str, connection_name: str, changes: dict[str, Any], now: str) -> None:
    """Insert or update the link row with ``changes`` (column names checked against the schema's list)."""
    cols = [c for c in changes if c in LINK_COLUMNS and c not in ("incident", "connection", "created_at")]
    if link(db, incident, connection_name) is None:
        names = ["incident", "connection", "created_at", "updated_at", *cols]
        values = [incident, connection_name, now, now, *(changes[c] for c in cols)]
        db.execute(f"INSERT INTO ticket_links ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", values)
        return
    sets = [*(c + " = ?" for c in cols if c != "updated_at"), "updated_at = ?"]
    db.execute(f"UPDATE ticket_links SET {', '.join(sets)} WHERE incident = ? AND connection = ?",
               [*(changes[c] for c in cols if c != "updated_at"), now, incident, connection_name])


def last_incident_audit_id(db: Database, number: str) -> int:
    """The incident's newest audit row (what a push has sent up to)."""
    return int(db.scalar("SELECT max(id) FROM audit_log WHERE entity = 'incident' AND entity_id = ?", (number,)) or 0)


def incident_audit_since(db: Database, number: str, after_id: int) -> list[dict[str, Any]]:
    """The incident's audit rows after ``after_id``, oldest first: the changes an update carries."""
    return db.rows("SELECT id, ts, actor, action, old, new FROM audit_log WHERE entity = 'incident'"
                   " AND entity_id = ? AND id > ? ORDER BY id", (number, after_id))


def evidence_lines(db: Database, incident_id: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The incident's linked events (oldest first, at most ``limit``) and how many there are in all."""
    total = int(db.scalar("SELECT count(*) FROM incident_events WHERE incident_id = ?", (incident_id,)) or 0)
    rows = db.rows("SELECT e.ts, e.host, e.severity, e.message FROM incident_events ie JOIN event_rows e"
                   " ON e.id = ie.event_id WHERE ie.incident_id = ? ORDER BY e.ts, e.id LIMIT ?",
                   (incident_id, int(limit)))
    return rows, total
