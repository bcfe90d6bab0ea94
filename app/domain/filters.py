"""The one filter shape shared by the Events and Incidents pages, charts, reports and the CLI.

A saved view is this object as JSON, so what a user builds in the GUI can be
replayed with the CLI's options and the other way round.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from app.domain import timeutil
from app.domain.text_search import compile_regex
from app.domain.vocab import LOG_TYPES, SEVERITIES, STATUSES, Priority

_LIST_FIELDS = (
    "log_types", "severities", "hosts", "components", "clients", "sites",
    "include", "exclude", "statuses", "priorities", "hours", "weekdays",
)
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclasses.dataclass(frozen=True)
class Filter:
    """What to show. Empty tuples and ``None`` mean "no restriction".

    ``since``/``until`` hold either a stored-form UTC time or a relative span
    such as ``24h`` (kept relative so a saved "last 24 h" view stays fresh).
    ``hours`` (0-23) and ``weekdays`` (0 = Monday) are on the local clock of the
    zone the filter is applied in: a heatmap cell is "Mondays, 04:00-05:00".
    ``search`` is text found as typed unless it uses the query syntax
    (``app.domain.text_search``); ``regex`` is a regular expression tested on
    the rows every other field leaves. ``pattern`` is a masked message as the
    Top patterns chart shows it for events not yet mined (``app.domain.masking``): events whose
    message masks to exactly that text; it does not apply to incidents. ``pattern_id`` is a mined
    pattern's id (``app.patterns``): that pattern's events, as the Patterns page drills down to them.
    """

    log_types: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    min_severity: str | None = None
    since: str | None = None
    until: str | None = None
    hosts: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    clients: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    search: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    priorities: tuple[int, ...] = ()
    hours: tuple[int, ...] = ()
    weekdays: tuple[int, ...] = ()
    regex: str | None = None
    pattern: str | None = None
    pattern_id: int | None = None

    def __post_init__(self) -> None:
        if self.regex:
            compile_regex(self.regex)
        for name in self.log_types:
            if name not in LOG_TYPES:
                raise ValueError(f"log type: unknown {name!r}; expected one of {', '.join(LOG_TYPES)}")
        for name in self.severities + ((self.min_severity,) if self.min_severity else ()):
            if name not in SEVERITIES:
                raise ValueError(f"severity: unknown {name!r}; expected one of {', '.join(SEVERITIES)}")
        for name in self.statuses:
            if name not in STATUSES:
                raise ValueError(f"status: unknown {name!r}; expected one of {', '.join(STATUSES)}")
        for p in self.priorities:
            Priority(p)
        if any(not (isinstance(h, int) and 0 <= h <= 23) for h in self.hours):
            raise ValueError(f"hour: expected whole hours 0-23, got {list(self.hours)}")
        if any(not (isinstance(d, int) and 0 <= d <= 6) for d in self.weekdays):
            raise ValueError(f"weekday: expected 0 (Monday) to 6 (Sunday), got {list(self.weekdays)}")

    def is_empty(self) -> bool:
        return self == Filter()

    def replace(self, **changes: Any) -> Filter:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Only the fields that restrict, as plain JSON types."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value not in ((), None, ""):
                out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filter:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"filter: unknown field(s) {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {k: tuple(v) if k in _LIST_FIELDS else v for k, v in data.items()}
        return cls(**values)

    def time_bounds(
        self, zone: dt.tzinfo, now: dt.datetime | None = None
    ) -> tuple[str | None, str | None]:
        """``since``/``until`` resolved to stored-form UTC text."""
        def resolve(value: str | None) -> str | None:
            if not value:
                return None
            return timeutil.to_iso(timeutil.parse_user_time(value, zone, now))
        return resolve(self.since), resolve(self.until)


TIME_PRESETS: dict[str, str] = {"1h": "Last hour", "24h": "Last 24 h", "7d": "Last 7 days", "30d": "Last 30 days"}

_CHIP_NAMES = {
    "log_types": "Type", "severities": "Severity", "hosts": "Host", "components": "Component",
    "clients": "Client", "sites": "Site", "statuses": "Status", "priorities": "Priority",
    "weekdays": "Weekday", "hours": "Hour",
}


@dataclasses.dataclass(frozen=True)
class Restriction:
    """One removable piece of a filter, as the filter bar shows it as a chip."""

    field: str
    value: Any
    label: str


def restrictions(f: Filter, zone: dt.tzinfo | None = None) -> list[Restriction]:
    """The filter split into the pieces a user can remove one at a time."""
    out: list[Restriction] = []
    for name, title in _CHIP_NAMES.items():
        for value in getattr(f, name):
            shown = f"P{value}" if name == "priorities" else value
            if name == "hours":
                shown = f"{value:02d}:00–{value + 1:02d}:00"
            elif name == "weekdays":
                shown = WEEKDAYS[value]
            out.append(Restriction(name, value, f"{title}: {shown}"))
    if f.min_severity:
        out.append(Restriction("min_severity", f.min_severity, f"Severity ≥ {f.min_severity}"))
    if f.since or f.until:
        out.append(Restriction("time", None, describe_time(f, zone)))
    if f.search:
        out.append(Restriction("search", f.search, f"Search: {f.search}"))
    if f.regex:
        out.append(Restriction("regex", f.regex, f"Regex: /{f.regex}/"))
    if f.pattern:
        shown = f.pattern if len(f.pattern) <= 60 else f.pattern[:59] + "…"
        out.append(Restriction("pattern", f.pattern, f"Message like: {shown}"))
    if f.pattern_id is not None:
        out.append(Restriction("pattern_id", f.pattern_id, f"Pattern: #{f.pattern_id}"))
    for term in f.include:
        out.append(Restriction("include", term, f"Contains: {term}"))
    for term in f.exclude:
        out.append(Restriction("exclude", term, f"Not: {term}"))
    return out


def without(f: Filter, r: Restriction) -> Filter:
    """``f`` with one restriction removed."""
    if r.field == "time":
        return f.replace(since=None, until=None)
    if r.field in ("min_severity", "search", "regex", "pattern", "pattern_id"):
        return f.replace(**{r.field: None})
    return f.replace(**{r.field: tuple(v for v in getattr(f, r.field) if v != r.value)})


def describe_time(f: Filter, zone: dt.tzinfo | None = None) -> str:
    """``Last 24 h`` for a preset, else the bounds in ``zone``."""
    if f.since in TIME_PRESETS and not f.until:
        return TIME_PRESETS[f.since]

    def show(value: str) -> str:
        if value[:-1].isdigit():
            return f"{value} ago"
        try:
            return timeutil.display(value, zone or timeutil.UTC, "%Y-%m-%d %H:%M")
        except ValueError:
            return value
    if f.since and f.until:
        return f"{show(f.since)} → {show(f.until)}"
    return f"From {show(f.since)}" if f.since else f"Before {show(f.until or '')}"
