"""Redaction rules, their per-client switches, the keyed hash's secret and per-import counts (SQL only here).

What the rules do is ``app.domain.redaction``; this module keeps which are on, where,
and every change goes into the audit trail in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from app.domain import timeutil
from app.domain.redaction import BUILTIN, Redactor, Rule, RuleSet, user_rule
from app.store import audit
from app.store.database import Database
from app.store.settings import REDACTION_KEYED_HASH, REDACTION_OFF_SINCE_UPGRADE

_COLUMNS = "id, name, kind, pattern, replacement, region, builtin, enabled"
SCHEMA = 17  # app/store/migrations/m0017_redaction.py


def available(db: Database) -> bool:
    """Whether the file has redaction's tables: one held at an older schema on purpose (an upgrade's tests,
    ``Database.open(migrate=False)``) imports as a file made before redaction did, without it."""
    return db.user_version >= SCHEMA


def _rule(row: Mapping[str, Any], enabled: bool | None = None) -> Rule:
    on = bool(row["enabled"]) if enabled is None else enabled
    if row["builtin"] and row["name"] in BUILTIN:
        base = BUILTIN[row["name"]]
        return replace(base, enabled=on, region=row["region"] or base.region)
    return Rule(row["name"], row["kind"], row["pattern"], row["replacement"], region=row["region"], enabled=on)


def rules(db: Database) -> list[Rule]:
    """Every rule, built-ins first, in the order they are applied."""
    if not available(db):
        return []
    return [_rule(r) for r in db.rows(f"SELECT {_COLUMNS} FROM redaction_rules ORDER BY builtin DESC, id")]


def overrides(db: Database) -> dict[str, dict[str, bool]]:
    """client → {rule name: on/off} where a client switches a rule another way than the database."""
    out: dict[str, dict[str, bool]] = {}
    if not available(db):
        return out
    for row in db.rows("SELECT c.client, r.name, c.enabled FROM redaction_client_rules c"
                       " JOIN redaction_rules r ON r.id = c.rule_id ORDER BY c.client, r.id"):
        out.setdefault(row["client"], {})[row["name"]] = bool(row["enabled"])
    return out


def listing(db: Database) -> list[dict[str, Any]]:
    """Rules as rows for the CLI and the window, with each client's switches."""
    by_rule: dict[str, dict[str, bool]] = {}
    for client, switches in overrides(db).items():
        for name, on in switches.items():
            by_rule.setdefault(name, {})[client] = on
    return [{**r.to_dict(), "clients": by_rule.get(r.name, {})} for r in rules(db)]


def _secret(db: Database) -> bytes | None:
    if not available(db) or not REDACTION_KEYED_HASH.read(db):
        return None
    value = db.scalar("SELECT secret FROM redaction_secret WHERE id = 1")
    return bytes(value) if value is not None else None


def redactor(db: Database) -> Redactor:
    """The rule sets an import applies: the database's, and one per client with switches of its own."""
    all_rules = rules(db)
    secret = _secret(db)
    clients = {}
    for client, switches in overrides(db).items():
        clients[client] = RuleSet(tuple(replace(r, enabled=switches.get(r.name, r.enabled)) for r in all_rules),
                                  secret)
    return Redactor(RuleSet(tuple(all_rules), secret), clients)


def off_since_upgrade(db: Database) -> bool:
    """A database made before redaction whose rules are all still off (the notice ``imports`` shows)."""
    return bool(REDACTION_OFF_SINCE_UPGRADE.read(db)) and not any(r.enabled for r in rules(db))


UPGRADE_NOTICE = ("note: redaction is off in this database (it was made before redaction existed); "
                  "switch rules on with 'issue-ledger redaction enable NAME'")


def _row(db: Database, name: str) -> dict[str, Any]:
    found = db.rows(f"SELECT {_COLUMNS} FROM redaction_rules WHERE name = ?", (name,))
    if not found:
        names = ", ".join(r.name for r in rules(db))
        raise ValueError(f"no redaction rule named {name!r} (there are: {names})")
    return found[0]


def add(db: Database, name: str, pattern: str, replacement: str, kind: str | None = None,
        client: str | None = None, actor: str | None = None) -> Rule:
    """A user rule, on for the database (or, with ``client``, off for the database and on for that client)."""
    rule = user_rule(name, pattern, replacement, kind)
    with db.transaction():
        if db.scalar("SELECT 1 FROM redaction_rules WHERE name = ?", (name,)):
            raise ValueError(f"a redaction rule named {name!r} exists already")
        cur = db.execute("INSERT INTO redaction_rules (name, kind, pattern, replacement, builtin, enabled, created_at)"
                         " VALUES (?, ?, ?, ?, 0, ?, ?)",
                         (rule.name, rule.kind, rule.pattern, rule.replacement, int(client is None),
                          timeutil.now_iso()))
        rule_id = int(cur.lastrowid or 0)
        if client is not None:
            db.execute("INSERT INTO redaction_client_rules (rule_id, client, enabled) VALUES (?, ?, 1)",
                       (rule_id, client))
        audit.append(db, "create", "redaction_rule", rule_id, new={**rule.to_dict(), "client": client}, actor=actor)
    return rule


