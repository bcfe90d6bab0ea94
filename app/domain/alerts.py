"""An alert rule as every layer sees it: what to watch, when it fires, what it does.

Kept free of storage so the CLI, the evaluator and (later) the window's Rules page
check a rule with the same words. Durations are whole seconds, written ``30s``,
``5m``, ``2h`` or ``1d`` by people.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from app.domain.filters import Filter
from app.domain.vocab import SEVERITIES

CONDITIONS: tuple[str, ...] = ("count", "spike", "new_pattern", "heartbeat")
DEFAULT_COOLDOWN_S = 1800
DEFAULT_BASELINE = 12  # spike: earlier windows that make the rule's own "usual"
DEFAULT_SCORE = 3.5  # spike: the robust z a window must reach (app.patterns.spikes.SPIKE_Z)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$", re.IGNORECASE)


def parse_duration(text: str) -> int:
    """``30s``/``5m``/``2h``/``1d`` -> seconds; a message saying what is accepted otherwise."""
    m = _DURATION.match(text or "")
    if not m or int(m.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a duration; use a whole number with s, m, h or d (30s, 5m, 2h, 1d)")
    seconds = int(m.group(1)) * _UNITS[m.group(2).lower()]
    if seconds > 366 * 86400:
        raise ValueError(f"{text!r} is longer than a year")
    return seconds


def format_duration(seconds: int) -> str:
    """The largest unit that divides ``seconds`` exactly: 300 -> ``5m``."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclasses.dataclass(frozen=True)
class Rule:
    """One alert rule. ``threshold`` is the count to reach (count), the least count of a spiking window
    (spike) or of a new pattern's first window (new_pattern); a heartbeat ignores it."""

    name: str
    condition: str
    window_s: int
    filter: Filter = dataclasses.field(default_factory=Filter)
    threshold: int = 1
    cooldown_s: int = DEFAULT_COOLDOWN_S
    severity: str = "warning"
    baseline: int = DEFAULT_BASELINE
    min_score: float = DEFAULT_SCORE
    notify: bool = True
    incident: bool = False
    impact: int | None = None
    urgency: int | None = None
    client: str | None = None
    site: str | None = None
    enabled: bool = True
    tz: str = "UTC"  # the zone the filter's hours and weekdays are read in
    push_to: str | None = None  # a ticket connection the rule's incident is pushed to (app.tickets)
    id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None

    def __post_init__(self) -> None:
        check(self)

    @property
    def pattern_id(self) -> int | None:
        return self.filter.pattern_id

    def describe(self) -> str:
        """``≥ 5 in 5m``: the condition in a few words, for listings and incident text."""
        w = format_duration(self.window_s)
        if self.condition == "count":
            return f"≥ {self.threshold} in {w}"
        if self.condition == "spike":
            return f"spike: robust z ≥ {self.min_score:g} over {self.baseline} × {w}, at least {self.threshold}"
        if self.condition == "new_pattern":
            return f"new pattern (at least {self.threshold} in {w})"
        return f"no events for {w}"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types; the filter as saved views store it."""
        out = dataclasses.asdict(self)
        out["filter"] = self.filter.to_dict()
        out["pattern_id"] = self.pattern_id
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rule:
        values = {f.name: data[f.name] for f in dataclasses.fields(cls) if f.name in data}
        values["filter"] = Filter.from_dict(data.get("filter") or {})
        for flag in ("notify", "incident", "enabled"):
            if flag in values:
                values[flag] = bool(values[flag])
        return cls(**values)


def check(rule: Rule) -> None:
    """Refuse a rule that could never work, naming the field (as the CLI's option names it)."""
    name = " ".join(rule.name.split())
    if not name or len(name) > 120:
        raise ValueError("name: give the rule a name of 1 to 120 characters")
    if rule.condition not in CONDITIONS:
        raise ValueError(f"condition: unknown {rule.condition!r}; expected one of {', '.join(CONDITIONS)}")
    if rule.window_s <= 0:
        raise ValueError("window: must be longer than 0 s")
    if rule.cooldown_s < 0:
        raise ValueError("cooldown: cannot be negative")
    if rule.threshold < 1:
        raise ValueError(f"threshold: {rule.threshold} is below 1")
    if rule.baseline < 3:
        raise ValueError(f"baseline: {rule.baseline} windows say nothing about usual; give 3 or more")
    if rule.min_score <= 0:
        raise ValueError(f"score: {rule.min_score:g} must be above 0")
    if rule.severity not in SEVERITIES:
        raise ValueError(f"severity: unknown {rule.severity!r}; expected one of {', '.join(SEVERITIES)}")
    if rule.filter.since or rule.filter.until:
        raise ValueError("since/until: a rule watches events as they arrive; give times to 'rules test' instead")
    if rule.push_to is not None and (not rule.incident or not rule.push_to.strip()):
        raise ValueError("push-to: a rule pushes the incident it opens; give --incident and a connection name")
    if rule.incident:
        for field, value in (("impact", rule.impact), ("urgency", rule.urgency)):
            if value not in (1, 2, 3):
                raise ValueError(f"{field}: an incident rule needs 1 (high), 2 (medium) or 3 (low), got {value!r}")
