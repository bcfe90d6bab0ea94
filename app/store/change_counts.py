"""SQL for an incident's "What changed": events per pattern, host, component or log file in given time spans.

One query per kind counts every span at once (the spans are short, the ``events_ts``
index finds them), so comparing the hours before an incident with the same hours of
seven earlier days costs four range scans, not thirty-two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.store.database import Database
from app.store.event_sql import iso_to_ms, name_sql, ts_sql
from app.store.visibility import visible

Span = tuple[str, str]  # [start, end) in UTC ISO-8601 with Z

KEYS = {  # kind -> SQL of its key, and the join it needs
    "pattern": ("e.pattern_id", ""),
    "host": ("e.host", ""),
    "component": ("e.component", ""),
    "file": ("i.file", " JOIN imports i ON i.id = e.import_id"),
}
# Keys held as dictionary ids: grouped by id, named once per group (not once per event).
IDS = {"host": "e.host_id", "component": "e.component_id"}


def _key(kind: str) -> tuple[str, str]:
    if kind not in KEYS:
        raise ValueError(f"kind must be one of {', '.join(KEYS)}, not {kind!r}")
    return KEYS[kind]


def span_counts(db: Database, kind: str, spans: Sequence[Span]) -> dict[str, list[int]]:
    """For each key of ``kind`` with events in any span, its count in each span (in ``spans``' order)."""
    key, join = _key(kind)
    cases = " ".join(f"WHEN e.t >= ? AND e.t < ? THEN {n}" for n in range(len(spans)))
    inside = " OR ".join("(e.t >= ? AND e.t < ?)" for _ in spans)
    flat = [iso_to_ms(t) for span in spans for t in span]
    if kind in IDS:
        counted = (f"SELECT {IDS[kind]} AS i, CASE {cases} END AS s, count(*) AS n FROM event_data e"
                   f" WHERE ({inside}) AND {IDS[kind]} IS NOT NULL AND {visible('e')} GROUP BY 1, 2")
        named = f"SELECT {name_sql('i')} AS k, s, n FROM ({counted})"
        rows = db.rows(f"SELECT k, s, n FROM ({named}) WHERE k != '' ORDER BY k, s", [*flat, *flat])
    else:
        rows = db.rows(f"SELECT {key} AS k, CASE {cases} END AS s, count(*) AS n FROM event_rows e{join}"
                       f" WHERE ({inside}) AND {key} IS NOT NULL AND {key} != '' AND {visible('e')} GROUP BY 1, 2",
                       [*flat, *flat])
    out: dict[str, list[int]] = {}
    for r in rows:
        out.setdefault(str(r["k"]), [0] * len(spans))[int(r["s"])] = int(r["n"])
    return out


def first_event_ts(db: Database) -> str | None:
    """The oldest visible event's time: days before it have no data, not zero events."""
    ts = db.scalar(f"SELECT {ts_sql('min(t)')} FROM event_data WHERE {visible()}")
    return str(ts) if ts is not None else None


def patterns_first_seen(db: Database, span: Span) -> dict[int, dict[str, Any]]:
    """Patterns whose first event falls in ``span``: id, template, first_seen."""
    rows = db.rows("SELECT id, template, first_seen FROM patterns WHERE first_seen >= ? AND first_seen < ?", span)
    return {int(r["id"]): r for r in rows}


def templates(db: Database, ids: Sequence[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for at in range(0, len(ids), 500):
        part = list(ids[at:at + 500])
        for r in db.rows(f"SELECT id, template FROM patterns WHERE id IN ({', '.join('?' * len(part))})", part):
            out[int(r["id"])] = str(r["template"])
    return out


def events_in_span(db: Database, kind: str, key: str, span: Span, limit: int = 1000) -> list[dict[str, Any]]:
    """The events of one key in ``span``, oldest first (a "What changed" row's drill-down)."""
    col, join = _key(kind)
    value: Any = int(key) if kind == "pattern" else key
    return db.rows(f"SELECT e.id, e.ts, e.severity, e.log_type, e.host, e.component, e.message, e.client, e.site"
                   f" FROM event_rows e{join} WHERE e.t >= ? AND e.t < ? AND {col} = ? AND {visible('e')}"
                   f" ORDER BY e.t, e.id LIMIT ?", (iso_to_ms(span[0]), iso_to_ms(span[1]), value, limit))
