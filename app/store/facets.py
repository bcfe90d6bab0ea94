"""Facet counts for the filter bar's pickers: how many rows each value would match.

Each field is counted with the filter's own restriction on that field lifted,
so a picker shows the alternatives a user can still switch to.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.filters import Filter
from app.domain.vocab import SEVERITIES
from app.store.database import Database
from app.store.event_sql import DIMENSIONS, name_sql
from app.store.filter_sql import event_where, incident_where

# picker name -> (Filter field, column)
EVENT_FACETS: dict[str, tuple[str, str]] = {
    "log_type": ("log_types", "log_type"),
    "severity": ("severities", "severity"),
    "host": ("hosts", "host"),
    "component": ("components", "component"),
    "client": ("clients", "client"),
    "site": ("sites", "site"),
}
INCIDENT_FACETS: dict[str, tuple[str, str]] = {
    "log_type": ("log_types", "log_type"),
    "status": ("statuses", "status"),
    "priority": ("priorities", "priority"),
    "client": ("clients", "client"),
    "site": ("sites", "site"),
}


def facets_for(kind: str) -> dict[str, tuple[str, str]]:
    if kind not in ("events", "incidents"):
        raise ValueError(f"kind: unknown {kind!r}; expected events or incidents")
    return EVENT_FACETS if kind == "events" else INCIDENT_FACETS


def facet_counts(
    db: Database, kind: str, name: str, f: Filter, zone: dt.tzinfo,
    now: dt.datetime | None = None, limit: int = 500,
) -> list[tuple[Any, int]]:
    """``[(value, count), ...]`` most frequent first; severities come back as words."""
    field, column = facets_for(kind)[name]
    lifted = f.replace(**{field: ()})
    if name == "severity":
        lifted = lifted.replace(min_severity=None)
    if kind == "events":
        w = event_where(lifted, zone, now, "t")
        stored = DIMENSIONS.get(column, column)  # names are counted by their ids, read once per value
        value = name_sql("g") if column in DIMENSIONS else "g"
        sql = (f"SELECT {value} AS v, n FROM (SELECT t.{stored} AS g, count(*) AS n FROM event_data t"
               f" WHERE {w.sql()} GROUP BY t.{stored}) ORDER BY n DESC, v LIMIT ?")
    else:
        w = incident_where(lifted, zone, now, "t")
        sql = (f"SELECT t.{column} AS v, count(*) AS n FROM incidents t WHERE {w.sql()} "
               f"GROUP BY t.{column} ORDER BY n DESC, v LIMIT ?")
    out: list[tuple[Any, int]] = []
    for value, n in db.execute(sql, [*w.params, limit]):
        if name == "severity" and value is not None:
            value = SEVERITIES[int(value)]
        out.append((value, int(n)))
    return out
