"""SLA calendars, targets and the clock, in plain Python.

A calendar says when the clock may run: around the clock (24x7) or business hours
on some weekdays in a zone, minus holidays. The SLA clock of an incident is the
calendar time between two moments that falls inside the calendar and outside its
on-hold spans. Windows are built per local day in the calendar's zone, so a
daylight-saving day has the length the wall clock gives it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from app.domain import timeutil

Span = tuple[dt.datetime, dt.datetime]
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class PolicyError(ValueError):
    """An SLA policy or calendar that cannot be used as written; the message names the field."""


@dataclasses.dataclass(frozen=True)
class Calendar:
    """When the SLA clock runs. ``start``/``end`` of ``None`` mean the whole day.

    An ``end`` at or before ``start`` is a night shift that runs into the next day;
    the window belongs to the weekday it starts on.
    """

    name: str = "24x7"
    zone: str = "UTC"
    days: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)  # Monday = 0
    start: dt.time | None = None
    end: dt.time | None = None
    holidays: frozenset[dt.date] = frozenset()

    @property
    def around_the_clock(self) -> bool:
        return self.start is None and len(set(self.days)) == 7 and not self.holidays

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "zone": self.zone, "days": [DAY_NAMES[d] for d in sorted(self.days)],
            "hours": None if self.start is None else f"{self.start:%H:%M}-{self.end:%H:%M}",
            "holidays": sorted(d.isoformat() for d in self.holidays),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calendar:
        name = str(data.get("name") or "calendar")
        where = f"calendar {name!r}"
        zone = str(data.get("zone") or "UTC")
        try:
            timeutil.get_zone(zone)
        except ValueError as exc:
            raise PolicyError(f"{where}: zone: {exc}") from None
        days = []
        for d in data.get("days") or DAY_NAMES:
            key = str(d).strip().lower()[:3]
            if key not in DAY_NAMES:
                raise PolicyError(f"{where}: days: {d!r} is not a weekday (mon … sun)")
            days.append(DAY_NAMES.index(key))
        start = end = None
        hours = data.get("hours")
        if hours:
            try:
                a, b = str(hours).split("-")
                start, end = dt.time.fromisoformat(a.strip()), _end_time(b.strip())
            except ValueError:
                raise PolicyError(f"{where}: hours: {hours!r} is not like 08:00-18:00") from None
        holidays = set()
        for h in data.get("holidays") or ():
            try:
                holidays.add(dt.date.fromisoformat(str(h)))
            except ValueError:
                raise PolicyError(f"{where}: holidays: {h!r} is not a date like 2026-12-25") from None
        return cls(name, zone, tuple(sorted(set(days))), start, end, frozenset(holidays))


def _end_time(text: str) -> dt.time:
    return dt.time(0, 0) if text in ("24:00", "24") else dt.time.fromisoformat(text)


TWENTY_FOUR_SEVEN = Calendar()


def windows(cal: Calendar, a: dt.datetime, b: dt.datetime) -> Iterator[Span]:
    """The calendar's working spans within [a, b), in UTC and in time order."""
    if b <= a:
        return
    if cal.around_the_clock:
        yield a, b
        return
    zone = timeutil.get_zone(cal.zone)
    day = a.astimezone(zone).date() - dt.timedelta(days=1)  # a night shift may start the day before
    last = b.astimezone(zone).date()
    while day <= last:
        if day.weekday() in cal.days and day not in cal.holidays:
            if cal.start is None:
                s_local = dt.datetime.combine(day, dt.time(0, 0), zone)
                e_local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), zone)
            else:
                assert cal.end is not None
                s_local = dt.datetime.combine(day, cal.start, zone)
                end_day = day if cal.end > cal.start else day + dt.timedelta(days=1)
                e_local = dt.datetime.combine(end_day, cal.end, zone)
            s, e = max(a, s_local.astimezone(timeutil.UTC)), min(b, e_local.astimezone(timeutil.UTC))
            if e > s:
                yield s, e
        day += dt.timedelta(days=1)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching spans joined, in time order."""
    out: list[Span] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def subtract(a: dt.datetime, b: dt.datetime, holes: Sequence[Span]) -> list[Span]:
    """[a, b) with the (merged) ``holes`` cut out."""
    out: list[Span] = []
    cursor = a
    for s, e in merge(holes):
        if e <= cursor or s >= b:
            continue
        if s > cursor:
            out.append((cursor, min(s, b)))
        cursor = max(cursor, e)
        if cursor >= b:
            break
    if cursor < b:
        out.append((cursor, b))
    return out


def clock_minutes(cal: Calendar, a: dt.datetime, b: dt.datetime, holds: Sequence[Span] = ()) -> float:
    """Minutes of [a, b) inside the calendar and outside the on-hold spans."""
    total = 0.0
    for s, e in subtract(a, b, holds):
        for ws, we in windows(cal, s, e):
            total += (we - ws).total_seconds()
    return total / 60.0


def elapsed_minutes(a: dt.datetime, b: dt.datetime) -> float:
    """Plain wall-clock minutes, as MTTA and MTTR use."""
    return (b - a).total_seconds() / 60.0


@dataclasses.dataclass(frozen=True)
class Target:
    """Response and resolution targets, in SLA-clock minutes."""

    response_minutes: float
    resolution_minutes: float


DEFAULT_TARGETS: dict[int, Target] = {
    1: Target(15, 240),
    2: Target(30, 480),
    3: Target(240, 1440),
    4: Target(480, 4320),
}


@dataclasses.dataclass(frozen=True)
class SlaPolicies:
    """Targets per client × priority and a calendar per client; defaults for the rest.

    ``at_risk_share``: an open incident is "at risk" once less than this share of
    its resolution target is left.
    """

    calendars: dict[str, Calendar] = dataclasses.field(default_factory=lambda: {"24x7": TWENTY_FOUR_SEVEN})
    default_calendar: str = "24x7"
    default_targets: dict[int, Target] = dataclasses.field(default_factory=lambda: dict(DEFAULT_TARGETS))
    clients: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    at_risk_share: float = 0.25

    def calendar_for(self, client: str | None) -> Calendar:
        name = (self.clients.get(client or "") or {}).get("calendar") or self.default_calendar
        return self.calendars.get(name, TWENTY_FOUR_SEVEN)

    def target_for(self, client: str | None, priority: int) -> Target | None:
        own = (self.clients.get(client or "") or {}).get("targets") or {}
        return own.get(int(priority)) or self.default_targets.get(int(priority))

    def to_dict(self) -> dict[str, Any]:
        def targets(t: dict[int, Target]) -> dict[str, list[float]]:
            return {f"P{p}": [v.response_minutes, v.resolution_minutes] for p, v in sorted(t.items())}

        return {
            "calendars": [c.to_dict() for c in self.calendars.values()],
            "default_calendar": self.default_calendar,
            "default_targets": targets(self.default_targets),
            "clients": {name: {"calendar": c.get("calendar"), "targets": targets(c.get("targets") or {})}
                        for name, c in sorted(self.clients.items())},
            "at_risk_share": self.at_risk_share,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SlaPolicies:
        """Read the settings JSON; a clear ``PolicyError`` names the bad field."""
        if not data:
            return cls()
        calendars = {"24x7": TWENTY_FOUR_SEVEN}
        for c in data.get("calendars") or ():
            cal = Calendar.from_dict(c)
            calendars[cal.name] = cal
        default_calendar = str(data.get("default_calendar") or "24x7")
        if default_calendar not in calendars:
            raise PolicyError(f"default_calendar: no calendar named {default_calendar!r}")
        defaults = dict(DEFAULT_TARGETS)
        defaults.update(_targets(data.get("default_targets") or {}, "default_targets"))
        clients: dict[str, dict[str, Any]] = {}
        for name, c in (data.get("clients") or {}).items():
            cal_name = c.get("calendar")
            if cal_name and cal_name not in calendars:
                raise PolicyError(f"clients.{name}.calendar: no calendar named {cal_name!r}")
            clients[name] = {"calendar": cal_name, "targets": _targets(c.get("targets") or {}, f"clients.{name}")}
        share = float(data.get("at_risk_share", 0.25))
        if not 0 <= share < 1:
            raise PolicyError(f"at_risk_share: {share} is not between 0 and 1")
        return cls(calendars, default_calendar, defaults, clients, share)


def _targets(data: dict[str, Any], where: str) -> dict[int, Target]:
    out: dict[int, Target] = {}
    for key, value in data.items():
        p = str(key).upper().lstrip("P")
        if p not in ("1", "2", "3", "4"):
            raise PolicyError(f"{where}: {key!r} is not a priority P1-P4")
        try:
            response, resolution = (float(v) for v in value)
        except (TypeError, ValueError):
            raise PolicyError(f"{where}.{key}: expected [response minutes, resolution minutes]") from None
        if response <= 0 or resolution <= 0:
            raise PolicyError(f"{where}.{key}: targets must be positive minutes")
        if response > resolution:
            raise PolicyError(f"{where}.{key}: the response target ({response:g} min) cannot be longer than "
                              f"the resolution target ({resolution:g} min)")
        out[int(p)] = Target(response, resolution)
    return out
