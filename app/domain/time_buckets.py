"""Time buckets on the user's wall clock: where a local minute, hour, day or week starts.

The one home of this arithmetic: the charts (``app.analysis.buckets``) and the
Events timeline (``app.store.events.histogram``) both cut time with it, so a day
bar starts at the same moment in both. Minute and hour buckets are spans of
elapsed time aligned to the local clock (the repeated hour when clocks go back
is two buckets); day and week buckets are local calendar days (23 or 25 hours
on change days) and weeks starting Monday 00:00.
"""

from __future__ import annotations

import datetime as dt

UTC = dt.UTC
SECONDS: dict[str, int] = {"minute": 60, "hour": 3600, "day": 86400, "week": 604800}
# At most this many buckets are listed: a stamp from year 1 beside today's would otherwise be 105,000 weeks.
MAX_STARTS = 100_000


def choose(start: dt.datetime, end: dt.datetime) -> str:
    """The bucket size that gives a readable number of bars for the range."""
    span = (end - start).total_seconds()
    if span <= 4 * 3600:
        return "minute"
    if span <= 8 * 86400:
        return "hour"
    if span <= 180 * 86400:
        return "day"
    return "week"


def local_to_utc(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A naive local wall time → UTC.

    A wall time the clock skips (spring forward) is read with the offset before
    the change, so a skipped midnight (America/Santiago) lands where the clock
    resumes, 01:00, and the day starts then. A time off either end of the calendar
    is clamped to that end.
    """
    try:
        return wall.replace(tzinfo=zone).astimezone(UTC)
    except OverflowError:  # local midnight of 1 Jan, year 1, east of Greenwich: before the calendar starts
        return (dt.datetime.min if wall.year == 1 else dt.datetime.max).replace(tzinfo=UTC)


def floor(moment: dt.datetime, size: str, zone: dt.tzinfo) -> dt.datetime:
    """The UTC start of the bucket holding ``moment``."""
    local = moment.astimezone(zone)
    if size == "minute":
        return local.replace(second=0, microsecond=0).astimezone(UTC)
    if size == "hour":
        return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    day = local.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    if size == "week":
        day -= dt.timedelta(days=day.weekday())
    return local_to_utc(day, zone)


def next_start(start: dt.datetime, size: str, zone: dt.tzinfo) -> dt.datetime:
    """The start of the bucket after the one starting at ``start``."""
    if size in ("minute", "hour"):
        step = dt.timedelta(seconds=SECONDS[size])
        after = floor(start + step, size, zone)  # re-aligned: a 30-minute change (Lord Howe) shifts hours
        return after if after > start else start + step
    local = start.astimezone(zone).replace(tzinfo=None)
    wall = local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=7 if size == "week" else 1)
    return local_to_utc(wall, zone)


def starts_between(start: dt.datetime, end: dt.datetime, size: str, zone: dt.tzinfo) -> list[dt.datetime]:
    """Every bucket start (UTC) from the bucket holding ``start`` up to before ``end``."""
    out: list[dt.datetime] = []
    t = floor(start, size, zone)
    while t < end and len(out) < MAX_STARTS:
        out.append(t)
        t = next_start(t, size, zone)
    return out
