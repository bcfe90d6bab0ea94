"""Running the rules: over events as they arrive, over an import, on a clock tick, and as a dry replay.

- ``evaluate_range`` — the collector calls it after every committed batch with the
  batch's first and last event id; with no enabled rule it costs one query.
- ``evaluate_import`` — the import service calls it when an import is complete
  (``after_import`` never lets a rule's failure fail the import).
- ``tick`` — heartbeats ("no events for T"), on a clock; ``now`` is injectable.
- ``replay`` — when a rule would have fired over stored events, writing nothing (``rules test``).

Each returns what fired, newest last: stored firings (dicts as ``app.store.alerts.firings``
lists them) or, for ``replay``, ``Trigger`` objects.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable
from typing import Any

from app.alerts import actions
from app.alerts.conditions import (
    Hit,
    MemoryCooldown,
    Trigger,
    count_triggers,
    epoch,
    heartbeat_host,
    new_pattern_triggers,
    silences,
    spike_triggers,
)
from app.domain import timeutil
from app.domain.alerts import Rule
from app.domain.filters import Filter
from app.store import alerts as store, patterns as pattern_store
from app.store.database import Database
from app.store.filter_sql import FilterError, Where, event_where

log = logging.getLogger("issue_ledger.alerts")


def _iso(t: float) -> str:
    return timeutil.to_iso(dt.datetime.fromtimestamp(t, dt.UTC))


class StoredCooldown(MemoryCooldown):
    """The cooldown of live evaluation: this run's firings and those stored before."""

    def __init__(self, db: Database, rule: Rule) -> None:
        super().__init__(rule.cooldown_s, once_per_pattern=rule.condition == "new_pattern")
        self.db, self.rule = db, rule

    def blocked_until(self, host: str, pattern_id: int | None, t: float) -> float | None:
        held = super().blocked_until(host, pattern_id, t)
        if held is not None:
            return held
        if self.once:  # a pattern is new once, whatever host it shows on
            found = store.latest_trigger(self.db, int(self.rule.id or 0), None, pattern_id, "", "9999")
            return math.inf if found else None
        found = store.latest_trigger(self.db, int(self.rule.id or 0), host, pattern_id,
                                     _iso(t - self.seconds), _iso(t + self.seconds))
        return epoch(found) + self.seconds if found else None


def _where(rule: Rule, now: dt.datetime | None = None) -> Where:
    return event_where(rule.filter, timeutil.get_zone(rule.tz), now)


