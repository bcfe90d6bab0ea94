"""What changed before an incident opened: the patterns, hosts, components and log files whose rate rose most.

The hours before the incident are compared with the same hours of up to seven earlier
days (only days the data covers: a day before the first event is unknown, not quiet),
by the Patterns page's median/MAD robust z-score. A key needs ``MIN_BEFORE`` events
in the window to be listed, so one stray line cannot top the list; a pattern first
seen in the window is listed whatever its count, marked new.
One read model for ``issue-ledger incident changes`` and the incident window's "What changed" tab.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from app.domain import timeutil
from app.incidents import service as svc
from app.patterns.spikes import robust_z
from app.store import change_counts as store
from app.store.database import Database

KINDS = ("pattern", "host", "component", "file")
BASELINE_DAYS = 7
MIN_BEFORE = 3  # events in the window a rising key needs to be listed
DEFAULT_HOURS = 4


@dataclass(frozen=True)
class Change:
    """One row: ``key`` identifies it (a pattern id as text, a host name…), ``label`` is what a person reads."""

    kind: str
    key: str
    label: str
    before: int
    baseline: float
    score: float
    new: bool = False
    first_seen: str | None = None
    pattern_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "label": self.label, "before": self.before,
                "baseline": self.baseline, "score": round(self.score, 2), "new": self.new,
                "first_seen": self.first_seen, "pattern_id": self.pattern_id}


@dataclass(frozen=True)
class Changes:
    number: str
    opened_at: str
    window: store.Span
    baseline_days: int
    rows: list[Change] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"incident": self.number, "opened_at": self.opened_at, "window_start": self.window[0],
                "window_end": self.window[1], "baseline_days": self.baseline_days,
                "changes": [r.as_json() for r in self.rows]}


def changes(db: Database, number: str, hours: int = DEFAULT_HOURS, limit: int = 50) -> Changes:
    """The keys that rose most in the ``hours`` before incident ``number`` opened, highest score first."""
    if not 1 <= hours <= 24:
        raise ValueError(f"hours must be between 1 and 24, not {hours}")
    row = svc.get(db, number)
    opened = timeutil.from_iso(row["opened_at"])
    width = dt.timedelta(hours=hours)
    window = (timeutil.to_iso(opened - width), timeutil.to_iso(opened))
    first = store.first_event_ts(db)
    past = [(timeutil.to_iso(opened - width - dt.timedelta(days=d)), timeutil.to_iso(opened - dt.timedelta(days=d)))
            for d in range(1, BASELINE_DAYS + 1)]
    past = [s for s in past if first is not None and s[0] >= first]
    fresh = store.patterns_first_seen(db, window)
    out: list[Change] = []
    for kind in KINDS:
        for key, counts in store.span_counts(db, kind, [window, *past]).items():
            before, baseline = counts[0], counts[1:]
            is_new = kind == "pattern" and int(key) in fresh
            if before < MIN_BEFORE and not is_new:
                continue
            med = float(statistics.median(baseline)) if baseline else 0.0
            score = robust_z(baseline, before) if baseline else 0.0
            if is_new and not baseline:
                score = float(before)  # no history at all: as robust_z scores a rise from a flat zero
            if score <= 0 and not is_new:
                continue
            pid = int(key) if kind == "pattern" else None
            out.append(Change(kind, key, key, before, med, score, is_new,
                              fresh[pid]["first_seen"] if is_new and pid is not None else None, pid))
    names = store.templates(db, [r.pattern_id for r in out if r.pattern_id is not None])
    out = [Change(r.kind, r.key, names.get(r.pattern_id, r.key), r.before, r.baseline, r.score, r.new, r.first_seen,
                  r.pattern_id) if r.pattern_id is not None else r for r in out]
    out.sort(key=lambda r: (-r.score, -r.before, r.kind, r.key))
    return Changes(str(row["number"]), str(row["opened_at"]), window, len(past), out[:limit])


def change_events(db: Database, found: Changes, change: Change, limit: int = 1000) -> list[dict[str, Any]]:
    """A row's drill-down: its events in the window before the incident, oldest first."""
    return store.events_in_span(db, change.kind, change.key, found.window, limit)
