"""The incident window's writes: each one transaction that never waits behind an import's write.

The window must not freeze while an import holds the write lock, so these raise
``WriteBusy`` at once instead of waiting; the caller keeps what was typed and says so,
or queues the write. ``UserFacingStoreError`` (disk full, locked, read-only) is the
other store failure a user can act on; both are named here so that the window
handles the errors of its services without reaching into the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.incidents import service as svc
from app.store.database import Database, UserFacingStoreError, WriteBusy

__all__ = ["UserFacingStoreError", "WriteBusy", "create_now", "move_now", "update_now"]


def create_now(db: Database, values: dict[str, Any], event_ids: Iterable[int]) -> dict[str, Any]:
    """Save a new incident and link ``event_ids``, or raise ``WriteBusy`` at once.

    Refusals of the values themselves raise ``IncidentError`` (app.domain.incidents), as in every service.
    """
    with db.transaction(wait=False):
        return svc.create(db, values, event_ids=event_ids)


def update_now(db: Database, number: str, values: dict[str, Any]) -> dict[str, Any]:
    """Save the edited fields (the stored row back), or raise ``WriteBusy`` at once."""
    with db.transaction(wait=False):
        return svc.update(db, number, values)


def move_now(db: Database, number: str, status: str, values: dict[str, Any] | None = None,
             reason: str | None = None, resolution_code: str | None = None, notes: str | None = None
             ) -> dict[str, Any]:
    """Save ``values`` (the form as typed, when given) and move to ``status``, all or nothing.

    Both in one transaction: a refused move keeps no half of the edit.
    """
    with db.transaction(wait=False):
        if values is not None:
            svc.update(db, number, values)
        return svc.transition(db, number, status, reason=reason, resolution_code=resolution_code, notes=notes)
