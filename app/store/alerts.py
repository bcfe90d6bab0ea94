"""SQL for alert rules, their firings, and the events a rule looks at.

Rules change through ``app.alerts.rules`` (audited); firings are written by
``app.alerts.actions`` inside the transaction that audits them. The window's
Firings and Rules pages read through ``list_rules`` and ``firings``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from app.domain.alerts import Rule
from app.store.database import Database
from app.store.event_sql import iso_to_ms, ts_sql
from app.store.filter_sql import Where
from app.store.status_sql import OPEN_IN

RULE_COLUMNS: tuple[str, ...] = (
    "name", "filter", "pattern_id", "condition", "threshold", "window_s", "baseline", "min_score", "severity",
    "cooldown_s", "notify", "incident", "impact", "urgency", "client", "site", "tz", "enabled", "created_at",
    "updated_at", "push_to",
)
FIRING_COLUMNS: tuple[str, ...] = (
    "rule_id", "rule_name", "condition", "severity", "fired_at", "trigger_at", "window_start", "window_end", "count",
    "score", "host", "pattern_id", "notify", "action", "incident_number",
)


def _rule(row: dict[str, Any]) -> Rule:
    data = dict(row)
    data["filter"] = json.loads(data["filter"] or "{}")
    return Rule.from_dict(data)


def rule_row(rule: Rule) -> dict[str, Any]:
    data = rule.to_dict()
    data["filter"] = json.dumps(rule.filter.to_dict(), sort_keys=True, ensure_ascii=False)
    for flag in ("notify", "incident", "enabled"):
        data[flag] = int(data[flag])
    return {c: data.get(c) for c in RULE_COLUMNS}


def insert_rule(db: Database, rule: Rule) -> int:
    row = rule_row(rule)
    sql = f"INSERT INTO alert_rules ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
    return int(db.execute(sql, list(row.values())).lastrowid or 0)


def update_rule(db: Database, rule_id: int, changes: dict[str, Any]) -> None:
    cols = [c for c in changes if c in RULE_COLUMNS]
    if cols:
        db.execute(f"UPDATE alert_rules SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
                   [changes[c] for c in cols] + [rule_id])


def delete_rule(db: Database, rule_id: int) -> None:
    db.execute("DELETE FROM alert_rules WHERE id = ?", (rule_id,))


def get_rule(db: Database, name: str) -> Rule | None:
    rows = db.rows("SELECT * FROM alert_rules WHERE name = ?", (" ".join(name.split()),))
    return _rule(rows[0]) if rows else None


def list_rules(db: Database, enabled_only: bool = False) -> list[Rule]:
    where = "WHERE enabled = 1" if enabled_only else ""
    return [_rule(r) for r in db.rows(f"SELECT * FROM alert_rules {where} ORDER BY name COLLATE NOCASE")]


def enabled_conditions(db: Database) -> set[str]:
    """The conditions enabled rules use: one look at a tiny table, so a ledger without rules pays nothing."""
    return {r[0] for r in db.execute("SELECT DISTINCT condition FROM alert_rules WHERE enabled = 1")}


# -- firings -----------------------------------------------------------------------------------------------
def insert_firing(db: Database, firing: dict[str, Any], event_ids: Iterable[int]) -> int:
    row = {c: firing.get(c) for c in FIRING_COLUMNS}
    sql = f"INSERT INTO alert_firings ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
    firing_id = int(db.execute(sql, list(row.values())).lastrowid or 0)
    db.executemany("INSERT OR IGNORE INTO alert_firing_events (firing_id, event_id) VALUES (?, ?)",
                   [(firing_id, e) for e in event_ids])
    return firing_id


def latest_trigger(db: Database, rule_id: int, host: str | None, pattern_id: int | None, lo: str, hi: str
                   ) -> str | None:
    """The latest trigger time in [lo, hi] of the rule's firings for this host (any host: None) and pattern."""
    host_sql, params = ("", []) if host is None else (" AND host = ?", [host])
    return db.scalar(f"SELECT max(trigger_at) FROM alert_firings WHERE rule_id = ?{host_sql} AND pattern_id IS ?"
                     " AND trigger_at >= ? AND trigger_at <= ?", (rule_id, *params, pattern_id, lo, hi))


def open_incident(db: Database, rule_id: int, host: str) -> str | None:
    """The number of the newest incident this rule made for this host that is still open."""
    return db.scalar(
        "SELECT i.number FROM alert_firings f JOIN incidents i ON i.number = f.incident_number"
        f" WHERE f.rule_id = ? AND f.host = ? AND i.status IN {OPEN_IN} ORDER BY f.id DESC LIMIT 1",
        (rule_id, host))


def firings(db: Database, rule_name: str | None = None, limit: int = 1000,
            after_id: int = 0) -> list[dict[str, Any]]:
    """Firings newest first, with the incident each made; ``after_id`` gives only those newer than one seen."""
    clauses: list[str] = ["id > ?"]
    params: list[Any] = [after_id]
    if rule_name:
        clauses.append("rule_name = ?")
        params.append(" ".join(rule_name.split()))
    return db.rows(f"SELECT id, {', '.join(FIRING_COLUMNS)} FROM alert_firings WHERE {' AND '.join(clauses)}"
                   " ORDER BY id DESC LIMIT ?", [*params, int(limit)])


