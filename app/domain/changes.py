"""One audit row's change as a line a person reads: ``status: new → in-progress; opened_at: …``.

Stored times in the JSON are UTC (``…Z``); shown beside a "When" column in the
user's zone, they must be in that zone too, or a reader compares two clocks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from app.domain import timeutil

_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
HIDDEN = ("created_at", "updated_at")  # bookkeeping every row carries


def value(v: Any, zone: dt.tzinfo | None) -> str:
    """A JSON value as shown: stored UTC stamps in ``zone`` (when given), the rest as is."""
    if zone is not None and isinstance(v, str) and _STAMP.fullmatch(v):
        return timeutil.display(v, zone)
    return str(v)


def describe(old: str | None, new: str | None, zone: dt.tzinfo | None = None) -> str:
    """``field: old → new`` parts from an audit row's JSON, joined by ``; ``."""
    o = json.loads(old) if old else {}
    n = json.loads(new) if new else {}
    if not isinstance(o, dict) or not isinstance(n, dict):
        return f"{o} → {n}"
    parts = []
    for key in sorted(set(o) | set(n)):
        if key in HIDDEN or (key in o and key in n and o[key] == n[key]):
            continue  # bookkeeping, or a field sent again unchanged with the ones that did change
        if key in o:
            parts.append(f"{key}: {value(o.get(key), zone)} → {value(n.get(key), zone)}")
        else:
            parts.append(f"{key}: {value(n[key], zone)}")
    return "; ".join(parts)
