"""What a ticket carries: the incident's pushed fields, its evidence as bounded text, and the changes since
the last push, read back from the incident's audit rows.

The audit trail already records every change with old and new values, so an
update is its rows since the last one queued, not a second change log.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from app.domain.vocab import SEVERITIES
from app.store import tickets as store
from app.store.database import Database

PUSHED_FIELDS: tuple[str, ...] = (
    "number", "title", "description", "impact", "urgency", "priority", "status", "category", "client", "site",
    "tags", "resolution_code", "resolution_notes", "hold_reason", "root_cause")
EVIDENCE_LINES = 50
EVIDENCE_CHARS = 8_000
LINE_CHARS = 300


def snapshot(incident: dict[str, Any]) -> dict[str, Any]:
    """The incident fields a ticket is made from (the create's payload)."""
    return {k: incident.get(k) for k in PUSHED_FIELDS}


def state_hash(incident: dict[str, Any]) -> str:
    """Hash of the pushed fields: tells whether the ticket already holds the incident as it is."""
    text = json.dumps(snapshot(incident), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def evidence(db: Database, incident: dict[str, Any]) -> str:
    """The linked events as plain text, at most ``EVIDENCE_LINES`` lines and ``EVIDENCE_CHARS`` characters."""
    rows, total = store.evidence_lines(db, int(incident["id"]), EVIDENCE_LINES)
    if not rows:
        return ""
    shown = f"first {len(rows)} of {total}" if total > len(rows) else f"{total}"
    lines = [f"Evidence from Issue Ledger {incident['number']}: {shown} linked event(s), times in UTC."]
    size = len(lines[0])
    for r in rows:
        severity = SEVERITIES[int(r["severity"])] if 0 <= int(r["severity"]) < len(SEVERITIES) else r["severity"]
        line = f"{r['ts']} {r['host'] or '-'} {severity}: {' '.join(str(r['message']).split())}"
        line = line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…"
        if size + len(line) + 1 > EVIDENCE_CHARS:
            lines.append("… (cut: the rest is in Issue Ledger)")
            break
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


def since(db: Database, incident: dict[str, Any], after_audit_id: int) -> tuple[dict[str, Any], list[str], int]:
    """(changed pushed fields, notes, newest audit id) from the incident's audit rows after ``after_audit_id``."""
    fields: dict[str, Any] = {}
    notes: list[str] = []
    last = after_audit_id
    for row in store.incident_audit_since(db, incident["number"], after_audit_id):
        last = row["id"]
        new = _decoded(row["new"])
        old = _decoded(row["old"])
        if row["action"] in ("update", "transition"):
            fields.update({k: v for k, v in new.items() if k in PUSHED_FIELDS and k != "number"})
        if row["action"] == "transition":
            line = f"Status {old.get('status', '?')} → {new.get('status')} by {row['actor']} at {row['ts']}"
            if new.get("reason"):
                line += f": {new['reason']}"
            if new.get("resolution_notes"):
                line += f"\nResolution ({new.get('resolution_code') or '-'}): {new['resolution_notes']}"
            notes.append(line)
        elif row["action"] == "link":
            count = len(new.get("events") or [])
            notes.append(f"{count} more event(s) linked as evidence in Issue Ledger by {row['actor']}")
    if "status" in fields:  # a tool's closing fields (ServiceNow's close_code/close_notes) need the resolution
        for k in ("resolution_code", "resolution_notes", "hold_reason"):
            fields.setdefault(k, incident.get(k))
    return fields, notes, last


def _decoded(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
