"""Add, remove, enable and disable alert rules: each change audited in its own transaction.

The one path the CLI (``issue-ledger rules``) and the window's Rules page share.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from app.domain import timeutil
from app.domain.alerts import Rule
from app.store import alerts as store, audit
from app.store.database import Database


class RuleError(ValueError):
    """A rule that cannot be saved or found; the message names the field or the rule."""


def _audited(rule: Rule) -> dict[str, Any]:
    return {k: v for k, v in rule.to_dict().items() if k not in ("id", "created_at", "updated_at")}


def get(db: Database, name: str) -> Rule:
    rule = store.get_rule(db, name)
    if rule is None:
        raise RuleError(f"no alert rule named {name!r} (see 'issue-ledger rules list')")
    return rule


def add(db: Database, rule: Rule, actor: str | None = None) -> Rule:
    """Save a new rule; a name already taken is refused rather than silently replaced."""
    stamp = timeutil.now_iso()
    rule = dataclasses.replace(rule, name=" ".join(rule.name.split()), id=None, created_at=stamp, updated_at=stamp)
    with db.transaction():
        if store.get_rule(db, rule.name) is not None:
            raise RuleError(f"name: a rule named {rule.name!r} exists; remove it first or choose another name")
        if rule.push_to:
            _check_connection(db, rule.push_to)
        rule_id = store.insert_rule(db, rule)
        audit.append(db, "create", "alert_rule", rule.name, new=_audited(rule), actor=actor)
    return dataclasses.replace(rule, id=rule_id)


def remove(db: Database, name: str, actor: str | None = None) -> Rule:
    """Delete a rule; its firings stay (with its name) for the record."""
    with db.transaction():
        rule = get(db, name)
        store.delete_rule(db, int(rule.id or 0))
        audit.append(db, "delete", "alert_rule", rule.name, old=_audited(rule), actor=actor)
    return rule


def set_enabled(db: Database, name: str, enabled: bool, actor: str | None = None) -> Rule:
    """Switch a rule on or off; no change, no audit row."""
    with db.transaction():
        rule = get(db, name)
        if rule.enabled == enabled:
            return rule
        stamp = timeutil.now_iso()
        store.update_rule(db, int(rule.id or 0), {"enabled": int(enabled), "updated_at": stamp})
        audit.append(db, "update", "alert_rule", rule.name, old={"enabled": rule.enabled}, new={"enabled": enabled},
                     actor=actor)
    return dataclasses.replace(rule, enabled=enabled, updated_at=stamp)


def _check_connection(db: Database, name: str) -> None:
    """A rule that pushes names a connection that exists (``issue-ledger connections add``)."""
    from app.tickets import connections
    from app.tickets.base import TicketError

    try:
        connections.get(db, name)
    except TicketError as exc:
        raise RuleError(f"push-to: {exc}") from None
