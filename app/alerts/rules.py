"""Add, edit, remove, enable and disable alert rules: each change audited in its own transaction.

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


def update(db: Database, name: str, rule: Rule, actor: str | None = None) -> Rule:
    """Save an edited rule in place: it keeps its id, so its firings, cooldowns and open incident stay its own.

    Only the fields that changed are written and audited; a new name already taken is refused.
    """
    with db.transaction():
        old = get(db, name)
        new = dataclasses.replace(rule, name=" ".join(rule.name.split()), id=old.id, created_at=old.created_at,
                                  updated_at=old.updated_at)
        if new.name != old.name and store.get_rule(db, new.name) is not None:
            raise RuleError(f"name: a rule named {new.name!r} exists; choose another name")
        if new.push_to and new.push_to != old.push_to:
            _check_connection(db, new.push_to)
        before, after = _audited(old), _audited(new)
        changed = {k for k in after if after[k] != before.get(k)}
        if not changed:
            return old
        stamp = timeutil.now_iso()
        row = store.rule_row(dataclasses.replace(new, updated_at=stamp))
        store.update_rule(db, int(old.id or 0), {k: row[k] for k in row if k in changed | {"updated_at"}})
        audit.append(db, "update", "alert_rule", old.name, old={k: before.get(k) for k in sorted(changed)},
                     new={k: after[k] for k in sorted(changed)}, actor=actor)
    return dataclasses.replace(new, updated_at=stamp)


def _check_connection(db: Database, name: str) -> None:
    """A rule that pushes names a connection that exists (``issue-ledger connections add``)."""
    from app.tickets import connections
    from app.tickets.base import TicketError

    try:
        connections.get(db, name)
    except TicketError as exc:
        raise RuleError(f"push-to: {exc}") from None