def set_enabled(db: Database, name: str, enabled: bool, client: str | None = None,
                actor: str | None = None) -> bool:
    """Switch a rule for the database or for one client; returns whether anything changed."""
    with db.transaction():
        row = _row(db, name)
        if client is None:
            old = bool(row["enabled"])
            if old == enabled:
                return False
            db.execute("UPDATE redaction_rules SET enabled = ? WHERE id = ?", (int(enabled), row["id"]))
        else:
            stored = db.scalar("SELECT enabled FROM redaction_client_rules WHERE rule_id = ? AND client = ?",
                               (row["id"], client))
            old = bool(row["enabled"]) if stored is None else bool(stored)
            if stored is not None and old == enabled:
                return False
            db.execute("INSERT INTO redaction_client_rules (rule_id, client, enabled) VALUES (?, ?, ?)"
                       " ON CONFLICT(rule_id, client) DO UPDATE SET enabled = excluded.enabled",
                       (row["id"], client, int(enabled)))
        new: dict[str, Any] = {"enabled": enabled, "client": client}
        if enabled and REDACTION_OFF_SINCE_UPGRADE.read(db):  # the upgrade's notice has served
            REDACTION_OFF_SINCE_UPGRADE.write(db, False)
            new[REDACTION_OFF_SINCE_UPGRADE.key] = False
        audit.append(db, "update", "redaction_rule", row["id"], old={"enabled": old, "client": client},
                     new=new, actor=actor)
    return True


def set_region(db: Database, name: str, region: str | None, actor: str | None = None) -> None:
    """The region of a phone rule's national numbers (``US``, ``PH``); None: only +country code numbers."""
    import phonenumbers

    code = region.strip().upper() if region else None
    if code is not None and code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"{region!r} is not a region phonenumbers knows (two letters, e.g. US, GB, PH, IN)")
    with db.transaction():
        row = _row(db, name)
        base = BUILTIN.get(row["name"]) if row["builtin"] else None
        if base is None or base.validator != "phone":
            raise ValueError(f"redaction rule {name!r} is not a phone rule; only those take a region")
        db.execute("UPDATE redaction_rules SET region = ? WHERE id = ?", (code, row["id"]))
        audit.append(db, "update", "redaction_rule", row["id"], old={"region": row["region"]}, new={"region": code},
                     actor=actor)


def set_keyed_hash(db: Database, on: bool, actor: str | None = None) -> None:
    with db.transaction():
        old = REDACTION_KEYED_HASH.read(db)
        REDACTION_KEYED_HASH.write(db, on)
        audit.append(db, "update", "settings", REDACTION_KEYED_HASH.key, old=old, new=on, actor=actor)


def add_counts(db: Database, import_id: int, counts: Mapping[str, int]) -> None:
    """Add an import's redaction counts to its record (inside the caller's transaction)."""
    if not counts or not available(db):
        return
    stored = db.scalar("SELECT redacted FROM imports WHERE id = ?", (import_id,))
    total: dict[str, int] = json.loads(stored) if stored else {}
    for kind, n in counts.items():
        total[kind] = total.get(kind, 0) + int(n)
    db.execute("UPDATE imports SET redacted = ? WHERE id = ?", (json.dumps(total, sort_keys=True), import_id))


def counts_of(db: Database, import_id: int) -> dict[str, int]:
    stored = db.scalar("SELECT redacted FROM imports WHERE id = ?", (import_id,))
    return json.loads(stored) if stored else {}


def in_force(db: Database) -> str:
    """The rules in force in words, for the report's cover: on, off, each client's switches, the keyed hash."""
    all_rules = rules(db)
    on = [r.name for r in all_rules if r.enabled]
    off = [r.name for r in all_rules if not r.enabled]
    text = f"on: {', '.join(on)}" if on else "off: no rule is on"
    if on and off:
        text += f"; off: {', '.join(off)}"
    for client, switches in overrides(db).items():
        text += f"; client {client}: " + ", ".join(f"{n} {'on' if s else 'off'}" for n, s in switches.items())
    text += "; markers carry a keyed hash" if REDACTION_KEYED_HASH.read(db) else "; bare markers ([card], [email]…)"
    return text + ". Applied at import, before storing: what was stored before a rule was on stays as it was."
