"""How SLA figures read to a person: durations, time left or overdue, which target was breached.

Imported incidents can be years old, so raw minutes ("-94174h 4m", "5654802
minutes") are unreadable: past 48 hours a duration is shown in days, with
thousands separators, and a missed deadline says "overdue" instead of a minus
sign. ``breached`` alone next to a positive time left looks wrong when only the
response target was missed, so the label names the breached target.

The figures are the ones ``app.analysis.sla.compute`` returns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from app.domain.vocab import Status

DAYS_FROM_MINUTES = 48 * 60


def count(minutes: float) -> str:
    """Whole minutes with separators: ``5,654,802`` (cut, not rounded, like ``span``: 0.5 min is 0)."""
    return f"{int(minutes):,}"


def span(minutes: float) -> str:
    """A length of time: ``45 min``, ``35 h 21 min``, ``3,924 d 1 h`` (days past 48 hours)."""
    m = int(abs(minutes))
    if m < 60:
        return f"{m} min"
    if m < DAYS_FROM_MINUTES:
        hours, rest = divmod(m, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, rest = divmod(m, 1440)
    hours = rest // 60
    return f"{days:,} d {hours} h" if hours else f"{days:,} d"


def remaining(minutes: float) -> str:
    """Time left before a deadline, or how far past it: ``35 h 21 min`` / ``3,924 d 1 h overdue``.

    Time left is rounded down and overdue time up, so neither ever looks better than it is.
    """
    if minutes >= 0:
        return span(math.floor(minutes))
    return f"{span(math.ceil(-minutes))} overdue"


def state_label(figures: Mapping[str, Any]) -> str:
    """The SLA column's text: the state, naming the breached target (``response breached``)."""
    state = str(figures.get("sla_state") or "")
    if figures.get("status") == Status.ON_HOLD and state in ("running", "at risk"):
        return "paused (on hold)"  # the SLA clock stops while the incident waits on someone else
    if state != "breached":
        return state
    response, resolution = figures.get("response_breached"), figures.get("resolution_breached")
    if response and resolution:
        return "both breached"
    if response:
        return "response breached"
    if resolution:
        return "resolution breached"
    return state


def explanation(figures: Mapping[str, Any], resolved: bool) -> str:
    """One line per target (met, missed and by how much, or time left), for a tooltip."""
    response_target = figures.get("response_target_minutes")
    resolution_target = figures.get("resolution_target_minutes")
    if figures.get("sla_state") == "n/a" or (response_target is None and resolution_target is None):
        return "No SLA target applies (cancelled, or no target for this priority)."
    lines = []
    if response_target is not None:
        ack = figures.get("time_to_ack_minutes")
        after = f"acknowledged {span(ack)} after opening" if ack is not None else "not acknowledged yet"
        verdict = "missed" if figures.get("response_breached") else ("met" if ack is not None else "running")
        lines.append(f"Response target ({span(response_target)}): {verdict}, {after}.")
    if resolution_target is not None:
        left = figures.get("time_left_minutes")
        if figures.get("resolution_breached"):
            by = f" by {span(math.ceil(-left))}" if left is not None and left < 0 else ""
            lines.append(f"Resolution target ({span(resolution_target)}): missed{by}.")
        elif resolved:
            lines.append(f"Resolution target ({span(resolution_target)}): met.")
        elif left is not None:
            lines.append(f"Resolution target ({span(resolution_target)}): {remaining(left)} left.")
    if figures.get("sla_calendar"):
        lines.append(f"SLA clock: {figures['sla_calendar']} calendar.")
    return "\n".join(lines)


def days_text(days: tuple[int, ...] | list[int]) -> str:
    """Weekdays (0 = Monday) as the form shows them: ``mon-fri``, ``mon, wed, sat-sun``."""
    from app.domain.sla import DAY_NAMES

    parts: list[str] = []
    run: list[int] = []
    for d in sorted(set(days)) + [99]:
        if run and d == run[-1] + 1:
            run.append(d)
            continue
        if run:
            parts.append(DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}")
        run = [d]
    return ", ".join(parts)


def parse_days(text: str) -> tuple[int, ...]:
    """``mon-fri``, ``Mon, Wed, sat-sun`` -> weekday numbers; ``ValueError`` names the word it cannot read."""
    from app.domain.sla import DAY_NAMES

    def day(word: str) -> int:
        key = word.strip().lower()[:3]
        if key not in DAY_NAMES or not word.strip().lower().startswith(key):
            raise ValueError(f"“{word.strip()}” is not a weekday (mon … sun)")
        return DAY_NAMES.index(key)

    out: set[int] = set()
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        if "-" in part:
            a, b = (day(w) for w in part.split("-", 1))
            out.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)])
        else:
            out.add(day(part))
    if not out:
        raise ValueError("no weekdays given (e.g. mon-fri)")
    return tuple(sorted(out))