def evaluate_range(db: Database, first_event_id: int, last_event_id: int,
                   now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Evaluate every enabled event rule over the events with ids in [first, last]; act on what fires."""
    if last_event_id < first_event_id or not (store.enabled_conditions(db) - {"heartbeat"}):
        return []
    fired: list[dict[str, Any]] = []
    for rule in store.list_rules(db, enabled_only=True):
        if rule.condition == "heartbeat":
            continue
        try:  # one rule that cannot run (a bad filter, an incident closed meanwhile) leaves the others running
            triggers, new = _live(db, rule, first_event_id, last_event_id)
            fired += [actions.fire(db, rule, t, now) for t in triggers]
            if rule.incident and rule.condition != "new_pattern":
                covered = {i for t in triggers for i in t.event_ids}
                actions.absorb(db, rule, [h for h in new if h[0] not in covered], now)
        except ValueError as exc:
            log.warning("alert rule %s skipped: %s", rule.name, exc)
    return fired


def evaluate_import(db: Database, import_id: int, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Evaluate the rules over one finished import's events."""
    if not store.enabled_conditions(db) - {"heartbeat"}:
        return []
    span = store.import_id_range(db, import_id)
    return evaluate_range(db, *span, now=now) if span else []


def after_import(db: Database, import_id: int) -> list[dict[str, Any]]:
    """``evaluate_import`` for the import service: a rule that fails is logged, and the import stays done."""
    try:
        fired = evaluate_import(db, import_id)
    except Exception:  # the import has committed; alerts must not turn it into a failure
        log.warning("alert rules could not be evaluated after import %s", import_id, exc_info=True)
        return []
    try:
        actions.send_pushes(db, fired)
    except Exception:  # the push stays in the outbox; the window's sync or `outbox retry` sends it
        log.warning("tickets queued by alert rules could not be sent after import %s", import_id, exc_info=True)
    return fired


def _live(db: Database, rule: Rule, first: int, last: int) -> tuple[list[Trigger], list[Hit]]:
    """What fires among the events with ids in [first, last], and those events (the rule's matches)."""
    where = _where(rule)
    new = store.hits_in_ids(db, where, first, last)
    return (_triggers(db, rule, where, new, first, last) if new else []), new


def _triggers(db: Database, rule: Rule, where: Where, new: list[Hit], first: int, last: int) -> list[Trigger]:

    def is_new(h: Hit) -> bool:
        return first <= h[0] <= last

    lo, hi = epoch(new[0][1]), epoch(new[-1][1])
    hosts = {h[2] for h in new}
    cooldown = StoredCooldown(db, rule)
    w = rule.window_s
    if rule.condition == "count":
        hits = store.hits_in_time(db, where, _iso(lo - w), new[-1][1], hosts)
        return count_triggers(rule, hits, is_new, cooldown)
    if rule.condition == "spike":
        start = (lo // w - rule.baseline) * w
        hits = store.hits_in_time(db, where, _iso(start), _iso((hi // w + 1) * w), hosts)
        return spike_triggers(rule, hits, is_new, cooldown, _data_from(db))
    first_new: dict[int, float] = {}
    for h in new:
        if h[3] is not None:
            first_new.setdefault(int(h[3]), epoch(h[1]))
    return _new_patterns(db, rule, first_new, is_new, cooldown, lambda _fs: True)


def _new_patterns(db: Database, rule: Rule, candidates: dict[int, float], is_new: Callable[[Hit], bool],
                  cooldown: MemoryCooldown, keep: Callable[[float], bool]) -> list[Trigger]:
    """New patterns among ``candidates`` (pattern -> its earliest time here) whose first sighting ever is
    within a window of it; each one's matching events in its first window."""
    described = pattern_store.describe(db, candidates)
    first_seen: dict[int, float] = {}
    for pid, seen_here in candidates.items():
        fs = described.get(pid, {}).get("first_seen")
        if fs and epoch(fs) >= seen_here - rule.window_s and keep(epoch(fs)):
            first_seen[pid] = epoch(fs)
    hits: list[Hit] = []
    for pid, fs in sorted(first_seen.items()):
        where = event_where(rule.filter.replace(pattern_id=pid), timeutil.get_zone(rule.tz))
        hits += store.hits_in_time(db, where, _iso(fs), _iso(fs + rule.window_s))
    return new_pattern_triggers(rule, hits, first_seen, is_new, cooldown)


def _data_from(db: Database) -> float | None:
    oldest = store.earliest_event(db)
    return epoch(oldest) if oldest else None


def tick(db: Database, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Heartbeats: fire each enabled heartbeat rule whose events have stopped for its window (at ``now``)."""
    if "heartbeat" not in store.enabled_conditions(db):
        return []
    now = now or dt.datetime.now(dt.UTC)
    t = now.timestamp()
    fired: list[dict[str, Any]] = []
    for rule in store.list_rules(db, enabled_only=True):
        if rule.condition != "heartbeat":
            continue
        try:
            last = store.last_seen(db, _where(rule, now))
        except FilterError as exc:
            log.warning("alert rule %s skipped: %s", rule.name, exc)
            continue
        if last is not None and t - epoch(last) < rule.window_s:
            continue
        host = heartbeat_host(rule)
        if StoredCooldown(db, rule).blocked_until(host, rule.pattern_id, t) is not None:
            continue
        trigger = Trigger(host, rule.pattern_id, t, epoch(last) if last else t - rule.window_s, t, 0)
        fired.append(actions.fire(db, rule, trigger, now))
    return fired


def replay(db: Database, rule: Rule, since: dt.datetime | None = None, until: dt.datetime | None = None
           ) -> list[Trigger]:
    """When ``rule`` would have fired over the stored events in [since, until]; nothing is written.

    The cooldown counts only firings of this replay. Without ``since`` it starts at the
    oldest event; without ``until`` it ends at the newest (a heartbeat: now).
    """
    where = _where(rule)
    oldest, newest = store.earliest_event(db), store.last_seen(db, event_where(Filter(), dt.UTC))
    if oldest is None or newest is None:
        return []
    lo = since.timestamp() if since else epoch(oldest)
    hi = until.timestamp() if until else (dt.datetime.now(dt.UTC).timestamp() if rule.condition == "heartbeat"
                                           else epoch(newest))
    if hi < lo:
        return []
    cooldown = MemoryCooldown(rule.cooldown_s, once_per_pattern=rule.condition == "new_pattern")
    w = rule.window_s

    def is_new(h: Hit) -> bool:
        return lo <= epoch(h[1]) <= hi

    if rule.condition == "count":
        return count_triggers(rule, store.hits_in_time(db, where, _iso(lo - w), _iso(hi)), is_new, cooldown)
    if rule.condition == "spike":
        start = (lo // w - rule.baseline) * w
        return spike_triggers(rule, store.hits_in_time(db, where, _iso(start), _iso(hi)), is_new, cooldown,
                              epoch(oldest))
    if rule.condition == "heartbeat":
        times = [epoch(h[1]) for h in store.hits_in_time(db, where, _iso(lo), _iso(hi))]
        before = store.last_seen(db, event_where(rule.filter.replace(until=_iso(lo)), timeutil.get_zone(rule.tz)))
        return silences(rule, times, epoch(before) if before else None, lo, hi)
    candidates: dict[int, float] = {}
    for h in store.hits_in_time(db, where, _iso(lo), _iso(hi)):
        if h[3] is not None:
            candidates.setdefault(int(h[3]), epoch(h[1]))
    return _new_patterns(db, rule, candidates, is_new, cooldown, lambda fs: lo <= fs <= hi)
