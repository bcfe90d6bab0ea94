"""Saved views: a named filter kept in the database's settings, shared as JSON.

One view on disk is ``{"name": ..., "kind": "events"|"incidents", "filter": {...}}``,
the same shape ``--view FILE`` reads on the command line; a file of several
views is ``{"views": [view, ...]}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.domain.filters import Filter
from app.store.database import Database, UserFacingStoreError
from app.store.settings import SAVED_VIEWS

KINDS = ("events", "incidents")


@dataclass(frozen=True)
class SavedView:
    name: str
    kind: str
    filter: Filter

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "filter": self.filter.to_dict()}


def _check_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise ValueError("view name: empty; give the view a name")
    if len(clean) > 120:
        raise ValueError("view name: longer than 120 characters")
    return clean


def from_dict(data: Any, where: str = "view") -> SavedView:
    """One view from parsed JSON, with a message naming what is wrong."""
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected an object with name, kind and filter")
    kind = data.get("kind", "events")
    if kind not in KINDS:
        raise ValueError(f"{where}: kind {kind!r} unknown; expected events or incidents")
    try:
        f = Filter.from_dict(data.get("filter") or {})
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: {exc}") from None
    try:
        name = _check_name(str(data.get("name", "")))
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    return SavedView(name, kind, f)


def list_views(db: Database, kind: str | None = None) -> list[SavedView]:
    stored = SAVED_VIEWS.read(db) or {}
    out = [from_dict(v, f"saved view {k!r}") for k, v in sorted(stored.items(), key=lambda kv: kv[0].lower())]
    return [v for v in out if kind is None or v.kind == kind]


def get(db: Database, name: str) -> SavedView | None:
    stored = SAVED_VIEWS.read(db) or {}
    data = stored.get(" ".join(name.split()))
    return from_dict(data) if data else None


def save(db: Database, name: str, f: Filter, kind: str = "events") -> SavedView:
    """Save (or overwrite) a view; audited, since views are shared team knowledge."""
    from app.store import audit

    view = SavedView(_check_name(name), kind, f)
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} unknown; expected events or incidents")
    with db.transaction():
        stored = SAVED_VIEWS.read(db) or {}
        old = stored.get(view.name)
        stored[view.name] = view.to_dict()
        SAVED_VIEWS.write(db, stored)
        audit.append(db, "update" if old else "create", "view", view.name, old=old, new=view.to_dict())
    return view


def delete(db: Database, name: str) -> bool:
    from app.store import audit

    with db.transaction():
        stored = SAVED_VIEWS.read(db) or {}
        old = stored.pop(" ".join(name.split()), None)
        if old is None:
            return False
        SAVED_VIEWS.write(db, stored)
        audit.append(db, "delete", "view", old["name"], old=old)
    return True


def dumps(views: list[SavedView]) -> str:
    """JSON text: a single view as itself (usable with ``--view``), several in ``{"views": [...]}``."""
    if len(views) == 1:
        return json.dumps(views[0].to_dict(), indent=1, ensure_ascii=False)
    return json.dumps({"views": [v.to_dict() for v in views]}, indent=1, ensure_ascii=False)


def loads(text: str, source: str = "file") -> list[SavedView]:
    """Views from exported JSON; raises ``UserFacingStoreError`` naming the problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserFacingStoreError(f"{source}: not JSON (line {exc.lineno}: {exc.msg})") from None
    items = data.get("views") if isinstance(data, dict) and "views" in data else data
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise UserFacingStoreError(f"{source}: expected a view or {{\"views\": [...]}}")
    try:
        return [from_dict(v, f"{source}: view {i + 1}") for i, v in enumerate(items)]
    except ValueError as exc:
        raise UserFacingStoreError(str(exc)) from None


def import_views(db: Database, views: list[SavedView]) -> int:
    """Save every view (same names are replaced) in one transaction."""
    with db.transaction():
        for v in views:
            save(db, v.name, v.filter, v.kind)
    return len(views)