def firing_totals(db: Database) -> dict[int, tuple[int, str | None]]:
    """Per rule id: how many times it fired and when it last did (the window's rules list)."""
    return {int(r[0]): (int(r[1]), r[2]) for r in db.execute(
        "SELECT rule_id, count(*), max(fired_at) FROM alert_firings WHERE rule_id IS NOT NULL GROUP BY rule_id")}


def last_firing_id(db: Database) -> int:
    """The newest firing's id (0 with none): where the window's notifications start."""
    return int(db.scalar("SELECT max(id) FROM alert_firings") or 0)


def firing_event_ids(db: Database, firing_id: int) -> list[int]:
    return [r[0] for r in db.execute(
        "SELECT event_id FROM alert_firing_events WHERE firing_id = ? ORDER BY event_id", (firing_id,))]


# -- the events a rule looks at --------------------------------------------------------------------------------
Hit = tuple[int, str, str, int | None]  # (event id, UTC time, host or '', pattern id)


def hits_in_ids(db: Database, where: Where, first_id: int, last_id: int) -> list[Hit]:
    """Matching visible events with ids in [first_id, last_id], oldest first."""
    return _hits(db, where, "e.id BETWEEN ? AND ?", (first_id, last_id))


def hits_in_time(db: Database, where: Where, lo: str, hi: str, hosts: Iterable[str] | None = None) -> list[Hit]:
    """Matching visible events with times in [lo, hi] (of these hosts), oldest first."""
    clause = "e.t >= ? AND e.t <= ?"
    params: list[Any] = [iso_to_ms(lo), iso_to_ms(hi)]
    wanted = sorted(set(hosts)) if hosts is not None else None
    if wanted is not None and len(wanted) <= 50:
        clause += f" AND coalesce(e.host, '') IN ({','.join('?' * len(wanted))})"
        params += wanted
    return _hits(db, where, clause, params)


def _hits(db: Database, where: Where, clause: str, params: Iterable[Any]) -> list[Hit]:
    sql = (f"SELECT e.id, e.ts, coalesce(e.host, ''), e.pattern_id FROM event_rows e WHERE {clause} AND {where.sql()}"
           " ORDER BY e.t, e.id")
    return [(int(i), str(ts), str(h), p) for i, ts, h, p in db.execute(sql, [*params, *where.params])]


def last_seen(db: Database, where: Where) -> str | None:
    """The time of the newest matching visible event (a heartbeat's last sign of life)."""
    return db.scalar(f"SELECT {ts_sql('max(e.t)')} FROM event_rows e WHERE {where.sql()}", where.params)


def earliest_event(db: Database) -> str | None:
    """The oldest stored event's time: before it there is no data, so no baseline either."""
    return db.scalar(f"SELECT {ts_sql('min(t)')} FROM event_data")


def pattern_totals(db: Database, pattern_ids: Iterable[int]) -> dict[int, int]:
    """Every stored event's count per pattern (the patterns table keeps it as imports land)."""
    wanted = list(pattern_ids)
    out: dict[int, int] = {}
    for at in range(0, len(wanted), 500):
        part = wanted[at:at + 500]
        out.update({int(i): int(n) for i, n in db.execute(
            f"SELECT id, count FROM patterns WHERE id IN ({','.join('?' * len(part))})", part)})
    return out


def pattern_counts_in_ids(db: Database, pattern_ids: Iterable[int], first_id: int, last_id: int) -> dict[int, int]:
    """Each pattern's events with ids in [first_id, last_id], whatever the filter."""
    wanted = list(pattern_ids)
    out: dict[int, int] = {}
    for at in range(0, len(wanted), 500):
        part = wanted[at:at + 500]
        out.update({int(i): int(n) for i, n in db.execute(
            f"SELECT pattern_id, count(*) FROM events WHERE id BETWEEN ? AND ? AND pattern_id IN"
            f" ({','.join('?' * len(part))}) GROUP BY 1", [first_id, last_id, *part])})
    return out


def import_id_range(db: Database, import_id: int) -> tuple[int, int] | None:
    """The first and last event id of an import (None when it holds no event)."""
    row = db.execute("SELECT min(id), max(id) FROM events WHERE import_id = ?", (import_id,)).fetchone()
    return None if row is None or row[0] is None else (int(row[0]), int(row[1]))


def event_lines(db: Database, event_ids: list[int], limit: int = 5) -> list[dict[str, Any]]:
    """A few of the events, oldest first, for an incident's description."""
    part = event_ids[:limit]
    if not part:
        return []
    return db.rows(f"SELECT id, ts, host, log_type, client, site, message FROM events WHERE id IN"
                   f" ({','.join('?' * len(part))}) ORDER BY ts, id", part)


def log_types_of(db: Database, event_ids: list[int]) -> list[str]:
    """The log types of up to 500 of the events, most frequent first."""
    part = event_ids[:500]
    if not part:
        return []
    return [r[0] for r in db.execute(f"SELECT log_type, count(*) FROM events WHERE id IN"
                                     f" ({','.join('?' * len(part))}) GROUP BY 1 ORDER BY 2 DESC, 1", part)]
