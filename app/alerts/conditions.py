"""When does a rule fire? The four conditions over lists of matching events, with no database.

Times are event times (seconds since 1970), so evaluating events as they arrive,
over a finished import, or replaying stored history for ``rules test`` gives the
same answers. A caller passes which events are *new* (only they may complete a
condition: older ones are context) and a ``Cooldown`` that says until when a
rule stays quiet for a host after firing.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from app.domain.alerts import Rule
from app.domain.timeutil import from_iso
from app.patterns.spikes import robust_z

Hit = tuple[int, str, str, "int | None"]  # (event id, stored UTC time, host or '', pattern id): app.store.alerts
MAX_EVIDENCE = 1000  # events kept with one firing (and linked to its incident); its count says how many there were


@dataclass
class Trigger:
    """One firing as the condition found it, before any action."""

    host: str
    pattern_id: int | None
    trigger_at: float  # event time the condition was met
    window_start: float
    window_end: float
    count: int
    score: float | None = None
    event_ids: list[int] = field(default_factory=list)


class Cooldown(Protocol):
    def blocked_until(self, host: str, pattern_id: int | None, t: float) -> float | None:
        """The time until which a firing at ``t`` is held back (None: free to fire)."""

    def note(self, host: str, pattern_id: int | None, t: float) -> None:
        """Remember a firing at ``t``."""


class MemoryCooldown:
    """The cooldown of a replay: only the firings found in this run count."""

    def __init__(self, seconds: int, once_per_pattern: bool = False) -> None:
        self.seconds = seconds
        self.once = once_per_pattern
        self.fired: dict[tuple[str, int | None], list[float]] = {}

    def blocked_until(self, host: str, pattern_id: int | None, t: float) -> float | None:
        times = self.fired.get((host, pattern_id), [])
        if self.once and times:
            return math.inf
        near = [x for x in times if abs(x - t) < self.seconds or x == t]
        return max(near) + self.seconds if near else None

    def note(self, host: str, pattern_id: int | None, t: float) -> None:
        self.fired.setdefault((host, pattern_id), []).append(t)


def epoch(stored: str) -> float:
    return from_iso(stored).timestamp()


def by_host(hits: Iterable[Hit]) -> dict[str, list[Hit]]:
    out: dict[str, list[Hit]] = {}
    for h in hits:
        out.setdefault(h[2], []).append(h)
    return out


def count_triggers(rule: Rule, hits: list[Hit], is_new: Callable[[Hit], bool], cooldown: Cooldown) -> list[Trigger]:
    """``threshold`` or more matching events of one host within ``window_s`` (a sliding window).

    The event that completes the count must be new. The events that follow within
    the cooldown belong to the same firing (one burst, one firing, all of it as evidence).
    """
    out: list[Trigger] = []
    w, need, quiet = rule.window_s, rule.threshold, rule.cooldown_s
    for host, rows in by_host(hits).items():
        times = [epoch(h[1]) for h in rows]
        lo, i = 0, 0
        while i < len(rows):
            t = times[i]
            while times[lo] < t - w:
                lo += 1
            if i - lo + 1 < need or not is_new(rows[i]):
                i += 1
                continue
            held = cooldown.blocked_until(host, rule.pattern_id, t)
            if held is not None:
                i = bisect.bisect_left(times, held, i + 1)
                continue
            end = bisect.bisect_left(times, t + quiet, i + 1) if quiet else i + 1
            chosen = rows[lo:end]
            out.append(Trigger(host, rule.pattern_id, t, times[lo], times[end - 1], len(chosen), None,
                               [h[0] for h in chosen[:MAX_EVIDENCE]]))
            cooldown.note(host, rule.pattern_id, t)
            i = end
    return out


def spike_triggers(rule: Rule, hits: list[Hit], is_new: Callable[[Hit], bool], cooldown: Cooldown,
                   data_from: float | None) -> list[Trigger]:
    """A window of one host whose count stands out from its own earlier windows by a robust z-score.

    Windows are ``window_s`` long, aligned on the epoch; the baseline is the
    ``baseline`` windows before, counting only those after ``data_from`` (the oldest
    stored event: before it there was no data, which is not the same as quiet).
    """
    out: list[Trigger] = []
    w = rule.window_s
    for host, rows in by_host(hits).items():
        buckets: dict[int, list[tuple[float, Hit]]] = {}
        for h in rows:
            t = epoch(h[1])
            buckets.setdefault(int(t // w), []).append((t, h))
        fresh = sorted({int(epoch(h[1]) // w) for h in rows if is_new(h)})
        for b in fresh:
            inside = buckets[b]
            if len(inside) < rule.threshold:
                continue
            earlier = [len(buckets.get(k, ())) for k in range(b - rule.baseline, b)
                       if data_from is None or (k + 1) * w > data_from]
            score = robust_z(earlier, len(inside))
            if score < rule.min_score:
                continue
            t = max(t for t, h in inside if is_new(h))
            if cooldown.blocked_until(host, rule.pattern_id, t) is not None:
                continue
            out.append(Trigger(host, rule.pattern_id, t, b * w, (b + 1) * w, len(inside), round(score, 2),
                               [h[0] for _t, h in inside[:MAX_EVIDENCE]]))
            cooldown.note(host, rule.pattern_id, t)
    return out


def new_pattern_triggers(rule: Rule, hits: list[Hit], first_seen: dict[int, float], is_new: Callable[[Hit], bool],
                         cooldown: Cooldown) -> list[Trigger]:
    """A pattern seen for the first time: ``threshold`` of its events within ``window_s`` of its first one.

    ``first_seen`` is each pattern's first time in the whole ledger; ``hits`` hold its
    matching events from then on. A pattern is new once, so it fires at most once a rule.
    """
    out: list[Trigger] = []
    grouped: dict[int, list[Hit]] = {}
    for h in hits:
        if h[3] is not None and h[3] in first_seen:
            grouped.setdefault(int(h[3]), []).append(h)
    for pid, rows in sorted(grouped.items()):
        start = first_seen[pid]
        inside = [h for h in rows if start <= epoch(h[1]) <= start + rule.window_s]
        if len(inside) < rule.threshold or not is_new(inside[rule.threshold - 1]):
            continue
        host = inside[0][2]
        t = epoch(inside[rule.threshold - 1][1])
        if cooldown.blocked_until(host, pid, t) is not None:
            continue
        out.append(Trigger(host, pid, t, start, epoch(inside[-1][1]), len(inside), None,
                           [h[0] for h in inside[:MAX_EVIDENCE]]))
        cooldown.note(host, pid, t)
    return out


def silences(rule: Rule, times: list[float], before: float | None, since: float, until: float) -> list[Trigger]:
    """Heartbeat over history: each moment in [since, until] the rule's events had stopped for ``window_s``.

    While the silence lasts it fires again every cooldown (every window with no cooldown).
    ``times`` are the matching events in [since, until], oldest first; ``before`` is the last
    one before ``since`` (None: none, so the silence is counted from ``since``).
    """
    out: list[Trigger] = []
    again = rule.cooldown_s or rule.window_s
    host = heartbeat_host(rule)
    last = before if before is not None else since
    next_fire = max(last + rule.window_s, since)
    for t in [*times, math.inf]:
        while next_fire < t and next_fire <= until:
            out.append(Trigger(host, rule.pattern_id, next_fire, last, next_fire, 0))
            next_fire += again
        if t == math.inf:
            break
        last = t
        fired = out[-1].trigger_at if out else -math.inf
        next_fire = max(t + rule.window_s, fired + again)
    return out


def heartbeat_host(rule: Rule) -> str:
    """The host a heartbeat rule watches: its filter's one host, else '' (the whole filter)."""
    return rule.filter.hosts[0] if len(rule.filter.hosts) == 1 else ""
