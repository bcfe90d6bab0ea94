"""What the incident window shows, read in one call: the row, its SLA figures, its History and its evidence.

A read model, so that the window draws a view instead of stitching one together from
the store, and the CLI or a later page can show the same thing the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.analysis import sla
from app.domain import timeutil
from app.incidents import service as svc
from app.store import audit, incidents as store
from app.store.database import Database


@dataclass(frozen=True)
class IncidentView:
    """One incident as its window shows it; ``figures`` are the SLA columns of ``app.analysis.sla.compute``."""

    row: dict[str, Any]
    figures: dict[str, Any]
    history: list[dict[str, Any]]
    events: list[dict[str, Any]]

    @property
    def number(self) -> str:
        return str(self.row["number"])


def incident_view(db: Database, number: str, now: dt.datetime | None = None) -> IncidentView:
    """The incident ``number`` (an ``IncidentError`` naming it when unknown), its SLA as of ``now``.

    ``now`` defaults to the current second: the SLA minutes shown match the stored times' precision.
    """
    row = svc.get(db, number)
    at = now if now is not None else timeutil.from_iso(timeutil.now_iso())
    holds = store.holds(db, [row["id"]]).get(row["id"], [])
    figures = sla.compute(row, holds, sla.load_policies(db), at)
    history = audit.history(db, "incident", str(row["number"]))
    return IncidentView(row, figures, history, store.linked_events(db, row["id"]))


def evidence(db: Database, event_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The events a new incident will link, oldest first, as the New incident form lists them."""
    return store.events_by_ids(db, event_ids)
